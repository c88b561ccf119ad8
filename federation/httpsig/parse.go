package httpsig

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// signature is a parsed draft-cavage Signature header.
type signature struct {
	keyID     string
	algorithm string
	headers   []string // lower-case, in signed order
	sig       []byte
	created   int64
	expires   int64
}

func (s *signature) covers(h string) bool {
	for _, x := range s.headers {
		if x == h {
			return true
		}
	}
	return false
}

// extractSignature finds exactly one signature in r. Anything ambiguous is
// refused rather than resolved, because an attacker picks whichever reading
// a lenient parser would take (SIG-13).
func extractSignature(r *http.Request) (string, *Error) {
	sigs := r.Header.Values("Signature")
	var auths []string
	for _, a := range r.Header.Values("Authorization") {
		if len(a) > len("Signature ") && strings.EqualFold(a[:len("Signature ")], "Signature ") {
			auths = append(auths, strings.TrimSpace(a[len("Signature "):]))
		}
	}
	switch {
	case len(r.Header.Values("Signature-Input")) > 0:
		return "", invalid("RFC 9421 HTTP Message Signatures are not supported")
	case len(sigs) == 0 && len(auths) == 0:
		return "", &Error{Reason: "Request not signed", Err: ErrUnsigned}
	case len(sigs) > 0 && len(auths) > 0:
		return "", invalid("Both Signature and Authorization headers carry a signature")
	case len(sigs)+len(auths) > 1:
		return "", invalid("Multiple signatures in one request")
	case len(sigs) == 1:
		return sigs[0], nil
	default:
		return auths[0], nil
	}
}

// parseSignature parses and validates the header's parameters on their own,
// before anything about the request is looked at.
func parseSignature(raw string) (*signature, *Error) {
	p, err := parseParams(raw)
	if err != nil {
		return nil, &Error{Reason: "Error parsing signature parameters", Err: wrapInvalid(err)}
	}
	s := &signature{keyID: p["keyId"], algorithm: strings.ToLower(p["algorithm"])}
	if s.keyID == "" || p["signature"] == "" {
		return nil, invalid("Incompatible request signature. keyId and signature are required")
	}
	if e := checkKeyID(s.keyID); e != nil {
		return nil, e
	}
	if s.algorithm == "" {
		// Absent means hs2019 in the current draft, as Mastodon reads it.
		s.algorithm = "hs2019"
	}
	if s.algorithm != "rsa-sha256" && s.algorithm != "hs2019" {
		return nil, invalid("Unsupported signature algorithm (only rsa-sha256 and hs2019 are supported)")
	}
	s.sig, err = base64.StdEncoding.DecodeString(p["signature"])
	if err != nil || len(s.sig) == 0 {
		return nil, &Error{Reason: "Signature is not valid base64", Err: wrapInvalid(err)}
	}

	if h, ok := p["headers"]; ok {
		s.headers = strings.Fields(strings.ToLower(h))
		if len(s.headers) == 0 {
			// An empty list signs nothing: any request would verify.
			return nil, invalid("Signature covers no headers")
		}
	} else if s.algorithm == "rsa-sha256" {
		s.headers = []string{"date"}
	} else {
		s.headers = []string{"(created)"}
	}

	for _, pseudo := range []string{"created", "expires"} {
		signed := s.covers("(" + pseudo + ")")
		if signed && s.algorithm == "rsa-sha256" {
			return nil, invalid("Invalid pseudo-header (" + pseudo + ") for rsa-sha256")
		}
		v, present := p[pseudo]
		if signed && !present {
			return nil, invalid("(" + pseudo + ") used but corresponding argument missing")
		}
		if !signed {
			// An unsigned created/expires is attacker-controlled; it
			// must not influence the time window.
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return nil, &Error{Reason: "Invalid " + pseudo + " parameter", Err: wrapInvalid(err)}
		}
		if pseudo == "created" {
			s.created = n
		} else {
			s.expires = n
		}
	}
	return s, nil
}

// checkKeyID refuses keyIds we would never dereference: acct: URIs
// (SIG-16: resolving them through WebFinger has been used to bypass the
// actor↔key binding) and anything that is not an absolute http(s) URL.
func checkKeyID(keyID string) *Error {
	u, err := url.Parse(keyID)
	if err != nil {
		return &Error{Reason: "keyId is not a valid URL", Err: wrapInvalid(err)}
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" || u.User != nil {
			return invalid("keyId must be an http(s) URL with a host")
		}
		return nil
	case "acct":
		return invalid("acct: keyIds are not supported")
	default:
		return invalid("keyId must be an http(s) URL")
	}
}

// wrapInvalid keeps the parser's detail for logs while marking the cause.
func wrapInvalid(err error) error {
	if err == nil {
		return ErrInvalid
	}
	return fmt.Errorf("%w: %w", ErrInvalid, err)
}
