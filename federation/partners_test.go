package federation_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/federation/fetch"
	"github.com/guildhall/guildhall/storage"
)

// Partner-only visibility (security catalogue VIS-P1…P6): a post on a.test addressed to the
// partner council b.test reaches alice's follower there and nobody on c.test, though carol there
// follows alice too; only a signed fetch from b.test gets it; no public surface on a.test shows it.
func TestPartnerOnlyPosts(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) *storage.Store) {
		c := newCluster(t, open, "a.test", "b.test", "c.test")
		a, b, cc := c.in["a.test"], c.in["b.test"], c.in["c.test"]
		ctx := context.Background()
		alice := a.user(t, "alice", false)
		dana := a.user(t, "dana", false) // follows alice on her own council
		erin := a.user(t, "erin", false) // does not follow alice
		bob := b.user(t, "bob", false)
		bea := b.user(t, "bea", false) // on the partner, but not a follower
		carol := cc.user(t, "carol", false)
		follow(t, c, b, bob, "alice", "a.test")
		follow(t, c, cc, carol, "alice", "a.test")
		if _, err := a.svc.Follow(ctx, dana, alice.Actor.ID, true, false); err != nil {
			t.Fatal(err)
		}
		c.settle(t)
		toC := deliveriesTo(t, a, "c.test")

		st, err := a.svc.Post(ctx, alice, ap.PostInput{Text: "Draft shared-services budget, partners only",
			Visibility: ap.Partners, Partners: []string{"B.test"}})
		if err != nil {
			t.Fatal(err)
		}
		if st.Visibility != ap.Partners || !slices.Equal(st.Partners, []string{"b.test"}) {
			t.Fatalf("posted %s %v, want partners [b.test]", st.Visibility, st.Partners)
		}
		a.fed.Notify()
		c.settle(t)

		t.Run("VIS-P1 it reaches the follower on the partner instance, as partner-only there too", func(t *testing.T) {
			got := stored(t, b, st.URI)
			if got == nil {
				t.Fatal("b.test never got the partner-only post")
			}
			if got.Visibility != ap.Partners || !slices.Equal(got.Partners, []string{"b.test"}) {
				t.Errorf("b.test stored it as %s %v, want partners [b.test]", got.Visibility, got.Partners)
			}
			if !slices.Contains(homeURIs(t, b, bob), st.URI) {
				t.Error("bob's home on b.test lacks it")
			}
			if ok, err := b.svc.CanSee(ctx, ap.Viewer{Actor: &bea.Actor}, got); err != nil || ok {
				t.Errorf("bea (b.test, not a follower) can see it: %v %v", ok, err)
			}
		})
		t.Run("VIS-P2 the third instance gets nothing, though carol follows alice", func(t *testing.T) {
			if stored(t, cc, st.URI) != nil {
				t.Error("c.test stored the partner-only post")
			}
			if slices.Contains(homeURIs(t, cc, carol), st.URI) {
				t.Error("carol's home on c.test has it")
			}
			if n := deliveriesTo(t, a, "c.test"); n != toC {
				t.Errorf("a.test queued %d deliveries to c.test for it", n-toC)
			}
		})
		t.Run("VIS-P3 signed fetches: b.test gets it addressed to bob only, c.test gets 404", func(t *testing.T) {
			o, err := b.fed.Resolver().FetchObject(ctx, st.URI)
			if err != nil {
				t.Fatalf("b.test's signed fetch: %v", err)
			}
			bobOnA := remoteActor(t, a, "bob", "b.test")
			if !slices.Equal(o.To, []string{bobOnA.URI}) || len(o.Cc) != 0 {
				t.Errorf("served to %v cc %v, want to bob only (no public, no followers collection)", o.To, o.Cc)
			}
			if !slices.Equal(o.Partners, []string{"b.test"}) {
				t.Errorf("served partners %v", o.Partners)
			}
			for _, u := range []string{st.URI, st.URI + "/activity", st.URI + "/replies"} {
				_, err = cc.fed.Resolver().FetchObject(ctx, u)
				var se *fetch.StatusError
				if u == st.URI && (!errors.As(err, &se) || se.Code != http.StatusNotFound) {
					t.Errorf("c.test's signed fetch of %s: %v, want 404", u, err)
				}
				if resp, body := c.get(t, u, asAccept); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "budget") {
					t.Errorf("unsigned GET %s: %d, want 404 without the post", u, resp.StatusCode)
				}
			}
		})
		t.Run("VIS-P4 the outbox shows it to no one outside the partners", func(t *testing.T) {
			if resp, body := c.get(t, alice.Actor.URI+"/outbox?page=true", asAccept); resp.StatusCode != http.StatusOK || strings.Contains(body, st.URI) {
				t.Errorf("unsigned outbox page: %d, lists it: %v", resp.StatusCode, strings.Contains(body, st.URI))
			}
			// What a signed outbox fetch by carol (a follower, on c.test) is served from.
			carolOnA := remoteActor(t, a, "carol", "c.test")
			sts, err := a.svc.ActorStatuses(ctx, ap.Viewer{Actor: carolOnA}, alice.Actor.ID, ap.StatusFilter{}, ap.Page{Limit: 40})
			if err != nil {
				t.Fatal(err)
			}
			if len(sts) != 0 {
				t.Errorf("alice's statuses as carol (c.test follower) sees them: %d", len(sts))
			}
			bobOnA := remoteActor(t, a, "bob", "b.test")
			sts, err = a.svc.ActorStatuses(ctx, ap.Viewer{Actor: bobOnA}, alice.Actor.ID, ap.StatusFilter{}, ap.Page{Limit: 40})
			if err != nil || len(sts) != 1 {
				t.Errorf("alice's statuses as bob (b.test follower) sees them: %d %v, want 1", len(sts), err)
			}
		})
		t.Run("VIS-P5 on a.test only the author and her followers see it", func(t *testing.T) {
			for _, tc := range []struct {
				name string
				who  *ap.Actor
				want bool
			}{{"author", &alice.Actor, true}, {"local follower", &dana.Actor, true}, {"local non-follower", &erin.Actor, false}, {"anonymous", nil, false}} {
				ok, err := a.svc.CanSee(ctx, ap.Viewer{Actor: tc.who}, st)
				if err != nil || ok != tc.want {
					t.Errorf("%s sees it: %v (%v), want %v", tc.name, ok, err, tc.want)
				}
			}
			for _, local := range []bool{true, false} {
				sts, err := a.svc.PublicTimeline(ctx, ap.Viewer{Actor: &erin.Actor}, local, !local, ap.Page{Limit: 40})
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range sts {
					if s.ID == st.ID {
						t.Errorf("public timeline (local=%v) shows it", local)
					}
				}
			}
			sts, err := a.svc.ActorStatuses(ctx, ap.Viewer{Actor: &erin.Actor}, alice.Actor.ID, ap.StatusFilter{}, ap.Page{Limit: 40})
			if err != nil {
				t.Fatal(err)
			}
			if len(sts) != 0 {
				t.Errorf("alice's profile shows erin %d statuses", len(sts))
			}
			if !slices.Contains(homeURIs(t, a, dana), st.URI) {
				t.Error("dana (local follower) lacks it at home")
			}
			if slices.Contains(homeURIs(t, a, erin), st.URI) {
				t.Error("erin has it at home")
			}
		})
		t.Run("VIS-P7 a partner-only reply stays out of replies collections, threads and search", func(t *testing.T) {
			root := post(t, a, erin, "Public consultation on parking", ap.Public)
			reply, err := a.svc.Post(ctx, alice, ap.PostInput{Text: "Partners: our parking numbers", InReplyToID: root.ID,
				Partners: []string{"b.test"}})
			if err != nil {
				t.Fatal(err)
			}
			a.fed.Notify()
			c.settle(t)
			if resp, body := c.get(t, root.URI+"/replies", asAccept); resp.StatusCode != http.StatusOK || strings.Contains(body, reply.URI) {
				t.Errorf("replies collection: %d, lists the partner-only reply: %v", resp.StatusCode, strings.Contains(body, reply.URI))
			}
			_, desc, err := a.svc.Thread(ctx, ap.Viewer{Actor: &erin.Actor}, root.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(desc) != 0 {
				t.Errorf("erin's view of her own thread holds %d replies", len(desc))
			}
			res, err := a.svc.Search(ctx, erin, "parking numbers", ap.SearchOptions{Type: "statuses"})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Statuses) != 0 {
				t.Errorf("search found %d statuses", len(res.Statuses))
			}
			if stored(t, cc, reply.URI) != nil {
				t.Error("the partner-only reply reached c.test")
			}
			if stored(t, b, reply.URI) == nil {
				t.Error("the partner-only reply did not reach b.test")
			}
		})
		t.Run("VIS-P6 it cannot be boosted, and a delete reaches the partner only", func(t *testing.T) {
			if _, err := a.svc.Reblog(ctx, dana, st.ID); ap.KindOf(err) != ap.Forbidden {
				t.Errorf("boosting it: %v, want forbidden", err)
			}
			if _, err := a.svc.DeleteStatus(ctx, alice, st.ID); err != nil {
				t.Fatal(err)
			}
			a.fed.Notify()
			c.settle(t)
			if got := stored(t, b, st.URI); got != nil && got.DeletedAt == nil {
				t.Error("the delete did not reach b.test")
			}
			if n := deliveriesTo(t, a, "c.test"); n != toC {
				t.Errorf("a.test queued %d deliveries to c.test", n-toC)
			}
		})
	})
}
