package markdown

import (
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/guildhall/guildhall/federation/content"
	"github.com/guildhall/guildhall/federation/content/contenttest"
)

const testBase = "https://council.example"

// okLink is what the Sanitizer adds to every link.
const okLink = ` rel="nofollow noreferrer noopener" target="_blank"`

func newTestRenderer(t testing.TB) *Renderer {
	t.Helper()
	r, err := NewRenderer(RendererOptions{BaseURL: testBase + "/", Sanitizer: content.NewSanitizer()})
	if err != nil {
		t.Fatalf("NewRenderer: %v", err)
	}
	return r
}

// testResolver knows a local alice and a remote bob; everyone else is unknown.
func testResolver(username, host string) (string, bool) {
	switch username + "@" + host {
	case "alice@":
		return testBase + "/@alice", true
	case "bob@remote.example":
		return "https://remote.example/@bob", true
	}
	return "", false
}

// Expected markup after the Sanitizer (which adds rel/target to every link).
func wantMention(href, user string) string {
	return `<span class="h-card"><a class="u-url mention" href="` + href + `"` + okLink + `>@<span>` + user + `</span></a></span>`
}

func wantTag(path, display string) string {
	return `<a class="mention hashtag" href="` + testBase + `/tags/` + path + `" rel="tag nofollow noreferrer noopener" target="_blank">#<span>` + display + `</span></a>`
}

func wantLink(href, shown string) string {
	return `<a href="` + href + `"` + okLink + `><span class="invisible">https://</span>` + shown + `</a>`
}

var (
	alice = Mention{Username: "alice", Href: testBase + "/@alice"}
	bob   = Mention{Username: "bob", Host: "remote.example", Href: "https://remote.example/@bob"}
)

type renderCase struct {
	name     string
	in       string
	want     string
	mentions []Mention
	tags     []string
}

func runRenderCases(t *testing.T, format Format, tests []renderCase) {
	t.Helper()
	r := newTestRenderer(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Render(tt.in, format, testResolver)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			if got.HTML != tt.want {
				t.Errorf("HTML\n got %q\nwant %q", got.HTML, tt.want)
			}
			if !reflect.DeepEqual(got.Mentions, tt.mentions) {
				t.Errorf("Mentions = %+v, want %+v", got.Mentions, tt.mentions)
			}
			if !reflect.DeepEqual(got.Tags, tt.tags) {
				t.Errorf("Tags = %q, want %q", got.Tags, tt.tags)
			}
			if got.Text != tt.in {
				t.Errorf("Text = %q, want the source", got.Text)
			}
			if err := contenttest.CheckSafeHTML(got.HTML); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestRenderPlain(t *testing.T) {
	runRenderCases(t, FormatPlain, []renderCase{
		{name: "empty", in: "", want: ""},
		{name: "simple", in: "hello", want: "<p>hello</p>"},
		{name: "HTML escaped", in: `<b>x</b> & "q" 'a'`, want: `<p>&lt;b&gt;x&lt;/b&gt; &amp; &#34;q&#34; &#39;a&#39;</p>`},
		{name: "script escaped", in: `<script>alert(1)</script>`, want: `<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>`},
		{name: "paragraphs and line breaks", in: "a\nb\n\n\n  \nc", want: "<p>a<br/>b</p><p>c</p>"},
		{name: "CRLF", in: "a\r\nb\r\n\r\nc", want: "<p>a<br/>b</p><p>c</p>"},
		{name: "short URL", in: "see https://example.com/x", want: "<p>see " + wantLink("https://example.com/x", "example.com/x") + "</p>"},
		{name: "long URL shortened like Mastodon",
			in: "https://example.com/very/long/path/that/goes/on?x=1",
			want: `<p><a href="https://example.com/very/long/path/that/goes/on?x=1"` + okLink + `><span class="invisible">https://</span>` +
				`<span class="ellipsis">example.com/very/long/path/tha</span><span class="invisible">t/goes/on?x=1</span></a></p>`},
		{name: "URL trailing punctuation and brackets",
			in:   "see (https://x.example/a_(b)) and https://y.example/path.",
			want: "<p>see (" + wantLink("https://x.example/a_(b)", "x.example/a_(b)") + ") and " + wantLink("https://y.example/path", "y.example/path") + ".</p>"},
		{name: "javascript URL not linked", in: "javascript:alert(1)", want: "<p>javascript:alert(1)</p>"},
		{name: "local mention", in: "hi @alice!", want: "<p>hi " + wantMention(alice.Href, "alice") + "!</p>", mentions: []Mention{alice}},
		{name: "remote mention", in: "@bob@remote.example: hi", want: "<p>" + wantMention(bob.Href, "bob") + ": hi</p>", mentions: []Mention{bob}},
		{name: "remote host case-insensitive, trailing dot", in: "cc @bob@Remote.Example.", want: "<p>cc " + wantMention(bob.Href, "bob") + ".</p>", mentions: []Mention{bob}},
		{name: "own host means local", in: "@alice@council.example", want: "<p>" + wantMention(alice.Href, "alice") + "</p>", mentions: []Mention{alice}},
		{name: "unknown mention stays text", in: "@nobody and @bob@elsewhere.example", want: "<p>@nobody and @bob@elsewhere.example</p>"},
		{name: "email is not a mention", in: "mail alice@remote.example or bob@remote.example", want: "<p>mail alice@remote.example or bob@remote.example</p>"},
		{name: "mention in URL not linked", in: "https://x.example/@alice/#tag", want: "<p>" + wantLink("https://x.example/@alice/#tag", "x.example/@alice/#tag") + "</p>"},
		{name: "mentions de-duplicated in order", in: "@bob@remote.example @alice @Alice @bob@remote.example",
			want:     "<p>" + wantMention(bob.Href, "bob") + " " + wantMention(alice.Href, "alice") + " " + wantMention(alice.Href, "Alice") + " " + wantMention(bob.Href, "bob") + "</p>",
			mentions: []Mention{bob, alice}},
		{name: "hashtag", in: "#Council meeting", want: "<p>" + wantTag("council", "Council") + " meeting</p>", tags: []string{"council"}},
		{name: "unicode hashtags", in: "#Café #日本 #Ünïcødé_2",
			want: "<p>" + wantTag("caf%C3%A9", "Café") + " " + wantTag("%E6%97%A5%E6%9C%AC", "日本") + " " + wantTag("%C3%BCn%C3%AFc%C3%B8d%C3%A9_2", "Ünïcødé_2") + "</p>",
			tags: []string{"café", "日本", "ünïcødé_2"}},
		{name: "hashtag not inside a word or after slash", in: "foo#bar a/#b c)#d", want: "<p>foo#bar a/#b c)#d</p>"},
		{name: "numeric hashtag is text", in: "issue #123", want: "<p>issue #123</p>"},
		{name: "hashtags de-duplicated case-insensitively", in: "#Tag #tag #TAG",
			want: "<p>" + wantTag("tag", "Tag") + " " + wantTag("tag", "tag") + " " + wantTag("tag", "TAG") + "</p>", tags: []string{"tag"}},
		{name: "hashtag in URL not linked", in: "https://x.example/#tag", want: "<p>" + wantLink("https://x.example/#tag", "x.example/#tag") + "</p>"},
	})
}

func TestRenderMarkdown(t *testing.T) {
	runRenderCases(t, FormatMarkdown, []renderCase{
		{name: "empty", in: "", want: ""},
		{name: "emphasis and strikethrough", in: "*a* **b** ~~c~~", want: "<p><em>a</em> <strong>b</strong> <del>c</del></p>"},
		{name: "hard wraps", in: "a\nb", want: "<p>a<br/>\nb</p>"},
		{name: "raw HTML block dropped", in: "<script>alert(1)</script>", want: ""},
		{name: "inline raw HTML dropped", in: "x <img src=x onerror=alert(1)> y", want: "<p>x  y</p>"},
		{name: "javascript link unwrapped", in: "[click](javascript:alert(1))", want: "<p>click</p>"},
		{name: "data link unwrapped", in: "[x](data:text/html;base64,PHNjcmlwdD4=)", want: "<p>x</p>"},
		{name: "heading becomes strong", in: "# Agenda #budget", want: "<p><strong>Agenda " + wantTag("budget", "budget") + "</strong></p>", tags: []string{"budget"}},
		{name: "image becomes link", in: "![a cat @alice](https://x.example/c.png)", want: `<p><a href="https://x.example/c.png"` + okLink + `>a cat @alice</a></p>`},
		{name: "linkify", in: "see https://x.example/#tag", want: "<p>see " + wantLink("https://x.example/#tag", "x.example/#tag") + "</p>"},
		{name: "mention and tag in prose", in: "*@alice* likes #Café", want: "<p><em>" + wantMention(alice.Href, "alice") + "</em> likes " + wantTag("caf%C3%A9", "Café") + "</p>",
			mentions: []Mention{alice}, tags: []string{"café"}},
		{name: "mention split by delimiter nodes", in: "@bob@remote.example and #foo_bar_baz",
			want: "<p>" + wantMention(bob.Href, "bob") + " and " + wantTag("foo_bar_baz", "foo_bar_baz") + "</p>", mentions: []Mention{bob}, tags: []string{"foo_bar_baz"}},
		{name: "mention at end of line keeps break", in: "@alice\nnext", want: "<p>" + wantMention(alice.Href, "alice") + "<br/>\nnext</p>", mentions: []Mention{alice}},
		{name: "not in code span", in: "`@alice #tag`", want: "<p><code>@alice #tag</code></p>"},
		{name: "not in fenced code", in: "```\n@alice #tag\n```", want: "<pre><code>@alice #tag\n</code></pre>"},
		{name: "not in indented code", in: "    @alice #tag", want: "<pre><code>@alice #tag\n</code></pre>"},
		{name: "not in link text or URL", in: "[@alice #tag](https://x.example/#tag)", want: `<p><a href="https://x.example/#tag"` + okLink + `>@alice #tag</a></p>`},
		{name: "escaped hashtag", in: `\#notatag #yes`, want: "<p>#notatag " + wantTag("yes", "yes") + "</p>", tags: []string{"yes"}},
		{name: "email autolinked, not a mention", in: "alice@remote.example", want: `<p><a href="mailto:alice@remote.example" rel="nofollow noreferrer">alice@remote.example</a></p>`},
		{name: "list and quote", in: "* @alice\n\n> #tag",
			want:     "<ul>\n<li>" + wantMention(alice.Href, "alice") + "</li>\n</ul>\n<blockquote>\n<p>" + wantTag("tag", "tag") + "</p>\n</blockquote>",
			mentions: []Mention{alice}, tags: []string{"tag"}},
	})
}

func TestRenderNilResolver(t *testing.T) {
	r := newTestRenderer(t)
	for _, f := range []Format{FormatPlain, FormatMarkdown} {
		t.Run(f.String(), func(t *testing.T) {
			got, err := r.Render("@alice #tag", f, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Mentions) != 0 || strings.Contains(got.HTML, "mention\"") || !reflect.DeepEqual(got.Tags, []string{"tag"}) {
				t.Errorf("got %+v", got)
			}
		})
	}
}

// TestRenderResolverCalledOncePerHandle: the resolver may hit the database.
func TestRenderResolverCalledOncePerHandle(t *testing.T) {
	r := newTestRenderer(t)
	calls := map[string]int{}
	resolve := func(u, h string) (string, bool) {
		calls[u+"@"+h]++
		return testResolver(u, h)
	}
	if _, err := r.Render("@alice @alice @ALICE @x @x @alice@council.example", FormatPlain, resolve); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"alice@": 1, "x@": 1}
	if !reflect.DeepEqual(calls, want) {
		t.Errorf("calls = %v, want %v", calls, want)
	}
}

func TestRenderUnknownFormat(t *testing.T) {
	r := newTestRenderer(t)
	if _, err := r.Render("x", Format(42), nil); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("err = %v, want ErrUnknownFormat", err)
	}
}

func TestRenderTooLong(t *testing.T) {
	r, err := NewRenderer(RendererOptions{BaseURL: testBase, MaxInputBytes: 10, Sanitizer: content.NewSanitizer()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Render("0123456789", FormatMarkdown, nil); err != nil {
		t.Errorf("at the limit: %v", err)
	}
	if _, err := r.Render("0123456789a", FormatMarkdown, nil); !errors.Is(err, ErrTooLong) {
		t.Errorf("err = %v, want ErrTooLong", err)
	}
}

func TestNewRendererValidatesBaseURL(t *testing.T) {
	tests := []struct {
		base string
		ok   bool
	}{
		{"https://council.example", true},
		{"http://localhost:8080/", true},
		{"", false},
		{"council.example", false},
		{"javascript:alert(1)", false},
		{"https://council.example/?x=1", false},
		{"https://council.example/#f", false},
	}
	for _, tt := range tests {
		t.Run(tt.base, func(t *testing.T) {
			_, err := NewRenderer(RendererOptions{BaseURL: tt.base, Sanitizer: content.NewSanitizer()})
			if (err == nil) != tt.ok {
				t.Errorf("NewRenderer(%q) err = %v, want ok=%v", tt.base, err, tt.ok)
			}
		})
	}
}

// TestRenderConcurrent shares one Renderer across goroutines; run with -race.
func TestRenderConcurrent(t *testing.T) {
	r := newTestRenderer(t)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				for _, f := range []Format{FormatPlain, FormatMarkdown} {
					got, err := r.Render(benchPost, f, testResolver)
					if err != nil || len(got.Mentions) != 2 {
						t.Errorf("Render: %v, %+v", err, got.Mentions)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}

// A renderer without the sanitiser would hand unchecked markup to clients: refuse to build one.
func TestNewRendererRequiresSanitizer(t *testing.T) {
	if _, err := NewRenderer(RendererOptions{BaseURL: testBase}); err == nil {
		t.Fatal("NewRenderer without a Sanitizer succeeded")
	}
}
