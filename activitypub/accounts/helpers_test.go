package accounts_test

import (
	"context"
	"testing"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/aptest"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// world is one instance's service on a real store.
type world struct {
	t     *testing.T
	ctx   context.Context
	svc   *ap.Service
	store *storage.Store
}

func newWorld(t *testing.T, st *storage.Store) *world {
	t.Helper()
	svc := aptest.NewService(t, st, nil)
	return &world{t: t, ctx: context.Background(), svc: svc, store: st}
}

// eachWorld runs fn on SQLite and, when configured, PostgreSQL.
func eachWorld(t *testing.T, fn func(t *testing.T, w *world)) {
	storagetest.ForEach(t, func(t *testing.T, st *storage.Store) { fn(t, newWorld(t, st)) })
}

func (w *world) user(name string) *ap.Account {
	w.t.Helper()
	a, err := w.svc.CreateLocalUser(w.ctx, ap.NewUser{Username: name, Email: name + "@council.test", Password: "a long enough password"})
	if err != nil {
		w.t.Fatalf("create %s: %v", name, err)
	}
	return a
}

// remote stores a remote actor as the federation layer would after fetching it.
func (w *world) remote(name, domain string) *ap.Actor {
	w.t.Helper()
	uri := "https://" + domain + "/users/" + name
	a := &ap.Actor{ID: w.svc.NewID(), URI: uri, Kind: ap.KindPerson, Username: name, Domain: domain,
		Inbox: uri + "/inbox", SharedInbox: "https://" + domain + "/inbox", FollowersURI: uri + "/followers",
		PublicKeyID: uri + "#main-key", CreatedAt: w.svc.Now(), UpdatedAt: w.svc.Now()}
	if err := w.store.CreateActor(w.ctx, a); err != nil {
		w.t.Fatal(err)
	}
	return a
}

func (w *world) outbox() []*ap.OutboxItem {
	w.t.Helper()
	items, err := w.store.PendingOutbox(w.ctx, 100)
	if err != nil {
		w.t.Fatal(err)
	}
	return items
}

func contains(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
