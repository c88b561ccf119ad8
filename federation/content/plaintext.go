package content

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// PlainText converts HTML to plain text for search indexing, notifications
// and `text` fallbacks. Paragraph-level blocks are separated by a blank
// line, list items and <br> by a newline, whitespace is collapsed as a
// browser would (except inside <pre>), entities are decoded and all tags
// are removed. The result is text, not HTML: escape it before embedding.
func PlainText(s string) string {
	var w textWriter
	z := html.NewTokenizer(strings.NewReader(s))
	skipDepth, preDepth := 0, 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return strings.TrimSpace(w.b.String())
		case html.TextToken:
			if skipDepth > 0 {
				continue
			}
			if preDepth > 0 {
				w.writeVerbatim(string(z.Text()))
			} else {
				w.writeCollapsed(string(z.Text()))
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			start := tt != html.EndTagToken
			if invisibleContent(a) {
				if tt == html.StartTagToken {
					skipDepth++
				} else if tt == html.EndTagToken && skipDepth > 0 {
					skipDepth--
				}
				continue
			}
			if a == atom.Pre && tt != html.SelfClosingTagToken {
				if start {
					preDepth++
				} else if preDepth > 0 {
					preDepth--
				}
			}
			switch {
			case a == atom.Br && start:
				w.newline()
			case paragraphBlock(a):
				w.breakBlock(2)
			case lineBlock(a):
				w.breakBlock(1)
			}
		}
	}
}

// invisibleContent lists elements whose text a reader never sees.
func invisibleContent(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Template, atom.Head, atom.Title,
		atom.Noscript, atom.Iframe, atom.Svg, atom.Math, atom.Textarea, atom.Select:
		return true
	}
	return false
}

func paragraphBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Blockquote, atom.Pre, atom.Ul, atom.Ol, atom.H1, atom.H2,
		atom.H3, atom.H4, atom.H5, atom.H6, atom.Table, atom.Hr, atom.Figure,
		atom.Section, atom.Article, atom.Aside, atom.Header, atom.Footer, atom.Dl:
		return true
	}
	return false
}

func lineBlock(a atom.Atom) bool {
	switch a {
	case atom.Li, atom.Div, atom.Tr, atom.Dt, atom.Dd, atom.Details,
		atom.Summary, atom.Figcaption, atom.Address:
		return true
	}
	return false
}

// textWriter accumulates text, turning block boundaries into at most two
// newlines and never emitting leading, trailing or doubled whitespace.
// Spaces and newlines are owed rather than written, so nothing already
// written ever has to be taken back (which would make it quadratic).
type textWriter struct {
	b       strings.Builder
	pending int  // newlines owed before the next text
	space   bool // a collapsed space owed before the next text
}

func (w *textWriter) breakBlock(n int) {
	if w.b.Len() > 0 && n > w.pending {
		w.pending = n
	}
}

// newline is an explicit <br>: unlike block breaks these accumulate, since
// "a<br><br>b" means a blank line.
func (w *textWriter) newline() {
	if w.b.Len() > 0 {
		w.pending++
	}
}

// flush writes what is owed before visible text.
func (w *textWriter) flush() {
	switch {
	case w.b.Len() == 0:
	case w.pending > 0:
		w.b.WriteString("\n\n"[:min(w.pending, 2)])
	case w.space:
		w.b.WriteByte(' ')
	}
	w.pending, w.space = 0, false
}

func (w *textWriter) writeCollapsed(s string) {
	for _, r := range s {
		if isHTMLSpace(r) {
			w.space = true
			continue
		}
		w.flush()
		w.b.WriteRune(r)
	}
}

func (w *textWriter) writeVerbatim(s string) {
	if s == "" {
		return
	}
	w.flush()
	w.b.WriteString(s)
}

func isHTMLSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\f':
		return true
	}
	return false
}

// PlainText is [PlainText] as a method, so the Sanitizer is the whole HTML policy that
// adapters/markdown's Domain needs (markup and text).
func (*Sanitizer) PlainText(html string) string { return PlainText(html) }
