package httpsig

import (
	"net/http"
	"strings"
)

// KeyIDHost reads the keyId's host from a request's Signature header without verifying anything,
// lower-cased and without port or trailing dot, or "" when there is none. It lets a blocked domain
// be refused before its key is fetched (SIG-22, RES-13); it proves nothing about the signer.
func KeyIDHost(r *http.Request) string {
	sig := r.Header.Get("Signature")
	_, rest, ok := strings.Cut(sig, `keyId="`)
	if !ok {
		return ""
	}
	keyID, _, _ := strings.Cut(rest, `"`)
	_, rest, ok = strings.Cut(keyID, "://")
	if !ok {
		return ""
	}
	host, _, _ := strings.Cut(rest, "/")
	host, _, _ = strings.Cut(host, "#")
	if h, _, ok := strings.Cut(host, ":"); ok && !strings.Contains(host, "]") {
		host = h
	}
	return strings.TrimSuffix(strings.ToLower(host), ".")
}
