package httpsig_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/guildhall/guildhall/federation/httpsig"
)

// fuzzRequest is a captured GoToSocial request (testdata/gotosocial) whose Signature header the
// fuzzer replaces.
type fuzzRequest struct {
	head []byte
	body []byte
	sig  string // the captured Signature header
	date time.Time
}

func loadFuzzRequest(f *testing.F, name string, hasBody bool) fuzzRequest {
	f.Helper()
	head, err := os.ReadFile("testdata/gotosocial/" + name + ".http.txt")
	if err != nil {
		f.Fatal(err)
	}
	var body []byte
	if hasBody {
		if body, err = os.ReadFile("testdata/gotosocial/" + name + ".raw.json"); err != nil {
			f.Fatal(err)
		}
	}
	r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(head)))
	if err != nil {
		f.Fatal(err)
	}
	date, err := http.ParseTime(r.Header.Get("Date"))
	if err != nil {
		f.Fatal(err)
	}
	return fuzzRequest{head: head, body: body, sig: r.Header.Get("Signature"), date: date}
}

// sigParam is the base64 signature inside a captured header, found by hand rather than with the
// package's parser, which is what is under test.
func sigParam(f *testing.F, header string) string {
	f.Helper()
	_, after, ok := strings.Cut(header, `signature="`)
	if !ok {
		f.Fatalf("no signature parameter in %q", header)
	}
	v, _, _ := strings.Cut(after, `"`)
	return v
}

// FuzzVerifySignatureHeader (SIG-02, SIG-13, SIG-16, SIG-23) throws arbitrary Signature (or Authorization) headers at the verifier
// on a real GoToSocial request. Properties: no panic; every failure is an *httpsig.Error whose
// Reason is short and single-line (it is sent back to the remote in the 401 body); and nothing but
// the captured signature itself verifies — no rearrangement of parameters forges a signature.
func FuzzVerifySignatureHeader(f *testing.F) {
	reqs := []fuzzRequest{loadFuzzRequest(f, "delivered/like", true), loadFuzzRequest(f, "fetches/get-actor", false)}
	pemBytes, err := os.ReadFile("testdata/gotosocial/keys/alice.main-key.pem")
	if err != nil {
		f.Fatal(err)
	}
	pub, err := httpsig.ParsePublicKeyPEM(string(pemBytes))
	if err != nil {
		f.Fatal(err)
	}
	const aliceKey = "http://gts.test/users/alice/main-key"
	keys := fixtureKeys{aliceKey: {PublicKey: pub, Owner: "http://gts.test/users/alice"}}

	for i, r := range reqs {
		f.Add(uint8(i), false, r.sig)
		f.Add(uint8(i), true, r.sig)
		f.Add(uint8(i), false, strings.Replace(r.sig, `algorithm="hs2019"`, `algorithm="rsa-sha256"`, 1))
		f.Add(uint8(i), false, strings.Replace(r.sig, `headers="(request-target) host date`, `headers="host date`, 1))
		f.Add(uint8(i), false, r.sig+`,keyId="http://evil.example/k"`)
		f.Add(uint8(i), false, strings.ReplaceAll(r.sig, ",", " , "))
	}
	for _, s := range []string{
		``, `keyId`, `keyId=`, `keyId="`, `keyId="\`, `keyId="a\"b"`, `=,=,`,
		`keyId="acct:alice@gts.test",signature="AAAA"`,
		`keyId="http://gts.test/k",signature="AAAA",headers="(created)",created="-1"`,
		`keyId="http://gts.test/k",signature="AAAA",headers="(created) (expires)",created=1,expires=99999999999999999999`,
		`keyId="http://u:p@gts.test/k",signature="AAAA"`,
		"keyId=\"http://gts.test/k\x00\",signature=\"AAAA\"",
	} {
		f.Add(uint8(0), false, s)
	}
	origSigs := []string{sigParam(f, reqs[0].sig), sigParam(f, reqs[1].sig)}

	f.Fuzz(func(t *testing.T, which uint8, asAuthorization bool, header string) {
		fr := reqs[int(which)%len(reqs)]
		r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(fr.head)))
		if err != nil {
			t.Fatal(err)
		}
		r.Header.Del("Signature")
		if asAuthorization {
			r.Header.Set("Authorization", "Signature "+header)
		} else {
			r.Header.Set("Signature", header)
		}
		v := &httpsig.Verifier{Keys: keys, Host: "remote.test", Now: func() time.Time { return fr.date }}
		res, err := v.Verify(context.Background(), r, fr.body)
		if err != nil {
			var he *httpsig.Error
			if !errors.As(err, &he) {
				t.Fatalf("Verify returned %T, not *httpsig.Error: %v", err, err)
			}
			if len(he.Reason) > 512 || strings.ContainsAny(he.Reason, "\r\n") {
				t.Fatalf("Reason is not a short single line: %q", he.Reason)
			}
			return
		}
		if res.KeyID != aliceKey || res.Owner != "http://gts.test/users/alice" {
			t.Fatalf("verified as %+v", res)
		}
		// An RSA signature cannot be forged, so a success must carry the captured signature
		// (up to the last quantum: Go's base64 decoder ignores trailing padding bits, and a
		// quoted-string may escape any character).
		orig := origSigs[int(which)%len(reqs)]
		if !strings.Contains(strings.ReplaceAll(header, `\`, ""), orig[:len(orig)-4]) {
			t.Fatalf("header verified without the captured signature: %q", header)
		}
	})
}
