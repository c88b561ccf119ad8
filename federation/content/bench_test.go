package content

import "testing"

// benchRemoteHTML is a typical ~500-character council post as Mastodon-style markup (mentions, a
// shortened link, hashtags): what adapters/markdown's renderer makes of its benchmark post.
const benchRemoteHTML = `<p>Good evening <span class="h-card"><a class="u-url mention" href="https://council.example/@alice" rel="nofollow noreferrer noopener" target="_blank">@<span>alice</span></a></span> and <span class="h-card"><a class="u-url mention" href="https://remote.example/@bob" rel="nofollow noreferrer noopener" target="_blank">@<span>bob</span></a></span> — the **planning committee** agenda for Thursday is now published: <a href="https://council.example/meetings/2026/planning-committee/agenda-item-7?format=pdf" rel="nofollow noreferrer noopener" target="_blank"><span class="invisible">https://</span><span class="ellipsis">council.example/meetings/2026/</span><span class="invisible">planning-committee/agenda-item-7?format=pdf</span></a></p><p>Items include the *Riverside* footpath repairs, the library opening hours consultation and the ~~parking~~ transport review. Questions can be sent in advance or asked from the public gallery. Please share with neighbours! <a class="mention hashtag" href="https://council.example/tags/planning" rel="tag nofollow noreferrer noopener" target="_blank">#<span>Planning</span></a> <a class="mention hashtag" href="https://council.example/tags/riverside" rel="tag nofollow noreferrer noopener" target="_blank">#<span>Riverside</span></a> <a class="mention hashtag" href="https://council.example/tags/localdemocracy" rel="tag nofollow noreferrer noopener" target="_blank">#<span>LocalDemocracy</span></a></p>`

func BenchmarkSanitize(b *testing.B) {
	s := NewSanitizer()
	b.SetBytes(int64(len(benchRemoteHTML)))
	b.ReportAllocs()
	for b.Loop() {
		_ = s.Sanitize(benchRemoteHTML)
	}
}
