package fetch

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
)

// Redirect hops are re-checked against federation policy and the private-address rule (SIG-22,
// RES-03): a redirect from an allowed host to a blocked one, or to 127.0.0.1 with private networks
// refused, never reaches its target, for signed GETs, unsigned GETs and JSON GETs; a delivery to
// a blocked host is refused before it connects.
func TestEveryRedirectHopIsChecked(t *testing.T) {
	var blockedHits, loopHits atomic.Int32
	// The servers we may reach live on 127.0.0.2, the only address allowed below; the redirect
	// target 127.0.0.1 is then as forbidden as it is in production.
	on2 := func(h http.Handler) *httptest.Server {
		ln, err := net.Listen("tcp", "127.0.0.2:0")
		if err != nil {
			t.Skipf("no 127.0.0.2 on this machine: %v", err)
		}
		srv := httptest.NewUnstartedServer(h)
		srv.Listener.Close()
		srv.Listener = ln
		srv.Start()
		t.Cleanup(srv.Close)
		return srv
	}
	blocked := on2(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		blockedHits.Add(1)
		docHandler("")(w, r)
	}))
	loop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		loopHits.Add(1)
		docHandler("")(w, r)
	}))
	defer loop.Close()
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", docHandler(""))
	mux.HandleFunc("/to-blocked", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://blocked.test/users/x", http.StatusFound)
	})
	mux.HandleFunc("/to-loopback", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, loop.URL+"/users/x", http.StatusFound) // http://127.0.0.1:port
	})
	allowed := on2(mux)
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
	o := Options{DialContext: dial, HostAllowed: func(_ context.Context, host string) (bool, error) {
		asked = append(asked, host)
		return !strings.HasPrefix(host, "blocked.test"), nil
	}}
	o.allow = []netip.Prefix{netip.MustParsePrefix("127.0.0.2/32")}
	f := NewFetcher(o)
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
		t.Run("RES-03 "+tc.name+" redirected to 127.0.0.1", func(t *testing.T) {
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
