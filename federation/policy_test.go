package federation_test

import (
	"context"
	"errors"
	"testing"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/federation/remote"
	"github.com/guildhall/guildhall/storage"
)

// failedDeliveries returns the hosts and last errors of an instance's failed deliveries.
func failedDeliveries(t *testing.T, in *instance) map[string]string {
	t.Helper()
	rows, err := in.store.DB().QueryContext(context.Background(),
		`SELECT host, last_error FROM deliveries WHERE state = 'failed'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var host, msg string
		if err := rows.Scan(&host, &msg); err != nil {
			t.Fatal(err)
		}
		out[host] = msg
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// deliveriesTo counts the deliveries ever queued to host, whatever their state.
func deliveriesTo(t *testing.T, in *instance, host string) int {
	t.Helper()
	var n int
	// host is a test constant, never input: inlined so the query suits both engines.
	if err := in.store.DB().QueryRowContext(context.Background(),
		`SELECT COUNT(*) FROM deliveries WHERE host = '`+host+`'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestDomainPolicyAcrossInstances runs the stored policies through the assembled federation:
// deliveries to a refused host fail at once without a request, fetches from it are refused, and
// blocking a domain cuts the follows it had.
func TestDomainPolicyAcrossInstances(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) *storage.Store) {
		c := newCluster(t, open, "a.test", "b.test", "c.test")
		a, b, cc := c.in["a.test"], c.in["b.test"], c.in["c.test"]
		ctx := context.Background()
		alice := a.user(t, "alice", false)
		bob := b.user(t, "bob", false)
		carol := cc.user(t, "carol", false)
		follow(t, c, b, bob, "alice", "a.test")
		follow(t, c, cc, carol, "alice", "a.test")

		// Allowlist mode with only c.test listed: b.test's follow stands, but nothing goes there.
		if err := a.svc.SetFederationMode(ctx, ap.FederationAllowlist); err != nil {
			t.Fatal(err)
		}
		if _, err := a.svc.AllowDomain(ctx, "c.test", "partner council"); err != nil {
			t.Fatal(err)
		}
		a.fed.Policy().Invalidate()
		toB, toC := deliveriesTo(t, a, "b.test"), deliveriesTo(t, a, "c.test") // the follows' Accepts
		st := post(t, a, alice, "Road closure on the high street", ap.Public)
		c.settle(t)
		if stored(t, cc, st.URI) == nil {
			t.Fatal("allowed c.test did not receive the post")
		}
		if stored(t, b, st.URI) != nil {
			t.Fatal("unlisted b.test received the post in allowlist mode")
		}
		// SIG-22: a refused domain is filtered when the outbox is expanded: no delivery to it is
		// ever queued (nothing to fail, retry or clean up later).
		if n := deliveriesTo(t, a, "b.test") - toB; n != 0 {
			t.Fatalf("%d deliveries to the unlisted b.test were queued", n)
		}
		if deliveriesTo(t, a, "c.test") == toC {
			t.Fatal("no delivery to the allowed c.test was queued")
		}
		failed := failedDeliveries(t, a)
		if _, ok := failed["c.test"]; ok {
			t.Fatalf("delivery to the allowed host failed: %v", failed)
		}

		// Back to blocklist mode, with b.test blocked: the follow goes, and so do fetches.
		if err := a.svc.SetFederationMode(ctx, ap.FederationBlocklist); err != nil {
			t.Fatal(err)
		}
		if _, err := a.svc.BlockDomain(ctx, "b.test", "harassment"); err != nil {
			t.Fatal(err)
		}
		a.fed.Policy().Invalidate()
		bobOnA, err := a.store.ActorByURI(ctx, bob.Actor.URI)
		if err != nil {
			t.Fatal(err)
		}
		if bobOnA.SuspendedAt == nil {
			t.Error("bob not suspended on a.test after his domain was blocked")
		}
		if _, err := a.store.FollowBetween(ctx, bobOnA.ID, alice.Actor.ID); !ap.IsNotFound(err) {
			t.Errorf("bob's follow of alice survived the block: %v", err)
		}
		b.user(t, "dave", false)
		if _, err := a.fed.Resolver().ResolveHandle(ctx, "dave", "b.test"); !errors.Is(err, remote.ErrDomainBlocked) {
			t.Fatalf("resolving a handle on a blocked domain: %v, want ErrDomainBlocked", err)
		}
		if _, err := a.store.ActorByURI(ctx, "http://b.test/users/dave"); !ap.IsNotFound(err) {
			t.Fatalf("an actor of a blocked domain was stored: %v", err)
		}
		toB = deliveriesTo(t, a, "b.test")
		st2 := post(t, a, alice, "Bin collection moved to Friday", ap.Public)
		c.settle(t)
		if n := deliveriesTo(t, a, "b.test") - toB; n != 0 {
			t.Fatalf("%d deliveries to the blocked b.test were queued", n)
		}
		if stored(t, b, st2.URI) != nil {
			t.Fatal("blocked b.test received a post")
		}
		if stored(t, cc, st2.URI) == nil {
			t.Fatal("c.test stopped receiving posts when b.test was blocked")
		}
	})
}
