package inbox_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/groups"
	"github.com/guildhall/guildhall/federation/httpsig"
	"github.com/guildhall/guildhall/storage"
)

// Group traffic (FEP-1b12) against payloads shaped like Lemmy's and Mbin's, on a member server
// and on a server hosting a group.

// addActorAt publishes an actor of type typ at path, as Lemmy (/u/, /c/) and Mbin (/m/) lay
// them out.
func (r *remoteServer) addActorAt(t testing.TB, path, name, typ string) *remoteActor {
	key := testKey(t)
	id := r.url(path)
	doc := map[string]any{
		"@context":          []any{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"},
		"id":                id,
		"type":              typ,
		"preferredUsername": name,
		"name":              name,
		"inbox":             id + "/inbox",
		"outbox":            id + "/outbox",
		"followers":         id + "/followers",
		"endpoints":         map[string]any{"sharedInbox": r.url("/inbox")},
		"publicKey":         map[string]any{"id": id + "#main-key", "owner": id, "publicKeyPem": must(httpsig.EncodePublicKeyPEM(&key.PublicKey))},
	}
	if typ == "Group" {
		doc["attributedTo"] = id + "/moderators"
	}
	r.serve(path, doc)
	return &remoteActor{ID: id, KeyID: id + "#main-key", Key: key, Doc: doc}
}

func golden(t testing.TB, name string) map[string]any {
	t.Helper()
	b, err := os.ReadFile("testdata/groups/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// joinRemoteGroup makes a local account a member of a remote group: its Follow, and the group's
// Accept sent to our inbox signed by the group.
func (e *env) joinRemoteGroup(t *testing.T, who *ap.Account, g *remoteActor) *ap.Actor {
	t.Helper()
	ga := must(e.deref.ResolveActor(ctxb(), g.ID))
	if ga.Kind != ap.KindGroup {
		t.Fatalf("remote group stored as %q", ga.Kind)
	}
	must(e.svc.Follow(ctxb(), who, ga.ID, true, false))
	f := must(e.store.FollowBetween(ctxb(), who.Actor.ID, ga.ID))
	e.expect(202, "/users/"+who.Actor.Username+"/inbox", g, activity("Accept", g.ID+"#accepts/"+f.ID, g,
		map[string]any{"id": f.URI, "type": "Follow", "actor": who.Actor.URI, "object": g.ID}))
	if f = must(e.store.FollowBetween(ctxb(), who.Actor.ID, ga.ID)); f.State != ap.FollowAccepted {
		t.Fatalf("membership not accepted: %+v", f)
	}
	return ga
}

// groupBoosts counts the boosts by group of the status uri in who's home timeline.
func (e *env) groupBoosts(who *ap.Account, group *ap.Actor, uri string) int {
	n := 0
	for _, st := range must(e.svc.HomeTimeline(ctxb(), who, ap.Page{Limit: 40})) {
		if st.ActorID != group.ID || st.ReblogOfID == "" {
			continue
		}
		if orig := must(e.store.StatusByID(ctxb(), st.ReblogOfID)); orig.URI == uri {
			n++
		}
	}
	return n
}

func TestGroupGoldenAnnounceCreatePage(t *testing.T) {
	for _, tc := range []struct {
		name, host, groupPath, authorPath, announce, page, postPath, title, content string
	}{
		{"lemmy", "lemmy.test", "/c/drainage", "/u/dave", "lemmy_announce_create_page.json", "lemmy_page.json",
			"/post/7", "Gully cleaning schedules", "How often do you clear gullies?"},
		{"mbin", "mbin.test", "/m/highways", "/u/erin", "mbin_announce_create_page.json", "mbin_page.json",
			"/m/highways/t/31", "Winter gritting routes", "Which routes do you grit first?"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			forEachStore(t, func(t *testing.T, s *storage.Store) {
				e := newEnv(t, s, tc.host)
				r := e.remote(tc.host)
				g := r.addActorAt(t, tc.groupPath, strings.TrimPrefix(tc.groupPath[2:], "/"), "Group")
				r.addActorAt(t, tc.authorPath, tc.authorPath[3:], "Person")
				r.serve(tc.postPath, golden(t, tc.page))
				mel := e.localUser("mel", false)
				ga := e.joinRemoteGroup(t, mel, g)

				announce := golden(t, tc.announce)
				e.expect(202, "/inbox", g, announce)
				st := must(e.store.StatusByURI(ctxb(), r.url(tc.postPath)))
				if st.ObjectType != "Page" || st.Title != tc.title || !strings.Contains(st.Content, tc.content) {
					t.Fatalf("stored %s %q %q; want the Page from its origin", st.ObjectType, st.Title, st.Content)
				}
				if strings.Contains(st.Content, "mbedded") {
					t.Fatal("the group's embedded copy was stored instead of the origin's")
				}
				if st.GroupID != ga.ID {
					t.Fatalf("post's group %q, want the announcing group %q", st.GroupID, ga.ID)
				}
				if n := e.groupBoosts(mel, ga, st.URI); n != 1 {
					t.Fatalf("%d boosts by the group in the member's home, want 1", n)
				}

				// The same relay again, and the Mastodon form (Announce{Page}) of it: still one boost.
				e.expect(202, "/inbox", g, announce)
				e.expect(202, "/inbox", g, activity("Announce", g.ID+"/announce/plain-1", g, st.URI))
				if n := e.groupBoosts(mel, ga, st.URI); n != 1 {
					t.Fatalf("%d boosts after both relay forms, want 1", n)
				}

				// A moderator's removal, announced by the group: the boost goes from the home timeline.
				del := activity("Delete", g.ID+"/activities/delete/1", g, st.URI)
				del["actor"] = r.url(tc.authorPath) // Lemmy: the moderator is the inner actor
				e.expect(202, "/inbox", g, activity("Announce", g.ID+"/announce/delete-1", g, del))
				if n := e.groupBoosts(mel, ga, st.URI); n != 0 {
					t.Fatalf("%d boosts after the group removed the post, want 0", n)
				}
			})
		})
	}
}

func TestGroupForgedAnnounce(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s, "lemmy.test", "evil.test")
		lemmy, evil := e.remote("lemmy.test"), e.remote("evil.test")
		g := lemmy.addActorAt(t, "/c/drainage", "drainage", "Group")
		dave := lemmy.addActorAt(t, "/u/dave", "dave", "Person")
		mallory := evil.addActorAt(t, "/c/fake", "fake", "Group")
		mel := e.localUser("mel", false)
		ga := e.joinRemoteGroup(t, mel, g)

		page := golden(t, "lemmy_page.json")
		page["id"] = lemmy.url("/post/8")
		lemmy.serve("/post/8", page)
		announce := golden(t, "lemmy_announce_create_page.json")
		announce["id"] = g.ID + "/activities/announce/forged"
		announce["object"].(map[string]any)["object"].(map[string]any)["id"] = page["id"]

		// Claiming to be the group, signed with another key: refused at the gate, nothing stored.
		e.expect(401, "/inbox", dave, announce)
		if e.statusExists(lemmy.url("/post/8")) || e.seen(announce["id"].(string)) {
			t.Fatal("a forged Announce left something behind")
		}

		// Another server's "group" announcing a post its origin does not have: nothing stored.
		fake := golden(t, "lemmy_announce_create_page.json")
		fake["id"], fake["actor"] = mallory.ID+"/announce/1", mallory.ID
		inner := fake["object"].(map[string]any)
		inner["object"].(map[string]any)["id"] = lemmy.url("/post/404")
		e.expect(202, "/inbox", mallory, fake)
		if e.statusExists(lemmy.url("/post/404")) {
			t.Fatal("a post that its origin does not serve was stored from a group's embedded copy")
		}

		// A group's claims about a local post change nothing about it.
		local := must(e.svc.Post(ctxb(), mel, ap.PostInput{Text: "what we decided", Visibility: ap.Public}))
		claim := golden(t, "lemmy_announce_create_page.json")
		claim["id"] = g.ID + "/activities/announce/claim"
		obj := claim["object"].(map[string]any)["object"].(map[string]any)
		obj["id"], obj["attributedTo"], obj["content"], obj["name"] = local.URI, mel.Actor.URI, "<p>rewritten</p>", "Rewritten"
		e.expect(202, "/inbox", g, claim)
		after := must(e.store.StatusByURI(ctxb(), local.URI))
		if after.Content != local.Content || after.Title != "" || after.GroupID != "" {
			t.Fatalf("a remote group rewrote a local post: %q %q group %q", after.Content, after.Title, after.GroupID)
		}
		_ = ga
	})
}

// outboxOf lists the pending outbox activities of an actor.
func (e *env) outboxOf(actorID string) []ap.Activity {
	var out []ap.Activity
	for _, it := range e.pendingOutbox() {
		if it.ActorID == actorID {
			out = append(out, it.Activity)
		}
	}
	return out
}

func TestGroupRelaysOnlyVerifiedCreatesAndNeverLoops(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s, "lemmy.test")
		lemmy := e.remote("lemmy.test")
		other := lemmy.addActorAt(t, "/c/drainage", "drainage", "Group")
		dave := lemmy.addActorAt(t, "/u/dave", "dave", "Person")
		local := must(e.groups.Create(ctxb(), nil, groups.Input{Handle: "council_web", DisplayName: "Council web"}))
		gURI := local.Actor.URI

		// The remote group is a member of ours, and ours of it: each relays to the other.
		e.expect(202, "/inbox", other, follow(other, other.ID+"#follows/1", gURI))
		ga := must(e.store.ActorByURI(ctxb(), other.ID))
		if f := must(e.store.FollowBetween(ctxb(), ga.ID, local.Actor.ID)); f.State != ap.FollowAccepted {
			t.Fatalf("the group's follow of ours: %+v", f)
		}
		before := len(e.outboxOf(local.Actor.ID))

		// The other group relays a post that also addresses ours: we store its boost and relay
		// nothing, so the two groups cannot bounce it back and forth.
		n := note(lemmy.url("/post/20"), dave.ID, "<p>both groups</p>", []string{ap.PublicAudience}, []string{gURI, other.ID}, nil)
		lemmy.serve("/post/20", n)
		e.expect(202, "/inbox", other, activity("Announce", other.ID+"/announce/20", other, create(dave, n)))
		if !e.statusExists(lemmy.url("/post/20")) {
			t.Fatal("the relayed post was not stored")
		}
		// A post authored by a group is not relayed either.
		gn := note(other.ID+"/posts/1", other.ID, "<p>from a group</p>", []string{ap.PublicAudience}, []string{gURI}, nil)
		e.expect(202, "/inbox", other, create(other, gn))
		if got := e.outboxOf(local.Actor.ID); len(got) != before {
			t.Fatalf("our group relayed another group's traffic: %+v", got[before:])
		}

		// Control: the author's own signed Create addressed to our group is relayed, in both forms.
		n2 := note(lemmy.url("/post/21"), dave.ID, "<p>for the council web group</p>", []string{ap.PublicAudience}, []string{gURI}, nil)
		e.expect(202, "/inbox", dave, create(dave, n2))
		var plain, wrapped bool
		for _, a := range e.outboxOf(local.Actor.ID)[before:] {
			if a.Type != "Announce" {
				continue
			}
			plain = plain || a.Object == n2["id"]
			wrapped = wrapped || (a.Inner != nil && a.Inner.Type == "Create" && a.Object == create(dave, n2)["id"])
		}
		if !plain || !wrapped {
			t.Fatalf("relay forms: Announce{Note} %v, Announce{Create} %v; want both", plain, wrapped)
		}
		// Delivered again (shared and personal inbox): relayed once.
		count := len(e.outboxOf(local.Actor.ID))
		again := create(dave, n2)
		again["id"] = n2["id"].(string) + "/activity-again"
		e.expect(202, "/users/council_web/inbox", dave, again)
		if got := len(e.outboxOf(local.Actor.ID)); got != count {
			t.Fatalf("a second delivery of the post was relayed again (%d → %d outbox items)", count, got)
		}
	})
}

// TestAnnounceOfUnfetchedStatus: a boost of a post we never had fetches the post and stores the
// boost. Storing the fetched post must not use up the Announce's id (it once did: the boost was
// then dropped as "already processed").
func TestAnnounceOfUnfetchedStatus(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s, "lemmy.test")
		r := e.remote("lemmy.test")
		dave := r.addActorAt(t, "/u/dave", "dave", "Person")
		erin := r.addActorAt(t, "/u/erin", "erin", "Person")
		n := note(r.url("/post/30"), erin.ID, "<p>worth sharing</p>", []string{ap.PublicAudience}, nil, nil)
		r.serve("/post/30", n)
		e.expect(202, "/inbox", dave, activity("Announce", dave.ID+"/announce/30", dave, n["id"]))
		st := must(e.store.StatusByURI(ctxb(), dave.ID+"/announce/30"))
		if orig := must(e.store.StatusByID(ctxb(), st.ReblogOfID)); orig.URI != n["id"] {
			t.Fatalf("boost of %s, want %s", orig.URI, n["id"])
		}
	})
}
