package preferences_test

import (
	"context"
	"testing"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/aptest"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// world is one instance's kernel service on a real store, which the area's use cases run over.
type world struct {
	t     *testing.T
	ctx   context.Context
	svc   *ap.Service
	store *storage.Store
}

// eachWorld runs fn on SQLite and, when configured, PostgreSQL.
func eachWorld(t *testing.T, fn func(t *testing.T, w *world)) {
	storagetest.ForEach(t, func(t *testing.T, st *storage.Store) {
		svc := aptest.NewService(t, st, nil)
		fn(t, &world{t: t, ctx: context.Background(), svc: svc, store: st})
	})
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
