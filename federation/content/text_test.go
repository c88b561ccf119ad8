package content

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestSanitizeText covers security.md XSS-06 (HTML in plain-text fields)
// and XSS-08c (bidi overrides, zalgo).
func TestSanitizeText(t *testing.T) {
	s := NewSanitizer()
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"empty", "", 10, ""},
		{"plain", "Clerk of the Council", 0, "Clerk of the Council"},
		{"XSS-06 img onerror", `<img src=x onerror=alert(1)>`, 0, ""},
		{"XSS-06 tags stripped, text kept", `Tom <b>Bold</b> <script>alert(1)</script>Smith`, 0, "Tom Bold Smith"},
		{"entities decoded to text", `Tom &amp; Jerry &lt;3`, 0, "Tom & Jerry <3"},
		{"escaped markup comes back as text", `&lt;script&gt;`, 0, "<script>"},
		{"br becomes newline", "line1<br>line2", 0, "line1\nline2"},
		{"newlines kept for alt text", "a photo\nof a cat", 0, "a photo\nof a cat"},
		{"control characters removed", "a\x00b\x07c\r\nd", 0, "abc\nd"},
		{"XSS-08c bidi override removed", "evil\u202Egnp.exe", 0, "evilgnp.exe"},
		{"bidi isolates removed, LRM kept", "a\u2066b\u2069c\u200E", 0, "abc\u200E"},
		{"XSS-08c zalgo capped", "Z" + strings.Repeat("\u0301", 50), 0, "Z" + strings.Repeat("\u0301", maxCombiningRun)},
		{"real combining marks kept", "Tiếng Việt हिन्दी", 0, "Tiếng Việt हिन्दी"},
		{"bounded by runes not bytes", "日本語のテキスト", 3, "日本語"},
		{"bound counts after trimming", "   abc   ", 2, "ab"},
		{"no trailing space after cut", "ab cd", 3, "ab"},
		{"invalid UTF-8 replaced", "a\xffb", 0, "a\uFFFDb"},
		{"style content dropped", "<style>body{}</style>Name", 0, "Name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := s.SanitizeText(tt.in, tt.max)
			if got != tt.want {
				t.Errorf("SanitizeText(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
			if tt.max > 0 && utf8.RuneCountInString(got) > tt.max {
				t.Errorf("result has %d runes, max %d", utf8.RuneCountInString(got), tt.max)
			}
		})
	}
}

func TestPlainText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"paragraphs", `<p>Hello <b>world</b></p><p>second</p>`, "Hello world\n\nsecond"},
		{"br", `<p>a<br>b<br/><br>c</p>`, "a\nb\n\nc"},
		{"entities decoded", `<p>Tom &amp; Jerry &lt;3 &#x1F600;</p>`, "Tom & Jerry <3 😀"},
		{"whitespace collapsed", "<p>  a \n\t b  </p>", "a b"},
		{"pre kept verbatim", "<pre>a  b\n  c</pre>", "a  b\n  c"},
		{"list items on lines", `<ul><li>one</li><li>two</li></ul><p>after</p>`, "one\ntwo\n\nafter"},
		{"script and style dropped", `<p>x<script>alert(1)</script><style>*{}</style>y</p>`, "xy"},
		{"Mastodon shortened link shows full URL", `<p><a href="https://example.com/long/path"><span class="invisible">https://</span><span class="ellipsis">example.com/lo</span><span class="invisible">ng/path</span></a></p>`, "https://example.com/long/path"},
		{"mention", `<p><span class="h-card"><a href="https://m.example/@bob" class="u-url mention">@<span>bob</span></a></span> hi</p>`, "@bob hi"},
		{"headings and quotes", `<h1>T</h1><blockquote><p>q</p></blockquote>tail`, "T\n\nq\n\ntail"},
		{"not HTML at all", "just text", "just text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PlainText(tt.in); got != tt.want {
				t.Errorf("PlainText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
