package httpsig

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
)

// checkDigest compares the SHA-256 entry of the Digest header with the body
// actually received (SIG-05, SIG-06). The messages mirror Mastodon's so
// that remote admins recognise them.
func checkDigest(h http.Header, body []byte) *Error {
	values := h.Values("Digest")
	if len(values) == 0 {
		return invalid("Digest header missing")
	}
	var given string
	found := false
	for _, entry := range strings.Split(strings.Join(values, ","), ",") {
		alg, val, _ := strings.Cut(strings.TrimSpace(entry), "=")
		if strings.EqualFold(alg, "sha-256") {
			given, found = val, true
			break
		}
	}
	if !found {
		return invalid("Only SHA-256 is supported in the Digest header")
	}
	sum := sha256.Sum256(body)
	computed := base64.StdEncoding.EncodeToString(sum[:])
	if given == computed {
		return nil
	}
	raw, err := base64.StdEncoding.DecodeString(given)
	if err != nil {
		return &Error{Reason: "Invalid Digest value. The provided Digest value is not a valid base64 string", Err: wrapInvalid(err)}
	}
	if len(raw) != sha256.Size {
		return invalid("Invalid Digest value. The provided Digest value is not a SHA-256 digest")
	}
	return invalid("Invalid Digest value. Computed SHA-256 digest: " + computed + "; given: " + given)
}
