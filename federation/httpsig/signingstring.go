package httpsig

import (
	"fmt"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
)

// message is the view of a request that a signature covers. Signing and
// verification build the signing string from the same code so that they
// cannot disagree about canonicalisation.
type message struct {
	method  string // as sent, e.g. "POST"
	target  string // path and query exactly as on the wire
	host    string // value of the Host header
	header  http.Header
	created int64 // 0 when absent
	expires int64 // 0 when absent
}

// requestMessage extracts the signed view of r. The request target is taken
// from RequestURI on the server side because that is what the sender signed
// (the escaped path as it travelled); client-side requests have no
// RequestURI, so the URL's escaped form is used, which is what Go sends.
func requestMessage(r *http.Request) message {
	target := r.RequestURI
	if !strings.HasPrefix(target, "/") && r.URL != nil {
		// Empty (client side) or absolute-form (proxy style): use the
		// origin-form that corresponds to it.
		target = r.URL.RequestURI()
	}
	host := r.Host
	if host == "" {
		host = r.Header.Get("Host")
	}
	if host == "" && r.URL != nil {
		host = r.URL.Host
	}
	return message{method: r.Method, target: target, host: host, header: r.Header}
}

// withoutQuery returns the target without its query, for the SIG-09
// compatibility retry; ok is false when there was no query to drop.
func (m message) withoutQuery() (message, bool) {
	i := strings.IndexByte(m.target, '?')
	if i < 0 {
		return m, false
	}
	m.target = m.target[:i]
	return m, true
}

// signingString builds the draft-cavage string to sign for the given
// lower-case header names.
func (m message) signingString(headers []string) (string, error) {
	var b strings.Builder
	for n, h := range headers {
		if n > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(h)
		b.WriteString(": ")
		switch h {
		case "(request-target)":
			b.WriteString(strings.ToLower(m.method))
			b.WriteByte(' ')
			b.WriteString(m.target)
		case "(created)":
			if m.created == 0 {
				return "", fmt.Errorf("(created) signed without a created parameter")
			}
			b.WriteString(strconv.FormatInt(m.created, 10))
		case "(expires)":
			if m.expires == 0 {
				return "", fmt.Errorf("(expires) signed without an expires parameter")
			}
			b.WriteString(strconv.FormatInt(m.expires, 10))
		case "host":
			if m.host == "" {
				return "", fmt.Errorf("signed header host is missing")
			}
			b.WriteString(m.host)
		default:
			if strings.HasPrefix(h, "(") {
				return "", fmt.Errorf("unsupported pseudo-header %s", h)
			}
			values, ok := m.header[textproto.CanonicalMIMEHeaderKey(h)]
			if !ok {
				return "", fmt.Errorf("signed header %s is missing", h)
			}
			// The draft joins repeated headers with ", " after trimming.
			for i, v := range values {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(strings.TrimSpace(v))
			}
		}
	}
	return b.String(), nil
}
