package federation_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// These tests run three real instances against each other. They skip themselves while the
// storage methods they need are still stubs.

func forEachEngine(t *testing.T, fn func(t *testing.T, open func(testing.TB) *storage.Store)) {
	for _, e := range storagetest.Engines() {
		t.Run(e.Name, func(t *testing.T) { fn(t, e.Open) })
	}
}

// remoteActor resolves user@host on instance in, through WebFinger and a signed fetch.
func remoteActor(t *testing.T, in *instance, user, host string) *ap.Actor {
	t.Helper()
	a, err := in.fed.Resolver().ResolveHandle(context.Background(), user, host)
	skipIfUnimplemented(t, err)
	return a
}

func follow(t *testing.T, c *cluster, in *instance, who *ap.Account, user, host string) *ap.Actor {
	t.Helper()
	target := remoteActor(t, in, user, host)
	_, err := in.svc.Follow(context.Background(), who, target.ID, true, false)
	skipIfUnimplemented(t, err)
	c.settle(t)
	return target
}

func homeURIs(t *testing.T, in *instance, who *ap.Account) []string {
	t.Helper()
	sts, err := in.svc.HomeTimeline(context.Background(), who, ap.Page{Limit: 40})
	skipIfUnimplemented(t, err)
	var uris []string
	for _, st := range sts {
		uris = append(uris, st.URI)
	}
	return uris
}

func stored(t *testing.T, in *instance, uri string) *ap.Status {
	t.Helper()
	st, err := in.store.StatusByURI(context.Background(), uri)
	if ap.IsNotFound(err) {
		return nil
	}
	skipIfUnimplemented(t, err)
	return st
}

func post(t *testing.T, in *instance, who *ap.Account, text string, vis ap.Visibility) *ap.Status {
	t.Helper()
	st, err := in.svc.Post(context.Background(), who, ap.PostInput{Text: text, Visibility: vis})
	skipIfUnimplemented(t, err)
	in.fed.Notify()
	return st
}

func TestFollowAcrossInstances(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) *storage.Store) {
		c := newCluster(t, open, "a.test", "b.test")
		a, b := c.in["a.test"], c.in["b.test"]
		ctx := context.Background()
		a.user(t, "alice", false)
		carol := a.user(t, "carol", true)
		bob := b.user(t, "bob", false)
		dave := b.user(t, "dave", false)

		alice := follow(t, c, b, bob, "alice", "a.test")
		rel, err := b.svc.Relationship(ctx, bob.Actor.ID, alice.ID)
		skipIfUnimplemented(t, err)
		if !rel.Following {
			t.Fatalf("bob does not follow alice after her server accepted: %+v", rel)
		}

		carolOnB := follow(t, c, b, dave, "carol", "a.test")
		rel, _ = b.svc.Relationship(ctx, dave.Actor.ID, carolOnB.ID)
		if !rel.Requested || rel.Following {
			t.Fatalf("follow of a locked account: %+v, want requested", rel)
		}
		daveOnA, err := a.store.ActorByURI(ctx, dave.Actor.URI)
		if err != nil {
			t.Fatalf("dave unknown on a.test: %v", err)
		}
		if _, err := a.svc.AuthorizeFollowRequest(ctx, carol, daveOnA.ID); err != nil {
			t.Fatal(err)
		}
		c.settle(t)
		rel, _ = b.svc.Relationship(ctx, dave.Actor.ID, carolOnB.ID)
		if !rel.Following {
			t.Fatalf("after carol approved: %+v, want following", rel)
		}
	})
}

func TestVisibilityAcrossInstances(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) *storage.Store) {
		c := newCluster(t, open, "a.test", "b.test", "c.test")
		a, b, cc := c.in["a.test"], c.in["b.test"], c.in["c.test"]
		alice := a.user(t, "alice", false)
		bob := b.user(t, "bob", false)
		cat := cc.user(t, "cat", false)
		follow(t, c, b, bob, "alice", "a.test")
		remoteActor(t, a, "cat", "c.test")

		public := post(t, a, alice, "Bin collections move to Tuesday", ap.Public)
		private := post(t, a, alice, "Staff only: rota attached", ap.Private)
		direct := post(t, a, alice, "@cat@c.test can you check the minutes?", ap.Direct)
		local := post(t, a, alice, "Cake in the kitchen", ap.LocalOnly)
		c.settle(t)

		tests := []struct {
			name   string
			in     *instance
			who    *ap.Account
			uri    string
			inHome bool
			stored bool
		}{
			{"follower gets public", b, bob, public.URI, true, true},
			{"follower gets followers-only", b, bob, private.URI, true, true},
			{"follower does not get a DM to someone else", b, bob, direct.URI, false, false},
			{"follower does not get local-only", b, bob, local.URI, false, false},
			{"mentioned gets the DM", cc, cat, direct.URI, true, true},
			{"non-follower does not get followers-only", cc, cat, private.URI, false, false},
			{"non-follower does not get public pushed", cc, cat, public.URI, false, false},
			{"nobody remote gets local-only", cc, cat, local.URI, false, false},
		}
		homes := map[*ap.Account][]string{bob: homeURIs(t, b, bob), cat: homeURIs(t, cc, cat)}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if got := slices.Contains(homes[tt.who], tt.uri); got != tt.inHome {
					t.Errorf("in home timeline: %v, want %v", got, tt.inHome)
				}
				if got := stored(t, tt.in, tt.uri) != nil; got != tt.stored {
					t.Errorf("stored on %s: %v, want %v", tt.in.name, got, tt.stored)
				}
			})
		}
		// A signed fetch by a non-follower's server still cannot read the followers-only post;
		// anonymous fetches neither.
		resp, _ := c.get(t, private.URI, "application/activity+json")
		if resp.StatusCode != 404 {
			t.Errorf("anonymous GET of a followers-only status: %d, want 404", resp.StatusCode)
		}
		resp, _ = c.get(t, local.URI, "application/activity+json")
		if resp.StatusCode != 404 {
			t.Errorf("GET of a local-only status: %d, want 404", resp.StatusCode)
		}
	})
}

func TestInteractionsAcrossInstances(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) *storage.Store) {
		c := newCluster(t, open, "a.test", "b.test")
		a, b := c.in["a.test"], c.in["b.test"]
		ctx := context.Background()
		alice := a.user(t, "alice", false)
		bob := b.user(t, "bob", false)
		aliceOnB := follow(t, c, b, bob, "alice", "a.test")
		follow(t, c, a, alice, "bob", "b.test")

		orig := post(t, a, alice, "Consultation on the new library opens today", ap.Public)
		c.settle(t)
		copyOnB := stored(t, b, orig.URI)
		if copyOnB == nil {
			t.Fatal("post not delivered to the follower's server")
		}

		// Reply, like and boost from b.
		reply, err := b.svc.Post(ctx, bob, ap.PostInput{Text: "@alice@a.test will it be online too?", InReplyToID: copyOnB.ID})
		skipIfUnimplemented(t, err)
		if _, err := b.svc.Favourite(ctx, bob, copyOnB.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := b.svc.Reblog(ctx, bob, copyOnB.ID); err != nil {
			t.Fatal(err)
		}
		c.settle(t)
		replyOnA := stored(t, a, reply.URI)
		if replyOnA == nil || replyOnA.InReplyToID != orig.ID {
			t.Fatalf("reply on a.test: %+v", replyOnA)
		}
		got := stored(t, a, orig.URI)
		if got.FavouritesCount != 1 || got.ReblogsCount != 1 || got.RepliesCount != 1 {
			t.Errorf("counts on the original: favourites %d reblogs %d replies %d, want 1 1 1", got.FavouritesCount, got.ReblogsCount, got.RepliesCount)
		}

		// Edit, then delete, from a.
		if _, err := a.svc.EditStatus(ctx, alice, orig.ID, ap.EditInput{Text: "Consultation on the new library opens tomorrow"}); err != nil {
			t.Fatal(err)
		}
		c.settle(t)
		if st := stored(t, b, orig.URI); st == nil || st.EditedAt == nil || !strings.Contains(st.Content, "tomorrow") {
			t.Errorf("edit not applied on b.test: %+v", st)
		}
		if _, err := a.svc.DeleteStatus(ctx, alice, orig.ID); err != nil {
			t.Fatal(err)
		}
		c.settle(t)
		if st := stored(t, b, orig.URI); st != nil && st.DeletedAt == nil {
			t.Errorf("delete not applied on b.test")
		}
		resp, _ := c.get(t, orig.URI, "application/activity+json")
		if resp.StatusCode != 410 {
			t.Errorf("GET of a deleted status: %d, want 410", resp.StatusCode)
		}

		// Unfollow, then block.
		if _, err := b.svc.Unfollow(ctx, bob, aliceOnB.ID); err != nil {
			t.Fatal(err)
		}
		c.settle(t)
		aliceNow, _ := a.store.ActorByID(ctx, alice.Actor.ID)
		if aliceNow.FollowersCount != 0 {
			t.Errorf("alice has %d followers after bob unfollowed", aliceNow.FollowersCount)
		}
		bobOnA, _ := a.store.ActorByURI(ctx, bob.Actor.URI)
		if _, err := b.svc.Block(ctx, bob, aliceOnB.ID); err != nil {
			t.Fatal(err)
		}
		c.settle(t)
		if blocked, err := a.store.Blocked(ctx, bobOnA.ID, alice.Actor.ID); err != nil || !blocked {
			t.Errorf("block not known on a.test: %v %v", blocked, err)
		}
	})
}

func TestDeliveryToInstanceThatWasDown(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) *storage.Store) {
		c := newCluster(t, open, "a.test", "b.test")
		a, b := c.in["a.test"], c.in["b.test"]
		ctx := context.Background()
		alice := a.user(t, "alice", false)
		bob := b.user(t, "bob", false)
		follow(t, c, b, bob, "alice", "a.test")

		b.srv.Close() // b.test goes down
		st := post(t, a, alice, "Flood warning for the river path", ap.Public)
		deadline := time.Now().Add(10 * time.Second)
		for {
			n, err := a.store.CountDeliveries(ctx, ap.DeliveryPending)
			skipIfUnimplemented(t, err)
			if n == 1 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("no pending delivery while b.test is down")
			}
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(200 * time.Millisecond) // a few failed attempts
		b.open()                           // back, on a new listener under the same name
		c.settle(t)
		if stored(t, b, st.URI) == nil || !slices.Contains(homeURIs(t, b, bob), st.URI) {
			t.Fatal("post not delivered after b.test came back")
		}
	})
}
