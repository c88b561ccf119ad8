package markdown

import "testing"

// benchPost is a typical ~500-character council post: a mention, a remote
// mention, hashtags, a long link, two paragraphs and light Markdown.
const benchPost = `Good evening @alice and @bob@remote.example — the **planning committee** agenda for Thursday is now published: https://council.example/meetings/2026/planning-committee/agenda-item-7?format=pdf

Items include the *Riverside* footpath repairs, the library opening hours consultation and the ~~parking~~ transport review. Questions can be sent in advance or asked from the public gallery. Please share with neighbours! #Planning #Riverside #LocalDemocracy`

func BenchmarkRenderPlain(b *testing.B) {
	benchmarkRender(b, FormatPlain)
}

func BenchmarkRenderMarkdown(b *testing.B) {
	benchmarkRender(b, FormatMarkdown)
}

func benchmarkRender(b *testing.B, f Format) {
	r := newTestRenderer(b)
	b.SetBytes(int64(len(benchPost)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Render(benchPost, f, testResolver); err != nil {
			b.Fatal(err)
		}
	}
}
