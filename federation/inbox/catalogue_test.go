package inbox_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/federation/as2"
	"github.com/guildhall/guildhall/federation/httpsig"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// The cases of the security catalogue (/work/shared/research/security.md) that security_test.go
// does not reach: keys that vanish or rotate, suspended and blocked parties, activities that try
// to extend, move or forward what is not theirs, resource abuse through the inbox, and the
// reliability faults (out-of-order, duplicates, a failing database). docs/security-coverage.md
// maps every case id to its test.

// suspend marks a stored remote actor suspended, as an administrator (or a domain block) does.
func (e *env) suspend(uri string) {
	e.t.Helper()
	a := must(e.store.ActorByURI(ctxb(), uri))
	now := time.Now()
	a.SuspendedAt = &now
	mustOK(e.t, e.store.UpdateActor(ctxb(), a))
}

func (e *env) inHome(acct *ap.Account, uri string) bool {
	for _, st := range must(e.store.HomeTimeline(ctxb(), acct.Actor.ID, ap.Page{Limit: 40})) {
		if st.URI == uri {
			return true
		}
	}
	return false
}

// withKeyID re-signs the request with another keyId (and the same private key).
func withKeyID(keyID string, a *remoteActor, now time.Time) postOpt {
	return func(r *http.Request, b *[]byte) {
		r.Header.Del("Signature")
		r.Header.Del("Date")
		r.Header.Del("Digest")
		if err := httpsig.Sign(r, *b, keyID, a.Key, now); err != nil {
			panic(err)
		}
	}
}

func TestCatalogueKeysAndSigners(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s, "remote.test", "evil.test", "victim.test")
		e.localUser("alice", false)
		rs := e.remote("remote.test")
		noteOf := func(a *remoteActor, n string) map[string]any {
			return note(a.ID+"/statuses/"+n, a.ID, "<p>hello</p>", []string{public}, nil, nil)
		}

		t.Run("SIG-15 key that does not exist", func(t *testing.T) {
			ghost := &remoteActor{ID: rs.url("/users/ghost"), KeyID: rs.url("/users/ghost#main-key"), Key: testKey(t)}
			n := noteOf(ghost, "1")
			e.expect(http.StatusUnauthorized, "/inbox", ghost, create(ghost, n))
			if e.actorExists(ghost.ID) || e.statusExists(n["id"].(string)) {
				t.Fatal("stored something signed by a key nobody serves")
			}
		})
		t.Run("SIG-15 REL-07 gone actor: its Delete is accepted, then it is never fetched again", func(t *testing.T) {
			gone := &remoteActor{ID: rs.url("/users/gone"), KeyID: rs.url("/users/gone#main-key"), Key: testKey(t)}
			rs.serve("/users/gone", http.StatusGone)
			del := activity("Delete", gone.ID+"#delete", gone, gone.ID)
			e.expect(http.StatusAccepted, "/inbox", gone, del)
			if !must(s.IsTombstoned(ctxb(), gone.ID)) {
				t.Fatal("gone actor not tombstoned")
			}
			before := rs.hits.Load()
			e.expect(http.StatusAccepted, "/inbox", gone, activity("Delete", gone.ID+"#delete2", gone, gone.ID))
			n := noteOf(gone, "late")
			code, _ := e.post("/inbox", gone, create(gone, n))
			if code != http.StatusUnauthorized {
				t.Fatalf("Create from a gone actor: %d, want 401", code)
			}
			if rs.hits.Load() != before {
				t.Fatalf("a tombstoned key was fetched again (%d requests)", rs.hits.Load()-before)
			}
			if e.statusExists(n["id"].(string)) || e.actorExists(gone.ID) {
				t.Fatal("stored something from a gone actor")
			}
		})
		t.Run("SIG-20 rotated key: refetched once, then accepted", func(t *testing.T) {
			rot := rs.addActor(t, "rot")
			e.expect(http.StatusAccepted, "/inbox", rot, create(rot, noteOf(rot, "1")))
			// The actor rotates to a key we have never seen; its next delivery is signed with it.
			newKey := keyPool[(indexOfKey(rot.Key)+1)%len(keyPool)]
			rot.Doc["publicKey"].(map[string]any)["publicKeyPem"] = must(httpsig.EncodePublicKeyPEM(&newKey.PublicKey))
			rot.Key = newKey
			before := rs.hits.Load()
			e.expect(http.StatusAccepted, "/inbox", rot, create(rot, noteOf(rot, "2")))
			if got := rs.hits.Load() - before; got != 1 {
				t.Fatalf("rotation cost %d fetches, want 1", got)
			}
			if a := must(s.ActorByURI(ctxb(), rot.ID)); a.PublicKeyPEM != rot.Doc["publicKey"].(map[string]any)["publicKeyPem"] {
				t.Fatal("rotated key not stored")
			}
		})
		t.Run("SIG-20 signature by a key the actor never had", func(t *testing.T) {
			vic := e.remote("victim.test").addActor(t, "steady")
			e.expect(http.StatusAccepted, "/inbox", vic, create(vic, noteOf(vic, "1")))
			stored := must(s.ActorByURI(ctxb(), vic.ID)).PublicKeyPEM
			thief := &remoteActor{ID: vic.ID, KeyID: vic.KeyID, Key: keyPool[(indexOfKey(vic.Key)+1)%len(keyPool)]}
			n := noteOf(vic, "hijack")
			e.expect(http.StatusUnauthorized, "/inbox", thief, create(thief, n))
			if e.statusExists(n["id"].(string)) || must(s.ActorByURI(ctxb(), vic.ID)).PublicKeyPEM != stored {
				t.Fatal("a signature by a foreign key changed something")
			}
		})
		t.Run("SIG-21 too many keys, key on another host", func(t *testing.T) {
			many := rs.addActor(t, "many")
			var keys []any
			for i := 0; i < 1000; i++ {
				k := map[string]any{}
				for kk, v := range many.Doc["publicKey"].(map[string]any) {
					k[kk] = v
				}
				k["id"] = fmt.Sprintf("%s#key-%d", many.ID, i)
				keys = append(keys, k)
			}
			keys[0] = many.Doc["publicKey"]
			many.Doc["publicKey"] = keys
			e.expect(http.StatusUnauthorized, "/inbox", many, create(many, noteOf(many, "1")))

			far := rs.addActor(t, "far")
			far.Doc["publicKey"].(map[string]any)["id"] = "http://evil.test/keys/far"
			e.remote("evil.test").serve("/keys/far", far.Doc)
			farSigner := &remoteActor{ID: far.ID, KeyID: "http://evil.test/keys/far", Key: far.Key}
			e.expect(http.StatusUnauthorized, "/inbox", farSigner, create(farSigner, noteOf(far, "1")))
			if e.actorExists(many.ID) || e.actorExists(far.ID) {
				t.Fatal("stored an actor whose keys break the rules")
			}
		})
		t.Run("SIG-23 unparsable key fails closed", func(t *testing.T) {
			for i, pem := range []string{"", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "not a key"} {
				bad := rs.addActor(t, fmt.Sprintf("badkey%d", i))
				bad.Doc["publicKey"].(map[string]any)["publicKeyPem"] = pem
				e.expect(http.StatusUnauthorized, "/inbox", bad, create(bad, noteOf(bad, "1")))
			}
		})
		t.Run("SIG-22 suspended signer", func(t *testing.T) {
			sus := rs.addActor(t, "sus")
			e.expect(http.StatusAccepted, "/inbox", sus, create(sus, noteOf(sus, "before")))
			e.suspend(sus.ID)
			n := noteOf(sus, "after")
			e.expect(http.StatusForbidden, "/inbox", sus, create(sus, n))
			e.expect(http.StatusForbidden, "/users/alice/inbox", sus, follow(sus, sus.ID+"#f", "http://"+localHost+"/users/alice"))
			if e.statusExists(n["id"].(string)) {
				t.Fatal("stored a post of a suspended actor")
			}
		})
		t.Run("SIG-19 REL-09 our own host is never fetched", func(t *testing.T) {
			// local.test resolves on the fake network to a server that counts requests: nothing
			// about a local id may be asked over HTTP.
			self := &remoteServer{host: localHost, docs: map[string]any{}, ctype: map[string]string{}}
			self.srv = httptest.NewServer(self)
			defer self.srv.Close()
			e.net.Set(localHost, self.srv.Listener.Addr().String())
			mimic := &remoteActor{ID: "http://" + localHost + "/users/mimic", KeyID: "http://" + localHost + "/users/mimic#main-key", Key: testKey(t)}
			self.serve("/users/mimic", map[string]any{"id": mimic.ID, "type": "Person"})
			e.expect(http.StatusUnauthorized, "/inbox", mimic, create(mimic, noteOf(mimic, "1")))
			bob := rs.addActor(t, "selfref")
			ann := activity("Announce", bob.ID+"/ann/1", bob, "http://"+localHost+"/users/alice/statuses/01NOPE")
			ann["to"] = []string{public}
			e.expect(http.StatusAccepted, "/inbox", bob, ann)
			reply := note(bob.ID+"/statuses/r", bob.ID, "<p>re</p>", []string{public}, nil,
				map[string]any{"inReplyTo": "http://" + localHost + "/users/alice/statuses/01NOPE"})
			e.expect(http.StatusAccepted, "/inbox", bob, create(bob, reply))
			if n := self.hits.Load(); n != 0 {
				t.Fatalf("%d HTTP requests to our own host", n)
			}
		})
	})
}

func indexOfKey(k any) int {
	for i, p := range keyPool {
		if p == k {
			return i
		}
	}
	return 0
}

func TestCatalogueOrigins(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s, "remote.test", "evil.test", "victim.test")
		alice := e.localUser("alice", false)
		carol := e.localUser("carol", false)
		bob := e.remote("remote.test").addActor(t, "bob")
		mallory := e.remote("evil.test").addActor(t, "mallory")
		vic := e.remote("victim.test").addActor(t, "vic")
		ctx := ctxb()

		// Everyone known; alice follows bob and vic.
		for _, a := range []*remoteActor{bob, mallory, vic} {
			e.expect(http.StatusAccepted, "/inbox", a, create(a, note(a.ID+"/statuses/hello", a.ID, "<p>hi</p>", []string{public}, nil, nil)))
		}
		bobRow, vicRow, malRow := must(s.ActorByURI(ctx, bob.ID)), must(s.ActorByURI(ctx, vic.ID)), must(s.ActorByURI(ctx, mallory.ID))
		for _, id := range []string{bobRow.ID, vicRow.ID} {
			must(e.svc.Follow(ctx, alice, id, true, false))
			f := must(s.FollowBetween(ctx, alice.Actor.ID, id))
			who := bob
			if id == vicRow.ID {
				who = vic
			}
			e.expect(http.StatusAccepted, "/users/alice/inbox", who, activity("Accept", who.ID+"#accept-"+f.ID, who,
				map[string]any{"id": f.URI, "type": "Follow", "actor": alice.Actor.URI, "object": who.ID}))
		}

		t.Run("ORI-06 authority comes from id, never url", func(t *testing.T) {
			// mallory's own note claiming victim's url: stored as mallory's, on mallory's id.
			n := note(mallory.ID+"/statuses/u1", mallory.ID, "<p>mine</p>", []string{public}, nil,
				map[string]any{"url": vic.ID + "/statuses/u1"})
			e.expect(http.StatusAccepted, "/inbox", mallory, create(mallory, n))
			st := must(s.StatusByURI(ctx, n["id"].(string)))
			if st.ActorID != malRow.ID {
				t.Fatal("url moved the authorship")
			}
			// Victim's id with mallory's url, sent by mallory: victim's server does not serve it.
			forged := note(vic.ID+"/statuses/u2", vic.ID, "<p>forged</p>", []string{public}, nil,
				map[string]any{"url": mallory.ID + "/statuses/u2"})
			act := create(mallory, forged)
			act["id"] = mallory.ID + "/activities/u2"
			e.expect(http.StatusAccepted, "/inbox", mallory, act)
			if e.statusExists(vic.ID + "/statuses/u2") {
				t.Fatal("stored a victim-id note on the strength of its url")
			}
		})
		t.Run("ORI-11 forged Accept and Reject", func(t *testing.T) {
			must(e.svc.Follow(ctx, carol, vicRow.ID, true, false))
			f := must(s.FollowBetween(ctx, carol.Actor.ID, vicRow.ID))
			if f.State != ap.FollowPending {
				t.Fatalf("setup: state %s", f.State)
			}
			inner := map[string]any{"id": f.URI, "type": "Follow", "actor": carol.Actor.URI, "object": vic.ID}
			code, _ := e.post("/users/carol/inbox", mallory, activity("Accept", mallory.ID+"#acc1", mallory, inner))
			if code != http.StatusForbidden && code != http.StatusAccepted {
				t.Fatalf("forged Accept: %d", code)
			}
			if f := must(s.FollowBetween(ctx, carol.Actor.ID, vicRow.ID)); f.State != ap.FollowPending {
				t.Fatal("a third party accepted carol's follow")
			}
			// alice's accepted follow of bob cannot be rejected by mallory.
			af := must(s.FollowBetween(ctx, alice.Actor.ID, bobRow.ID))
			inner = map[string]any{"id": af.URI, "type": "Follow", "actor": alice.Actor.URI, "object": bob.ID}
			code, _ = e.post("/users/alice/inbox", mallory, activity("Reject", mallory.ID+"#rej1", mallory, inner))
			if code != http.StatusForbidden && code != http.StatusAccepted {
				t.Fatalf("forged Reject: %d", code)
			}
			if f, err := s.FollowBetween(ctx, alice.Actor.ID, bobRow.ID); err != nil || f.State != ap.FollowAccepted {
				t.Fatalf("a third party rejected alice's follow: %v", err)
			}
		})
		t.Run("ORI-12 audience of another's post cannot be extended", func(t *testing.T) {
			priv := note(bob.ID+"/statuses/priv", bob.ID, "<p>followers only</p>", []string{bob.ID + "/followers"}, nil, nil)
			e.remote("remote.test").serve("/users/bob/statuses/priv", priv)
			e.expect(http.StatusAccepted, "/inbox", bob, create(bob, priv))
			if st := must(s.StatusByURI(ctx, priv["id"].(string))); st.Visibility != ap.Private {
				t.Fatalf("setup: visibility %s", st.Visibility)
			}
			// mallory re-sends bob's post addressed to everyone, then boosts it publicly.
			widened := note(priv["id"].(string), bob.ID, "<p>followers only</p>", []string{public}, nil, nil)
			act := create(mallory, widened)
			act["id"] = mallory.ID + "/activities/widen"
			e.post("/inbox", mallory, act)
			ann := activity("Announce", mallory.ID+"/statuses/widen/activity", mallory, priv["id"])
			ann["to"] = []string{public}
			e.post("/inbox", mallory, ann)
			if st := must(s.StatusByURI(ctx, priv["id"].(string))); st.Visibility != ap.Private || st.ReblogsCount != 0 {
				t.Fatalf("audience extended: visibility %s, reblogs %d", st.Visibility, st.ReblogsCount)
			}
			if e.statusExists(mallory.ID + "/statuses/widen/activity") {
				t.Fatal("a boost of a followers-only post was stored")
			}
		})
		t.Run("ORI-13 Move without the target's consent: no follower migrates", func(t *testing.T) {
			// More cases, and a consented Move, in move_test.go TestMove.
			moves := []struct {
				object, target string
				code           int
			}{
				{bob.ID, mallory.ID, http.StatusForbidden},           // mallory does not list bob in alsoKnownAs
				{vic.ID, mallory.ID, http.StatusUnprocessableEntity}, // object is not the actor
				{bob.ID, bob.ID, http.StatusUnprocessableEntity},     // target is self
			}
			for i, m := range moves {
				act := activity("Move", fmt.Sprintf("%s#moves/%d", bob.ID, i), bob, m.object)
				act["target"] = m.target
				e.expect(m.code, "/inbox", bob, act)
			}
			// Move signed by mallory for bob.
			act := activity("Move", bob.ID+"#moves/forged", bob, bob.ID)
			act["target"] = mallory.ID
			e.expect(http.StatusUnauthorized, "/inbox", mallory, act)
			if _, err := s.FollowBetween(ctx, alice.Actor.ID, malRow.ID); !ap.IsNotFound(err) {
				t.Fatalf("a Move made alice follow the target: %v", err)
			}
			if f, err := s.FollowBetween(ctx, alice.Actor.ID, bobRow.ID); err != nil || f.State != ap.FollowAccepted {
				t.Fatalf("a Move ended alice's follow: %v", err)
			}
		})
		t.Run("ORI-16 forwarded activity is not trusted", func(t *testing.T) {
			// remote.test forwards a Create and a Delete whose actor is vic, with an LD signature
			// block; the HTTP signer is bob. Neither is applied.
			n := note(vic.ID+"/statuses/fwd", vic.ID, "<p>forwarded</p>", []string{public}, nil, nil)
			fwd := create(vic, n)
			fwd["signature"] = map[string]any{"type": "RsaSignature2017", "creator": vic.KeyID,
				"created": "2024-01-01T00:00:00Z", "signatureValue": "AAAA"}
			code, _ := e.post("/inbox", bob, fwd)
			if code/100 == 5 {
				t.Fatalf("forwarded Create: %d", code)
			}
			if e.statusExists(n["id"].(string)) {
				t.Fatal("stored a forwarded Create on the forwarder's word")
			}
			del := activity("Delete", vic.ID+"/statuses/hello#delete", vic, vic.ID+"/statuses/hello")
			del["signature"] = fwd["signature"]
			e.post("/inbox", bob, del)
			if st := must(s.StatusByURI(ctx, vic.ID+"/statuses/hello")); st.DeletedAt != nil {
				t.Fatal("a forwarded Delete was applied")
			}
		})
		t.Run("ORI-17 hosts compare after normalisation only", func(t *testing.T) {
			for _, tc := range []struct {
				a, b string
				same bool
			}{
				{"http://victim.test/a", "http://VICTIM.test./b", true},
				{"https://victim.test/a", "https://victim.test:443/b", false}, // ports are part of the origin as written
				{"http://victim.test/a", "http://victim.test.evil.test/b", false},
				{"http://victim.test/a", "http://evil.test/victim.test/b", false},
				{"http://victim.test/a", "http://victim.test@evil.test/b", false},
				{"http://victim.test/a", "http://evil.test%2Fvictim.test/b", false},
				{"http://victim.test/a", "http://vіctim.test/b", false}, // Cyrillic і
			} {
				if got := as2.SameOrigin(tc.a, tc.b); got != tc.same {
					t.Errorf("SameOrigin(%s, %s) = %v", tc.a, tc.b, got)
				}
			}
			// A blocked domain spelt in capitals with a trailing dot is still blocked, before any fetch.
			e.blocked["victim.test"] = true
			defer delete(e.blocked, "victim.test")
			before := e.remote("victim.test").hits.Load()
			n := note(vic.ID+"/statuses/case", vic.ID, "<p>x</p>", []string{public}, nil, nil)
			e.expect(http.StatusForbidden, "/inbox", vic, create(vic, n), withKeyID("http://VICTIM.Test./users/vic#main-key", vic, e.now))
			if e.remote("victim.test").hits.Load() != before || e.statusExists(n["id"].(string)) {
				t.Fatal("a case or trailing-dot variant slipped past the domain block")
			}
		})
		t.Run("ORI-19 blocked parties", func(t *testing.T) {
			mine := must(e.svc.Post(ctx, alice, ap.PostInput{Text: "council minutes"}))
			must(e.svc.Block(ctx, alice, malRow.ID))
			// (a) the blocked signer to the blocker's inbox.
			e.expect(http.StatusForbidden, "/users/alice/inbox", mallory, create(mallory,
				note(mallory.ID+"/statuses/b1", mallory.ID, "<p>x</p>", []string{public}, nil, nil)))
			// (c) the blocked signer to another user's inbox, replying to the blocker.
			r := note(mallory.ID+"/statuses/b2", mallory.ID, "<p>re</p>", []string{public}, []string{alice.Actor.URI},
				map[string]any{"inReplyTo": mine.URI})
			e.expect(http.StatusAccepted, "/users/carol/inbox", mallory, create(mallory, r))
			if e.statusExists(r["id"].(string)) {
				t.Fatal("stored a blocked account's reply to its blocker")
			}
			if got := must(s.StatusByID(ctx, mine.ID)); got.RepliesCount != 0 {
				t.Fatalf("replies count %d", got.RepliesCount)
			}
		})
		t.Run("ORI-19b reply to a blocked account stays out of the blocker's home", func(t *testing.T) {
			malNote := mallory.ID + "/statuses/hello"
			r2 := note(bob.ID+"/statuses/b3", bob.ID, "<p>re mallory</p>", []string{public}, []string{mallory.ID},
				map[string]any{"inReplyTo": malNote, "tag": []any{map[string]any{"type": "Mention", "href": mallory.ID}}})
			e.expect(http.StatusAccepted, "/users/alice/inbox", bob, create(bob, r2))
			if e.inHome(alice, r2["id"].(string)) {
				t.Fatal("a reply to a blocked account reached the blocker's home")
			}
		})
		t.Run("ORI-20 suspended author: no boosts, no posts", func(t *testing.T) {
			old := vic.ID + "/statuses/hello"
			e.suspend(vic.ID)
			ann := activity("Announce", bob.ID+"/statuses/boost-sus/activity", bob, old)
			ann["to"] = []string{public}
			e.expect(http.StatusAccepted, "/inbox", bob, ann)
			if e.statusExists(bob.ID+"/statuses/boost-sus/activity") || e.inHome(alice, bob.ID+"/statuses/boost-sus/activity") {
				t.Fatal("a boost of a suspended author's post was stored")
			}
			n := note(vic.ID+"/statuses/new", vic.ID, "<p>back</p>", []string{public}, nil, nil)
			e.expect(http.StatusForbidden, "/inbox", vic, create(vic, n))
			if e.statusExists(n["id"].(string)) {
				t.Fatal("stored a new post of a suspended actor")
			}
		})
	})
}

func TestCatalogueResources(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s, "remote.test", "victim.test")
		e.localUser("alice", false)
		rs := e.remote("remote.test")
		bob := rs.addActor(t, "bob")
		e.expect(http.StatusAccepted, "/inbox", bob, create(bob, note(bob.ID+"/statuses/0", bob.ID, "<p>hi</p>", []string{public}, nil, nil)))

		t.Run("RES-09 pathological JSON", func(t *testing.T) {
			deep := []byte(strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000))
			e.expect(http.StatusBadRequest, "/inbox", bob, deep)
			deepObj := []byte(strings.Repeat(`{"a":`, 20_000) + "1" + strings.Repeat("}", 20_000))
			e.expect(http.StatusBadRequest, "/inbox", bob, deepObj)
			// Many keys, inside the size cap: parsed or refused, never a crash.
			var b strings.Builder
			b.WriteString(`{"id":"` + bob.ID + `/statuses/keys/activity","type":"Create","actor":"` + bob.ID + `","object":{"id":"` + bob.ID + `/statuses/keys","type":"Note","attributedTo":"` + bob.ID + `","content":"k"`)
			for i := 0; i < 15_000; i++ {
				fmt.Fprintf(&b, `,"k%d":1`, i)
			}
			b.WriteString("}}")
			if code, msg := e.post("/inbox", bob, []byte(b.String())); code/100 == 5 {
				t.Fatalf("many keys: %d %s", code, msg)
			}
			// A remote @context is never fetched at ingest.
			rs.serve("/ctx", map[string]any{"@context": map[string]any{"content": "https://evil/x"}})
			before := rs.hits.Load()
			n := note(bob.ID+"/statuses/ctx", bob.ID, "<p>ctx</p>", []string{public}, nil, nil)
			act := create(bob, n)
			act["@context"] = []any{"https://www.w3.org/ns/activitystreams", rs.url("/ctx")}
			e.expect(http.StatusAccepted, "/inbox", bob, act)
			if rs.hits.Load() != before {
				t.Fatal("a remote JSON-LD context was fetched")
			}
		})
		t.Run("RES-10 giant collections inside one object", func(t *testing.T) {
			tags := make([]any, 5000)
			for i := range tags {
				tags[i] = map[string]any{"type": "Hashtag", "name": fmt.Sprintf("#t%d", i)}
			}
			atts := make([]any, 5000)
			for i := range atts {
				atts[i] = map[string]any{"type": "Document", "mediaType": "image/png", "url": fmt.Sprintf("%s/m/%d.png", rs.url(""), i)}
			}
			emojis := make([]any, 1000)
			for i := range emojis {
				emojis[i] = map[string]any{"id": fmt.Sprintf("%s/emoji/%d", rs.url(""), i), "type": "Emoji", "name": fmt.Sprintf(":e%d:", i),
					"icon": map[string]any{"type": "Image", "url": fmt.Sprintf("%s/emoji/%d.png", rs.url(""), i)}}
			}
			options := make([]any, 10_000)
			for i := range options {
				options[i] = map[string]any{"type": "Note", "name": fmt.Sprint(i), "replies": map[string]any{"totalItems": 0}}
			}
			for _, tc := range []struct {
				name  string
				extra map[string]any
			}{
				{"5000 tags", map[string]any{"tag": tags}},
				{"5000 attachments", map[string]any{"attachment": atts}},
				{"1000 emojis", map[string]any{"tag": emojis}},
				{"10000 poll options", map[string]any{"type": "Question", "oneOf": options}},
			} {
				t.Run(tc.name, func(t *testing.T) {
					id := bob.ID + "/statuses/big-" + strings.ReplaceAll(tc.name, " ", "-")
					n := note(id, bob.ID, "<p>big</p>", []string{public}, nil, tc.extra)
					before := rs.hits.Load()
					code, msg := e.post("/inbox", bob, create(bob, n), func(r *http.Request, b *[]byte) {})
					if code/100 == 5 || code == http.StatusRequestEntityTooLarge && len(msg) == 0 {
						t.Fatalf("%d %s", code, msg)
					}
					if st, err := s.StatusByURI(ctxb(), id); err == nil {
						if len(st.Tags) > as2.MaxTags || len(st.Attachments) > as2.MaxAttachments {
							t.Fatalf("stored %d tags, %d attachments", len(st.Tags), len(st.Attachments))
						}
					}
					if got := rs.hits.Load() - before; got > 2 {
						t.Fatalf("%d fetches for one object's items", got)
					}
				})
			}
		})
		t.Run("RES-05 non-http URLs in attachments, icons and inboxes", func(t *testing.T) {
			n := note(bob.ID+"/statuses/schemes", bob.ID, "<p>x</p>", []string{public}, nil, map[string]any{"attachment": []any{
				map[string]any{"type": "Document", "mediaType": "image/png", "url": "data:image/png;base64,AAAA"},
				map[string]any{"type": "Document", "mediaType": "image/png", "url": "file:///etc/passwd"},
				map[string]any{"type": "Document", "mediaType": "image/png", "url": "gopher://remote.test/x"},
			}})
			e.expect(http.StatusAccepted, "/inbox", bob, create(bob, n))
			st := must(s.StatusByURI(ctxb(), n["id"].(string)))
			for _, a := range st.Attachments {
				if !strings.HasPrefix(a.RemoteURL, "http") {
					t.Fatalf("kept attachment %q", a.RemoteURL)
				}
			}
			odd := rs.addActor(t, "odd")
			odd.Doc["icon"] = map[string]any{"type": "Image", "url": "file:///etc/passwd"}
			odd.Doc["image"] = map[string]any{"type": "Image", "url": "javascript:alert(1)"}
			odd.Doc["inbox"] = odd.ID + "/inbox\r\nX-Injected: 1"
			code, _ := e.post("/inbox", odd, create(odd, note(odd.ID+"/statuses/1", odd.ID, "<p>x</p>", []string{public}, nil, nil)))
			if code/100 == 5 {
				t.Fatalf("odd actor: %d", code)
			}
			if a, err := s.ActorByURI(ctxb(), odd.ID); err == nil {
				for _, u := range []string{a.AvatarURL, a.HeaderURL, a.Inbox} {
					if u != "" && (!strings.HasPrefix(u, "http") || strings.ContainsAny(u, "\r\n")) {
						t.Fatalf("stored %q", u)
					}
				}
			}
		})
		t.Run("RES-11 endless reply chain", func(t *testing.T) {
			for i := 0; i < 200; i++ {
				rs.serve(fmt.Sprintf("/users/bob/chain/%d", i), note(bob.ID+fmt.Sprintf("/chain/%d", i), bob.ID, "<p>c</p>",
					[]string{public}, nil, map[string]any{"inReplyTo": bob.ID + fmt.Sprintf("/chain/%d", i+1)}))
			}
			rs.serve("/users/bob/loop", note(bob.ID+"/loop", bob.ID, "<p>l</p>", []string{public}, nil, map[string]any{"inReplyTo": bob.ID + "/loop"}))
			before := rs.hits.Load()
			e.expect(http.StatusAccepted, "/inbox", bob, create(bob, note(bob.ID+"/statuses/tail", bob.ID, "<p>t</p>", []string{public}, nil,
				map[string]any{"inReplyTo": bob.ID + "/chain/0"})))
			e.expect(http.StatusAccepted, "/inbox", bob, create(bob, note(bob.ID+"/statuses/looptail", bob.ID, "<p>t</p>", []string{public}, nil,
				map[string]any{"inReplyTo": bob.ID + "/loop"})))
			if got := rs.hits.Load() - before; got > 20 {
				t.Fatalf("%d fetches for two replies", got)
			}
		})
		t.Run("RES-12 WebFinger and actor redirect loops", func(t *testing.T) {
			var n int64
			var mu sync.Mutex
			loop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				n++
				mu.Unlock()
				http.Redirect(w, r, r.URL.Path+"?again="+fmt.Sprint(time.Now().UnixNano()), http.StatusFound)
			}))
			defer loop.Close()
			e.net.Set("loop.test", loop.Listener.Addr().String())
			ctx, cancel := context.WithTimeout(ctxb(), 10*time.Second)
			defer cancel()
			if _, err := e.deref.ResolveHandle(ctx, "x", "loop.test"); err == nil {
				t.Fatal("resolved through a redirect loop")
			}
			if _, err := e.deref.ResolveActor(ctx, "http://loop.test/users/x"); err == nil {
				t.Fatal("resolved an actor through a redirect loop")
			}
			mu.Lock()
			defer mu.Unlock()
			if n > 12 {
				t.Fatalf("%d requests for two lookups", n)
			}
		})
		t.Run("RES-13 bogus keyIds are fetched at most once each", func(t *testing.T) {
			vs := e.remote("victim.test")
			before := vs.hits.Load()
			for i := 0; i < 5; i++ {
				a := &remoteActor{ID: vs.url("/users/nobody"), KeyID: vs.url("/users/nobody#main-key"), Key: testKey(t)}
				e.expect(http.StatusUnauthorized, "/inbox", a, create(a, note(a.ID+fmt.Sprintf("/s/%d", i), a.ID, "x", []string{public}, nil, nil)))
			}
			if got := vs.hits.Load() - before; got > 5 {
				t.Fatalf("%d fetches for 5 requests: the verifier retries unknown keys", got)
			}
		})
	})
}

func TestCatalogueReliability(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s, "remote.test")
		alice := e.localUser("alice", false)
		bob := e.remote("remote.test").addActor(t, "bob")
		ctx := ctxb()
		e.expect(http.StatusAccepted, "/users/alice/inbox", bob, follow(bob, bob.ID+"#follows/0", alice.Actor.URI))
		bobRow := must(s.ActorByURI(ctx, bob.ID))

		t.Run("REL-05 Delete before Create: the late Create is dropped", func(t *testing.T) {
			n := note(bob.ID+"/statuses/early-delete", bob.ID, "<p>x</p>", []string{public}, nil, nil)
			e.expect(http.StatusAccepted, "/inbox", bob, activity("Delete", n["id"].(string)+"#delete", bob, n["id"]))
			e.expect(http.StatusAccepted, "/inbox", bob, create(bob, n))
			if e.statusExists(n["id"].(string)) {
				t.Fatal("a Create after its Delete was stored")
			}
		})
		t.Run("REL-05 Undo of an unknown activity is a no-op", func(t *testing.T) {
			for i, inner := range []any{
				activity("Like", bob.ID+"#likes/unknown", bob, alice.Actor.URI+"/statuses/none"),
				activity("Announce", bob.ID+"/statuses/unknown/activity", bob, alice.Actor.URI+"/statuses/none"),
				// Not bob→alice: an Undo(Follow) naming that pair ends it whatever the id, as in
				// Mastodon's undo_follow, since only bob can sign it.
				follow(bob, bob.ID+"#follows/unknown", "http://"+localHost+"/users/nobody"),
				activity("Block", bob.ID+"#blocks/unknown", bob, alice.Actor.URI),
				bob.ID + "#something/unknown",
			} {
				e.expect(http.StatusAccepted, "/users/alice/inbox", bob, activity("Undo", fmt.Sprintf("%s#undo-unknown/%d", bob.ID, i), bob, inner))
			}
			if f, err := s.FollowBetween(ctx, bobRow.ID, alice.Actor.ID); err != nil || f.State != ap.FollowAccepted {
				t.Fatalf("an Undo of an unknown Follow ended the known one: %v", err)
			}
		})
		t.Run("REL-05 Undo(Follow) before its Follow", func(t *testing.T) {
			carol := e.localUser("carol", false)
			fid := bob.ID + "#follows/early-undo"
			e.expect(http.StatusAccepted, "/users/carol/inbox", bob, activity("Undo", fid+"/undo", bob, follow(bob, fid, carol.Actor.URI)))
			e.expect(http.StatusAccepted, "/users/carol/inbox", bob, follow(bob, fid, carol.Actor.URI))
		})
		t.Run("REL-05 duplicate Accept, and Accept after unfollow", func(t *testing.T) {
			must(e.svc.Follow(ctx, alice, bobRow.ID, true, false))
			f := must(s.FollowBetween(ctx, alice.Actor.ID, bobRow.ID))
			inner := map[string]any{"id": f.URI, "type": "Follow", "actor": alice.Actor.URI, "object": bob.ID}
			e.expect(http.StatusAccepted, "/users/alice/inbox", bob, activity("Accept", bob.ID+"#accepts/a", bob, inner))
			e.expect(http.StatusAccepted, "/users/alice/inbox", bob, activity("Accept", bob.ID+"#accepts/b", bob, inner))
			after := must(s.ActorByID(ctx, alice.Actor.ID))
			if after.FollowingCount != 1 {
				t.Fatalf("following count %d after two Accepts", after.FollowingCount)
			}
			must(e.svc.Unfollow(ctx, alice, bobRow.ID))
			e.expect(http.StatusAccepted, "/users/alice/inbox", bob, activity("Accept", bob.ID+"#accepts/c", bob, inner))
			if _, err := s.FollowBetween(ctx, alice.Actor.ID, bobRow.ID); !ap.IsNotFound(err) {
				t.Fatalf("a late Accept revived an ended follow: %v", err)
			}
		})
		t.Run("REL-05 Update before Create", func(t *testing.T) {
			n := note(bob.ID+"/statuses/early-update", bob.ID, "<p>v2</p>", []string{public}, nil, nil)
			code, msg := e.post("/inbox", bob, activity("Update", n["id"].(string)+"#u", bob, n))
			if code/100 == 5 {
				t.Fatalf("Update of an unknown status: %d %s", code, msg)
			}
		})
		t.Run("REL-04 concurrent duplicates: one row, one notification", func(t *testing.T) {
			n := note(bob.ID+"/statuses/dup", bob.ID, `<p>@alice</p>`, []string{public}, nil,
				map[string]any{"tag": []any{map[string]any{"type": "Mention", "href": alice.Actor.URI}}})
			act := create(bob, n)
			var wg sync.WaitGroup
			codes := make([]int, 6)
			for i := range codes {
				wg.Add(1)
				go func() {
					defer wg.Done()
					path := "/inbox"
					if i%2 == 1 {
						path = "/users/alice/inbox"
					}
					codes[i], _ = e.post(path, bob, act)
				}()
			}
			wg.Wait()
			for i, c := range codes {
				if c != http.StatusAccepted {
					t.Errorf("delivery %d: %d", i, c)
				}
			}
			var mentions int
			for _, nn := range must(s.Notifications(ctx, alice.Actor.ID, ap.NotificationFilter{Types: []ap.NotificationType{ap.NotifyMention}}, ap.Page{Limit: 40})) {
				if nn.StatusID != "" {
					if st, err := s.StatusByID(ctx, nn.StatusID); err == nil && st.URI == n["id"] {
						mentions++
					}
				}
			}
			if mentions != 1 {
				t.Fatalf("%d mention notifications", mentions)
			}
			var inHome int
			for _, st := range must(s.HomeTimeline(ctx, alice.Actor.ID, ap.Page{Limit: 40})) {
				if st.URI == n["id"] {
					inHome++
				}
			}
			if inHome > 1 {
				t.Fatalf("%d home entries", inHome)
			}
		})
		t.Run("REL-06 concurrent Updates: one edit notification", func(t *testing.T) {
			n := note(bob.ID+"/statuses/race", bob.ID, "<p>v1</p>", []string{public}, nil, nil)
			e.expect(http.StatusAccepted, "/inbox", bob, create(bob, n))
			st := must(s.StatusByURI(ctx, n["id"].(string)))
			must(e.svc.Reblog(ctx, alice, st.ID))
			upd := note(n["id"].(string), bob.ID, "<p>v2</p>", []string{public}, nil, map[string]any{"updated": time.Now().UTC().Format(time.RFC3339)})
			act := activity("Update", n["id"].(string)+"#updates/1", bob, upd)
			var wg sync.WaitGroup
			for i := 0; i < 4; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if code, msg := e.post("/inbox", bob, act); code != http.StatusAccepted {
						t.Errorf("update: %d %s", code, msg)
					}
				}()
			}
			wg.Wait()
			if got := e.notifications(alice, ap.NotifyUpdate); got > 1 {
				t.Fatalf("%d edit notifications for one edit", got)
			}
		})
	})
}

// REL-08: when the database fails, the sender is told 500 so it retries; never 202 with the
// activity lost.
func TestCatalogueDatabaseFailureIs500(t *testing.T) {
	for _, eng := range storagetest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			s := eng.Open(t)
			e := newEnv(t, s, "remote.test")
			e.localUser("alice", false)
			bob := e.remote("remote.test").addActor(t, "bob")
			e.expect(http.StatusAccepted, "/inbox", bob, create(bob, note(bob.ID+"/statuses/1", bob.ID, "<p>x</p>", []string{public}, nil, nil)))
			mustOK(t, s.Close())
			n := note(bob.ID+"/statuses/2", bob.ID, "<p>lost?</p>", []string{public}, nil, nil)
			code, msg := e.post("/inbox", bob, create(bob, n))
			if code != http.StatusInternalServerError {
				t.Fatalf("with the database closed: %d %s, want 500", code, msg)
			}
			code, _ = e.post("/users/alice/inbox", bob, follow(bob, bob.ID+"#f", "http://"+localHost+"/users/alice"))
			if code != http.StatusInternalServerError {
				t.Fatalf("personal inbox with the database closed: %d, want 500", code)
			}
		})
	}
}
