package fetch

import (
	"bytes"
	"context"
	"crypto/rsa"
	"io"
	"net/http"
	"net/netip"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/guildhall/guildhall/federation/httpsig"
)

const testKeyID = "https://local.example/users/alice#main-key"

// loopbackOnly lets tests reach their httptest servers on 127.0.0.1 while
// every other private range stays forbidden, which is what makes the
// redirect-to-private tests meaningful.
func loopbackOnly(o Options) Options {
	o.allow = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	return o
}

func testKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	// Shared with the httpsig tests; keys are not secrets.
	b, err := os.ReadFile("../httpsig/testdata/test-key-a.pem")
	if err != nil {
		t.Fatal(err)
	}
	k, err := httpsig.ParsePrivateKeyPEM(string(b))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

type oneKey struct{ pub *rsa.PublicKey }

func (k oneKey) ResolveKey(context.Context, string, bool) (httpsig.Key, error) {
	return httpsig.Key{PublicKey: k.pub, Owner: "https://local.example/users/alice"}, nil
}

// verifying wraps h so that every request it serves must carry a valid
// signature for the host it arrived at; failures answer 401 and count.
func verifying(t *testing.T, pub *rsa.PublicKey, failures *atomic.Int32, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := &httpsig.Verifier{Keys: oneKey{pub}, Host: r.Host, Now: time.Now}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if _, err := v.Verify(r.Context(), r, body); err != nil {
			failures.Add(1)
			t.Logf("server: %s %s: %v", r.Method, r.URL, err)
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// docHandler answers with an ActivityStreams document whose id is id, or
// the URL the request arrived at when id is empty.
func docHandler(id string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		docID := id
		if docID == "" {
			docID = "http://" + r.Host + r.URL.RequestURI()
		}
		w.Header().Set("Content-Type", "application/activity+json")
		_, _ = w.Write([]byte(`{"@context":"https://www.w3.org/ns/activitystreams","id":"` + docID + `","type":"Person"}`))
	}
}
