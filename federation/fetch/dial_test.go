package fetch

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestDialContextKeepsAddressCheck(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(r.Host))
	}))
	defer srv.Close()
	route := func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, srv.Listener.Addr().String())
	}
	tests := []struct {
		name  string
		allow bool
		ok    bool
	}{
		{"private networks allowed: routed", true, true},
		{"private networks refused: loopback still refused", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewClient(Options{AllowPrivateNetworks: tt.allow, DialContext: route})
			resp, err := c.Get("http://b.test/x")
			if !tt.ok {
				if !errors.Is(err, ErrForbiddenAddress) {
					t.Fatalf("err = %v, want ErrForbiddenAddress", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if string(b) != "b.test" {
				t.Errorf("Host seen by the server = %q", b)
			}
		})
	}
}
