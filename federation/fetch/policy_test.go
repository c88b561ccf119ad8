package fetch

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// Redirect hops are re-checked against federation policy and the private-address rule (SIG-22,
// RES-03): a redirect from an allowed host to a blocked one, or to a loopback address with private
// networks refused, never reaches its target, for signed GETs, plain JSON GETs and deliveries.
func TestEveryRedirectHopIsChecked(t *testing.T) {
	var blockedHits, loopHits atomic.Int32
	blocked := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		blockedHits.Add(1)
		docHandler("")(w, r)
	}))
	defer blocked.Close()
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("no 127.0.0.2 on this machine: %v", err)
	}
	loop := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		loopHits.Add(1)
		docHandler("")(w, r)
	}))
	loop.Listener.Close()
	loop.Listener = ln
	loop.Start()
	defer loop.Close()
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", docHandler(""))
	mux.HandleFunc("/to-blocked", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://blocked.test/users/x", http.StatusFound)
	})
	mux.HandleFunc("/to-loopback", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, loop.URL+"/users/x", http.StatusFound)
	})
	allowed := httptest.NewServer(mux)
	defer allowed.Close()
	names := map[string]string{"allowed.test": allowed.Listener.Addr().String(), "blocked.test": blocked.Listener.Addr().String()}
	var d net.Dialer
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, _ := net.SplitHostPort(addr)
		if to, ok := names[host]; ok {
			addr = to
		}
		return d.DialContext(ctx, network, addr)
	}
	var asked []string
	f := NewFetcher(loopbackOnly(Options{DialContext: dial, HostAllowed: func(_ context.Context, host string) (bool, error) {
		asked = append(asked, host)
		return !strings.HasPrefix(host, "blocked.test"), nil
	}}))
	signer := &Signer{KeyID: testKeyID, Key: testKey(t)}

	if _, err := f.Get(context.Background(), "http://allowed.test/ok", signer); err != nil {
		t.Fatalf("allowed host refused: %v", err)
	}
	tests := []struct {
		name string
		do   func(u string) error
	}{
		{"signed GET", func(u string) error { _, err := f.Get(context.Background(), u, signer); return err }},
		{"unsigned GET", func(u string) error { _, err := f.Get(context.Background(), u, nil); return err }},
		{"JSON GET", func(u string) error { var v any; return f.GetJSON(context.Background(), u, "", &v) }},
	}
	for _, tc := range tests {
		t.Run("SIG-22 "+tc.name+" redirected to a blocked domain", func(t *testing.T) {
			err := tc.do("http://allowed.test/to-blocked")
			if !errors.Is(err, ErrHostRefused) {
				t.Fatalf("err = %v, want ErrHostRefused", err)
			}
			if blockedHits.Load() != 0 {
				t.Fatal("the blocked host was reached")
			}
		})
		t.Run("RES-03 "+tc.name+" redirected to 127.0.0.2", func(t *testing.T) {
			err := tc.do("http://allowed.test/to-loopback")
			if !errors.Is(err, ErrForbiddenAddress) {
				t.Fatalf("err = %v, want ErrForbiddenAddress", err)
			}
			if loopHits.Load() != 0 {
				t.Fatal("the loopback address was reached")
			}
		})
	}
	t.Run("SIG-22 delivery to a blocked domain", func(t *testing.T) {
		if _, err := f.Post(context.Background(), "http://blocked.test/inbox", []byte(`{}`), *signer); !errors.Is(err, ErrHostRefused) {
			t.Fatalf("err = %v, want ErrHostRefused", err)
		}
		if blockedHits.Load() != 0 {
			t.Fatal("the blocked host was reached")
		}
	})
	if len(asked) == 0 || !strings.HasPrefix(asked[0], "allowed.test") {
		t.Fatalf("policy asked about %v", asked)
	}
}
