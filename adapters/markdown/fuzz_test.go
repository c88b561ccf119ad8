package markdown

import (
	"strings"
	"testing"

	"github.com/guildhall/guildhall/federation/content"
	"github.com/guildhall/guildhall/federation/content/contenttest"
)

// Seeds: the XSS corpus plus Markdown constructs, as federation/content's sanitiser fuzzer.
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

// FuzzRender: whatever a local user types, in either format, the output stays inside the
// contract, is bounded, survives the sanitiser a receiving Guildhall runs (still safe, and a
// second pass changes nothing), and every reported tag is lower-cased.
func FuzzRender(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, true)
		f.Add(s, false)
	}
	r := newTestRenderer(f)
	san := content.NewSanitizer()
	f.Fuzz(func(t *testing.T, in string, markdown bool) {
		format := FormatPlain
		if markdown {
			format = FormatMarkdown
		}
		got, err := r.Render(in, format, testResolver)
		if err != nil {
			t.Fatal(err)
		}
		if err := contenttest.CheckSafeHTML(got.HTML); err != nil {
			t.Fatal(err)
		}
		// Escaping grows a byte to at most six; each mention, hashtag or URL becomes a link
		// with its own href, class and rel. In Markdown one byte can also open and close a
		// container: ">" nested is "<blockquote>\n…</blockquote>\n", 27 bytes per level, so
		// the bound there is linear with a larger factor.
		perByte := 8
		if markdown {
			perByte = 28
		}
		links := strings.Count(in, "@") + strings.Count(in, "#") + strings.Count(in, ":") + strings.Count(in, "www.")
		if len(got.HTML) > perByte*len(in)+256+256*links {
			t.Fatalf("output of %d bytes for %d bytes of input", len(got.HTML), len(in))
		}
		once := san.Sanitize(got.HTML)
		if err := contenttest.CheckSafeHTML(once); err != nil {
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
