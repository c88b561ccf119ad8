package moderation_test

import (
	"context"
	"testing"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/storage"
)

// world is one instance's service on a real store.
type world struct {
	t     *testing.T
	ctx   context.Context
	svc   *ap.Service
	store *storage.Store
}

func (w *world) user(name string) *ap.Account {
	w.t.Helper()
	a, err := w.svc.CreateLocalUser(w.ctx, ap.NewUser{Username: name, Email: name + "@council.test", Password: "a long enough password"})
	if err != nil {
		w.t.Fatalf("create %s: %v", name, err)
	}
	return a
}

func (w *world) post(by *ap.Account, text string, vis ap.Visibility) *ap.Status {
	w.t.Helper()
	st, err := w.svc.Post(w.ctx, by, ap.PostInput{Text: text, Visibility: vis})
	if err != nil {
		w.t.Fatalf("post: %v", err)
	}
	return st
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
