package httpsig_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/guildhall/guildhall/federation/httpsig"
)

const (
	ourHost   = "example.com"
	testKeyID = "https://remote.example/users/bob#main-key"
	testOwner = "https://remote.example/users/bob"
)

var testNow = time.Date(2023, 12, 20, 10, 0, 0, 0, time.UTC)

func loadKey(t testing.TB, name string) *rsa.PrivateKey {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatalf("read key: %v", err)
	}
	k, err := httpsig.ParsePrivateKeyPEM(string(b))
	if err != nil {
		t.Fatalf("parse key: %v", err)
	}
	return k
}

// resolver is a KeyResolver test double: cached answers for refresh=false,
// fresh answers for refresh=true, and a record of every call.
type resolver struct {
	mu       sync.Mutex
	cached   map[string]httpsig.Key
	fresh    map[string]httpsig.Key
	err      error // returned for refresh=false when set
	freshErr error // returned for refresh=true when set
	calls    []bool
}

func (r *resolver) ResolveKey(_ context.Context, keyID string, refresh bool) (httpsig.Key, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, refresh)
	if refresh {
		if r.freshErr != nil {
			return httpsig.Key{}, r.freshErr
		}
		if k, ok := r.fresh[keyID]; ok {
			return k, nil
		}
	} else if r.err != nil {
		return httpsig.Key{}, r.err
	}
	k, ok := r.cached[keyID]
	if !ok {
		return httpsig.Key{}, fmt.Errorf("no key %s", keyID)
	}
	return k, nil
}

func staticResolver(pub *rsa.PublicKey) *resolver {
	return &resolver{cached: map[string]httpsig.Key{testKeyID: {PublicKey: pub, Owner: testOwner}}}
}

// spec describes a hand-made signed request. The signing string is built
// here independently of the package so that the tests do not merely check
// the implementation against itself.
type spec struct {
	method    string   // default GET
	target    string   // request target on the wire, default /users/alice/outbox
	body      string   // for POST
	host      string   // Host header, default ourHost
	date      string   // Date header, default testNow; "-" omits it
	digest    string   // Digest header; "" computes SHA-256 of body for POST; "-" omits
	headers   []string // signed headers; nil means the params omit headers=
	sigTarget string   // request-target used in the signing string, default target
	sigMethod string   // method used in the signing string, default method
	algorithm string   // "" omits the parameter
	created   string   // created parameter, "" omits
	expires   string   // expires parameter, "" omits
	keyID     string   // default testKeyID
	scheme    string   // "Signature" (default) or "Authorization"
	sigValue  string   // overrides the computed signature value
	raw       string   // overrides the whole header value
}

func (s spec) request(t testing.TB, key *rsa.PrivateKey) (*http.Request, []byte) {
	t.Helper()
	if s.method == "" {
		s.method = http.MethodGet
	}
	if s.target == "" {
		s.target = "/users/alice/outbox"
	}
	if s.host == "" {
		s.host = ourHost
	}
	if s.keyID == "" {
		s.keyID = testKeyID
	}
	var body []byte
	if s.body != "" || s.method == http.MethodPost {
		body = []byte(s.body)
	}
	r := httptest.NewRequest(s.method, s.target, strings.NewReader(s.body))
	r.Host = s.host
	switch s.date {
	case "":
		r.Header.Set("Date", testNow.Format(http.TimeFormat))
	case "-":
	default:
		r.Header.Set("Date", s.date)
	}
	switch {
	case s.digest == "-":
	case s.digest != "":
		r.Header.Set("Digest", s.digest)
	case body != nil:
		sum := sha256.Sum256(body)
		r.Header.Set("Digest", "SHA-256="+base64.StdEncoding.EncodeToString(sum[:]))
	}
	if body != nil {
		r.Header.Set("Content-Type", "application/activity+json")
	}
	if s.raw == "" {
		s.raw = s.header(t, r, key)
	}
	if s.scheme == "Authorization" {
		r.Header.Set("Authorization", "Signature "+s.raw)
	} else {
		r.Header.Set("Signature", s.raw)
	}
	return r, body
}

func (s spec) header(t testing.TB, r *http.Request, key *rsa.PrivateKey) string {
	t.Helper()
	headers := s.headers
	if headers == nil {
		headers = []string{"date"}
	}
	method, target := s.sigMethod, s.sigTarget
	if method == "" {
		method = s.method
	}
	if target == "" {
		target = s.target
	}
	lines := make([]string, 0, len(headers))
	for _, h := range headers {
		var v string
		switch h {
		case "(request-target)":
			v = strings.ToLower(method) + " " + target
		case "(created)":
			v = s.created
		case "(expires)":
			v = s.expires
		case "host":
			v = r.Host
		default:
			v = r.Header.Get(h)
		}
		lines = append(lines, h+": "+v)
	}
	sig := s.sigValue
	if sig == "" {
		sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
		b, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:])
		if err != nil {
			t.Fatalf("sign: %v", err)
		}
		sig = base64.StdEncoding.EncodeToString(b)
	}
	parts := []string{`keyId="` + s.keyID + `"`}
	if s.algorithm != "" {
		parts = append(parts, `algorithm="`+s.algorithm+`"`)
	}
	if s.created != "" {
		parts = append(parts, "created="+s.created)
	}
	if s.expires != "" {
		parts = append(parts, "expires="+s.expires)
	}
	if s.headers != nil {
		parts = append(parts, `headers="`+strings.Join(s.headers, " ")+`"`)
	}
	parts = append(parts, `signature="`+sig+`"`)
	return strings.Join(parts, ",")
}

func unix(t time.Time) string { return fmt.Sprint(t.Unix()) }

// rsaKey1024 makes a key below MinRSABits for the weak-key test.
func rsaKey1024() (*rsa.PrivateKey, error) {
	return rsa.GenerateKey(rand.Reader, 1024)
}
