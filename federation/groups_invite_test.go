package federation_test

import (
	"context"
	"testing"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/groups"
	"github.com/guildhall/guildhall/storage"
)

// TestGroupInviteAcrossInstances: a.test hosts an invite-only group. Its moderator invites bob
// on b.test by handle; b.test hears the group's Invite and shows bob the invitation; bob's join
// is accepted at once and uses the invitation up. carol on c.test, not invited, is refused.
func TestGroupInviteAcrossInstances(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) *storage.Store) {
		c := newCluster(t, open, "a.test", "b.test", "c.test")
		a, b, cc := c.in["a.test"], c.in["b.test"], c.in["c.test"]
		ctx := context.Background()
		alice := a.user(t, "alice", false)
		bob := b.user(t, "bob", false)
		carol := cc.user(t, "carol", false)
		g := newGroup(t, a, alice, "safeguarding", groups.Invite, groups.Federated)

		bobOnA := remoteActor(t, a, "bob", "b.test")
		if err := a.grp.Invite(ctx, alice, g.Actor.ID, bobOnA.ID); err != nil {
			t.Fatal(err)
		}
		a.fed.Notify()
		c.settle(t)
		invs, err := b.grp.InvitationsFor(ctx, bob.Actor.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(invs) != 1 || invs[0].URI != g.Actor.URI {
			t.Fatalf("bob's invitations on b.test: %v, want the group", invs)
		}

		groupOnB := remoteActor(t, b, "safeguarding", "a.test")
		if _, err := b.grp.Join(ctx, bob, groupOnB.ID); err != nil {
			t.Fatal(err)
		}
		c.settle(t)
		if !following(t, b, bob, groupOnB).Following {
			t.Fatal("the invited member's join was not accepted")
		}
		if ok, _ := a.grp.Invited(ctx, g.Actor.ID, bobOnA.ID); ok {
			t.Error("the invitation on a.test was not used up")
		}
		if invs, _ := b.grp.InvitationsFor(ctx, bob.Actor.ID); len(invs) != 0 {
			t.Errorf("b.test still shows the invitation after joining: %v", invs)
		}

		onC := follow(t, c, cc, carol, "safeguarding", "a.test")
		if rel := following(t, cc, carol, onC); rel.Following || rel.Requested {
			t.Fatalf("an uninvited follow of an invite-only group: %+v, want refused", rel)
		}
		if n := membersOf(t, a, g.Actor.ID); n != 1 {
			t.Fatalf("members %d, want 1", n)
		}
		// A forged invitation (an Invite by a person, not a group) changes nothing.
		carolOnB := remoteActor(t, b, "carol", "c.test")
		if err := b.grp.ReceiveInvite(ctx, carolOnB, &bob.Actor); ap.KindOf(err) != ap.Forbidden {
			t.Errorf("an invitation from a person: %v, want Forbidden", err)
		}
	})
}
