package mastoapi_test

import (
	"crypto/rsa"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/mux"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
	"github.com/guildhall/guildhall/adapters/markdown"
	"github.com/guildhall/guildhall/adapters/password"
	"github.com/guildhall/guildhall/federation/content"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/ui/mastoapi"
)

// clock is a settable clock for the service, so that the token cache's expiry is tested without
// waiting.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func clockEnv(t *testing.T, st *storage.Store, c *clock) *env {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	host := srv.Listener.Addr().String()
	base := "http://" + host
	render, err := markdown.NewDomain(base, content.NewSanitizer())
	if err != nil {
		t.Fatal(err)
	}
	svc, err := ap.NewService(ap.Options{
		Host: host, Scheme: "http", Store: st, Renderer: render, Now: c.Now,
		Passwords: password.Argon2id{Time: 1, Memory: 1024, Threads: 1, KeyLen: 32},
		NewKey:    func() (*rsa.PrivateKey, error) { return testKey(), nil },
		Logger:    slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	o := areaOptions(t, svc, st)
	o.Logger, o.RateLimit = slog.New(slog.DiscardHandler), 1<<30
	h, err := mastoapi.New(o)
	if err != nil {
		t.Fatal(err)
	}
	r := mux.NewRouter()
	h.Routes(r)
	srv.Config.Handler = r
	srv.Start()
	t.Cleanup(srv.Close)
	return &env{t: t, ctx: t.Context(), srv: srv, svc: svc, acc: o.Accounts, mod: o.Moderation, store: st, base: base}
}

// TestTokenCache checks what the token cache promises (docs/decisions.md, "Token cache"): a change
// made through this API is seen by the next read, a revocation made elsewhere (another process,
// here the store directly) is honoured once the cache's time is up, and a disabled login too.
func TestTokenCache(t *testing.T) {
	eachEnv(t, func(t *testing.T, plain *env) {
		c := &clock{now: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
		e := clockEnv(t, plain.store, c)
		alice := e.user("alice")
		tok := e.token(alice)
		var me struct {
			DisplayName    string `json:"display_name"`
			StatusesCount  int    `json:"statuses_count"`
			FollowersCount int    `json:"followers_count"`
		}
		e.call("GET", "/api/v1/accounts/verify_credentials", tok, nil, 200, &me)

		// Writes through the API are seen at once by the same token.
		e.call("PATCH", "/api/v1/accounts/update_credentials", tok, formBody{"display_name": {"Alice A."}}, 200, nil)
		e.post(tok, "first")
		e.call("GET", "/api/v1/accounts/verify_credentials", tok, nil, 200, &me)
		if me.DisplayName != "Alice A." || me.StatusesCount != 1 {
			t.Fatalf("after writes: %+v", me)
		}

		// A revocation behind the API's back is honoured when the cached entry expires.
		if err := e.store.RevokeToken(e.ctx, accounts.HashSecret(tok), c.Now()); err != nil {
			t.Fatal(err)
		}
		c.add(6 * time.Second)
		e.call("GET", "/api/v1/accounts/verify_credentials", tok, nil, 401, nil)
		// And a write never trusts the cache.
		e.call("POST", "/api/v1/statuses", tok, jsonBody{"status": "after revocation"}, 401, nil)

		// A second token, cached, then its user disabled elsewhere: refused after expiry.
		tok2 := e.token(alice)
		e.call("GET", "/api/v1/accounts/verify_credentials", tok2, nil, 200, nil)
		acct, err := e.svc.AccountByActorID(e.ctx, alice.Actor.ID)
		if err != nil {
			t.Fatal(err)
		}
		now := c.Now()
		acct.User.DisabledAt = &now
		if err := e.store.UpdateUser(e.ctx, &acct.User); err != nil {
			t.Fatal(err)
		}
		c.add(6 * time.Second)
		e.call("GET", "/api/v1/accounts/verify_credentials", tok2, nil, 401, nil)
	})
}
