package httpsig_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	gofed "github.com/go-fed/httpsig"

	"github.com/guildhall/guildhall/federation/httpsig"
)

// BenchmarkVerifyPOST is the inbox hot path: a signed POST with a cached key.
func BenchmarkVerifyPOST(b *testing.B) {
	key := loadKey(b, "test-key-a.pem")
	body := []byte(note)
	req := httptest.NewRequest(http.MethodPost, "https://example.com/inbox", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/activity+json")
	if err := httpsig.Sign(req, body, testKeyID, key, testNow); err != nil {
		b.Fatal(err)
	}
	v := &httpsig.Verifier{Keys: staticResolver(&key.PublicKey), Host: ourHost, Now: func() time.Time { return testNow }}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(ctx, req, body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSignPOST(b *testing.B) {
	key := loadKey(b, "test-key-a.pem")
	body := []byte(note)
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequest(http.MethodPost, "https://remote.example/inbox", nil)
		req.Header.Set("Content-Type", "application/activity+json")
		if err := httpsig.Sign(req, body, testKeyID, key, testNow); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGoFedSignPOST measures go-fed's signer created per request (its
// signers hold hash state and cannot be shared between goroutines).
func BenchmarkGoFedSignPOST(b *testing.B) {
	key := loadKey(b, "test-key-a.pem")
	body := []byte(note)
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequest(http.MethodPost, "https://remote.example/inbox", nil)
		req.Header.Set("Host", "remote.example")
		req.Header.Set("Date", testNow.Format(http.TimeFormat))
		s, _, err := gofed.NewSigner([]gofed.Algorithm{gofed.RSA_SHA256}, gofed.DigestSha256, postSigned, gofed.Signature, 0)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.SignRequest(key, testKeyID, req, body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRawRSA2048Sign(b *testing.B) {
	key := loadKey(b, "test-key-a.pem")
	h := sha256.Sum256([]byte(note))
	for b.Loop() {
		if _, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, h[:]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRawRSA2048Verify(b *testing.B) {
	key := loadKey(b, "test-key-a.pem")
	h := sha256.Sum256([]byte(note))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, h[:])
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA256, h[:], sig); err != nil {
			b.Fatal(err)
		}
	}
}
