package federation_test

import (
	"testing"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/groups"
	"github.com/guildhall/guildhall/storage"
)

// The relay looks only at the local groups its index knows. A group created after the index was
// loaded (here by a post from b.test that named only a person on a.test) takes posts at once: its
// creation invalidates the index rather than leaving it to expire.
func TestGroupCreatedAfterTheRelayIndexWasLoaded(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) *storage.Store) {
		c := newCluster(t, open, "a.test", "b.test")
		a, b := c.in["a.test"], c.in["b.test"]
		alice := a.user(t, "alice", false)
		bob := b.user(t, "bob", false)

		first := post(t, b, bob, "Hello @alice@a.test", ap.Public)
		c.settle(t)
		if stored(t, a, first.URI) == nil {
			t.Fatal("the first post did not reach a.test")
		}

		g := newGroup(t, a, alice, "planning", groups.Open, groups.Federated)
		follow(t, c, b, bob, "planning", "a.test")
		p := post(t, b, bob, "Planning committee agenda @planning@a.test", ap.Public)
		c.settle(t)
		onA := stored(t, a, p.URI)
		if onA == nil || onA.GroupID != g.Actor.ID {
			t.Fatalf("the post to the new group was not taken into it: %+v", onA)
		}
	})
}
