package content

import (
	"bytes"
	"net/url"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Sanitizer reduces untrusted HTML to Mastodon's inbound allowlist.
// It is safe for concurrent use; build one with NewSanitizer and share it.
type Sanitizer struct {
	policy *bluemonday.Policy
}

// linkSchemes follows Mastodon's LINK_PROTOCOLS plus mailto (GTS allows it,
// and profile fields commonly carry one). None of these can execute script;
// dropping the exotic ones would only unwrap legitimate links into text.
var linkSchemes = []string{
	"http", "https", "mailto",
	"dat", "dweb", "ipfs", "ipns", "ssb", "gopher", "xmpp", "magnet", "gemini",
}

// allowedElements is Mastodon's MASTODON_STRICT element list. Headings are
// not here: the pre-pass rewrites them to <p><strong>, as Mastodon does, so
// a remote post cannot render page-sized titles in a timeline.
var allowedElements = []string{
	"p", "br", "span", "a", "del", "s", "pre", "blockquote", "code",
	"b", "strong", "u", "i", "em", "ul", "ol", "li", "ruby", "rt", "rp",
}

// classToken matches one class Mastodon keeps: microformats (h-card,
// u-url, p-name, dt-published, e-content, …) and the classes its UI uses
// for mentions, hashtags and shortened links. Anything else could restyle
// our UI (XSS-03, e.g. class="status__content").
const classToken = `(?:(?:h|p|u|dt|e)-[a-z0-9]+(?:-[a-z0-9]+)*|mention|hashtag|ellipsis|invisible|quote-inline)`

var (
	classTokenRe = regexp.MustCompile(`^` + classToken + `$`)
	classAttrRe  = regexp.MustCompile(`^` + classToken + `(?: ` + classToken + `)*$`)
	// relAttrRe keeps harmless rel tokens (rel="tag" on hashtags, "ugc" from
	// Pleroma); bluemonday then appends nofollow/noreferrer/noopener. Tokens
	// such as "opener" are refused by dropping the whole attribute.
	relAttrRe       = regexp.MustCompile(`^(?:tag|ugc|nofollow|noopener|noreferrer|external)(?: (?:tag|ugc|nofollow|noopener|noreferrer|external))*$`)
	langAttrRe      = regexp.MustCompile(`^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8}){0,4}$`)
	translateAttrRe = regexp.MustCompile(`^(?:yes|no)$`)
	integerAttrRe   = regexp.MustCompile(`^-?[0-9]{1,9}$`)
	reversedAttrRe  = regexp.MustCompile(`^(?:|reversed)$`)
)

// NewSanitizer builds the policy once; bluemonday policies are safe for
// concurrent use after construction.
func NewSanitizer() *Sanitizer {
	p := bluemonday.NewPolicy()
	p.AllowElements(allowedElements...)
	p.AllowAttrs("lang").Matching(langAttrRe).OnElements(allowedElements...)
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("rel").Matching(relAttrRe).OnElements("a")
	p.AllowAttrs("class").Matching(classAttrRe).OnElements("a", "span", "p")
	p.AllowAttrs("translate").Matching(translateAttrRe).OnElements("a", "span")
	p.AllowAttrs("start").Matching(integerAttrRe).OnElements("ol")
	p.AllowAttrs("reversed").Matching(reversedAttrRe).OnElements("ol")
	p.AllowAttrs("value").Matching(integerAttrRe).OnElements("li")

	// Only absolute URLs with a listed scheme: remote content has no
	// meaningful base URL, and url.Parse lower-cases the scheme so
	// "JaVaScRiPt:" is caught; bluemonday rejects hrefs with embedded
	// whitespace, which covers "jav&#x09;ascript:" after entity decoding.
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(false)
	for _, s := range linkSchemes {
		if s == "http" || s == "https" {
			p.AllowURLSchemeWithCustomPolicy(s, hasHost)
			continue
		}
		p.AllowURLSchemes(s)
	}

	// Links leave the site: no referrer, no SEO credit, no window.opener.
	// bluemonday only adds target="_blank" (and with it noopener) to links
	// with a host, so mailto:/magnet: links get rel but no target, which
	// is what a browser wants for links that open another application.
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)

	// Mirror the sanitize gem's remove_contents: the text inside these is
	// code, markup or styling, never prose worth showing.
	p.SkipElementsContent("svg", "math", "plaintext", "xmp", "template", "textarea", "select")
	return &Sanitizer{policy: p}
}

func hasHost(u *url.URL) bool { return u.Host != "" }

// Sanitize returns remote HTML reduced to the allowlist. It never fails:
// input that cannot be parsed yields an empty string.
func (s *Sanitizer) Sanitize(untrusted string) string {
	if untrusted == "" {
		return ""
	}
	normalised, err := normaliseTree(untrusted)
	if err != nil {
		return ""
	}
	return string(s.policy.SanitizeBytes(normalised))
}

// normaliseTree parses the fragment the way a browser would and re-serialises
// it before bluemonday's token-level filter sees it. That gives balanced tags
// (an unclosed <b> cannot bold the rest of our page), removes whole subtrees
// whose parsing differs between a tokenizer and a tree builder (foreign
// content, raw-text elements — the mXSS family), and applies the structural
// rewrites bluemonday cannot express (headings, per-token class filtering).
func normaliseTree(untrusted string) ([]byte, error) {
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(untrusted), ctx)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Grow(len(untrusted))
	for _, n := range nodes {
		if dropSubtree(n) {
			continue
		}
		rewrite(n)
		if err := html.Render(&buf, n); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
}
