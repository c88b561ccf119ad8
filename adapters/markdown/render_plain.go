package markdown

import (
	"html"
	"net/url"
	"strings"
)

// renderPlain renders FormatPlain: blank lines separate paragraphs, single
// newlines become <br>, and every byte of the source is escaped except the
// links this function writes itself.
func (r *Renderer) renderPlain(src string, st *renderState) string {
	src = strings.ReplaceAll(src, "\r\n", "\n")
	src = strings.ReplaceAll(src, "\r", "\n")
	var b strings.Builder
	b.Grow(len(src) + len(src)/2)
	inPara := false
	for _, line := range strings.Split(src, "\n") {
		if strings.TrimSpace(line) == "" {
			if inPara {
				b.WriteString("</p>")
				inPara = false
			}
			continue
		}
		if inPara {
			b.WriteString("<br>")
		} else {
			b.WriteString("<p>")
			inPara = true
		}
		r.writeInline(&b, line, st)
	}
	if inPara {
		b.WriteString("</p>")
	}
	return b.String()
}

// writeInline escapes s and links the URLs, known mentions and hashtags in it.
func (r *Renderer) writeInline(b *strings.Builder, s string, st *renderState) {
	last := 0
	for _, t := range scanText(s, true) {
		b.WriteString(html.EscapeString(s[last:t.start]))
		last = t.end
		raw := s[t.start:t.end]
		switch t.kind {
		case tokURL:
			if u, err := url.Parse(raw); err == nil && u.Host != "" {
				writeShortLink(b, raw, raw)
				continue
			}
		case tokMention:
			if m, ok := r.mention(st, t.username, t.host); ok {
				writeMention(b, m.Href, t.username)
				continue
			}
		case tokHashtag:
			_, href := r.hashtag(st, t.tag)
			writeHashtag(b, href, t.tag)
			continue
		}
		b.WriteString(html.EscapeString(raw))
	}
	b.WriteString(html.EscapeString(s[last:]))
}
