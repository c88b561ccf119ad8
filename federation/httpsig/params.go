package httpsig

import (
	"fmt"
	"strings"
)

// parseParams parses the draft-cavage parameter list
//
//	param *( OWS "," OWS param ),  param = token "=" ( token / quoted-string )
//
// strictly: a value that is neither a token nor a quoted string, an empty
// value, a trailing comma or a repeated parameter is an error. Being strict
// here is what stops a malformed header from being half-understood
// (SIG-02) and two signatures from being merged into one (SIG-13).
func parseParams(s string) (map[string]string, error) {
	params := make(map[string]string, 5)
	i := 0
	for {
		i = skipOWS(s, i)
		start := i
		for i < len(s) && isTokenChar(s[i]) {
			i++
		}
		if i == start {
			return nil, fmt.Errorf("expected parameter name at offset %d", start)
		}
		name := s[start:i]
		i = skipOWS(s, i)
		if i >= len(s) || s[i] != '=' {
			return nil, fmt.Errorf("parameter %q: missing '='", name)
		}
		i = skipOWS(s, i+1)
		var value string
		if i < len(s) && s[i] == '"' {
			v, next, err := parseQuoted(s, i)
			if err != nil {
				return nil, fmt.Errorf("parameter %q: %w", name, err)
			}
			value, i = v, next
		} else {
			vs := i
			for i < len(s) && isTokenChar(s[i]) {
				i++
			}
			value = s[vs:i]
		}
		if value == "" {
			return nil, fmt.Errorf("parameter %q: empty value", name)
		}
		if _, dup := params[name]; dup {
			return nil, fmt.Errorf("parameter %q repeated", name)
		}
		params[name] = value
		i = skipOWS(s, i)
		if i == len(s) {
			return params, nil
		}
		if s[i] != ',' {
			return nil, fmt.Errorf("unexpected %q after parameter %q", s[i], name)
		}
		i++
		if skipOWS(s, i) == len(s) {
			return nil, fmt.Errorf("trailing comma")
		}
	}
}

// parseQuoted reads a quoted-string starting at s[i] == '"' and returns its
// unescaped content and the offset after the closing quote.
func parseQuoted(s string, i int) (string, int, error) {
	// Fast path: no escapes, which is every real signature header.
	if end := strings.IndexAny(s[i+1:], "\"\\"); end >= 0 && s[i+1+end] == '"' {
		v := s[i+1 : i+1+end]
		if !hasControl(v) {
			return v, i + end + 2, nil
		}
	}
	var b strings.Builder
	for i++; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			return b.String(), i + 1, nil
		case '\\':
			i++
			if i == len(s) {
				return "", 0, fmt.Errorf("unterminated escape")
			}
			b.WriteByte(s[i])
		default:
			if c < 0x20 && c != '\t' || c == 0x7f {
				return "", 0, fmt.Errorf("control character in quoted string")
			}
			b.WriteByte(c)
		}
	}
	return "", 0, fmt.Errorf("unterminated quoted string")
}

func skipOWS(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// isTokenChar reports whether c is an RFC 9110 tchar.
func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return true
		}
	}
	return false
}
