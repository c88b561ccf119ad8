package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"testing"
	"time"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/adapters/password"
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

func TestMaintenanceRemovesExpiredState(t *testing.T) {
	ctx := context.Background()
	cfg := Defaults()
	cfg.DB = "sqlite:" + filepath.Join(t.TempDir(), "g.db")
	cfg.MediaDir = filepath.Join(t.TempDir(), "media")
	in, err := New(ctx, cfg, Options{Passwords: password.Argon2id{Time: 1, Memory: 1024, Threads: 1, KeyLen: 32}})
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	acct, err := in.Service.CreateLocalUser(ctx, activitypub.NewUser{Username: "ann", Email: "ann@x.test", Password: "a long enough password"})
	if err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-30 * 24 * time.Hour)
	if err := in.Store.CreateSession(ctx, &activitypub.Session{IDHash: "h", UserID: acct.User.ActorID, CSRFToken: "c", CreatedAt: old, LastSeenAt: old, ExpiresAt: old.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := in.Store.MarkActivitySeen(ctx, "https://remote.test/a/1", old); err != nil {
		t.Fatal(err)
	}
	in.maintain(ctx)
	if _, err := in.Store.SessionByHash(ctx, "h"); !activitypub.IsNotFound(err) {
		t.Fatalf("expired session kept: %v", err)
	}
	if fresh, err := in.Store.MarkActivitySeen(ctx, "https://remote.test/a/1", time.Now()); err != nil || !fresh {
		t.Fatalf("old seen activity kept (fresh=%v, %v)", fresh, err)
	}
}
