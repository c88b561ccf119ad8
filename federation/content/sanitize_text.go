package content

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxCombiningRun caps consecutive combining marks. Real scripts stack a
// handful at most (Vietnamese 2, Devanagari and Hebrew 3–5); "zalgo" text
// stacks dozens to draw over neighbouring UI (security.md XSS-08c).
const maxCombiningRun = 8

// SanitizeText reduces a plain-text field that remote servers may fill
// with HTML (display name, content warning, alt text, poll option) to
// plain text of at most max runes (max <= 0 means unbounded).
//
// Tags are removed and their text kept, except for elements whose content
// is never prose (script, style, …); <br> becomes a newline; entities are
// decoded. Control characters other than newline and tab, bidi embedding,
// override and isolate controls (which can visually reorder the text around
// the field, XSS-08c) and runs of more than maxCombiningRun combining marks
// are removed. Newlines inside the text are kept because alt text and
// content warnings may be multi-line.
//
// The result is plain text, not HTML: "&lt;b&gt;" comes back as "<b>", so
// callers must escape it (html/template and encoding/json both do).
func (s *Sanitizer) SanitizeText(in string, max int) string {
	if in == "" {
		return ""
	}
	var b strings.Builder
	b.Grow(len(in))
	z := html.NewTokenizer(strings.NewReader(in))
	skipDepth := 0
loop:
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			break loop
		case html.TextToken:
			if skipDepth == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch {
			case invisibleContent(a):
				if tt == html.StartTagToken {
					skipDepth++
				} else if tt == html.EndTagToken && skipDepth > 0 {
					skipDepth--
				}
			case a == atom.Br && tt != html.EndTagToken && skipDepth == 0:
				b.WriteByte('\n')
			}
		}
	}
	return cleanText(b.String(), max)
}

// cleanText applies the character-level rules of SanitizeText and the
// rune bound. Truncation happens after trimming so the bound is spent on
// visible text.
func cleanText(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	combining := 0
	for _, r := range s {
		switch {
		case r == '\r':
			continue
		case r == '\n' || r == '\t':
		case unicode.IsControl(r), isBidiControl(r):
			continue
		}
		if unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) {
			combining++
			if combining > maxCombiningRun {
				continue
			}
		} else {
			combining = 0
		}
		b.WriteRune(r)
	}
	out := strings.TrimSpace(b.String())
	if max > 0 && utf8.RuneCountInString(out) > max {
		out = truncateRunes(out, max)
		out = strings.TrimRightFunc(out, unicode.IsSpace)
	}
	return out
}

func truncateRunes(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}

// isBidiControl matches the explicit embedding/override/isolate controls.
// LRM/RLM (U+200E/U+200F) are left alone: they are zero-width marks that
// cannot reorder neighbouring text.
func isBidiControl(r rune) bool {
	return (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
}
