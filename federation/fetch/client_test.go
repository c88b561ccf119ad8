package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"
)

func TestClientAddressPolicy(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fmt.Fprint(w, "ok")
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())

	tests := []struct {
		name    string
		opts    Options
		url     string
		wantErr error // nil means success
	}{
		{"allowed when private networks are allowed", Options{AllowPrivateNetworks: true}, srv.URL, nil},
		{"loopback refused", Options{}, srv.URL, ErrForbiddenAddress},
		{"localhost name refused at connect time", Options{}, "http://localhost:" + port + "/", ErrForbiddenAddress},
		{"::1 refused", Options{}, "http://[::1]:" + port + "/", ErrForbiddenAddress},
		{"::ffff:127.0.0.1 refused", Options{}, "http://[::ffff:127.0.0.1]:" + port + "/", ErrForbiddenAddress},
		{"10.0.0.1 refused", Options{}, "http://10.0.0.1/", ErrForbiddenAddress},
		{"metadata address refused", Options{}, "http://169.254.169.254/latest/meta-data/", ErrForbiddenAddress},
		{"CGNAT refused", Options{}, "http://100.64.0.1/", ErrForbiddenAddress},
		{"unique local refused", Options{}, "http://[fd00::1]/", ErrForbiddenAddress},
		{"unspecified refused", Options{}, "http://0.0.0.0:" + port + "/", ErrForbiddenAddress},
		{"NAT64 loopback refused", Options{}, "http://[64:ff9b::7f00:1]/", ErrForbiddenAddress},
		{"6to4 loopback refused", Options{}, "http://[2002:7f00:1::]/", ErrForbiddenAddress},
		{"file scheme refused", Options{AllowPrivateNetworks: true}, "file:///etc/passwd", ErrForbiddenScheme},
		{"gopher scheme refused", Options{AllowPrivateNetworks: true}, "gopher://127.0.0.1:" + port + "/", ErrForbiddenScheme},
		{"credentials refused", Options{AllowPrivateNetworks: true}, "http://u:p@127.0.0.1:" + port + "/", ErrForbiddenScheme},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := hits.Load()
			resp, err := NewClient(tc.opts).Get(tc.url)
			if resp != nil {
				resp.Body.Close()
			}
			if tc.wantErr == nil {
				if err != nil || hits.Load() != before+1 {
					t.Fatalf("err = %v, hits %d→%d", err, before, hits.Load())
				}
				return
			}
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if hits.Load() != before {
				t.Fatal("the server was reached")
			}
		})
	}
}

// TestClientNumericHostForms: decimal and octal IPv4 spellings either fail
// to resolve or resolve to loopback; both ways the server is never hit.
func TestClientNumericHostForms(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	for _, host := range []string{"2130706433", "0177.0.0.1", "0x7f000001", "127.1"} {
		t.Run(host, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+host+":"+port+"/", nil)
			resp, err := NewClient(Options{}).Do(req)
			if err == nil {
				resp.Body.Close()
				t.Fatal("request succeeded")
			}
			t.Logf("refused: %v", err)
			if hits.Load() != 0 {
				t.Fatal("the server was reached")
			}
		})
	}
}

func TestClientRedirects(t *testing.T) {
	var hits atomic.Int32
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	redirect := func(to string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, to, http.StatusFound) }
	}
	mux.HandleFunc("/to-metadata", redirect("http://169.254.169.254/latest/meta-data/"))
	mux.HandleFunc("/to-private", redirect("http://10.0.0.5/"))
	mux.HandleFunc("/to-ipv6-loopback", redirect("http://[::1]:"+port+"/ok"))
	mux.HandleFunc("/to-other-loopback", redirect("http://127.0.0.2:"+port+"/ok"))
	mux.HandleFunc("/to-file", redirect("file:///etc/passwd"))
	mux.HandleFunc("/to-data", redirect("data:text/plain,hi"))
	mux.HandleFunc("/chain/{n}", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscan(r.PathValue("n"), &n)
		if n == 0 {
			hits.Add(1)
			fmt.Fprint(w, "end")
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/chain/%d", n-1), http.StatusFound)
	})

	tests := []struct {
		name    string
		path    string
		wantErr error
	}{
		{"to metadata address", "/to-metadata", ErrForbiddenAddress},
		{"to RFC 1918", "/to-private", ErrForbiddenAddress},
		{"to ::1", "/to-ipv6-loopback", ErrForbiddenAddress},
		{"to another loopback address", "/to-other-loopback", ErrForbiddenAddress},
		{"to file:", "/to-file", ErrForbiddenScheme},
		{"to data:", "/to-data", ErrForbiddenScheme},
		{"three redirects allowed", "/chain/3", nil},
		{"four redirects refused", "/chain/4", ErrTooManyRedirects},
	}
	client := NewClient(loopbackOnly(Options{}))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := hits.Load()
			resp, err := client.Get(srv.URL + tc.path)
			if resp != nil {
				resp.Body.Close()
			}
			if tc.wantErr == nil {
				if err != nil || hits.Load() != before+1 {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if hits.Load() != before {
				t.Fatal("the end of the chain was reached")
			}
		})
	}
}

func TestRedirectPolicy(t *testing.T) {
	req := func(raw string) *http.Request {
		u, _ := url.Parse(raw)
		return &http.Request{URL: u}
	}
	tests := []struct {
		name    string
		from    string
		to      string
		via     int
		max     int
		wantErr error
	}{
		{"http to https", "http://a.example/", "https://a.example/", 1, 3, nil},
		{"https to http downgrade", "https://a.example/", "http://a.example/", 1, 3, ErrForbiddenScheme},
		{"cross host", "https://a.example/", "https://b.example/", 1, 3, nil},
		{"javascript", "https://a.example/", "javascript:alert(1)", 1, 3, ErrForbiddenScheme},
		{"no redirects allowed", "https://a.example/", "https://a.example/x", 1, 0, ErrTooManyRedirects},
		{"limit reached", "https://a.example/", "https://a.example/x", 4, 3, ErrTooManyRedirects},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			via := make([]*http.Request, tc.via)
			for i := range via {
				via[i] = req(tc.from)
			}
			err := redirectPolicy(tc.max)(req(tc.to), via)
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
		})
	}
}

func TestClientTimeoutAndUserAgent(t *testing.T) {
	gotUA := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotUA <- r.Header.Get("User-Agent")
		w.Header().Set("Content-Type", "application/activity+json")
		w.WriteHeader(http.StatusOK)
		// Drip forever: only an overall deadline can stop this (RES-06).
		for {
			if _, err := w.Write([]byte(" ")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}))
	defer srv.Close()
	f := NewFetcher(loopbackOnly(Options{Timeout: 300 * time.Millisecond, UserAgent: "Guildhall/test (+https://local.example)"}))
	start := time.Now()
	_, err := f.Get(context.Background(), srv.URL+"/slow", nil)
	if err == nil {
		t.Fatal("drip-fed response succeeded")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("took %v despite a 300ms timeout", d)
	}
	if ua := <-gotUA; ua != "Guildhall/test (+https://local.example)" {
		t.Fatalf("User-Agent = %q", ua)
	}
}
