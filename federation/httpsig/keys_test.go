package httpsig_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"testing"

	"github.com/guildhall/guildhall/federation/httpsig"
)

func TestKeyPEMRoundTrip(t *testing.T) {
	key, err := httpsig.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	if key.N.BitLen() != 2048 {
		t.Fatalf("GenerateKey made %d bits", key.N.BitLen())
	}
	priv, err := httpsig.EncodePrivateKeyPEM(key)
	if err != nil {
		t.Fatal(err)
	}
	back, err := httpsig.ParsePrivateKeyPEM(priv)
	if err != nil || !back.Equal(key) {
		t.Fatalf("private round trip: %v", err)
	}
	pub, err := httpsig.EncodePublicKeyPEM(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	backPub, err := httpsig.ParsePublicKeyPEM(pub)
	if err != nil || !backPub.Equal(&key.PublicKey) {
		t.Fatalf("public round trip: %v", err)
	}

	pkcs1Pub := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&key.PublicKey)}))
	if k, err := httpsig.ParsePublicKeyPEM(pkcs1Pub); err != nil || !k.Equal(&key.PublicKey) {
		t.Fatalf("PKCS#1 public key: %v", err)
	}
	pkcs1Priv := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	if k, err := httpsig.ParsePrivateKeyPEM(pkcs1Priv); err != nil || !k.Equal(key) {
		t.Fatalf("PKCS#1 private key: %v", err)
	}
}

func TestParseKeyPEMRejects(t *testing.T) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecPubDER, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	ecPrivDER, _ := x509.MarshalPKCS8PrivateKey(ec)
	tests := []struct {
		name string
		pem  string
		priv bool
	}{
		{"empty", "", false},
		{"not PEM", "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA", false},
		{"certificate block", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", false},
		{"ECDSA public", string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: ecPubDER})), false},
		{"garbage DER", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", false},
		{"ECDSA private", string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecPrivDER})), true},
		{"private empty", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.priv {
				_, err = httpsig.ParsePrivateKeyPEM(tc.pem)
			} else {
				_, err = httpsig.ParsePublicKeyPEM(tc.pem)
			}
			if err == nil {
				t.Fatal("accepted")
			}
		})
	}
}
