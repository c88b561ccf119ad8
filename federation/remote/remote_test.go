package remote_test

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/federation/as2"
	"github.com/guildhall/guildhall/federation/fedtest"
	"github.com/guildhall/guildhall/federation/fetch"
	"github.com/guildhall/guildhall/federation/httpsig"
	"github.com/guildhall/guildhall/federation/remote"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

var (
	keysOnce sync.Once
	keys     []*rsa.PrivateKey
)

func key(i int) *rsa.PrivateKey {
	keysOnce.Do(func() {
		for range 3 {
			k, err := httpsig.GenerateKey()
			if err != nil {
				panic(err)
			}
			keys = append(keys, k)
		}
	})
	return keys[i%len(keys)]
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

type hasher struct{}

func (hasher) Hash(p string) (string, error)    { return p, nil }
func (hasher) Verify(h, p string) (bool, error) { return h == p, nil }

// site serves documents by path (and WebFinger by resource) for one made-up host.
type site struct {
	mu   sync.Mutex
	docs map[string]any
}

func (s *site) set(path string, doc any) { s.mu.Lock(); s.docs[path] = doc; s.mu.Unlock() }

func (s *site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	p := r.URL.Path
	if p == "/.well-known/webfinger" {
		p = "wf:" + r.URL.Query().Get("resource")
	}
	doc, ok := s.docs[p]
	s.mu.Unlock()
	if code, isCode := doc.(int); isCode {
		w.WriteHeader(code)
		return
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/activity+json")
	_ = json.NewEncoder(w).Encode(doc)
}

type fixture struct {
	store *storage.Store
	svc   *ap.Service
	d     *remote.Dereferencer
	sites map[string]*site
}

func newFixture(t *testing.T, s *storage.Store, hosts ...string) *fixture {
	f := &fixture{store: s, sites: map[string]*site{}}
	f.svc = must(ap.NewService(ap.Options{Host: "local.test", Scheme: "http", Store: s, Passwords: hasher{},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), NewKey: func() (*rsa.PrivateKey, error) { return key(0), nil }}))
	n := fedtest.NewNetwork()
	for _, h := range hosts {
		st := &site{docs: map[string]any{}}
		srv := httptest.NewServer(st)
		t.Cleanup(srv.Close)
		n.Set(h, srv.Listener.Addr().String())
		f.sites[h] = st
	}
	fetcher := fetch.NewFetcher(fetch.Options{AllowPrivateNetworks: true, DialContext: n.DialContext, Timeout: 5 * time.Second})
	f.d = must(remote.New(remote.Options{Service: f.svc, Store: f.store, Fetcher: fetcher, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	f.svc.SetResolver(f.d)
	return f
}

// person publishes an actor on host; id is on idHost (normally the same).
func (f *fixture) person(host, idHost, name string, k *rsa.PrivateKey) string {
	id := "http://" + idHost + "/users/" + name
	f.sites[host].set("/users/"+name, map[string]any{
		"@context": "https://www.w3.org/ns/activitystreams", "id": id, "type": "Person", "preferredUsername": name,
		"inbox": id + "/inbox", "followers": id + "/followers",
		"publicKey": map[string]any{"id": id + "#main-key", "owner": id, "publicKeyPem": must(httpsig.EncodePublicKeyPEM(&k.PublicKey))},
	})
	return id
}

func (f *fixture) webfinger(host, acct, href string) {
	f.sites[host].set("wf:acct:"+acct, map[string]any{"subject": "acct:" + acct,
		"links": []any{map[string]any{"rel": "self", "type": "application/activity+json", "href": href}}})
}

func TestDereferencer(t *testing.T) {
	ctx := context.Background()
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s, "remote.test", "victim.test", "evil.test")
		alice := must(f.svc.CreateLocalUser(ctx, ap.NewUser{Username: "alice", Email: "a@council.example", Password: "long enough pw"}))

		t.Run("SIG-19 local keys come from the store only", func(t *testing.T) {
			k := must(f.d.ResolveKey(ctx, alice.Actor.PublicKeyID, false))
			if k.Owner != alice.Actor.URI {
				t.Fatalf("owner %s", k.Owner)
			}
			if _, err := f.d.ResolveKey(ctx, "http://local.test/users/ghost#main-key", true); !ap.IsNotFound(err) {
				t.Fatalf("unknown local key: %v, want NotFound without a fetch", err)
			}
			if _, err := f.d.ActorFromParsed(&as2.ParsedActor{ID: "http://local.test/users/mimic", PreferredUsername: "mimic"}); ap.KindOf(err) != ap.Forbidden {
				t.Fatalf("remote document with a local id: %v", err)
			}
		})

		t.Run("SIG-20 rotation on refresh, refused on a third-party refresh", func(t *testing.T) {
			id := f.person("remote.test", "remote.test", "rot", key(1))
			k := must(f.d.ResolveKey(ctx, id+"#main-key", false))
			if k.PublicKey.N.Cmp(key(1).N) != 0 {
				t.Fatal("first key wrong")
			}
			f.person("remote.test", "remote.test", "rot", key(2))
			if k := must(f.d.ResolveKey(ctx, id+"#main-key", false)); k.PublicKey.N.Cmp(key(1).N) != 0 {
				t.Fatal("cached/stored key not used without refresh")
			}
			// A stale refresh triggered by someone else must not change the key.
			a := must(s.ActorByURI(ctx, id))
			old := time.Now().Add(-48 * time.Hour)
			a.FetchedAt = &old
			if err := s.UpdateActor(ctx, a); err != nil {
				t.Fatal(err)
			}
			if _, err := f.d.ResolveActor(ctx, id); err != nil {
				t.Fatal(err)
			}
			if a := must(s.ActorByURI(ctx, id)); a.PublicKeyPEM != must(httpsig.EncodePublicKeyPEM(&key(1).PublicKey)) {
				t.Fatal("third-party refresh changed the key")
			}
			// Signature failed with the stored key: refresh once and accept the rotated key.
			if k := must(f.d.ResolveKey(ctx, id+"#main-key", true)); k.PublicKey.N.Cmp(key(2).N) != 0 {
				t.Fatal("refresh did not pick up the rotated key")
			}
		})

		t.Run("SIG-15 gone actor is tombstoned", func(t *testing.T) {
			id := f.person("remote.test", "remote.test", "leaver", key(1))
			must(f.d.ResolveKey(ctx, id+"#main-key", false))
			f.sites["remote.test"].set("/users/leaver", http.StatusGone)
			if _, err := f.d.ResolveKey(ctx, id+"#main-key", true); err == nil {
				t.Fatal("key of a gone actor resolved")
			}
			if a := must(s.ActorByURI(ctx, id)); a.DeletedAt == nil {
				t.Fatal("gone actor not marked deleted")
			}
			if !must(s.IsTombstoned(ctx, id)) {
				t.Fatal("gone actor not tombstoned")
			}
		})

		t.Run("ORI-18 WebFinger must agree with the actor's host", func(t *testing.T) {
			bob := f.person("remote.test", "remote.test", "bob", key(1))
			f.webfinger("remote.test", "bob@remote.test", bob)
			if a, err := f.d.ResolveHandle(ctx, "bob", "remote.test"); err != nil || a.URI != bob {
				t.Fatalf("bob@remote.test: %v", err)
			}
			evil := f.person("evil.test", "evil.test", "vic", key(2))
			f.webfinger("victim.test", "vic@victim.test", evil) // victim's WebFinger is not evil's to vouch for
			if _, err := f.d.ResolveHandle(ctx, "vic", "victim.test"); err == nil {
				t.Fatal("accepted a handle whose actor's host does not WebFinger back")
			}
			if _, err := s.ActorByUsername(ctx, "vic", "victim.test"); !ap.IsNotFound(err) {
				t.Fatalf("handle assigned to the wrong host: %v", err)
			}
		})

		t.Run("ORI-03 fetched status attributed to another host", func(t *testing.T) {
			victim := f.person("victim.test", "victim.test", "v", key(1))
			f.sites["evil.test"].set("/notes/1", map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
				"id": "http://evil.test/notes/1", "type": "Note", "attributedTo": victim, "content": "forged"})
			if _, err := f.d.ResolveStatus(ctx, "http://evil.test/notes/1"); err == nil {
				t.Fatal("stored a status attributed to another host")
			}
			if _, err := s.StatusByURI(ctx, "http://evil.test/notes/1"); !ap.IsNotFound(err) {
				t.Fatalf("status stored: %v", err)
			}
		})
	})
}
