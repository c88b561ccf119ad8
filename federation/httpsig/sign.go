package httpsig

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Header lists we sign. Content-Type is signed when present so that a
// relay cannot relabel the body; Mastodon and GoToSocial accept any list
// that contains their required headers.
var (
	getHeaders  = []string{"(request-target)", "host", "date"}
	bodyHeaders = []string{"(request-target)", "host", "date", "digest"}
)

// Sign adds Date (if absent), Host, Digest (when body is non-nil) and a
// Signature header to r, signed with key as keyID using rsa-sha256.
//
// It holds no state, so one key may sign from many goroutines at once.
// The Host value is r.Host, or r.URL.Host when r.Host is empty; it is
// written to both r.Host (what net/http sends) and r.Header["Host"] (what
// header-map based verifiers, including go-fed's, read).
func Sign(r *http.Request, body []byte, keyID string, key *rsa.PrivateKey, now time.Time) error {
	if key == nil {
		return errors.New("httpsig: sign: nil private key")
	}
	if keyID == "" {
		return errors.New("httpsig: sign: empty keyId")
	}
	if strings.ContainsAny(keyID, "\"\\\r\n") {
		// These would break out of the quoted keyId parameter.
		return fmt.Errorf("httpsig: sign: keyId %q contains forbidden characters", keyID)
	}
	if r.URL == nil {
		return errors.New("httpsig: sign: request has no URL")
	}
	if r.Header == nil {
		r.Header = make(http.Header)
	}
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	if host == "" {
		return errors.New("httpsig: sign: request has no host")
	}
	r.Host = host
	r.Header.Set("Host", host)
	if r.Header.Get("Date") == "" {
		r.Header.Set("Date", now.UTC().Format(http.TimeFormat))
	}

	headers := getHeaders
	if body != nil {
		sum := sha256.Sum256(body)
		r.Header.Set("Digest", "SHA-256="+base64.StdEncoding.EncodeToString(sum[:]))
		headers = bodyHeaders
		if r.Header.Get("Content-Type") != "" {
			headers = append(headers[:len(headers):len(headers)], "content-type")
		}
	}

	s, err := requestMessage(r).signingString(headers)
	if err != nil {
		return fmt.Errorf("httpsig: sign: %w", err)
	}
	hashed := sha256.Sum256([]byte(s))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, hashed[:])
	if err != nil {
		return fmt.Errorf("httpsig: sign: %w", err)
	}
	r.Header.Set("Signature", `keyId="`+keyID+`",algorithm="rsa-sha256",headers="`+
		strings.Join(headers, " ")+`",signature="`+base64.StdEncoding.EncodeToString(sig)+`"`)
	return nil
}
