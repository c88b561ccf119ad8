package questions

import (
	"reflect"
	"testing"

	ap "github.com/guildhall/guildhall/activitypub"
)

func TestSearchWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"How do you handle fly-tipping reports?", []string{"fly", "tippi", "repor"}},
		{"What's the process for reporting fly tipping?", []string{"proce", "repor", "fly", "tippi"}},
		{"how do you do it", nil},
		{`"quoted" OR NEAR(x) * -- ;`, []string{"quote", "near"}},
		{"Ümlaut Straße straße", []string{"ümlau", "straß"}},
	}
	for _, tc := range tests {
		if got := SearchWords(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("SearchWords(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestAnsweredLine(t *testing.T) {
	body := "<p>Which CMS?</p><p>For the site.</p>"
	ans := &ap.Status{URI: "https://c.test/s/1", URL: "https://c.test/@carol/1", Content: `<p>Drupal &amp; <a href="x">friends</a> <script>x</script></p>`}
	with := body + answeredLine(ans)
	want := body + `<p class="answered">✅ Answered: <a href="https://c.test/@carol/1">Drupal &amp; friends x</a></p>`
	if with != want {
		t.Fatalf("got  %s\nwant %s", with, want)
	}
	if got := withoutAnsweredLine(with); got != body {
		t.Fatalf("clearing left %q", got)
	}
	if got := withoutAnsweredLine(body); got != body {
		t.Fatalf("a question without the line changed: %q", got)
	}
	long := &ap.Status{URI: "u", Content: "<p>aaaaaaaaaa aaaaaaaaaa aaaaaaaaaa aaaaaaaaaa aaaaaaaaaa aaaaaaaaaa aaaaaaaaaa aaaaaaaaaa aaaaaaaaaa</p>"}
	if ex := Excerpt(long.Content, excerptChars); len([]rune(ex)) != excerptChars || ex[len(ex)-len("…"):] != "…" {
		t.Fatalf("excerpt %q (%d runes)", ex, len([]rune(ex)))
	}
}
