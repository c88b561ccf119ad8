package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/storage"
)

// fixtures makes rows with fresh ids; each test gets its own.
type fixtures struct {
	t   testing.TB
	s   *storage.Store
	ids activitypub.IDs
	now time.Time
}

func newFixtures(t testing.TB, s *storage.Store) *fixtures {
	return &fixtures{t: t, s: s, now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (f *fixtures) id() string {
	f.now = f.now.Add(time.Millisecond)
	return f.ids.New(f.now)
}

// actor creates an actor; domain "" makes a local one.
func (f *fixtures) actor(username, domain string) *activitypub.Actor {
	f.t.Helper()
	base := "https://local.test/users/" + username
	if domain != "" {
		base = "https://" + domain + "/users/" + username
	}
	a := &activitypub.Actor{
		ID: f.id(), URI: base, Kind: activitypub.KindPerson, Username: username, Domain: domain,
		DisplayName: "The " + username, Inbox: base + "/inbox", Outbox: base + "/outbox",
		PublicKeyID: base + "#main-key", PublicKeyPEM: "PUBLIC", Discoverable: true,
		CreatedAt: f.now, UpdatedAt: f.now,
	}
	if domain != "" {
		a.SharedInbox = "https://" + domain + "/inbox"
	}
	if err := f.s.CreateActor(context.Background(), a); err != nil {
		f.t.Fatalf("CreateActor(%s@%s): %v", username, domain, err)
	}
	return a
}

// user creates a local actor and its user.
func (f *fixtures) user(username string) *activitypub.Actor {
	f.t.Helper()
	a := f.actor(username, "")
	u := &activitypub.User{ActorID: a.ID, Email: username + "@council.test", PasswordHash: "hash",
		Locale: "en", CreatedAt: f.now}
	if err := f.s.CreateUser(context.Background(), u); err != nil {
		f.t.Fatalf("CreateUser(%s): %v", username, err)
	}
	return a
}

// status creates a public status by author.
func (f *fixtures) status(author *activitypub.Actor, content string) *activitypub.Status {
	f.t.Helper()
	st := f.newStatus(author, content)
	if err := f.s.CreateStatus(context.Background(), st); err != nil {
		f.t.Fatalf("CreateStatus: %v", err)
	}
	return st
}

func (f *fixtures) newStatus(author *activitypub.Actor, content string) *activitypub.Status {
	id := f.id()
	return &activitypub.Status{
		ID: id, URI: fmt.Sprintf("%s/statuses/%s", author.URI, id), ActorID: author.ID,
		ObjectType: "Note", Kind: activitypub.KindPost, Visibility: activitypub.Public,
		Local: author.Domain == "", Content: "<p>" + content + "</p>", Source: content,
		Format: activitypub.FormatPlain, CreatedAt: f.now,
	}
}

func wantKind(t testing.TB, err error, kind activitypub.Kind) {
	t.Helper()
	if got := activitypub.KindOf(err); got != kind {
		t.Fatalf("error kind = %v (%v), want %v", got, err, kind)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
