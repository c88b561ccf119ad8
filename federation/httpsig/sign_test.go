package httpsig_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	gofed "github.com/go-fed/httpsig"

	"github.com/guildhall/guildhall/federation/httpsig"
)

// TestSignVerifyOverHTTP signs on a real client and verifies on a real
// server, so the Host, request target and headers are what net/http puts
// on the wire rather than what a hand-built request holds.
func TestSignVerifyOverHTTP(t *testing.T) {
	key := loadKey(t, "test-key-a.pem")
	var (
		mu  sync.Mutex
		got []error
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		v := &httpsig.Verifier{Keys: staticResolver(&key.PublicKey), Host: r.Host}
		_, err := v.Verify(r.Context(), r, body)
		mu.Lock()
		got = append(got, err)
		mu.Unlock()
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()

	tests := []struct {
		name   string
		method string
		path   string
		body   []byte
	}{
		{"GET", http.MethodGet, "/users/alice", nil},
		{"GET with escaped path and query", http.MethodGet, "/.well-known/webfinger?resource=acct%3Aalice%40example.com", nil},
		{"POST", http.MethodPost, "/inbox", []byte(note)},
		{"POST empty body", http.MethodPost, "/users/alice/inbox", []byte{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(context.Background(), tc.method, srv.URL+tc.path, bytes.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if tc.body != nil {
				req.Header.Set("Content-Type", "application/activity+json")
			}
			if err := httpsig.Sign(req, tc.body, testKeyID, key, time.Now()); err != nil {
				t.Fatal(err)
			}
			sigHeader := req.Header.Get("Signature")
			wantHeaders := `headers="(request-target) host date"`
			if tc.body != nil {
				wantHeaders = `headers="(request-target) host date digest content-type"`
			}
			if !strings.Contains(sigHeader, `algorithm="rsa-sha256"`) || !strings.Contains(sigHeader, wantHeaders) {
				t.Fatalf("Signature = %s", sigHeader)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			msg, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusAccepted {
				t.Fatalf("status %d: %s", resp.StatusCode, msg)
			}
		})
	}
}

func TestSignSetsHeaders(t *testing.T) {
	key := loadKey(t, "test-key-a.pem")
	now := time.Date(2026, 11, 26, 4, 9, 2, 0, time.FixedZone("CET", 3600))
	body := []byte(note)

	tests := []struct {
		name       string
		body       []byte
		date       string // preset Date header
		wantDate   string
		wantDigest bool
	}{
		{"GET gets a GMT date", nil, "", "Thu, 26 Nov 2026 03:09:02 GMT", false},
		{"existing date kept", nil, "Thu, 26 Nov 2026 04:00:00 GMT", "Thu, 26 Nov 2026 04:00:00 GMT", false},
		{"POST gets a digest", body, "", "Thu, 26 Nov 2026 03:09:02 GMT", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, "https://remote.example/inbox", nil)
			if tc.date != "" {
				req.Header.Set("Date", tc.date)
			}
			if err := httpsig.Sign(req, tc.body, testKeyID, key, now); err != nil {
				t.Fatal(err)
			}
			if got := req.Header.Get("Date"); got != tc.wantDate {
				t.Errorf("Date = %q, want %q", got, tc.wantDate)
			}
			if req.Host != "remote.example" || req.Header.Get("Host") != "remote.example" {
				t.Errorf("Host = %q / %q", req.Host, req.Header.Get("Host"))
			}
			sum := sha256.Sum256(tc.body)
			wantDigest := "SHA-256=" + base64.StdEncoding.EncodeToString(sum[:])
			if got := req.Header.Get("Digest"); (got == wantDigest) != tc.wantDigest {
				t.Errorf("Digest = %q", got)
			}
		})
	}
}

func TestSignRejectsBadInput(t *testing.T) {
	key := loadKey(t, "test-key-a.pem")
	tests := []struct {
		name  string
		keyID string
		key   bool
		url   string
	}{
		{"nil key", testKeyID, false, "https://remote.example/inbox"},
		{"empty keyId", "", true, "https://remote.example/inbox"},
		{"quote in keyId", `https://x/"k`, true, "https://remote.example/inbox"},
		{"no host", testKeyID, true, "/inbox"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, _ := url.Parse(tc.url)
			req := &http.Request{Method: http.MethodGet, URL: u, Header: http.Header{}}
			k := key
			if !tc.key {
				k = nil
			}
			if err := httpsig.Sign(req, nil, tc.keyID, k, testNow); err == nil {
				t.Fatal("Sign accepted bad input")
			}
		})
	}
}

// TestSignConcurrent shares one key across goroutines; run with -race.
func TestSignConcurrent(t *testing.T) {
	key := loadKey(t, "test-key-a.pem")
	v := &httpsig.Verifier{Keys: staticResolver(&key.PublicKey), Host: "remote.example", Now: func() time.Time { return testNow }}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := []byte(fmt.Sprintf(`{"n":%d}`, i))
			req := httptest.NewRequest(http.MethodPost, "https://remote.example/inbox", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/activity+json")
			if err := httpsig.Sign(req, body, testKeyID, key, testNow); err != nil {
				errs <- err
				return
			}
			if _, err := v.Verify(context.Background(), req, body); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestInteropGoFed uses go-fed/httpsig as an independent implementation:
// what it signs must verify here, and what Sign produces must verify there.
func TestInteropGoFed(t *testing.T) {
	key := loadKey(t, "test-key-a.pem")
	tests := []struct {
		name string
		body []byte
	}{
		{"GET", nil},
		{"POST", []byte(note)},
	}
	for _, tc := range tests {
		t.Run("go-fed signs, we verify/"+tc.name, func(t *testing.T) {
			method, headers := http.MethodGet, getSigned
			if tc.body != nil {
				method, headers = http.MethodPost, postSigned
			}
			req := httptest.NewRequest(method, "/users/alice/inbox?page=true", bytes.NewReader(tc.body))
			req.Host = ourHost
			req.Header.Set("Host", ourHost)
			req.Header.Set("Date", testNow.Format(http.TimeFormat))
			signer, _, err := gofed.NewSigner([]gofed.Algorithm{gofed.RSA_SHA256}, gofed.DigestSha256, headers, gofed.Signature, 0)
			if err != nil {
				t.Fatal(err)
			}
			if err := signer.SignRequest(key, testKeyID, req, tc.body); err != nil {
				t.Fatal(err)
			}
			v := &httpsig.Verifier{Keys: staticResolver(&key.PublicKey), Host: ourHost, Now: func() time.Time { return testNow }}
			if _, err := v.Verify(context.Background(), req, tc.body); err != nil {
				t.Fatalf("Verify: %v", err)
			}
		})
		t.Run("we sign, go-fed verifies/"+tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, "https://remote.example/users/bob/outbox?page=true", nil)
			if tc.body != nil {
				req.Method = http.MethodPost
				req.Header.Set("Content-Type", "application/activity+json")
			}
			if err := httpsig.Sign(req, tc.body, testKeyID, key, time.Now()); err != nil {
				t.Fatal(err)
			}
			gv, err := gofed.NewVerifier(req)
			if err != nil {
				t.Fatal(err)
			}
			if gv.KeyId() != testKeyID {
				t.Fatalf("keyId = %q", gv.KeyId())
			}
			if err := gv.Verify(&key.PublicKey, gofed.RSA_SHA256); err != nil {
				t.Fatalf("go-fed Verify: %v", err)
			}
		})
	}
}
