package httpsig

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// MinRSABits is the smallest RSA modulus accepted (SIG-21). Every current
// fediverse server generates 2048-bit or larger keys.
const MinRSABits = 2048

// Key is a public key together with the actor that lists it.
type Key struct {
	PublicKey *rsa.PublicKey
	Owner     string // id of the actor whose document lists this key
}

// KeyResolver finds the key for a keyId. With refresh=false it may answer
// from a cache; with refresh=true it must refetch (key rotation, SIG-20).
// It is responsible for key ownership (SIG-17..19). Its errors reach the
// caller of Verify intact (errors.Is/As), wrapped with ErrKeyUnavailable.
type KeyResolver interface {
	ResolveKey(ctx context.Context, keyID string, refresh bool) (Key, error)
}

// Result identifies who signed a verified request.
type Result struct {
	KeyID string
	Owner string
}

// Verifier checks draft-cavage signatures on incoming requests. The zero
// value is not usable: Keys and Host are required. A Verifier is safe for
// concurrent use as long as its KeyResolver is.
type Verifier struct {
	Keys KeyResolver
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Host is our own host as it appears in Host headers ("example.com",
	// or "example.com:8443" for a non-default port). A signature whose
	// signed Host differs was made for another server (SIG-07).
	Host string
	// MaxSkew is the clock-skew tolerance; 0 means DefaultMaxSkew. See
	// window.go for how it combines with the signature lifetime.
	MaxSkew time.Duration
}

// Verify checks the signature on r whose body (already read, and size
// limited, by the caller) is body. Every failure is an *Error; see the
// package documentation for how to map it to a status code.
func (v *Verifier) Verify(ctx context.Context, r *http.Request, body []byte) (Result, error) {
	raw, e := extractSignature(r)
	if e != nil {
		return Result{}, e
	}
	sig, e := parseSignature(raw)
	if e != nil {
		return Result{}, e
	}
	if e := checkStrength(sig, r, body); e != nil {
		return Result{}, e
	}
	msg := requestMessage(r)
	if !sameHost(msg.host, v.Host) {
		return Result{}, invalid("Signed Host header does not match this server")
	}
	if e := checkWindow(sig, r.Header, v.now(), v.skew()); e != nil {
		return Result{}, e
	}
	if sig.covers("digest") {
		if e := checkDigest(r.Header, body); e != nil {
			return Result{}, e
		}
	}
	hashes, e := candidateHashes(sig, msg)
	if e != nil {
		return Result{}, e
	}
	if v.Keys == nil {
		return Result{}, &Error{Reason: "Unable to verify signature",
			Err: fmt.Errorf("%w: no key resolver configured", ErrKeyUnavailable)}
	}

	key, err := v.Keys.ResolveKey(ctx, sig.keyID, false)
	if err != nil {
		return Result{}, &Error{Reason: "Unable to fetch key " + sig.keyID,
			Err: fmt.Errorf("%w: %w", ErrKeyUnavailable, err)}
	}
	if verifyAny(key.PublicKey, hashes, sig.sig) {
		return Result{KeyID: sig.keyID, Owner: key.Owner}, nil
	}
	// The remote may have rotated its key since we cached it: refetch once.
	// Rate limiting the refetch per host is the resolver's job (SIG-20).
	key, err = v.Keys.ResolveKey(ctx, sig.keyID, true)
	if err != nil {
		return Result{}, &Error{Reason: "Verification failed for " + sig.keyID,
			Err: fmt.Errorf("%w; refreshing key: %w: %w", ErrInvalid, ErrKeyUnavailable, err)}
	}
	if verifyAny(key.PublicKey, hashes, sig.sig) {
		return Result{KeyID: sig.keyID, Owner: key.Owner}, nil
	}
	if key.PublicKey != nil && key.PublicKey.N.BitLen() < MinRSABits {
		return Result{}, invalid(fmt.Sprintf("RSA key %s is too short (minimum %d bits)", sig.keyID, MinRSABits))
	}
	return Result{}, invalid("Verification failed for " + sig.keyID)
}

func (v *Verifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

func (v *Verifier) skew() time.Duration {
	if v.MaxSkew > 0 {
		return v.MaxSkew
	}
	return DefaultMaxSkew
}

// checkStrength enforces which headers must be covered (SIG-04, 07, 08).
// Stricter than Mastodon, which accepts digest in place of
// (request-target): without the target a signature could be replayed on
// another path of the same server.
func checkStrength(s *signature, r *http.Request, body []byte) *Error {
	if !s.covers("date") && !s.covers("(created)") {
		return invalid("Signature must cover the Date header or the (created) pseudo-header")
	}
	if !s.covers("(request-target)") {
		return invalid("Signature must cover the (request-target) pseudo-header")
	}
	if !s.covers("host") {
		return invalid("Signature must cover the Host header")
	}
	if hasBody(r, body) && !s.covers("digest") {
		return invalid("Signature must cover the Digest header when doing a " + r.Method + " request")
	}
	return nil
}

func hasBody(r *http.Request, body []byte) bool {
	switch r.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		return true
	}
	return len(body) > 0
}

// candidateHashes returns the SHA-256 of the signing string and, when the
// request has a query, of the same string without it: Mastodon and
// GoToSocial both accept signatures that omitted the query (SIG-09 quirk).
// Dropping the query is the only variant tried, so a signature made for
// ?foo=42 still fails on ?foo=43.
func candidateHashes(s *signature, msg message) ([][]byte, *Error) {
	msg.created, msg.expires = s.created, s.expires
	str, err := msg.signingString(s.headers)
	if err != nil {
		// The detail only names headers the remote itself listed, so it is
		// safe to echo.
		return nil, &Error{Reason: "Unable to build signing string: " + err.Error(), Err: wrapInvalid(err)}
	}
	h := sha256.Sum256([]byte(str))
	hashes := [][]byte{h[:]}
	if noQuery, ok := msg.withoutQuery(); ok && s.covers("(request-target)") {
		str, err := noQuery.signingString(s.headers)
		if err == nil {
			h := sha256.Sum256([]byte(str))
			hashes = append(hashes, h[:])
		}
	}
	return hashes, nil
}

// verifyAny reports whether sig is a valid RSASSA-PKCS1-v1_5 SHA-256
// signature of one of hashes. The hash is fixed here, never taken from the
// algorithm parameter, so "hs2019" cannot select an HMAC keyed with the
// public key (SIG-12).
func verifyAny(pub *rsa.PublicKey, hashes [][]byte, sig []byte) bool {
	if pub == nil || pub.N == nil || pub.N.BitLen() < MinRSABits {
		return false
	}
	for _, h := range hashes {
		if rsa.VerifyPKCS1v15(pub, crypto.SHA256, h, sig) == nil {
			return true
		}
	}
	return false
}

// sameHost compares a Host header with ours, case-insensitively and
// ignoring an explicit default port on either side.
func sameHost(signed, ours string) bool {
	if ours == "" {
		return false // fail closed on a misconfigured Verifier
	}
	trim := func(h string) string {
		h = strings.ToLower(strings.TrimSpace(h))
		h = strings.TrimSuffix(h, ":443")
		return strings.TrimSuffix(h, ":80")
	}
	return trim(signed) == trim(ours)
}
