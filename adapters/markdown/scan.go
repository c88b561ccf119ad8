package markdown

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

type tokenKind int

const (
	tokURL tokenKind = iota + 1
	tokMention
	tokHashtag
)

// token is one entity found in a run of text; start and end are byte
// offsets into the scanned string, covering the sigil.
type token struct {
	kind       tokenKind
	start, end int
	username   string // tokMention
	host       string // tokMention, lower-cased, "" when absent
	tag        string // tokHashtag, as written (without '#')
}

// scanText finds URLs (only when withURLs: the Markdown path leaves them to
// goldmark's linkify), mentions and hashtags in s, in order. It never looks
// inside a URL it has found, so "https://x.example/#tag" yields no hashtag.
func scanText(s string, withURLs bool) []token {
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		var t token
		var ok bool
		switch {
		case withURLs && (c == 'h' || c == 'H'):
			t, ok = scanURL(s, i)
		case c == '@':
			t, ok = scanMention(s, i)
		case c == '#':
			t, ok = scanHashtag(s, i)
		}
		if ok {
			toks = append(toks, t)
			i = t.end
			continue
		}
		i++
	}
	return toks
}

// runeBefore returns the rune ending at byte offset i, or -1 at the start.
func runeBefore(s string, i int) rune {
	if i == 0 {
		return -1
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return r
}

func runeAt(s string, i int) rune {
	if i >= len(s) {
		return -1
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return r
}

func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r)
}

// scanURL recognises http:// and https:// URLs at a word boundary, the way
// Mastodon autolinks plain text (no scheme-less "example.com" guessing).
func scanURL(s string, i int) (token, bool) {
	if isWordRune(runeBefore(s, i)) {
		return token{}, false
	}
	rest := s[i:]
	var n int
	switch {
	case hasPrefixFold(rest, "https://"):
		n = len("https://")
	case hasPrefixFold(rest, "http://"):
		n = len("http://")
	default:
		return token{}, false
	}
	end := i + n
	for end < len(s) {
		r, size := utf8.DecodeRuneInString(s[end:])
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == '<' || r == '>' || r == '"' || r == '`' {
			break
		}
		end += size
	}
	end = trimURLEnd(s, i+n, end)
	if end <= i+n {
		return token{}, false
	}
	return token{kind: tokURL, start: i, end: end}, true
}

// trimURLEnd drops sentence punctuation after a URL and closing brackets
// that have no opening partner inside it ("(see https://x.example/a)").
// Bracket balance is counted once, so a long run of ")" stays linear.
func trimURLEnd(s string, bodyStart, end int) int {
	var balance map[rune]int // closers minus openers, computed lazily
	for end > bodyStart {
		r, size := utf8.DecodeLastRuneInString(s[:end])
		switch r {
		case '.', ',', ':', ';', '!', '?', '\'', '*', '_', '~':
			end -= size
			continue
		case ')', ']', '}':
			if balance == nil {
				body := s[bodyStart:end]
				balance = map[rune]int{}
				for _, c := range [...]rune{')', ']', '}'} {
					balance[c] = strings.Count(body, string(c)) - strings.Count(body, openerOf(c))
				}
			}
			if balance[r] > 0 {
				balance[r]--
				end -= size
				continue
			}
		}
		break
	}
	return end
}

func openerOf(closer rune) string {
	switch closer {
	case ')':
		return "("
	case ']':
		return "["
	}
	return "{"
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// mentionBlocked lists what may not precede '@': word characters make it an
// e-mail address or a handle in the middle of a word, '/' a URL path,
// '\' a Markdown escape, '@' a second sigil.
func mentionBlocked(r rune) bool {
	return isWordRune(r) || r == '/' || r == '\\' || r == '@' || r == '.' || r == '-' || r == '+'
}

// scanMention recognises @user and @user@host. Usernames follow Mastodon:
// ASCII letters, digits and '_', with '.' and '-' allowed inside.
func scanMention(s string, i int) (token, bool) {
	if mentionBlocked(runeBefore(s, i)) {
		return token{}, false
	}
	uStart := i + 1
	uEnd := uStart
	for uEnd < len(s) && isUsernameByte(s[uEnd]) {
		uEnd++
	}
	for uEnd > uStart && (s[uEnd-1] == '.' || s[uEnd-1] == '-') {
		uEnd--
	}
	if uEnd == uStart {
		return token{}, false
	}
	t := token{kind: tokMention, start: i, end: uEnd, username: s[uStart:uEnd]}
	if uEnd < len(s) && s[uEnd] == '@' {
		if hEnd := scanHost(s, uEnd+1); hEnd > uEnd+1 {
			t.host = strings.ToLower(s[uEnd+1 : hEnd])
			t.end = hEnd
		}
	}
	// "@alice@" or "@alicé" is not a handle we could resolve; leaving it as
	// text beats linking a different, shorter account.
	if next := runeAt(s, t.end); isWordRune(next) || next == '@' {
		return token{}, false
	}
	return t, true
}

func isUsernameByte(c byte) bool {
	return c == '_' || c == '.' || c == '-' ||
		('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

// scanHost returns the end of a host name starting at i (i itself when
// there is none): dot-separated labels of letters, digits, '-' and '_',
// internationalised names included, without a trailing '.' or '-'.
func scanHost(s string, i int) int {
	end := i
	for end < len(s) {
		r, size := utf8.DecodeRuneInString(s[end:])
		if !(isWordRune(r) || r == '.' || r == '-') {
			break
		}
		end += size
	}
	for end > i && (s[end-1] == '.' || s[end-1] == '-') {
		end--
	}
	if end > i && (s[i] == '.' || s[i] == '-') {
		return i
	}
	return end
}

// hashtagBlocked follows Mastodon's (?:^|[^\/\)\w])# plus '&' (an entity
// such as "&#35;" in Markdown source) and '\' (a Markdown escape).
func hashtagBlocked(r rune) bool {
	return isWordRune(r) || r == '/' || r == ')' || r == '&' || r == '\\'
}

// scanHashtag recognises #tag where tag is Unicode letters, marks, digits
// and '_' with at least one letter, so "#1" (an issue number) stays text.
func scanHashtag(s string, i int) (token, bool) {
	if hashtagBlocked(runeBefore(s, i)) {
		return token{}, false
	}
	start := i + 1
	end := start
	hasLetter := false
	for end < len(s) {
		r, size := utf8.DecodeRuneInString(s[end:])
		if !isWordRune(r) {
			break
		}
		if unicode.IsLetter(r) {
			hasLetter = true
		}
		end += size
	}
	if !hasLetter {
		return token{}, false
	}
	return token{kind: tokHashtag, start: i, end: end, tag: s[start:end]}, true
}
