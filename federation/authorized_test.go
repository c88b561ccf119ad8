package federation_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/federation"
	"github.com/guildhall/guildhall/federation/fetch"
	"github.com/guildhall/guildhall/storage"
)

// Authorized fetch (Mastodon's secure mode; signed GETs, SIG-07) and blocked domains on the
// serving side (SIG-22): a.test requires signatures, b.test does not, and both block c.test.
func TestAuthorizedFetchAndBlockedReaders(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) *storage.Store) {
		c := newClusterWith(t, open, func(name string, o *federation.Options) {
			o.AuthorizedFetch = name == "a.test"
		}, "a.test", "b.test", "c.test")
		a, b, cc := c.in["a.test"], c.in["b.test"], c.in["c.test"]
		ctx := context.Background()
		alice := a.user(t, "alice", false)
		b.user(t, "bea", false)
		bob := b.user(t, "bob", false)
		st := post(t, a, alice, "Library opening hours", ap.Public)
		for _, in := range []*instance{a, b} {
			if _, err := in.svc.BlockDomain(ctx, "c.test", "spam"); err != nil {
				t.Fatal(err)
			}
			in.fed.Policy().Invalidate()
		}

		t.Run("unsigned ActivityPub GETs are refused", func(t *testing.T) {
			for _, u := range []string{alice.Actor.URI, st.URI, st.URI + "/activity", alice.Actor.URI + "/outbox",
				alice.Actor.URI + "/followers", alice.Actor.URI + "/following", alice.Actor.URI + "/collections/featured"} {
				resp, body := c.get(t, u, asAccept)
				if resp.StatusCode != http.StatusUnauthorized {
					t.Errorf("unsigned GET %s: %d %s, want 401", u, resp.StatusCode, body)
				}
				if strings.Contains(body, "Library") {
					t.Errorf("unsigned GET %s leaked the post", u)
				}
			}
		})
		t.Run("the instance actor and discovery stay public", func(t *testing.T) {
			for _, u := range []string{"http://a.test/actor", "http://a.test/.well-known/webfinger?resource=acct:alice@a.test",
				"http://a.test/.well-known/nodeinfo", "http://a.test/.well-known/host-meta"} {
				if resp, body := c.get(t, u, asAccept); resp.StatusCode != http.StatusOK {
					t.Errorf("unsigned GET %s: %d %s, want 200", u, resp.StatusCode, body)
				}
			}
			// A browser is still sent to the public HTML page.
			if resp, _ := c.get(t, alice.Actor.URI, "text/html"); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("browser GET of the actor: %d, want 303", resp.StatusCode)
			}
		})
		t.Run("a signed fetch from another server works, and federation goes on", func(t *testing.T) {
			// b.test's fetches are signed with its instance actor's key; a.test verifies it by
			// fetching b.test's instance actor, and b.test fetches a.test's likewise.
			got, err := b.fed.Resolver().ResolveActor(ctx, alice.Actor.URI)
			if err != nil {
				t.Fatalf("b.test resolving alice on the authorized-fetch a.test: %v", err)
			}
			if got.URI != alice.Actor.URI {
				t.Fatalf("resolved %s", got.URI)
			}
			follow(t, c, b, bob, "alice", "a.test")
			st2 := post(t, a, alice, "Council meeting tonight", ap.Public)
			c.settle(t)
			if stored(t, b, st2.URI) == nil {
				t.Fatal("a post of the authorized-fetch instance did not reach its follower")
			}
			if _, err := b.fed.Resolver().ResolveStatus(ctx, st.URI); err != nil {
				t.Fatalf("signed status fetch: %v", err)
			}
		})
		t.Run("SIG-22 signed GETs from a blocked domain get 403, existing or not", func(t *testing.T) {
			for _, u := range []string{alice.Actor.URI, "http://a.test/users/nobody", "http://b.test/users/bea",
				"http://b.test/users/nobody", "http://b.test/users/bea/outbox"} {
				_, err := cc.fed.Resolver().ResolveActor(ctx, u)
				var se *fetch.StatusError
				if !errors.As(err, &se) || se.Code != http.StatusForbidden {
					t.Errorf("blocked c.test fetching %s: %v, want 403", u, err)
				}
			}
			// Unsigned, b.test (not in authorized-fetch mode) serves its public actor to anyone.
			if resp, _ := c.get(t, "http://b.test/users/bea", asAccept); resp.StatusCode != http.StatusOK {
				t.Errorf("unsigned GET on b.test: %d, want 200", resp.StatusCode)
			}
		})
	})
}
