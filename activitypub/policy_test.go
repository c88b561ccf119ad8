package activitypub_test

import (
	"testing"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
)

func TestNormalizeHost(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"Social.Example.ORG", "social.example.org", true},
		{"example.org.", "example.org", true},
		{"example.org:8443", "example.org", true},
		{"example.org.:443", "example.org", true},
		{"[2001:db8::1]:443", "2001:db8::1", true},
		{"", "", false},
		{":443", "", false},
		{"exämple.org", "", false}, // no IDNA: a Unicode spelling never matches an ASCII policy
		{"xn--exmple-cua.org", "xn--exmple-cua.org", true},
		{"evil.org/path", "", false},
		{"a b.org", "", false},
	}
	for _, tc := range tests {
		got, ok := ap.NormalizeHost(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("NormalizeHost(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestFederationAllowed(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *world) {
		for _, d := range []string{"Bad.Example.", "*.spam.test"} {
			if _, err := w.svc.BlockDomain(w.ctx, d, "abuse"); err != nil {
				t.Fatal(err)
			}
		}
		for _, d := range []string{"trusted.gov.test", "partner.test"} {
			if _, err := w.svc.AllowDomain(w.ctx, d, ""); err != nil {
				t.Fatal(err)
			}
		}
		// A block of a subdomain beats an allow of its parent.
		if _, err := w.svc.BlockDomain(w.ctx, "rogue.partner.test", ""); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			host                 string
			blocklist, allowlist bool
		}{
			{"bad.example", false, false},
			{"social.bad.example", false, false}, // a block covers subdomains
			{"BAD.EXAMPLE:443", false, false},
			{"bad.example.", false, false},
			{"notbad.example", true, false}, // a suffix is not a subdomain
			{"spam.test", false, false},
			{"elsewhere.test", true, false},
			{"trusted.gov.test", true, true},
			{"social.trusted.gov.test", true, true}, // an allow covers subdomains
			{"gov.test", true, false},               // but not parents
			{"partner.test:8443", true, true},
			{"rogue.partner.test", false, false},
			{"a.rogue.partner.test", false, false},
			{"council.test", true, true}, // our own host, always
			{"council.test:8080", true, true},
			{"", false, false},
			{"bäd.example", false, false},
		}
		for _, mode := range []string{ap.FederationBlocklist, ap.FederationAllowlist} {
			if err := w.svc.SetFederationMode(w.ctx, mode); err != nil {
				t.Fatal(err)
			}
			for _, tc := range tests {
				want := tc.blocklist
				if mode == ap.FederationAllowlist {
					want = tc.allowlist
				}
				got, err := w.svc.FederationAllowed(w.ctx, tc.host)
				if err != nil {
					t.Fatal(err)
				}
				if got != want {
					t.Errorf("%s: FederationAllowed(%q) = %v, want %v", mode, tc.host, got, want)
				}
			}
		}
	})
}

func TestDomainPolicyValidation(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *world) {
		if m, err := w.svc.FederationMode(w.ctx); err != nil || m != ap.FederationBlocklist {
			t.Fatalf("default mode = %q, %v; want blocklist", m, err)
		}
		if _, err := w.svc.AllowDomain(w.ctx, "ally.test", "neighbour"); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name string
			err  error
			kind ap.Kind
		}{
			{"unknown mode", w.svc.SetFederationMode(w.ctx, "open"), ap.Invalid},
			{"own domain", errOf(w.svc.BlockDomain(w.ctx, "Council.Test", "")), ap.Invalid},
			{"non-ASCII", errOf(w.svc.BlockDomain(w.ctx, "exämple.org", "")), ap.Invalid},
			{"empty", errOf(w.svc.AllowDomain(w.ctx, " ", "")), ap.Invalid},
			{"double dot", errOf(w.svc.BlockDomain(w.ctx, "a..b", "")), ap.Invalid},
			{"remove unknown", w.svc.RemoveDomainPolicy(w.ctx, "nowhere.test"), ap.NotFound},
			{"unblock an allow", w.svc.UnblockDomain(w.ctx, "ally.test"), ap.Invalid},
		}
		for _, tc := range tests {
			if got := ap.KindOf(tc.err); got != tc.kind {
				t.Errorf("%s: kind %v (%v), want %v", tc.name, got, tc.err, tc.kind)
			}
		}
		list, err := w.svc.DomainPolicies(w.ctx)
		if err != nil || len(list) != 1 || list[0].Domain != "ally.test" || list[0].Reason != "neighbour" {
			t.Fatalf("DomainPolicies = %+v, %v; want only ally.test", list, err)
		}
	})
}

func errOf[T any](_ T, err error) error { return err }

func TestBlockDomainCutsTies(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *world) {
		alice := w.user("alice")
		troll := w.remote("troll", "social.bad.test")
		mod := w.remote("mod", "bad.test:8443")
		kept := w.remote("kept", "good.test")
		earlier := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
		mod.SuspendedAt = &earlier // suspended by a moderator before the block
		noErr(t, w.store.UpdateActor(w.ctx, mod))
		follow := func(from, to *ap.Actor, state ap.FollowState) {
			t.Helper()
			noErr(t, w.store.CreateFollow(w.ctx, &ap.Follow{ID: w.svc.NewID(), URI: from.URI + "/follows/" + to.ID,
				FollowerID: from.ID, FolloweeID: to.ID, State: state, CreatedAt: w.svc.Now()}))
			if state == ap.FollowAccepted {
				noErr(t, w.store.AdjustActorCounts(w.ctx, to.ID, 1, 0, 0))
				noErr(t, w.store.AdjustActorCounts(w.ctx, from.ID, 0, 1, 0))
			}
		}
		follow(&alice.Actor, troll, ap.FollowAccepted)
		follow(troll, &alice.Actor, ap.FollowAccepted)
		follow(mod, &alice.Actor, ap.FollowPending)
		follow(&alice.Actor, kept, ap.FollowAccepted)

		if _, err := w.svc.BlockDomain(w.ctx, "bad.test", "harassment"); err != nil {
			t.Fatal(err)
		}
		for _, pair := range [][2]*ap.Actor{{&alice.Actor, troll}, {troll, &alice.Actor}, {mod, &alice.Actor}} {
			if _, err := w.store.FollowBetween(w.ctx, pair[0].ID, pair[1].ID); !ap.IsNotFound(err) {
				t.Errorf("follow %s → %s survived the block: %v", pair[0].Username, pair[1].Username, err)
			}
		}
		if _, err := w.store.FollowBetween(w.ctx, alice.Actor.ID, kept.ID); err != nil {
			t.Errorf("follow of another domain removed: %v", err)
		}
		a := mustActor(t, w, alice.Actor.ID)
		if a.FollowersCount != 0 || a.FollowingCount != 1 {
			t.Errorf("alice counts = %d followers, %d following; want 0, 1", a.FollowersCount, a.FollowingCount)
		}
		if got := mustActor(t, w, troll.ID); got.SuspendedAt == nil {
			t.Error("actor of the blocked domain not suspended")
		}
		if got := mustActor(t, w, kept.ID); got.SuspendedAt != nil {
			t.Error("actor of another domain suspended")
		}

		// Unblocking lifts the block's suspensions, not the moderator's.
		noErr(t, w.svc.UnblockDomain(w.ctx, "BAD.test"))
		if got := mustActor(t, w, troll.ID); got.SuspendedAt != nil {
			t.Error("unblock left the block's suspension in place")
		}
		if got := mustActor(t, w, mod.ID); got.SuspendedAt == nil || !got.SuspendedAt.Equal(earlier) {
			t.Errorf("unblock changed a moderator's suspension: %v", got.SuspendedAt)
		}
		if ok, err := w.svc.FederationAllowed(w.ctx, "social.bad.test"); err != nil || !ok {
			t.Errorf("after unblock: allowed = %v, %v", ok, err)
		}
	})
}

func TestPolicyCacheSeesChangesAfterInvalidate(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *world) {
		c := ap.NewPolicyCache(w.svc, time.Hour)
		check := func(want bool) {
			t.Helper()
			ok, err := c.Allowed(w.ctx, "later.test")
			if err != nil || ok != want {
				t.Fatalf("Allowed = %v, %v; want %v", ok, err, want)
			}
			blocked, err := c.Blocked(w.ctx, "later.test")
			if err != nil || blocked == want {
				t.Fatalf("Blocked = %v, %v; want %v", blocked, err, !want)
			}
		}
		check(true)
		if _, err := w.svc.BlockDomain(w.ctx, "later.test", ""); err != nil {
			t.Fatal(err)
		}
		check(true) // within the TTL the cached answer stands
		c.Invalidate()
		check(false)
	})
}

func mustActor(t *testing.T, w *world, id string) *ap.Actor {
	t.Helper()
	a, err := w.store.ActorByID(w.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
