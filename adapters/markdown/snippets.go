package markdown

import (
	"html"
	"strings"
	"unicode/utf8"
)

// The snippets below use Mastodon's markup so that Mastodon clients style
// and hover-card our links exactly like theirs. rel and target are not
// written here: the Sanitizer adds them to every link.

// writeMention writes <span class="h-card"><a href class="u-url mention">@<span>user</span></a></span>.
func writeMention(b *strings.Builder, href, username string) {
	b.WriteString(`<span class="h-card"><a href="`)
	b.WriteString(html.EscapeString(href))
	b.WriteString(`" class="u-url mention">@<span>`)
	b.WriteString(html.EscapeString(username))
	b.WriteString(`</span></a></span>`)
}

// writeHashtag writes <a href class="mention hashtag" rel="tag">#<span>Tag</span></a>;
// the display keeps the author's capitalisation, the link is normalised.
func writeHashtag(b *strings.Builder, href, display string) {
	b.WriteString(`<a href="`)
	b.WriteString(html.EscapeString(href))
	b.WriteString(`" class="mention hashtag" rel="tag">#<span>`)
	b.WriteString(html.EscapeString(display))
	b.WriteString(`</span></a>`)
}

// displayURLMax is Mastodon's visible length for shortened links.
const displayURLMax = 30

// writeShortLink writes a link whose scheme (and "www.") are hidden and
// whose tail beyond displayURLMax runes is hidden behind an ellipsis, as
// Mastodon does. The full URL stays in the text (class="invisible" only
// hides it visually), so copy/paste and PlainText still see all of it.
func writeShortLink(b *strings.Builder, href, label string) {
	b.WriteString(`<a href="`)
	b.WriteString(html.EscapeString(href))
	b.WriteString(`">`)
	prefix := ""
	for _, p := range []string{"https://", "http://"} {
		if hasPrefixFold(label, p) {
			prefix = label[:len(p)]
			break
		}
	}
	if hasPrefixFold(label[len(prefix):], "www.") {
		prefix = label[:len(prefix)+len("www.")]
	}
	rest := label[len(prefix):]
	if prefix != "" {
		b.WriteString(`<span class="invisible">`)
		b.WriteString(html.EscapeString(prefix))
		b.WriteString(`</span>`)
	}
	if utf8.RuneCountInString(rest) <= displayURLMax {
		b.WriteString(html.EscapeString(rest))
	} else {
		cut := truncateRunes(rest, displayURLMax)
		b.WriteString(`<span class="ellipsis">`)
		b.WriteString(html.EscapeString(cut))
		b.WriteString(`</span><span class="invisible">`)
		b.WriteString(html.EscapeString(rest[len(cut):]))
		b.WriteString(`</span>`)
	}
	b.WriteString(`</a>`)
}

// truncateRunes returns the first n runes of s.
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
