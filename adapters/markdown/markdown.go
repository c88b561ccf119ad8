package markdown

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdownRenderer is the goldmark pipeline, built once per Renderer.
// goldmark parsers and renderers are safe for concurrent use once built.
type markdownRenderer struct {
	md goldmark.Markdown
}

func newMarkdownRenderer() *markdownRenderer {
	md := goldmark.New(
		goldmark.WithExtensions(
			// Only http(s): linkify would otherwise also link ftp://, which
			// the Sanitizer then unwraps again.
			extension.NewLinkify(extension.WithLinkifyAllowedProtocols([]string{"http:", "https:"})),
			extension.Strikethrough,
		),
		goldmark.WithRendererOptions(
			// Posts are typed into a text box: a single newline is meant as
			// a line break, as in FormatPlain, not as CommonMark's soft wrap.
			gmhtml.WithHardWraps(),
			// Not WithUnsafe: raw HTML in the source is dropped (rendered as
			// an HTML comment, which the Sanitizer then removes).
			renderer.WithNodeRenderers(util.Prioritized(nodeRenderer{}, 100)),
		),
	)
	return &markdownRenderer{md: md}
}

func (m *markdownRenderer) render(src string, r *Renderer, st *renderState) (string, error) {
	source := []byte(src)
	doc := m.md.Parser().Parse(text.NewReader(source))
	if err := linkEntities(doc, source, r, st); err != nil {
		return "", fmt.Errorf("link mentions and hashtags: %w", err)
	}
	var buf bytes.Buffer
	buf.Grow(len(source) * 2)
	if err := m.md.Renderer().Render(&buf, source, doc); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// linkEntities replaces mentions and hashtags in prose text nodes with
// mentionNode/hashtagNode. Code, links (their text and URL), images and
// raw HTML are skipped, so "`@alice`" and "[#tag](https://…)" stay as
// written. Working on the AST rather than on the HTML output means no
// regular expression ever sees markup.
func linkEntities(doc ast.Node, source []byte, r *Renderer, st *renderState) error {
	return ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.Kind() {
		case ast.KindCodeSpan, ast.KindCodeBlock, ast.KindFencedCodeBlock,
			ast.KindLink, ast.KindAutoLink, ast.KindImage, ast.KindRawHTML, ast.KindHTMLBlock:
			return ast.WalkSkipChildren, nil
		}
		// Rewriting n's children before Walk descends into them is safe:
		// Walk reads FirstChild/NextSibling only after this callback.
		linkChildren(n, source, r, st)
		return ast.WalkContinue, nil
	})
}

// linkChildren processes runs of adjacent text nodes. goldmark splits text
// at delimiter characters ("@al_ice" is three nodes), so a run is joined
// back while the nodes are contiguous in the source and on one line.
func linkChildren(parent ast.Node, source []byte, r *Renderer, st *renderState) {
	for child := parent.FirstChild(); child != nil; {
		first, ok := plainTextNode(child)
		if !ok {
			child = child.NextSibling()
			continue
		}
		last := first
		for !last.SoftLineBreak() && !last.HardLineBreak() {
			next, ok := plainTextNode(last.NextSibling())
			if !ok || next.Segment.Start != last.Segment.Stop {
				break
			}
			last = next
		}
		child = last.NextSibling()
		linkRun(parent, first, last, source, r, st)
	}
}

func plainTextNode(n ast.Node) (*ast.Text, bool) {
	t, ok := n.(*ast.Text)
	if !ok || t.IsRaw() || t.Segment.Padding != 0 {
		return nil, false
	}
	return t, true
}

// linkRun replaces the text nodes first..last with text segments and
// entity nodes, or leaves them alone when nothing in them is linked.
func linkRun(parent ast.Node, first, last *ast.Text, source []byte, r *Renderer, st *renderState) {
	base := first.Segment.Start
	s := string(source[base:last.Segment.Stop])
	var out []ast.Node
	pos := 0
	for _, t := range scanText(s, false) {
		var repl ast.Node
		switch t.kind {
		case tokMention:
			if m, ok := r.mention(st, t.username, t.host); ok {
				repl = &mentionNode{href: m.Href, username: t.username}
			}
		case tokHashtag:
			_, href := r.hashtag(st, t.tag)
			repl = &hashtagNode{href: href, display: t.tag}
		}
		if repl == nil {
			continue
		}
		if t.start > pos {
			out = append(out, ast.NewTextSegment(text.NewSegment(base+pos, base+t.start)))
		}
		out = append(out, repl)
		pos = t.end
	}
	if len(out) == 0 {
		return
	}
	// The tail (possibly empty) carries the run's line break, so a mention
	// at the end of a line is still followed by <br>.
	tail := ast.NewTextSegment(text.NewSegment(base+pos, last.Segment.Stop))
	tail.SetSoftLineBreak(last.SoftLineBreak())
	tail.SetHardLineBreak(last.HardLineBreak())
	out = append(out, tail)
	for _, n := range out {
		parent.InsertBefore(parent, first, n)
	}
	for n := ast.Node(first); ; {
		next := n.NextSibling()
		parent.RemoveChild(parent, n)
		if n == ast.Node(last) {
			break
		}
		n = next
	}
}

var (
	kindMention = ast.NewNodeKind("GuildhallMention")
	kindHashtag = ast.NewNodeKind("GuildhallHashtag")
)

type mentionNode struct {
	ast.BaseInline
	href, username string
}

func (n *mentionNode) Kind() ast.NodeKind { return kindMention }
func (n *mentionNode) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Username": n.username, "Href": n.href}, nil)
}

type hashtagNode struct {
	ast.BaseInline
	href, display string
}

func (n *hashtagNode) Kind() ast.NodeKind { return kindHashtag }
func (n *hashtagNode) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Tag": n.display, "Href": n.href}, nil)
}

// nodeRenderer renders the entity nodes and overrides two defaults:
// autolinks get Mastodon's shortened display, and images become links,
// because the Sanitizer (like Mastodon) drops <img> and with it the alt
// text; a link keeps both the text and the target reachable.
type nodeRenderer struct{}

func (nodeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindMention, renderMentionNode)
	reg.Register(kindHashtag, renderHashtagNode)
	reg.Register(ast.KindAutoLink, renderAutoLink)
	reg.Register(ast.KindImage, renderImage)
}

func renderMentionNode(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		n := node.(*mentionNode)
		var b strings.Builder
		writeMention(&b, n.href, n.username)
		_, _ = w.WriteString(b.String())
	}
	return ast.WalkContinue, nil
}

func renderHashtagNode(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		n := node.(*hashtagNode)
		var b strings.Builder
		writeHashtag(&b, n.href, n.display)
		_, _ = w.WriteString(b.String())
	}
	return ast.WalkContinue, nil
}

func renderAutoLink(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.AutoLink)
	href := util.URLEscape(n.URL(source), false)
	label := string(n.Label(source))
	if n.AutoLinkType == ast.AutoLinkEmail && !bytes.HasPrefix(bytes.ToLower(href), []byte("mailto:")) {
		href = append([]byte("mailto:"), href...)
	}
	if gmhtml.IsDangerousURL(href) {
		_, _ = w.Write(util.EscapeHTML([]byte(label)))
		return ast.WalkContinue, nil
	}
	if n.AutoLinkType == ast.AutoLinkEmail {
		_, _ = w.WriteString(`<a href="`)
		_, _ = w.Write(util.EscapeHTML(href))
		_, _ = w.WriteString(`">`)
		_, _ = w.Write(util.EscapeHTML([]byte(label)))
		_, _ = w.WriteString(`</a>`)
		return ast.WalkContinue, nil
	}
	var b strings.Builder
	writeShortLink(&b, string(href), label)
	_, _ = w.WriteString(b.String())
	return ast.WalkContinue, nil
}

func renderImage(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Image)
	if !entering {
		_, _ = w.WriteString(`</a>`)
		return ast.WalkContinue, nil
	}
	dest := util.URLEscape(n.Destination, true)
	_, _ = w.WriteString(`<a href="`)
	if !gmhtml.IsDangerousURL(dest) {
		_, _ = w.Write(util.EscapeHTML(dest))
	}
	_, _ = w.WriteString(`">`)
	if n.ChildCount() == 0 {
		_, _ = w.Write(util.EscapeHTML(dest))
	}
	return ast.WalkContinue, nil
}
