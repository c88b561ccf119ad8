package httpsig_test

import (
	"context"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/guildhall/guildhall/federation/httpsig"
)

var (
	getSigned  = []string{"(request-target)", "host", "date"}
	postSigned = []string{"(request-target)", "host", "date", "digest"}
)

const note = `{"type":"Create","actor":"https://remote.example/users/bob"}`

// TestVerifyRules covers SIG-01..SIG-13 one rule at a time. Each failing
// case names the reason it must fail with, so a case cannot pass by failing
// for some unrelated reason.
func TestVerifyRules(t *testing.T) {
	key := loadKey(t, "test-key-a.pem")
	other := loadKey(t, "test-key-b.pem")
	b64 := func(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
	sha512sum := sha512.Sum512([]byte(note))

	tests := []struct {
		name       string
		spec       spec
		signWith   bool // sign with the other key
		mutate     func(r *http.Request, body []byte) []byte
		wantReason string // "" means the request must verify
		wantIs     error
	}{
		// Positive controls: without them the failures below prove nothing.
		{name: "valid GET rsa-sha256", spec: spec{algorithm: "rsa-sha256", headers: getSigned}},
		{name: "valid POST with digest", spec: spec{method: "POST", target: "/inbox", body: note, algorithm: "rsa-sha256", headers: postSigned}},
		{name: "valid POST hs2019", spec: spec{method: "POST", target: "/inbox", body: note, algorithm: "hs2019", headers: postSigned}},
		{name: "algorithm omitted", spec: spec{headers: getSigned}},
		{name: "valid hs2019 with created and expires", spec: spec{algorithm: "hs2019",
			headers: []string{"(request-target)", "host", "(created)", "(expires)"},
			created: unix(testNow.Add(-time.Minute)), expires: unix(testNow.Add(4 * time.Minute)), date: "-"}},
		{name: "Authorization: Signature scheme", spec: spec{scheme: "Authorization", algorithm: "rsa-sha256", headers: getSigned}},
		{name: "signed host with default port", spec: spec{host: "example.com:443", headers: getSigned}},
		{name: "signed host in upper case", spec: spec{host: "EXAMPLE.com", headers: getSigned}},
		{name: "date 64 minutes old", spec: spec{date: testNow.Add(-64 * time.Minute).Format(http.TimeFormat), headers: getSigned}},
		{name: "date 59 minutes ahead", spec: spec{date: testNow.Add(59 * time.Minute).Format(http.TimeFormat), headers: getSigned}},

		// SIG-01
		{name: "SIG-01 unsigned", spec: spec{raw: "-"}, mutate: func(r *http.Request, b []byte) []byte {
			r.Header.Del("Signature")
			return b
		}, wantReason: "Request not signed", wantIs: httpsig.ErrUnsigned},
		{name: "SIG-01 bearer authorization is unsigned", spec: spec{raw: "-"}, mutate: func(r *http.Request, b []byte) []byte {
			r.Header.Del("Signature")
			r.Header.Set("Authorization", "Bearer abc")
			return b
		}, wantReason: "Request not signed", wantIs: httpsig.ErrUnsigned},

		// SIG-02
		{name: "SIG-02 unquoted URL and empty signature", spec: spec{raw: `keyId=https://x/a,signature=`}, wantReason: "Error parsing signature parameters", wantIs: httpsig.ErrInvalid},
		{name: "SIG-02 missing equals", spec: spec{raw: `keyId "https://x/a",signature="abc"`}, wantReason: "Error parsing signature parameters"},
		{name: "SIG-02 unterminated quote", spec: spec{raw: `keyId="https://x/a,signature="abc"`}, wantReason: "Error parsing signature parameters"},
		{name: "SIG-02 trailing comma", spec: spec{raw: `keyId="https://x/a",signature="abc",`}, wantReason: "Error parsing signature parameters"},
		{name: "SIG-02 repeated keyId", spec: spec{raw: `keyId="https://x/a",keyId="https://y/b",signature="abc"`}, wantReason: "Error parsing signature parameters"},
		{name: "SIG-02 signature not base64", spec: spec{headers: getSigned, sigValue: "!!!!"}, wantReason: "Signature is not valid base64"},

		// SIG-03
		{name: "SIG-03 no keyId", spec: spec{raw: `headers="date",signature="abc="`}, wantReason: "keyId and signature are required"},
		{name: "SIG-03 no signature", spec: spec{raw: `keyId="https://x/a",headers="date"`}, wantReason: "keyId and signature are required"},

		// SIG-04
		{name: "SIG-04 POST without signed digest", spec: spec{method: "POST", target: "/inbox", body: note,
			headers: []string{"host", "date", "(request-target)"}}, wantReason: "must cover the Digest header when doing a POST"},

		// SIG-05
		{name: "SIG-05 tampered body", spec: spec{method: "POST", target: "/inbox", body: "Hello world", headers: postSigned},
			mutate:     func(_ *http.Request, _ []byte) []byte { return []byte("Hello world!") },
			wantReason: "Invalid Digest value. Computed SHA-256 digest: "},

		// SIG-06
		{name: "SIG-06 SHA-512 only", spec: spec{method: "POST", target: "/inbox", body: note, headers: postSigned, digest: "SHA-512=" + b64(sha512sum[:])},
			wantReason: "Only SHA-256 is supported"},
		{name: "SIG-06 not base64", spec: spec{method: "POST", target: "/inbox", body: note, headers: postSigned, digest: "SHA-256=!!notbase64"},
			wantReason: "not a valid base64 string"},
		{name: "SIG-06 20 bytes", spec: spec{method: "POST", target: "/inbox", body: note, headers: postSigned, digest: "SHA-256=" + b64(make([]byte, 20))},
			wantReason: "not a SHA-256 digest"},
		{name: "SIG-06 digest signed but absent", spec: spec{method: "POST", target: "/inbox", body: note, headers: postSigned}, mutate: func(r *http.Request, b []byte) []byte {
			r.Header.Del("Digest")
			return b
		}, wantReason: "Digest header missing"},

		// SIG-07
		{name: "SIG-07 GET without signed host", spec: spec{headers: []string{"(request-target)", "date"}}, wantReason: "must cover the Host header"},
		{name: "SIG-07 signed for another server", spec: spec{host: "other.example", headers: getSigned}, wantReason: "Signed Host header does not match this server"},
		{name: "SIG-07 non-default port is another server", spec: spec{host: "example.com:8443", headers: getSigned}, wantReason: "Signed Host header does not match"},

		// SIG-08
		{name: "SIG-08 only date", spec: spec{headers: []string{"date"}}, wantReason: "must cover the (request-target)"},
		{name: "SIG-08 no headers parameter rsa-sha256", spec: spec{algorithm: "rsa-sha256"}, wantReason: "must cover the (request-target)"},
		{name: "SIG-08 no headers parameter hs2019", spec: spec{algorithm: "hs2019", created: unix(testNow)}, wantReason: "must cover the (request-target)"},
		{name: "SIG-08 neither date nor created", spec: spec{headers: []string{"(request-target)", "host"}}, wantReason: "must cover the Date header or the (created)"},

		// SIG-09
		{name: "SIG-09 replayed as POST", spec: spec{method: "POST", target: "/activitypub/success", body: note, sigMethod: "GET", headers: postSigned}, wantReason: "Verification failed"},
		{name: "SIG-09 replayed as DELETE", spec: spec{method: "DELETE", target: "/activitypub/success", sigMethod: "GET", headers: getSigned}, wantReason: "Verification failed"},
		{name: "SIG-09 other path", spec: spec{target: "/activitypub/alternative-path", sigTarget: "/activitypub/success", headers: getSigned}, wantReason: "Verification failed"},
		{name: "SIG-09 other query", spec: spec{target: "/activitypub/success?foo=43", sigTarget: "/activitypub/success?foo=42", headers: getSigned}, wantReason: "Verification failed"},
		{name: "SIG-09 query dropped by signer is accepted", spec: spec{target: "/activitypub/success?foo=42", sigTarget: "/activitypub/success", headers: getSigned}},
		{name: "SIG-09 query signed is accepted", spec: spec{target: "/activitypub/success?foo=42", headers: getSigned}},
		{name: "SIG-09 escaped path signed as sent", spec: spec{target: "/users/a%3Ab", headers: getSigned}},

		// SIG-10
		{name: "SIG-10a two days old", spec: spec{date: "Wed, 18 Dec 2023 10:00:00 GMT", headers: getSigned}, wantReason: "outside acceptable time window"},
		{name: "SIG-10a 66 minutes old", spec: spec{date: testNow.Add(-66 * time.Minute).Format(http.TimeFormat), headers: getSigned}, wantReason: "outside acceptable time window"},
		{name: "SIG-10a 61 minutes ahead", spec: spec{date: testNow.Add(61 * time.Minute).Format(http.TimeFormat), headers: getSigned}, wantReason: "outside acceptable time window"},
		{name: "SIG-10b wrong date", spec: spec{date: "wrong date", headers: getSigned}, wantReason: "Invalid Date header"},
		{name: "SIG-10c created 2h in the future", spec: spec{algorithm: "hs2019", headers: []string{"(request-target)", "host", "(created)"},
			created: unix(testNow.Add(2 * time.Hour))}, wantReason: "outside acceptable time window"},
		{name: "SIG-10d expired", spec: spec{algorithm: "hs2019", headers: []string{"(request-target)", "host", "(created)", "(expires)"},
			created: unix(testNow.Add(-3 * time.Hour)), expires: unix(testNow.Add(-2 * time.Hour))}, wantReason: "outside acceptable time window"},
		{name: "SIG-10 expires beyond 12h is capped", spec: spec{algorithm: "hs2019", headers: []string{"(request-target)", "host", "(created)", "(expires)"},
			created: unix(testNow.Add(-14 * time.Hour)), expires: unix(testNow.Add(time.Hour))}, wantReason: "outside acceptable time window"},
		{name: "SIG-10 unsigned created parameter is ignored", spec: spec{algorithm: "hs2019", headers: getSigned,
			date: "Wed, 18 Dec 2023 10:00:00 GMT", created: unix(testNow)}, wantReason: "outside acceptable time window"},

		// SIG-12
		{name: "SIG-12a hmac-sha256", spec: spec{algorithm: "hmac-sha256", headers: getSigned}, wantReason: "Unsupported signature algorithm"},
		{name: "SIG-12a rsa-sha1", spec: spec{algorithm: "rsa-sha1", headers: getSigned}, wantReason: "Unsupported signature algorithm"},
		{name: "SIG-12a garbage", spec: spec{algorithm: "x", headers: getSigned}, wantReason: "Unsupported signature algorithm"},
		{name: "SIG-12b created missing", spec: spec{algorithm: "hs2019", headers: []string{"(created)", "(request-target)", "host", "digest"}, method: "POST", body: note},
			wantReason: "(created) used but corresponding argument missing"},
		{name: "SIG-12c created with rsa-sha256", spec: spec{algorithm: "rsa-sha256", headers: []string{"(created)", "(request-target)", "host"}, created: unix(testNow)},
			wantReason: "Invalid pseudo-header (created) for rsa-sha256"},
		{name: "SIG-12 malformed created", spec: spec{algorithm: "hs2019", headers: []string{"(created)", "(request-target)", "host"}, created: "soon"},
			wantReason: "Invalid created parameter"},
		{name: "SIG-12 unknown pseudo-header", spec: spec{headers: []string{"(request-target)", "host", "date", "(nonce)"}},
			wantReason: "unsupported pseudo-header (nonce)"},
		{name: "SIG-12 signed header absent", spec: spec{headers: []string{"(request-target)", "host", "date", "x-missing"}},
			wantReason: "signed header x-missing is missing"},

		// SIG-13
		{name: "SIG-13a Signature and Authorization", spec: spec{headers: getSigned}, mutate: func(r *http.Request, b []byte) []byte {
			r.Header.Set("Authorization", "Signature "+r.Header.Get("Signature"))
			return b
		}, wantReason: "Both Signature and Authorization"},
		{name: "SIG-13b two Signature headers", spec: spec{headers: getSigned}, mutate: func(r *http.Request, b []byte) []byte {
			r.Header.Add("Signature", strings.Replace(r.Header.Get("Signature"), "remote.example", "evil.example", 1))
			return b
		}, wantReason: "Multiple signatures"},
		{name: "RFC 9421 not supported", spec: spec{headers: getSigned}, mutate: func(r *http.Request, b []byte) []byte {
			r.Header.Set("Signature-Input", `sig1=("@method");created=1`)
			return b
		}, wantReason: "RFC 9421"},

		// keyId shape (SIG-16) and the key itself
		{name: "SIG-16 acct keyId", spec: spec{keyID: "acct:alice@victim.example", headers: getSigned}, wantReason: "acct: keyIds are not supported"},
		{name: "keyId other scheme", spec: spec{keyID: "ftp://remote.example/key", headers: getSigned}, wantReason: "keyId must be an http(s) URL"},
		{name: "keyId relative", spec: spec{keyID: "/users/bob#main-key", headers: getSigned}, wantReason: "keyId must be an http(s) URL"},
		{name: "signed by another key", spec: spec{headers: getSigned}, signWith: true, wantReason: "Verification failed for " + testKeyID},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k := key
			if tc.signWith {
				k = other
			}
			r, body := tc.spec.request(t, k)
			if tc.mutate != nil {
				body = tc.mutate(r, body)
			}
			v := &httpsig.Verifier{Keys: staticResolver(&key.PublicKey), Host: ourHost, Now: func() time.Time { return testNow }}
			res, err := v.Verify(context.Background(), r, body)
			if tc.wantReason == "" {
				if err != nil {
					t.Fatalf("Verify: %v (%v)", err, errors.Unwrap(err))
				}
				if res.KeyID != testKeyID || res.Owner != testOwner {
					t.Fatalf("result = %+v", res)
				}
				return
			}
			if err == nil {
				t.Fatalf("Verify accepted the request, want %q", tc.wantReason)
			}
			var e *httpsig.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not *httpsig.Error", err)
			}
			if !strings.Contains(e.Reason, tc.wantReason) {
				t.Fatalf("reason = %q, want it to contain %q", e.Reason, tc.wantReason)
			}
			want := tc.wantIs
			if want == nil {
				want = httpsig.ErrInvalid
			}
			if !errors.Is(err, want) {
				t.Fatalf("errors.Is(%v, %v) = false", err, want)
			}
			if errors.Is(err, httpsig.ErrKeyUnavailable) {
				t.Fatalf("a refusal must not look like a key lookup failure: %v", err)
			}
		})
	}
}

// TestVerifyRefusesHMACConfusion: a forger who knows only the public key
// computes an HMAC keyed with it. Whatever the algorithm label says, the
// verifier must never treat the public key as an HMAC secret (SIG-12).
func TestVerifyRefusesHMACConfusion(t *testing.T) {
	key := loadKey(t, "test-key-a.pem")
	pemPub, err := httpsig.EncodePublicKeyPEM(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	for _, alg := range []string{"hmac-sha256", "hs2019", "rsa-sha256"} {
		t.Run(alg, func(t *testing.T) {
			s := spec{algorithm: alg, headers: getSigned}
			r, _ := s.request(t, key)
			str := "(request-target): get /users/alice/outbox\nhost: " + ourHost + "\ndate: " + r.Header.Get("Date")
			mac := hmac.New(sha256.New, []byte(pemPub))
			mac.Write([]byte(str))
			s.sigValue = base64.StdEncoding.EncodeToString(mac.Sum(nil))
			r, body := s.request(t, key)
			v := &httpsig.Verifier{Keys: staticResolver(&key.PublicKey), Host: ourHost, Now: func() time.Time { return testNow }}
			if _, err := v.Verify(context.Background(), r, body); err == nil {
				t.Fatal("HMAC keyed with the public key was accepted")
			}
		})
	}
}

// TestVerifyKeyResolution covers the resolver contract: its errors pass
// through, a failed verification refetches exactly once (SIG-20a), and
// weak keys are refused.
func TestVerifyKeyResolution(t *testing.T) {
	key := loadKey(t, "test-key-a.pem")
	old := loadKey(t, "test-key-b.pem")
	weak, err := rsaKey1024()
	if err != nil {
		t.Fatal(err)
	}
	dbDown := &dbError{msg: "connection refused"}

	tests := []struct {
		name       string
		signer     *rsa.PrivateKey // nil means the matching test key
		res        *resolver
		wantReason string
		wantCalls  []bool
		check      func(t *testing.T, err error)
	}{
		{
			name: "cached key verifies without refresh", res: staticResolver(&key.PublicKey),
			wantCalls: []bool{false},
		},
		{
			name: "rotated key: refresh once then accept",
			res: &resolver{
				cached: map[string]httpsig.Key{testKeyID: {PublicKey: &old.PublicKey, Owner: testOwner}},
				fresh:  map[string]httpsig.Key{testKeyID: {PublicKey: &key.PublicKey, Owner: testOwner}},
			},
			wantCalls: []bool{false, true},
		},
		{
			name: "still wrong after refresh", res: staticResolver(&old.PublicKey),
			wantReason: "Verification failed", wantCalls: []bool{false, true},
			check: func(t *testing.T, err error) {
				if errors.Is(err, httpsig.ErrKeyUnavailable) {
					t.Error("bad signature reported as key unavailable")
				}
			},
		},
		{
			name: "resolver error passes through", res: &resolver{err: dbDown},
			wantReason: "Unable to fetch key", wantCalls: []bool{false},
			check: func(t *testing.T, err error) {
				var de *dbError
				if !errors.Is(err, httpsig.ErrKeyUnavailable) || !errors.As(err, &de) || !errors.Is(err, dbDown) {
					t.Errorf("resolver error not reachable through %v", err)
				}
			},
		},
		{
			name: "refresh error after failure",
			res: &resolver{
				cached:   map[string]httpsig.Key{testKeyID: {PublicKey: &old.PublicKey}},
				freshErr: dbDown,
			},
			wantReason: "Verification failed", wantCalls: []bool{false, true},
			check: func(t *testing.T, err error) {
				if !errors.Is(err, httpsig.ErrKeyUnavailable) || !errors.Is(err, dbDown) || !errors.Is(err, httpsig.ErrInvalid) {
					t.Errorf("want invalid + key unavailable + cause, got %v", errors.Unwrap(err))
				}
			},
		},
		{
			name: "nil public key", res: &resolver{cached: map[string]httpsig.Key{testKeyID: {}}},
			wantReason: "Verification failed", wantCalls: []bool{false, true},
		},
		{
			name: "1024-bit key refused even when the signature is right", signer: weak,
			res:        staticResolver(&weak.PublicKey),
			wantReason: "too short", wantCalls: []bool{false, true},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			signer := key
			if tc.signer != nil {
				signer = tc.signer
			}
			r, body := spec{method: "POST", target: "/inbox", body: note, headers: postSigned}.request(t, signer)
			v := &httpsig.Verifier{Keys: tc.res, Host: ourHost, Now: func() time.Time { return testNow }}
			_, err := v.Verify(context.Background(), r, body)
			if tc.wantReason == "" && err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if tc.wantReason != "" && (err == nil || !strings.Contains(err.Error(), tc.wantReason)) {
				t.Fatalf("err = %v, want reason %q", err, tc.wantReason)
			}
			if got := tc.res.calls; len(got) != len(tc.wantCalls) || (len(got) == 2 && !got[1]) || (len(got) > 0 && got[0]) {
				t.Fatalf("resolver calls (refresh flags) = %v, want %v", got, tc.wantCalls)
			}
			if tc.check != nil {
				tc.check(t, err)
			}
		})
	}
}

type dbError struct{ msg string }

func (e *dbError) Error() string { return e.msg }

func TestVerifyRequiresConfiguration(t *testing.T) {
	key := loadKey(t, "test-key-a.pem")
	tests := []struct {
		name string
		v    *httpsig.Verifier
		want error
	}{
		{"no host fails closed", &httpsig.Verifier{Keys: staticResolver(&key.PublicKey), Now: func() time.Time { return testNow }}, httpsig.ErrInvalid},
		{"no resolver", &httpsig.Verifier{Host: ourHost, Now: func() time.Time { return testNow }}, httpsig.ErrKeyUnavailable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, body := spec{headers: getSigned}.request(t, key)
			if _, err := tc.v.Verify(context.Background(), r, body); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}
