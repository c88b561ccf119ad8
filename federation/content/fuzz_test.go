package content

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// addSeeds adds fuzzSeeds plus the real GoToSocial note bodies in testdata/seeds (copied from
// shared/fixtures/gotosocial so the targets run from the repository alone).
func addSeeds(f *testing.F, add func(string)) {
	f.Helper()
	for _, s := range fuzzSeeds {
		add(s)
	}
	files, _ := filepath.Glob("testdata/seeds/*.html")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		add(string(b))
	}
}

// maxGrowth bounds how much larger than its input an output may be: escaping turns one byte into
// at most six ("&#34;"), and rel/target/class attributes are added per link. A blow-up beyond
// this is an amplification a hostile peer could use.
func maxGrowth(in string) int { return 8*len(in) + 256 }

// Seeds shared by both fuzzers: the XSS corpus plus Markdown constructs.
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
// contract (checkSafeHTML re-parses it as a browser would) and is stable
// under a second pass.
//
// The sanitiser is also idempotent: sanitising its own output changes nothing, so content that
// travels Guildhall → Guildhall (or is re-sanitised on edit) is stable, and its output is bounded.
func FuzzSanitize(f *testing.F) {
	addSeeds(f, func(s string) { f.Add(s) })
	s := NewSanitizer()
	f.Fuzz(func(t *testing.T, in string) {
		out := s.Sanitize(in)
		if err := checkSafeHTML(out); err != nil {
			t.Fatal(err)
		}
		if len(out) > maxGrowth(in) {
			t.Fatalf("output of %d bytes for %d bytes of input", len(out), len(in))
		}
		again := s.Sanitize(out)
		if err := checkSafeHTML(again); err != nil {
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

// FuzzRender: whatever a local user types, in either format, the output
// stays inside the contract, is bounded, survives the sanitiser a receiving
// server runs unchanged in meaning (still safe), and every reported tag is
// lower-cased.
func FuzzRender(f *testing.F) {
	addSeeds(f, func(s string) {
		f.Add(s, true)
		f.Add(s, false)
	})
	r := newTestRenderer(f)
	san := NewSanitizer()
	f.Fuzz(func(t *testing.T, in string, markdown bool) {
		format := FormatPlain
		if markdown {
			format = FormatMarkdown
		}
		got, err := r.Render(in, format, testResolver)
		if err != nil {
			t.Fatal(err)
		}
		if err := checkSafeHTML(got.HTML); err != nil {
			t.Fatal(err)
		}
		// Each mention, hashtag or URL becomes a link with its own href, class and rel.
		links := strings.Count(in, "@") + strings.Count(in, "#") + strings.Count(in, ":") + strings.Count(in, "www.")
		if len(got.HTML) > maxGrowth(in)+256*links {
			t.Fatalf("output of %d bytes for %d bytes of input", len(got.HTML), len(in))
		}
		// What we render is what other Guildhall instances sanitise on receipt: it must
		// come through safe, and a second pass must not change it further.
		once := san.Sanitize(got.HTML)
		if err := checkSafeHTML(once); err != nil {
			t.Fatalf("rendered then sanitised: %v", err)
		}
		if twice := san.Sanitize(once); twice != once {
			t.Fatalf("sanitising rendered output is not stable:\n%q\n%q", once, twice)
		}
		for _, tag := range got.Tags {
			if tag == "" || tag != strings.ToLower(tag) {
				t.Fatalf("bad tag %q", tag)
			}
		}
	})
}
