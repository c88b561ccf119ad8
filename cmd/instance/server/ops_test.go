package server

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestClientAddress(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	tests := []struct {
		name, peer, xff, want string
	}{
		{"direct client keeps its address", "203.0.113.5:4000", "", "203.0.113.5:4000"},
		{"direct client cannot spoof", "203.0.113.5:4000", "198.51.100.1", "203.0.113.5:4000"},
		{"loopback proxy", "127.0.0.1:4000", "198.51.100.1", "198.51.100.1:0"},
		{"chain of trusted proxies", "10.1.1.1:4000", "198.51.100.1, 10.2.2.2", "198.51.100.1:0"},
		{"client-supplied prefix ignored", "10.1.1.1:4000", "1.2.3.4, 198.51.100.1", "198.51.100.1:0"},
		{"garbage hop stops the walk", "127.0.0.1:4000", "nonsense", "127.0.0.1:4000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got string
			h := clientAddress(trusted, http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { got = r.RemoteAddr }))
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.peer
			if tc.xff != "" {
				r.Header.Set("X-Forwarded-For", tc.xff)
			}
			h.ServeHTTP(httptest.NewRecorder(), r)
			if got != tc.want {
				t.Fatalf("RemoteAddr = %q, want %q", got, tc.want)
			}
		})
	}
}
