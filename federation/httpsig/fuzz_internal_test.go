package httpsig

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzParseSignature (SIG-02, SIG-13) feeds raw header values to the parameter parser. A value it accepts must be
// one the verifier can rely on without further checks: an http(s) keyId with a host, a supported
// algorithm, a non-empty signature, lower-case covered headers without blanks, and positive
// created/expires whenever they are signed.
func FuzzParseSignature(f *testing.F) {
	for _, s := range []string{
		`keyId="http://gts.test/users/alice/main-key",algorithm="hs2019",headers="(request-target) host date digest",signature="cDg5TQ=="`,
		`keyId="https://remote.example/users/bob#main-key",algorithm="rsa-sha256",signature="AAAA"`,
		`keyId="https://a.example/k",signature="AAAA",headers="(created) (expires)",created=1,expires=2`,
		`keyId="https://a.example/k" , signature="AA\"AA"`,
		`keyId=https://a.example/k,signature=AAAA`,
		`keyId="acct:a@b",signature="AAAA"`,
		`keyId="https://a.example/k",signature="AAAA",signature="BBBB"`,
		`keyId="https://a.example/k",signature="AAAA",`,
		`keyId="https://a.example/k",signature="AAAA",headers=" "`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		s, e := parseSignature(raw)
		if e != nil {
			if s != nil {
				t.Fatal("error with a result")
			}
			if e.Reason == "" {
				t.Fatal("error without a reason")
			}
			return
		}
		u, err := url.Parse(s.keyID)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
			t.Fatalf("accepted keyId %q", s.keyID)
		}
		if s.algorithm != "hs2019" && s.algorithm != "rsa-sha256" {
			t.Fatalf("accepted algorithm %q", s.algorithm)
		}
		if len(s.sig) == 0 {
			t.Fatal("accepted an empty signature")
		}
		if len(s.headers) == 0 {
			t.Fatal("no covered headers")
		}
		for _, h := range s.headers {
			if h == "" || h != strings.ToLower(h) || strings.ContainsAny(h, " \t\r\n") {
				t.Fatalf("covered header %q", h)
			}
		}
		if s.covers("(created)") && s.created <= 0 || s.covers("(expires)") && s.expires <= 0 {
			t.Fatalf("signed created/expires not positive: %d %d", s.created, s.expires)
		}
	})
}
