package inbox_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"strings"
	"testing"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/federation/fetch"
	"github.com/guildhall/guildhall/federation/httpsig"
	"github.com/guildhall/guildhall/federation/inbox"
	"github.com/guildhall/guildhall/federation/remote"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"

	"net/http/httptest"

	"github.com/gorilla/mux"
)

// Each refusal from security.md A/B that concerns the inbox: the status code, and nothing stored.

const public = "https://www.w3.org/ns/activitystreams#Public"

func TestInboxRefusals(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s, "remote.test", "evil.test", "victim.test")
		alice := e.localUser("alice", false)
		e.localUser("carol", false)
		bob := e.remote("remote.test").addActor(t, "bob")
		mallory := e.remote("evil.test").addActor(t, "mallory")
		victim := e.remote("victim.test").addActor(t, "vic")
		aliceURI := alice.Actor.URI
		noteOf := func(a *remoteActor, n string) map[string]any {
			return note(a.ID+"/statuses/"+n, a.ID, "<p>hello</p>", []string{public}, nil, nil)
		}

		t.Run("SIG-01 unsigned", func(t *testing.T) {
			n := noteOf(bob, "unsigned")
			e.expect(http.StatusUnauthorized, "/inbox", nil, create(bob, n))
			if e.statusExists(n["id"].(string)) || e.actorExists(bob.ID) {
				t.Fatal("stored from an unsigned request")
			}
		})
		t.Run("SIG-05 tampered body", func(t *testing.T) {
			n := noteOf(bob, "tampered")
			e.expect(http.StatusUnauthorized, "/inbox", bob, create(bob, n), func(_ *http.Request, b *[]byte) {
				*b = bytes.Replace(*b, []byte("hello"), []byte("HELLO"), 1)
			})
			if e.statusExists(n["id"].(string)) {
				t.Fatal("stored a tampered body")
			}
		})
		t.Run("SIG-10 stale date", func(t *testing.T) {
			n := noteOf(bob, "stale")
			e.expect(http.StatusUnauthorized, "/inbox", bob, create(bob, n), func(r *http.Request, b *[]byte) {
				r.Header.Del("Signature")
				r.Header.Del("Date")
				mustOK(t, httpsig.Sign(r, *b, bob.KeyID, bob.Key, time.Now().Add(-48*time.Hour)))
			})
			if e.statusExists(n["id"].(string)) {
				t.Fatal("stored with a stale signature")
			}
		})
		t.Run("SIG-17 key document names a victim", func(t *testing.T) {
			pemText := must(httpsig.EncodePublicKeyPEM(&mallory.Key.PublicKey))
			e.remote("evil.test").serve("/key1", map[string]any{"id": "http://evil.test/key1", "type": "CryptographicKey",
				"owner": victim.ID, "publicKeyPem": pemText})
			forged := &remoteActor{ID: victim.ID, KeyID: "http://evil.test/key1", Key: mallory.Key}
			n := noteOf(victim, "forged-by-key")
			e.expect(http.StatusUnauthorized, "/inbox", forged, create(forged, n))
			if e.statusExists(n["id"].(string)) {
				t.Fatal("stored an activity signed with a key claiming the victim")
			}
		})
		t.Run("ORI-04 actor id differs from the URL fetched", func(t *testing.T) {
			// /users/alt serves the document of /users/real; the key inside is the attacker's.
			doc := map[string]any{}
			for k, v := range mallory.Doc {
				doc[k] = v
			}
			e.remote("evil.test").serve("/users/alt", doc)
			alt := &remoteActor{ID: "http://evil.test/users/alt", KeyID: "http://evil.test/users/alt#main-key", Key: mallory.Key}
			n := noteOf(alt, "alt")
			e.expect(http.StatusUnauthorized, "/inbox", alt, create(alt, n))
			if e.actorExists(alt.ID) || e.statusExists(n["id"].(string)) {
				t.Fatal("stored an actor whose id is not where it was fetched")
			}
		})
		t.Run("ORI-01 signer is not the actor", func(t *testing.T) {
			n := noteOf(victim, "impersonated")
			act := create(victim, n)
			e.expect(http.StatusUnauthorized, "/inbox", mallory, act)
			if e.statusExists(n["id"].(string)) {
				t.Fatal("stored an activity whose signer is not its actor")
			}
		})
		t.Run("ORI-02 activity id on another origin", func(t *testing.T) {
			act := activity("Like", "http://victim.test/activities/1", mallory, aliceURI+"/statuses/none")
			e.expect(http.StatusBadRequest, "/inbox", mallory, act)
			if e.seen("http://victim.test/activities/1") {
				t.Fatal("a foreign activity id was recorded as seen (SIG-11)")
			}
		})
		t.Run("ORI-03 Create with a foreign embedded object", func(t *testing.T) {
			real := note(victim.ID+"/statuses/9", victim.ID, "<p>the real text</p>", []string{public}, nil, nil)
			e.remote("victim.test").serve("/users/vic/statuses/9", real)
			forged := note(victim.ID+"/statuses/9", victim.ID, "<p>forged</p>", []string{public}, nil, nil)
			act := create(mallory, forged)
			act["id"] = mallory.ID + "/activities/c9"
			e.expect(http.StatusAccepted, "/inbox", mallory, act)
			st, err := s.StatusByURI(ctxb(), victim.ID+"/statuses/9")
			if err != nil {
				t.Fatalf("refetched object not stored: %v", err)
			}
			if !strings.Contains(st.Content, "the real text") {
				t.Fatalf("stored the forged copy: %q", st.Content)
			}
			unreachable := note(victim.ID+"/statuses/404", victim.ID, "<p>forged</p>", []string{public}, nil, nil)
			act = create(mallory, unreachable)
			act["id"] = mallory.ID + "/activities/c404"
			e.expect(http.StatusAccepted, "/inbox", mallory, act)
			if e.statusExists(victim.ID + "/statuses/404") {
				t.Fatal("stored an embedded object its origin does not serve")
			}
		})
		t.Run("ORI-07 forged Announce", func(t *testing.T) {
			forged := note(victim.ID+"/statuses/77", victim.ID, "<p>forged</p>", []string{public}, nil, nil)
			act := activity("Announce", mallory.ID+"/statuses/77/activity", mallory, forged)
			act["to"] = []string{public}
			e.expect(http.StatusAccepted, "/inbox", mallory, act)
			if e.statusExists(victim.ID+"/statuses/77") || e.statusExists(mallory.ID+"/statuses/77/activity") {
				t.Fatal("an embedded boosted object was trusted")
			}
		})
		t.Run("ORI-08..10 Update, Delete, Undo by a non-owner", func(t *testing.T) {
			n := noteOf(bob, "owned")
			e.expect(http.StatusAccepted, "/inbox", bob, create(bob, n))
			if !e.statusExists(n["id"].(string)) {
				t.Fatal("setup: bob's note not stored")
			}
			upd := note(n["id"].(string), bob.ID, "<p>defaced</p>", []string{public}, nil, nil)
			act := activity("Update", mallory.ID+"/u1", mallory, upd)
			e.expect(http.StatusForbidden, "/inbox", mallory, act)
			act = activity("Update", mallory.ID+"/u2", mallory, bob.Doc)
			e.expect(http.StatusForbidden, "/inbox", mallory, act)
			e.expect(http.StatusForbidden, "/inbox", mallory, activity("Delete", mallory.ID+"/d1", mallory, n["id"]))
			st := must(s.StatusByURI(ctxb(), n["id"].(string)))
			if st.DeletedAt != nil || strings.Contains(st.Content, "defaced") {
				t.Fatalf("non-owner changed bob's note: %+v", st)
			}
			// Undo of bob's Follow of alice, sent by mallory.
			e.expect(http.StatusAccepted, "/users/alice/inbox", bob, follow(bob, bob.ID+"#follows/1", aliceURI))
			undo := activity("Undo", mallory.ID+"/undo1", mallory, follow(bob, bob.ID+"#follows/1", aliceURI))
			e.expect(http.StatusForbidden, "/inbox", mallory, undo)
			bobRow := must(s.ActorByURI(ctxb(), bob.ID))
			if _, err := s.FollowBetween(ctxb(), bobRow.ID, alice.Actor.ID); err != nil {
				t.Fatalf("follow removed by a non-owner's Undo: %v", err)
			}
		})
		t.Run("ORI-15 Follow posted to the wrong inbox", func(t *testing.T) {
			carolURI := "http://" + localHost + "/users/carol"
			e.expect(http.StatusUnprocessableEntity, "/users/alice/inbox", mallory, follow(mallory, mallory.ID+"#f1", carolURI))
			m := must(s.ActorByURI(ctxb(), mallory.ID))
			carol := must(s.ActorByURI(ctxb(), carolURI))
			if _, err := s.FollowBetween(ctxb(), m.ID, carol.ID); !ap.IsNotFound(err) {
				t.Fatalf("follow stored through the wrong inbox: %v", err)
			}
		})
		t.Run("RES-08 oversized body", func(t *testing.T) {
			big := noteOf(bob, "big")
			big["content"] = strings.Repeat("a", 300<<10)
			e.expect(http.StatusRequestEntityTooLarge, "/inbox", bob, create(bob, big))
			if e.statusExists(big["id"].(string)) {
				t.Fatal("stored an oversized body")
			}
		})
		t.Run("ORI-05 wrong content type", func(t *testing.T) {
			n := noteOf(bob, "ctype")
			e.expect(http.StatusUnsupportedMediaType, "/inbox", bob, create(bob, n), func(r *http.Request, _ *[]byte) {
				r.Header.Set("Content-Type", "application/json")
			})
			if e.statusExists(n["id"].(string)) {
				t.Fatal("stored a non-ActivityStreams body")
			}
		})
		t.Run("SIG-22 blocked domain before key fetch", func(t *testing.T) {
			e.blocked["victim.test"] = true
			defer delete(e.blocked, "victim.test")
			before := e.remote("victim.test").hits.Load()
			n := noteOf(victim, "blocked")
			e.expect(http.StatusForbidden, "/inbox", victim, create(victim, n))
			if e.remote("victim.test").hits.Load() != before {
				t.Fatal("fetched from a blocked domain")
			}
			if e.statusExists(n["id"].(string)) {
				t.Fatal("stored from a blocked domain")
			}
		})
		t.Run("SIG-21 weak key", func(t *testing.T) {
			weak, err := rsa.GenerateKey(rand.Reader, 1024)
			mustOK(t, err)
			w := e.remote("evil.test").addActor(t, "weak")
			w.Doc["publicKey"].(map[string]any)["publicKeyPem"] = must(httpsig.EncodePublicKeyPEM(&weak.PublicKey))
			w.Key = weak
			e.expect(http.StatusUnauthorized, "/inbox", w, create(w, noteOf(w, "weak")))
			if e.actorExists(w.ID) {
				t.Fatal("stored an actor with a 1024-bit key")
			}
		})
	})
}

// RES-01: with private networks refused (the production setting), a keyId on a loopback address
// is never fetched and nothing is stored.
func TestInboxPrivateAddressKeyRefused(t *testing.T) {
	s := storagetest.OpenSQLite(t)
	e := newEnv(t, s)
	var hits int
	loop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer loop.Close()
	fetcher := fetch.NewFetcher(fetch.Options{Timeout: 2 * time.Second}) // AllowPrivateNetworks false
	deref := must(remote.New(remote.Options{Service: e.svc, Store: e.store, Fetcher: fetcher, Logger: noLog()}))
	h := must(inbox.New(inbox.Options{Service: e.svc, Store: e.store, Resolver: deref, Logger: noLog()}))
	r := mux.NewRouter()
	h.Routes(r)
	srv := httptest.NewServer(r)
	defer srv.Close()
	e.inbox, e.client = srv, srv.Client()
	a := &remoteActor{ID: loop.URL + "/users/x", KeyID: loop.URL + "/users/x#main-key", Key: testKey(t)}
	e.expect(http.StatusUnauthorized, "/inbox", a, create(a, note(a.ID+"/s/1", a.ID, "x", []string{public}, nil, nil)))
	if hits != 0 {
		t.Fatal("fetched a key from a loopback address")
	}
	if e.actorExists(a.ID) {
		t.Fatal("stored an actor from a private address")
	}
}
