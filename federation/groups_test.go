package federation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/groups"
	"github.com/guildhall/guildhall/storage"
)

// Groups across three real instances (FEP-1b12): a.test hosts the group, b.test and c.test join.

func newGroup(t *testing.T, in *instance, owner *ap.Account, handle string, m groups.Membership, r groups.Reach) *groups.Group {
	t.Helper()
	g, err := in.grp.Create(context.Background(), owner, groups.Input{Handle: handle, DisplayName: handle,
		Description: "A group for " + handle, Membership: m, Reach: r})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// groupBoost finds, in who's home timeline on in, the boost by the group (known on in as
// groupURI) of the status with URI postURI.
func groupBoost(t *testing.T, in *instance, who *ap.Account, groupURI, postURI string) *ap.Status {
	t.Helper()
	ctx := context.Background()
	sts, err := in.svc.HomeTimeline(ctx, who, ap.Page{Limit: 40})
	if err != nil {
		t.Fatal(err)
	}
	grp, err := in.store.ActorByURI(ctx, groupURI)
	if ap.IsNotFound(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range sts {
		if st.ReblogOfID == "" || st.ActorID != grp.ID {
			continue
		}
		orig, err := in.store.StatusByID(ctx, st.ReblogOfID)
		if err != nil {
			t.Fatal(err)
		}
		if orig.URI == postURI {
			return st
		}
	}
	return nil
}

func membersOf(t *testing.T, in *instance, groupID string) int {
	t.Helper()
	a, err := in.store.ActorByID(context.Background(), groupID)
	if err != nil {
		t.Fatal(err)
	}
	return a.FollowersCount
}

func following(t *testing.T, in *instance, who *ap.Account, target *ap.Actor) *ap.Relationship {
	t.Helper()
	rel, err := in.svc.Relationship(context.Background(), who.Actor.ID, target.ID)
	if err != nil {
		t.Fatal(err)
	}
	return rel
}

func TestGroupAcrossInstances(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) *storage.Store) {
		c := newCluster(t, open, "a.test", "b.test", "c.test")
		a, b, cc := c.in["a.test"], c.in["b.test"], c.in["c.test"]
		ctx := context.Background()
		alice := a.user(t, "alice", false)
		bob := b.user(t, "bob", false)
		carol := cc.user(t, "carol", false)
		g := newGroup(t, a, alice, "web_managers", groups.Open, groups.Federated)

		// Join from two servers by Follow; the open group accepts at once.
		groupOnB := follow(t, c, b, bob, "web_managers", "a.test")
		groupOnC := follow(t, c, cc, carol, "web_managers", "a.test")
		if groupOnC.Kind != ap.KindGroup {
			t.Fatalf("the group resolves as %q, want Group", groupOnC.Kind)
		}
		if !following(t, b, bob, groupOnB).Following || !following(t, cc, carol, groupOnC).Following {
			t.Fatal("members' follows of the open group were not accepted")
		}
		if n := membersOf(t, a, g.Actor.ID); n != 2 {
			t.Fatalf("member count %d, want 2", n)
		}

		// Bob posts into the group by mentioning it; carol on c.test sees it announced by the group.
		p := post(t, b, bob, "Drainage survey results are in @web_managers@a.test", ap.Public)
		c.settle(t)
		if groupBoost(t, cc, carol, groupOnC.URI, p.URI) == nil {
			t.Fatalf("carol's home on c.test has no boost by the group of %s: %v", p.URI, homeURIs(t, cc, carol))
		}
		onC := stored(t, cc, p.URI)
		if onC == nil || onC.GroupID != groupOnC.ID {
			t.Fatalf("the post on c.test is not recorded as posted to the group: %+v", onC)
		}
		onA := stored(t, a, p.URI)
		if onA == nil || onA.GroupID != g.Actor.ID {
			t.Fatalf("the post on a.test is not the group's: %+v", onA)
		}

		// A moderator on a.test removes it: gone from carol's home on c.test.
		if err := a.grp.RemovePost(ctx, alice, g.Actor.ID, onA.ID); err != nil {
			t.Fatal(err)
		}
		c.settle(t)
		if groupBoost(t, cc, carol, groupOnC.URI, p.URI) != nil {
			t.Fatal("the removed post is still boosted by the group in carol's home on c.test")
		}

		// Bob deletes a post the group relayed: it goes from carol's home too, though c.test
		// follows only the group and never hears bob's own Delete.
		p3 := post(t, b, bob, "Posted in error @web_managers@a.test", ap.Public)
		c.settle(t)
		if groupBoost(t, cc, carol, groupOnC.URI, p3.URI) == nil {
			t.Fatal("the post to be deleted was not relayed")
		}
		if _, err := b.svc.DeleteStatus(ctx, bob, p3.ID); err != nil {
			t.Fatal(err)
		}
		b.fed.Notify()
		c.settle(t)
		if groupBoost(t, cc, carol, groupOnC.URI, p3.URI) != nil {
			t.Fatal("a post its author deleted is still boosted by the group in carol's home")
		}

		// Bob is banned: his membership ends on b.test and his next post is not relayed.
		bobOnA, err := a.store.ActorByURI(ctx, bob.Actor.URI)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.grp.Ban(ctx, alice, g.Actor.ID, bobOnA.ID); err != nil {
			t.Fatal(err)
		}
		c.settle(t)
		if following(t, b, bob, groupOnB).Following {
			t.Fatal("bob still a member on b.test after the ban")
		}
		p2 := post(t, b, bob, "Let me back in @web_managers@a.test", ap.Public)
		c.settle(t)
		if groupBoost(t, cc, carol, groupOnC.URI, p2.URI) != nil {
			t.Fatal("a banned member's post was relayed to c.test")
		}
		if st := stored(t, a, p2.URI); st != nil && st.GroupID != "" {
			t.Fatal("a banned member's post was taken into the group")
		}
		if n := membersOf(t, a, g.Actor.ID); n != 1 {
			t.Fatalf("member count after the ban %d, want 1", n)
		}
	})
}

func TestGroupReach(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) *storage.Store) {
		c := newCluster(t, open, "a.test", "b.test", "c.test")
		a, b, cc := c.in["a.test"], c.in["b.test"], c.in["c.test"]
		ctx := context.Background()
		alice := a.user(t, "alice", false)
		bob := b.user(t, "bob", false)
		carol := cc.user(t, "carol", false)
		internal := newGroup(t, a, alice, "internal_only", groups.Open, groups.Internal)
		partners := newGroup(t, a, alice, "partners_only", groups.Open, groups.Partners)
		if err := a.grp.AddPartner(ctx, "b.test"); err != nil {
			t.Fatal(err)
		}

		// internal: b.test's Follow gets a Reject; nobody joins.
		g := follow(t, c, b, bob, "internal_only", "a.test")
		if rel := following(t, b, bob, g); rel.Following || rel.Requested {
			t.Fatalf("b.test follow of an internal group: %+v, want refused", rel)
		}
		if n := membersOf(t, a, internal.Actor.ID); n != 0 {
			t.Fatalf("internal group has %d members, want 0", n)
		}

		// partners: b.test is a partner, c.test is not.
		pb := follow(t, c, b, bob, "partners_only", "a.test")
		pc := follow(t, c, cc, carol, "partners_only", "a.test")
		if !following(t, b, bob, pb).Following {
			t.Fatal("the partner's follow was not accepted")
		}
		if rel := following(t, cc, carol, pc); rel.Following || rel.Requested {
			t.Fatalf("a non-partner's follow: %+v, want refused", rel)
		}
		if n := membersOf(t, a, partners.Actor.ID); n != 1 {
			t.Fatalf("partners group has %d members, want 1", n)
		}
		// Their posts are not served to anyone outside their reach (here: an unsigned fetch).
		openGroup := newGroup(t, a, alice, "open_to_all", groups.Open, groups.Federated)
		for _, tc := range []struct {
			g    *groups.Group
			want int
		}{{internal, 403}, {partners, 403}, {openGroup, 200}} {
			if code, _ := getJSON(t, c, tc.g.Actor.Outbox); code != tc.want {
				t.Errorf("anonymous GET of %s's outbox: %d, want %d", tc.g.Actor.Username, code, tc.want)
			}
		}
	})
}

func TestGroupApprovalAndNonMembers(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) *storage.Store) {
		c := newCluster(t, open, "a.test", "b.test", "c.test")
		a, b, cc := c.in["a.test"], c.in["b.test"], c.in["c.test"]
		ctx := context.Background()
		alice := a.user(t, "alice", false)
		bob := b.user(t, "bob", false)
		carol := cc.user(t, "carol", false)
		g := newGroup(t, a, alice, "highways", groups.Approval, groups.Federated)

		onC := follow(t, c, cc, carol, "highways", "a.test")
		if rel := following(t, cc, carol, onC); !rel.Requested || rel.Following {
			t.Fatalf("join request to an approval group: %+v, want requested", rel)
		}
		reqs, err := a.grp.Requests(ctx, alice, g.Actor.ID, ap.Page{})
		if err != nil || len(reqs) != 1 {
			t.Fatalf("moderator's queue: %v %v, want one request", reqs, err)
		}
		if err := a.grp.Approve(ctx, alice, g.Actor.ID, reqs[0].FollowerID); err != nil {
			t.Fatal(err)
		}
		c.settle(t)
		if !following(t, cc, carol, onC).Following {
			t.Fatal("carol is not a member after the moderator approved")
		}

		// bob is no member: his post mentioning the group is refused, and not relayed to carol.
		p := post(t, b, bob, "Anyone there? @highways@a.test", ap.Public)
		c.settle(t)
		if groupBoost(t, cc, carol, onC.URI, p.URI) != nil {
			t.Fatal("a non-member's post in an approval group was relayed")
		}
		if onA := stored(t, a, p.URI); onA == nil || onA.GroupID != "" {
			t.Fatalf("a.test should have the post (mentioning the group) but not in the group: %+v", onA)
		}

		// Members list: members may read it, others may not.
		carolOnA, err := a.store.ActorByURI(ctx, carol.Actor.URI)
		if err != nil {
			t.Fatal(err)
		}
		ms, err := a.grp.Members(ctx, carolOnA, false, g.Actor.ID, ap.Page{})
		if err != nil || len(ms) != 1 {
			t.Fatalf("members as a member: %v %v", ms, err)
		}
		bobOnA, err := a.store.ActorByURI(ctx, bob.Actor.URI)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.grp.Members(ctx, bobOnA, false, g.Actor.ID, ap.Page{}); ap.KindOf(err) != ap.Forbidden {
			t.Fatalf("members as a non-member: %v, want Forbidden", err)
		}
	})
}

func getJSON(t *testing.T, c *cluster, url string) (int, map[string]any) {
	t.Helper()
	resp, body := c.get(t, url, "application/activity+json")
	var m map[string]any
	_ = json.Unmarshal([]byte(body), &m)
	return resp.StatusCode, m
}

func TestGroupDocumentsAndThreads(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) *storage.Store) {
		c := newCluster(t, open, "a.test", "b.test")
		a, b := c.in["a.test"], c.in["b.test"]
		ctx := context.Background()
		alice := a.user(t, "alice", false)
		bob := b.user(t, "bob", false)
		g := newGroup(t, a, alice, "web_managers", groups.Open, groups.Federated)
		follow(t, c, b, bob, "web_managers", "a.test")

		code, doc := getJSON(t, c, g.Actor.URI)
		if code != 200 || doc["type"] != "Group" || doc["attributedTo"] != g.Actor.URI+"/moderators" ||
			doc["featured"] != g.Actor.FeaturedURI || doc["followers"] != g.Actor.FollowersURI {
			t.Fatalf("group actor %d %v", code, doc)
		}
		_, mods := getJSON(t, c, g.Actor.URI+"/moderators")
		if items, _ := mods["orderedItems"].([]any); len(items) != 1 || items[0] != alice.Actor.URI {
			t.Fatalf("moderators %v", mods)
		}
		_, wf := getJSON(t, c, "http://a.test/.well-known/webfinger?resource=acct:web_managers@a.test")
		if links, _ := wf["links"].([]any); len(links) == 0 || !strings.Contains(fmt.Sprint(links), g.Actor.URI) {
			t.Fatalf("webfinger %v", wf)
		}
		_, front := getJSON(t, c, g.Actor.FollowersURI)
		if front["totalItems"] != float64(1) {
			t.Fatalf("member count in the followers collection: %v", front["totalItems"])
		}
		if code, _ := getJSON(t, c, g.Actor.FollowersURI+"?page=true"); code != 403 {
			t.Fatalf("anonymous members page: %d, want 403", code)
		}

		// A thread in the group: a local post, a reply from b.test; the root's context lists both.
		root, err := a.grp.Post(ctx, alice, g.Actor.ID, groups.PostInput{Text: "Accessibility audit plan"})
		if err != nil {
			t.Fatal(err)
		}
		a.fed.Notify()
		c.settle(t)
		rootOnB := stored(t, b, root.URI)
		if rootOnB == nil {
			t.Fatal("the group's post did not reach the member's server")
		}
		_, note := getJSON(t, c, root.URI)
		if note["audience"] != g.Actor.URI || note["context"] != root.ContextURI {
			t.Fatalf("group post audience %v context %v", note["audience"], note["context"])
		}
		reply, err := b.svc.Post(ctx, bob, ap.PostInput{Text: "Count me in", InReplyToID: rootOnB.ID})
		if err != nil {
			t.Fatal(err)
		}
		b.fed.Notify()
		c.settle(t)
		_, ctxDoc := getJSON(t, c, root.ContextURI)
		items, _ := ctxDoc["orderedItems"].([]any)
		if len(items) != 2 || items[0] != root.URI || items[1] != reply.URI {
			t.Fatalf("context collection %v, want the root then the reply", ctxDoc)
		}
		replyOnA := stored(t, a, reply.URI)
		if replyOnA == nil || replyOnA.GroupID != g.Actor.ID {
			t.Fatalf("the reply in the group's thread is not the group's: %+v", replyOnA)
		}

		// Pinned posts are the group's featured collection.
		if err := a.grp.Pin(ctx, alice, g.Actor.ID, root.ID, true); err != nil {
			t.Fatal(err)
		}
		_, feat := getJSON(t, c, g.Actor.FeaturedURI)
		fi, _ := feat["orderedItems"].([]any)
		if len(fi) != 1 || fi[0].(map[string]any)["id"] != root.URI {
			t.Fatalf("featured %v", feat)
		}
		// Locked: a later reply is not relayed.
		if err := a.grp.Lock(ctx, alice, g.Actor.ID, root.ID, true); err != nil {
			t.Fatal(err)
		}
		late, err := b.svc.Post(ctx, bob, ap.PostInput{Text: "Too late?", InReplyToID: rootOnB.ID})
		if err != nil {
			t.Fatal(err)
		}
		b.fed.Notify()
		c.settle(t)
		if st := stored(t, a, late.URI); st == nil || st.GroupID != "" {
			t.Fatalf("a reply in a locked thread was taken into the group: %+v", st)
		}
	})
}
