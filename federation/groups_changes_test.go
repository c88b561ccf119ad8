package federation_test

import (
	"context"
	"strings"
	"testing"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/groups"
	"github.com/guildhall/guildhall/storage"
)

// TestGroupRelayFollowsAuthorChanges: members' servers follow the group, not the author, so the
// group passes edits and deletions on. alice (on a.test, the group's server) and bob (b.test)
// post in the group; carol on c.test sees each edit (Announce{Update}, checked against the
// author's origin) and loses a deleted post from her home (Undo{Announce}, Announce{Delete}).
func TestGroupRelayFollowsAuthorChanges(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) *storage.Store) {
		c := newCluster(t, open, "a.test", "b.test", "c.test")
		a, b, cc := c.in["a.test"], c.in["b.test"], c.in["c.test"]
		ctx := context.Background()
		alice := a.user(t, "alice", false)
		bob := b.user(t, "bob", false)
		carol := cc.user(t, "carol", false)
		g := newGroup(t, a, alice, "web_managers", groups.Open, groups.Federated)
		follow(t, c, b, bob, "web_managers", "a.test")
		groupOnC := follow(t, c, cc, carol, "web_managers", "a.test")

		local, err := a.grp.Post(ctx, alice, g.Actor.ID, groups.PostInput{Text: "Meetup on Tuesday"})
		if err != nil {
			t.Fatal(err)
		}
		a.fed.Notify()
		remote := post(t, b, bob, "Search is live @web_managers@a.test", ap.Public)
		c.settle(t)
		for _, p := range []*ap.Status{local, remote} {
			if groupBoost(t, cc, carol, groupOnC.URI, p.URI) == nil {
				t.Fatalf("%s was not relayed to carol", p.URI)
			}
		}

		for _, tc := range []struct {
			name   string
			in     *instance
			author *ap.Account
			st     *ap.Status
			text   string
		}{
			{"local author", a, alice, local, "Meetup moved to Wednesday"},
			{"remote author", b, bob, remote, "Search is live, with filters @web_managers@a.test"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if _, err := tc.in.svc.EditStatus(ctx, tc.author, tc.st.ID, ap.EditInput{Text: tc.text}); err != nil {
					t.Fatal(err)
				}
				tc.in.fed.Notify()
				c.settle(t)
				onC := stored(t, cc, tc.st.URI)
				if onC == nil || !strings.Contains(onC.Content, strings.Fields(tc.text)[3]) || onC.EditedAt == nil {
					t.Fatalf("carol's copy on c.test after the edit: %+v", onC)
				}
			})
		}

		// alice deletes her post: carol's server never hears alice's own Delete (she does not
		// follow alice), yet the boost by the group leaves her home.
		if _, err := a.svc.DeleteStatus(ctx, alice, local.ID); err != nil {
			t.Fatal(err)
		}
		a.fed.Notify()
		c.settle(t)
		if groupBoost(t, cc, carol, groupOnC.URI, local.URI) != nil {
			t.Fatal("a post its local author deleted is still boosted by the group in carol's home")
		}
		if p, err := a.grp.Posts(ctx, g.Actor.ID, ap.Page{Limit: 10}); err != nil || len(p) != 1 || p[0].StatusID != stored(t, a, remote.URI).ID {
			t.Fatalf("group posts after the deletion: %v %v, want only bob's", p, err)
		}
	})
}
