package content

import (
	"os"
	"path/filepath"
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

// maxGrowth bounds how much larger than its input the sanitiser's output may be: escaping turns
// one byte into at most six ("&#34;"), and rel/target attributes are added per link. A blow-up
// beyond this is an amplification a hostile peer could use.
func maxGrowth(in string) int { return 8*len(in) + 256 }

// FuzzSanitize: whatever remote HTML arrives, the output stays inside the
// contract (contenttest.CheckSafeHTML re-parses it as a browser would), is
// bounded, and is idempotent: sanitising its own output changes nothing, so
// content that travels Guildhall → Guildhall (or is re-sanitised on edit) is
// stable. Seeds add the real GoToSocial note bodies in testdata/seeds.
func FuzzSanitize(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	files, _ := filepath.Glob("testdata/seeds/*.html")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	s := NewSanitizer()
	f.Fuzz(func(t *testing.T, in string) {
		out := s.Sanitize(in)
		if err := contenttest.CheckSafeHTML(out); err != nil {
			t.Fatal(err)
		}
		if len(out) > maxGrowth(in) {
			t.Fatalf("output of %d bytes for %d bytes of input", len(out), len(in))
		}
		again := s.Sanitize(out)
		if err := contenttest.CheckSafeHTML(again); err != nil {
			t.Fatalf("second pass: %v", err)
		}
		if again != out {
			t.Fatalf("not idempotent:\n in: %q\n 1st: %q\n 2nd: %q", in, out, again)
		}
		if txt := s.SanitizeText(in, 50); utf8.RuneCountInString(txt) > 50 {
			t.Fatalf("SanitizeText exceeded bound: %q", txt)
		}
		_ = PlainText(in)
	})
}
