package inbox_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/storage"
)

// followAccepted makes the local acct follow the remote a, and a accept.
func (e *env) followAccepted(acct *ap.Account, a *remoteActor) *ap.Actor {
	e.t.Helper()
	row := must(e.deref.ResolveActor(ctxb(), a.ID))
	must(e.svc.Follow(ctxb(), acct, row.ID, true, false))
	f := must(e.store.FollowBetween(ctxb(), acct.Actor.ID, row.ID))
	e.expect(http.StatusAccepted, "/inbox", a, activity("Accept", a.ID+"#accepts/"+f.ID, a, follow(&remoteActor{ID: acct.Actor.URI}, f.URI, a.ID)))
	if f = must(e.store.FollowBetween(ctxb(), acct.Actor.ID, row.ID)); f.State != ap.FollowAccepted {
		e.t.Fatalf("setup: follow of %s is %s", a.ID, f.State)
	}
	return row
}

func (e *env) follows(acct *ap.Account, uri string) bool {
	a, err := e.store.ActorByURI(ctxb(), uri)
	if ap.IsNotFound(err) {
		return false
	}
	_, err = e.store.FollowBetween(ctxb(), acct.Actor.ID, must(a, err).ID)
	if err != nil && !ap.IsNotFound(err) {
		panic(err)
	}
	return err == nil
}

func move(a *remoteActor, n int, object, target string) map[string]any {
	m := activity("Move", fmt.Sprintf("%s#moves/%d", a.ID, n), a, object)
	m["target"] = target
	return m
}

// ORI-13: a Move is applied only when the target, fetched from its origin, lists the mover in
// alsoKnownAs; then the local followers follow the target and stop following the mover, and the
// move is recorded. Every malformed or unconsented Move is refused and changes nothing.
func TestMove(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s, "old.test", "new.test")
		alice := e.localUser("alice", false)
		carl := e.localUser("carl", false)
		bob := e.remote("old.test").addActor(t, "bob")
		mallory := e.remote("old.test").addActor(t, "mallory")
		stranger := e.remote("new.test").addActor(t, "stranger") // no alias for bob
		bobNew := e.remote("new.test").addActor(t, "bob")
		bobNew.Doc["alsoKnownAs"] = []any{bob.ID}
		hopper := e.remote("new.test").addActor(t, "hopper") // lists bob, but has itself moved on
		hopper.Doc["alsoKnownAs"] = bob.ID
		hopperRow := must(e.deref.ResolveActor(ctxb(), hopper.ID))
		must0(t, s.SetMovedTo(ctxb(), hopperRow.ID, must(e.deref.ResolveActor(ctxb(), stranger.ID)).ID, time.Now()))
		bobRow := e.followAccepted(alice, bob)
		e.followAccepted(carl, bob)

		bad := []struct {
			name   string
			signer *remoteActor
			act    map[string]any
			code   int
		}{
			{"target does not list the mover in alsoKnownAs", bob, move(bob, 1, bob.ID, stranger.ID), http.StatusForbidden},
			{"object is not the actor", bob, move(bob, 2, mallory.ID, bobNew.ID), http.StatusUnprocessableEntity},
			{"target is the actor itself", bob, move(bob, 3, bob.ID, bob.ID), http.StatusUnprocessableEntity},
			{"no target", bob, activity("Move", bob.ID+"#moves/4", bob, bob.ID), http.StatusUnprocessableEntity},
			{"target is local", bob, move(bob, 5, bob.ID, alice.Actor.URI), http.StatusUnprocessableEntity},
			{"target has itself moved (a chain)", bob, move(bob, 6, bob.ID, hopper.ID), http.StatusUnprocessableEntity},
			{"signed by someone else", mallory, move(bob, 7, bob.ID, bobNew.ID), http.StatusUnauthorized},
		}
		for _, tc := range bad {
			t.Run("ORI-13 "+tc.name, func(t *testing.T) {
				e.expect(tc.code, "/inbox", tc.signer, tc.act)
				if !e.follows(alice, bob.ID) || e.follows(alice, bobNew.ID) || e.follows(alice, stranger.ID) || e.follows(alice, hopper.ID) {
					t.Fatal("a refused Move changed alice's follows")
				}
				if _, err := e.svc.MovedTo(ctxb(), bobRow.ID); !ap.IsNotFound(err) {
					t.Fatalf("a refused Move was recorded: %v", err)
				}
			})
		}

		t.Run("ORI-13 a consented Move migrates the followers", func(t *testing.T) {
			e.expect(http.StatusAccepted, "/inbox", bob, move(bob, 10, bob.ID, bobNew.ID))
			for _, who := range []*ap.Account{alice, carl} {
				if e.follows(who, bob.ID) {
					t.Errorf("%s still follows the moved account", who.Actor.Username)
				}
				if !e.follows(who, bobNew.ID) {
					t.Errorf("%s does not follow the move target", who.Actor.Username)
				}
			}
			to, err := e.svc.MovedTo(ctxb(), bobRow.ID)
			if err != nil || to.URI != bobNew.ID {
				t.Fatalf("movedTo = %v, %v; want %s", to, err, bobNew.ID)
			}
			var follows, undos int
			for _, it := range e.pendingOutbox() {
				switch {
				case it.Activity.Type == "Follow" && it.Activity.Object == bobNew.ID:
					follows++
				case it.Activity.Type == "Undo" && it.Activity.Inner != nil && it.Activity.Inner.Object == bob.ID:
					undos++
				}
			}
			if follows != 2 || undos != 2 {
				t.Fatalf("outbox has %d Follows of the target and %d Undos of the old follow, want 2 and 2", follows, undos)
			}
			// Redelivered: nothing happens twice.
			e.expect(http.StatusAccepted, "/inbox", bob, move(bob, 10, bob.ID, bobNew.ID))
		})
		t.Run("ORI-13 moving back (A→B→A) is refused", func(t *testing.T) {
			bob.Doc["alsoKnownAs"] = []any{bobNew.ID}
			e.expect(http.StatusUnprocessableEntity, "/inbox", bobNew, move(bobNew, 1, bobNew.ID, bob.ID))
			if !e.follows(alice, bobNew.ID) || e.follows(alice, bob.ID) {
				t.Fatal("a move back ping-ponged the followers")
			}
		})
	})
}

func must0(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Featured-collection Add and Remove pin and unpin a remote actor's own posts; a post of someone
// else, or a collection other than the sender's featured one, changes nothing.
func TestFeaturedAddRemove(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s, "remote.test", "other.test")
		e.localUser("alice", false)
		rs := e.remote("remote.test")
		bob := rs.addActor(t, "bob")
		bob.Doc["featured"] = bob.ID + "/collections/featured"
		eve := e.remote("other.test").addActor(t, "eve")
		eve.Doc["featured"] = eve.ID + "/collections/featured"
		n := note(bob.ID+"/statuses/pin-me", bob.ID, "<p>pin me</p>", []string{public}, nil, nil)
		e.expect(http.StatusAccepted, "/inbox", bob, create(bob, n))
		bobRow := must(s.ActorByURI(ctxb(), bob.ID))
		eveRow := must(e.deref.ResolveActor(ctxb(), eve.ID))
		pinned := func(a *ap.Actor) int {
			return len(must(s.ActorStatuses(ctxb(), a.ID, ap.StatusFilter{Pinned: true}, ap.Page{Limit: 10})))
		}
		add := func(a *remoteActor, i int, object, target string) map[string]any {
			m := activity("Add", fmt.Sprintf("%s#add/%d", a.ID, i), a, object)
			m["target"] = target
			return m
		}

		e.expect(http.StatusAccepted, "/inbox", bob, add(bob, 1, n["id"].(string), bob.ID+"/collections/tags"))
		if pinned(bobRow) != 0 {
			t.Fatal("an Add to another collection pinned the post")
		}
		e.expect(http.StatusForbidden, "/inbox", eve, add(eve, 1, n["id"].(string), eve.ID+"/collections/featured"))
		if pinned(eveRow) != 0 {
			t.Fatal("eve featured bob's post")
		}
		e.expect(http.StatusAccepted, "/inbox", bob, add(bob, 2, n["id"].(string), bob.ID+"/collections/featured"))
		if pinned(bobRow) != 1 {
			t.Fatal("bob's Add to his featured collection did not pin his post")
		}
		rm := activity("Remove", bob.ID+"#remove/1", bob, n["id"])
		rm["target"] = bob.ID + "/collections/featured"
		e.expect(http.StatusAccepted, "/inbox", bob, rm)
		if pinned(bobRow) != 0 {
			t.Fatal("bob's Remove did not unpin his post")
		}
	})
}

// Activities we do not handle, or handle only in part, are answered 202 (so the sender stops
// retrying) and never 5xx.
func TestUnusualActivityTypes(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s, "remote.test")
		alice := e.localUser("alice", false)
		bob := e.remote("remote.test").addActor(t, "bob")
		n := note(bob.ID+"/statuses/1", bob.ID, "<p>x</p>", []string{public}, nil, nil)
		e.expect(http.StatusAccepted, "/inbox", bob, create(bob, n))
		withTarget := func(m map[string]any, target string) map[string]any { m["target"] = target; return m }
		tests := []struct {
			name string
			act  map[string]any
		}{
			{"EmojiReact (Misskey, Pleroma)", withTarget(activity("EmojiReact", bob.ID+"#r1", bob, n["id"]), "")},
			{"Question as an activity", activity("Question", bob.ID+"#q1", bob, n["id"])},
			{"View", activity("View", bob.ID+"#v1", bob, n["id"])},
			{"Read", activity("Read", bob.ID+"#rd1", bob, n["id"])},
			{"Listen", activity("Listen", bob.ID+"#l1", bob, n["id"])},
			{"Arrive without object", map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": bob.ID + "#a1", "type": "Arrive", "actor": bob.ID}},
			{"Offer", activity("Offer", bob.ID+"#o1", bob, n["id"])},
			{"Invite to a group", activity("Invite", bob.ID+"#i1", bob, alice.Actor.URI)},
			{"Join", activity("Join", bob.ID+"#j1", bob, bob.ID+"/groups/1")},
			{"Leave", activity("Leave", bob.ID+"#lv1", bob, bob.ID+"/groups/1")},
			{"TentativeAccept", activity("TentativeAccept", bob.ID+"#ta1", bob, bob.ID+"/events/1")},
			{"Ignore", activity("Ignore", bob.ID+"#ig1", bob, n["id"])},
			{"Dislike", activity("Dislike", bob.ID+"#d1", bob, n["id"])},
			{"QuoteRequest (FEP-044f)", withTarget(activity("QuoteRequest", bob.ID+"#qr1", bob, n["id"]), bob.ID+"/statuses/2")},
			{"Add without target", activity("Add", bob.ID+"#add1", bob, n["id"])},
			{"Add to a collection of hashtags", withTarget(activity("Add", bob.ID+"#add2", bob, map[string]any{"type": "Hashtag", "href": "http://remote.test/tags/x", "name": "#x"}), bob.ID+"/collections/tags")},
			{"Remove from an unknown collection", withTarget(activity("Remove", bob.ID+"#rm1", bob, n["id"]), bob.ID+"/lists/1")},
			{"Undo of an unusual activity", activity("Undo", bob.ID+"#u1", bob, map[string]any{"id": bob.ID + "#r1", "type": "EmojiReact", "actor": bob.ID, "object": n["id"]})},
			{"Update of a Question poll vote count", activity("Update", bob.ID+"#up1", bob, map[string]any{"id": bob.ID + "/statuses/nonexistent", "type": "Question", "attributedTo": bob.ID})},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				code, msg := e.post("/inbox", bob, tc.act)
				if code != http.StatusAccepted {
					t.Fatalf("%s: %d %s, want 202", tc.name, code, msg)
				}
			})
		}
	})
}
