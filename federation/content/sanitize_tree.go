package content

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// dropSubtree reports whether n must be removed together with its content
// before serialisation. Foreign content (svg, math) and raw-text elements
// are parsed differently by the tree builder and by bluemonday's tokenizer;
// removing them here means the two never disagree about where a tag ends.
func dropSubtree(n *html.Node) bool {
	switch n.Type {
	case html.CommentNode, html.DoctypeNode:
		return true
	case html.ElementNode:
		if n.Namespace != "" {
			return true
		}
		switch n.DataAtom {
		case atom.Script, atom.Style, atom.Noscript, atom.Iframe, atom.Noembed,
			atom.Noframes, atom.Xmp, atom.Plaintext, atom.Template, atom.Textarea,
			atom.Title, atom.Object, atom.Embed, atom.Select, atom.Svg, atom.Math,
			atom.Head, atom.Frameset, atom.Frame:
			return true
		}
	}
	return false
}

// rewrite applies, in place, the transformations bluemonday cannot express.
func rewrite(n *html.Node) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if dropSubtree(c) {
			n.RemoveChild(c)
		} else {
			rewrite(c)
		}
		c = next
	}
	if n.Type != html.ElementNode {
		return
	}
	if isHeading(n.DataAtom) {
		headingToStrong(n)
	}
	filterClasses(n)
}

func isHeading(a atom.Atom) bool {
	switch a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

// headingToStrong turns <hN>…</hN> into <p><strong>…</strong></p>, as
// Mastodon's UNSUPPORTED_ELEMENTS_TRANSFORMER does: the emphasis survives
// but a remote post cannot render page-sized titles in a timeline.
func headingToStrong(n *html.Node) {
	strong := &html.Node{Type: html.ElementNode, Data: "strong", DataAtom: atom.Strong}
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		n.RemoveChild(c)
		strong.AppendChild(c)
		c = next
	}
	n.Data, n.DataAtom, n.Attr = "p", atom.P, nil
	n.AppendChild(strong)
}

// filterClasses keeps the allowed class tokens and drops the rest, so
// class="h-card evil" keeps h-card instead of losing the attribute (which
// is what bluemonday's whole-value regex alone would do).
func filterClasses(n *html.Node) {
	for i := 0; i < len(n.Attr); i++ {
		a := &n.Attr[i]
		if a.Namespace != "" || a.Key != "class" {
			continue
		}
		var kept []string
		for _, tok := range strings.Fields(a.Val) {
			if classTokenRe.MatchString(tok) {
				kept = append(kept, tok)
			}
		}
		if len(kept) == 0 {
			n.Attr = append(n.Attr[:i], n.Attr[i+1:]...)
			i--
			continue
		}
		a.Val = strings.Join(kept, " ")
	}
}
