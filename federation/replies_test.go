package federation_test

import (
	"context"
	"slices"
	"testing"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/storage"
)

// TestReplyToUnknownParent: a reply whose parent the receiver never had is stored with its parent
// (fetched on the way). Storing the fetched parent once recorded the Create of the reply as
// processed, so the reply itself was then dropped as a redelivery — every answer from another
// server to a post the receiver had not seen.
func TestReplyToUnknownParent(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) *storage.Store) {
		c := newCluster(t, open, "a.test", "b.test")
		a, b := c.in["a.test"], c.in["b.test"]
		alice, erin := a.user(t, "alice", false), a.user(t, "erin", false)
		bob := b.user(t, "bob", false)
		follow(t, c, b, bob, "alice", "a.test")
		root := post(t, a, erin, "Which waste contractor do you use?", ap.Public)
		c.settle(t)
		reply, err := a.svc.Post(context.Background(), alice, ap.PostInput{Text: "We use the county's", InReplyToID: root.ID})
		if err != nil {
			t.Fatal(err)
		}
		a.fed.Notify()
		c.settle(t)
		got := stored(t, b, reply.URI)
		if got == nil {
			t.Fatal("the reply was dropped")
		}
		parent := stored(t, b, root.URI)
		if parent == nil || got.InReplyToID != parent.ID {
			t.Errorf("stored without its parent: %+v", got)
		}
		if !slices.Contains(homeURIs(t, b, bob), reply.URI) {
			t.Error("the reply is not in bob's home")
		}
	})
}
