package content

import (
	"strings"
	"testing"

	"github.com/guildhall/guildhall/federation/content/contenttest"
)

const okLink = ` rel="nofollow noreferrer noopener" target="_blank"`

// TestSanitizeXSS covers security.md XSS-01…XSS-03 plus the usual
// encoding, nesting and mXSS tricks. Every output is also checked against
// the independent contract in contenttest.
func TestSanitizeXSS(t *testing.T) {
	s := NewSanitizer()
	tests := []struct {
		name, in, want string
	}{
		{"XSS-01 active HTML in content", `<p>hi<script>alert(1)</script><img src=x onerror=alert(1)><iframe src=//e></iframe><svg onload=alert(1)><style>*{}</style><form><input></form></p>`, `<p>hi</p>`},
		{"XSS-02 javascript scheme", `<a href="javascript:alert(1)">x</a>`, `x`},
		{"XSS-02 mixed case scheme", `<a href="JaVaScRiPt:alert(1)">x</a>`, `x`},
		{"XSS-02 data URI", `<a href="data:text/html,<script>alert(1)</script>">x</a>`, `x`},
		{"XSS-02 vbscript", `<a href="vbscript:msgbox(1)">x</a>`, `x`},
		{"XSS-02 leading whitespace", `<a href="  javascript:alert(1)">x</a>`, `x`},
		{"tab entity inside scheme", `<a href="jav&#x09;ascript:alert(1)">x</a>`, `x`},
		{"decimal entity-encoded scheme", `<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>`, `x`},
		{"hex entity-encoded scheme", `<a href="&#x6A;avascript&#x3A;alert(1)">x</a>`, `x`},
		{"named entity colon", `<a href="javascript&colon;alert(1)">x</a>`, `x`},
		{"newline entity inside scheme", `<a href="java&NewLine;script:alert(1)">x</a>`, `x`},
		{"NUL inside scheme", "<a href=\"java\x00script:alert(1)\">x</a>", `x`},
		{"relative and protocol-relative links unwrapped", `<a href="/relative">rel</a><a href="//evil.example/">proto</a>`, `relproto`},
		{"http without host unwrapped", `<a href="https:evil">nohost</a>`, `nohost`},
		{"ftp not in scheme list", `<a href="ftp://f.example/">ftp</a>`, `ftp`},
		{"on* attributes dropped", `<a href="https://ok.example/" onclick="alert(1)" onmouseover=alert(1)>ok</a>`, `<a href="https://ok.example/"` + okLink + `>ok</a>`},
		{"style attribute dropped", `<p onclick=alert(1) style="color:red">x</p>`, `<p>x</p>`},
		{"svg script", `<svg><script>alert(1)</script></svg>`, ``},
		{"svg onload", `<svg onload=alert(1)>`, ``},
		{"math mXSS", `<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`, ``},
		{"svg style mXSS", `<svg><style><img src=x onerror=alert(1)></style></svg>`, ``},
		{"noscript mXSS", `<noscript><p title="</noscript><img src=x onerror=alert(1)>">`, `&#34;&gt;`},
		{"iframe srcdoc", `<iframe srcdoc="<script>alert(1)</script>"></iframe>`, ``},
		{"img data URI", `<img src="data:image/svg+xml;base64,PHN2Zz4=">`, ``},
		{"form action", `<form action="javascript:alert(1)"><button>x</button></form>`, `x`},
		{"unclosed tags are balanced", `<b><i>nested<p>unclosed`, `<b><i>nested<p>unclosed</p></i></b>`},
		{"split script tag", `<<script>script>alert(1)<</script>/script>`, `&lt;/script&gt;`},
		{"nested script tag", `<scr<script>ipt>alert(1)</script>`, `ipt&gt;alert(1)`},
		{"script inside link", `<a href="https://ok.example/"><script>alert(1)</script>link</a>`, `<a href="https://ok.example/"` + okLink + `>link</a>`},
		{"comment", `<!--<img src=x onerror=alert(1)>-->`, ``},
		{"CDATA", `<![CDATA[<img src=x onerror=alert(1)>]]>`, `]]&gt;`},
		{"object and embed", `<object data="x.swf"><embed src="x.swf"></object>`, ``},
		{"base", `<base href="javascript:alert(1)//">`, ``},
		{"meta refresh", `<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`, ``},
		{"stylesheet link", `<link rel=stylesheet href="https://evil.example/x.css">`, ``},
		{"template", `<template><img src=x onerror=alert(1)></template>`, ``},
		{"textarea", `<textarea><img src=x onerror=alert(1)></textarea>`, ``},
		{"title", `<title><img src=x onerror=alert(1)></title>`, ``},
		{"details ontoggle", `<details open ontoggle=alert(1)>`, ``},
		{"video source onerror", `<video><source onerror="alert(1)">`, ``},
		{"isindex", `<isindex type=image src=1 onerror=alert(1)>`, ``},
		{"img onerror eval", `<img src=x:alert(alt) onerror=eval(src) alt=0>`, ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := s.Sanitize(tt.in)
			if got != tt.want {
				t.Errorf("Sanitize(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			if err := contenttest.CheckSafeHTML(got); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestSanitizeAllowlist covers what must survive, and the Mastodon-style
// rewrites (XSS-03 classes and rel/target, headings).
func TestSanitizeAllowlist(t *testing.T) {
	s := NewSanitizer()
	tests := []struct {
		name, in, want string
	}{
		{"empty", ``, ``},
		{"plain text escaped", `a < b & c`, `a &lt; b &amp; c`},
		{"entities kept as entities", `<p>Tom &amp; Jerry &lt;3 &quot;x&quot;</p>`, `<p>Tom &amp; Jerry &lt;3 &#34;x&#34;</p>`},
		{"basic formatting", `<p>a<br>b <b>c</b> <strong>d</strong> <i>e</i> <em>f</em> <u>g</u> <del>h</del> <s>i</s> <code>j</code></p>`,
			`<p>a<br/>b <b>c</b> <strong>d</strong> <i>e</i> <em>f</em> <u>g</u> <del>h</del> <s>i</s> <code>j</code></p>`},
		{"blocks and lists", `<blockquote><p>q</p></blockquote><pre>x  y</pre><ul><li>u</li></ul>`, `<blockquote><p>q</p></blockquote><pre>x  y</pre><ul><li>u</li></ul>`},
		{"ol start reversed and li value", `<ol start="3" reversed><li value="7">x</li></ol>`, `<ol start="3" reversed=""><li value="7">x</li></ol>`},
		{"ol start must be numeric", `<ol start="x"><li value="y">x</li></ol>`, `<ol><li>x</li></ol>`},
		{"ruby", `<ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>`, `<ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>`},
		{"lang kept, dir dropped", `<p lang="en" dir="rtl">x</p>`, `<p lang="en">x</p>`},
		{"bad lang dropped", `<p lang="en&quot; onclick=x">x</p>`, `<p>x</p>`},
		{"headings become strong paragraphs", `<h1>Title</h1><h6 class=x>Small</h6>`, `<p><strong>Title</strong></p><p><strong>Small</strong></p>`},
		{"table flattened to text", `<table><tr><td>cell</td></tr></table>`, `cell`},
		{"link gets rel and target", `<a href="https://ok.example/">x</a>`, `<a href="https://ok.example/"` + okLink + `>x</a>`},
		{"XSS-03 target and rel overridden", `<a href=https://ok.example/ target=_self rel=opener>x</a>`, `<a href="https://ok.example/"` + okLink + `>x</a>`},
		{"rel tag kept and extended", `<a href="https://ok.example/tags/x" rel="tag">#x</a>`, `<a href="https://ok.example/tags/x" rel="tag nofollow noreferrer noopener" target="_blank">#x</a>`},
		{"XSS-03 UI classes dropped, invisible kept", `<span class="invisible">hidden</span><a class="status__content" href="https://ok.example/">x</a>`,
			`<span class="invisible">hidden</span><a href="https://ok.example/"` + okLink + `>x</a>`},
		{"unknown class token filtered, allowed kept", `<span class="h-card evil">x</span>`, `<span class="h-card">x</span>`},
		{"Mastodon mention markup", `<span class="h-card" translate="no"><a href="https://m.example/@bob" class="u-url mention">@<span>bob</span></a></span>`,
			`<span class="h-card" translate="no"><a class="u-url mention" href="https://m.example/@bob"` + okLink + `>@<span>bob</span></a></span>`},
		{"Mastodon shortened link", `<a href="https://example.com/x" rel="nofollow noopener" translate="no" target="_blank"><span class="invisible">https://</span><span class="ellipsis">example.com/x</span><span class="invisible"></span></a>`,
			`<a href="https://example.com/x" rel="nofollow noopener noreferrer" translate="no" target="_blank"><span class="invisible">https://</span><span class="ellipsis">example.com/x</span><span class="invisible"></span></a>`},
		{"class on code dropped", `<pre><code class="language-go">x</code></pre>`, `<pre><code>x</code></pre>`},
		{"mailto kept without target", `<a href="mailto:clerk@council.example">mail</a>`, `<a href="mailto:clerk@council.example" rel="nofollow noreferrer">mail</a>`},
		{"gemini kept", `<a href="gemini://gem.example/">gem</a>`, `<a href="gemini://gem.example/"` + okLink + `>gem</a>`},
		{"translate yes/no only", `<a href="https://ok.example/" translate="evil">x</a>`, `<a href="https://ok.example/"` + okLink + `>x</a>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := s.Sanitize(tt.in)
			if got != tt.want {
				t.Errorf("Sanitize(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			if err := contenttest.CheckSafeHTML(got); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestSanitizeIdempotent: content we stored once may be sanitised again
// (re-federation, API re-reads); the second pass must not change it.
func TestSanitizeIdempotent(t *testing.T) {
	s := NewSanitizer()
	for _, in := range []string{
		`<p>hi <a href="https://x.example/a?b=1&amp;c=2">x</a> &lt;3</p><h2>T</h2>`,
		`<b><i>nested<p>unclosed`,
		`<span class="h-card"><a href="https://m.example/@bob" class="u-url mention">@<span>bob</span></a></span>`,
	} {
		t.Run(in, func(t *testing.T) {
			once := s.Sanitize(in)
			if twice := s.Sanitize(once); twice != once {
				t.Errorf("not idempotent:\n once %q\ntwice %q", once, twice)
			}
		})
	}
}

func TestSanitizeLargeInputStaysLinear(t *testing.T) {
	s := NewSanitizer()
	in := strings.Repeat("<b>", 20000) + "x"
	got := s.Sanitize(in)
	if err := contenttest.CheckSafeHTML(got); err != nil {
		t.Fatal(err)
	}
}
