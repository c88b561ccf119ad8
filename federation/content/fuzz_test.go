package content

import (
	"testing"
	"unicode/utf8"

	"github.com/guildhall/guildhall/federation/content/contenttest"
)

// Seeds: the XSS corpus plus Markdown constructs (adapters/markdown fuzzes the renderer with the
// same list).
var fuzzSeeds = []string{
	`<p>hi<script>alert(1)</script><img src=x onerror=alert(1)></p>`,
	`<a href="jav&#x09;ascript:alert(1)">x</a>`,
	`<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
	`<svg><style><img src=x onerror=alert(1)></style></svg>`,
	`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
	`[x](javascript:alert(1)) ![y](data:text/html,x) <https://x.example/#t>`,
	"@alice @bob@remote.example #tag #Café `@alice` https://x.example/@alice/#tag",
	"```\n<script>\n```\n\n# h\n\n> q\n\n* l",
	`<a href="https://ok.example/" onclick=alert(1) class="u-url evil">x</a>`,
}

// FuzzSanitize: whatever remote HTML arrives, the output stays inside the
// contract (contenttest.CheckSafeHTML re-parses it as a browser would) and is stable
// under a second pass.
func FuzzSanitize(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	s := NewSanitizer()
	f.Fuzz(func(t *testing.T, in string) {
		out := s.Sanitize(in)
		if err := contenttest.CheckSafeHTML(out); err != nil {
			t.Fatal(err)
		}
		if err := contenttest.CheckSafeHTML(s.Sanitize(out)); err != nil {
			t.Fatalf("second pass: %v", err)
		}
		if txt := s.SanitizeText(in, 50); utf8.RuneCountInString(txt) > 50 {
			t.Fatalf("SanitizeText exceeded bound: %q", txt)
		}
		_ = PlainText(in)
	})
}
