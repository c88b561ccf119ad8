package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// TestInstanceHealth: servers known from actors or deliveries are listed once each, the most
// troubled first, with their queue, retries, given-up deliveries, last success and last error.
func TestInstanceHealth(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		alice := f.user("alice")
		f.actor("bob", "ok.example")
		f.actor("cara", "ok.example")
		f.actor("dan", "quiet.example")
		item := &activitypub.OutboxItem{ID: f.id(), ActorID: alice.ID, CreatedAt: f.now, Activity: activitypub.Activity{
			ID: "https://local.test/activities/1", Type: "Create", ActorID: alice.ID, Actor: alice.URI,
			Object: "https://local.test/notes/1", Published: f.now}}
		must(t, s.Enqueue(ctx, item))
		delivery := func(host, inbox string) *activitypub.Delivery {
			return &activitypub.Delivery{ID: f.id(), Inbox: "https://" + host + "/" + inbox, Host: host, NextAttemptAt: f.now, CreatedAt: f.now}
		}
		done, retrying, failed, queued := delivery("ok.example", "inbox"), delivery("down.example", "a"),
			delivery("down.example", "b"), delivery("ok.example", "users/bob/inbox")
		must(t, s.ExpandOutbox(ctx, item.ID, []*activitypub.Delivery{done, retrying, failed, queued}))
		must(t, s.CompleteDelivery(ctx, done.ID))
		must(t, s.RetryDelivery(ctx, retrying.ID, f.now.Add(time.Hour), "503 Service Unavailable"))
		must(t, s.FailDelivery(ctx, failed.ID, "connection refused"))

		got, err := s.InstanceHealth(ctx, 10)
		must(t, err)
		want := []activitypub.InstanceHealth{
			{Domain: "down.example", Retrying: 1, Queued: 1, Failed: 1, LastError: "503 Service Unavailable"},
			{Domain: "ok.example", Accounts: 2, Queued: 1},
			{Domain: "quiet.example", Accounts: 1},
		}
		if len(got) != len(want) {
			t.Fatalf("InstanceHealth = %d servers, want %d: %+v", len(got), len(want), got)
		}
		for i, w := range want {
			g := got[i]
			if g.Domain != w.Domain || g.Accounts != w.Accounts || g.Queued != w.Queued || g.Retrying != w.Retrying ||
				g.Failed != w.Failed || g.LastError != w.LastError {
				t.Errorf("server %d = %+v, want %+v", i, *g, w)
			}
		}
		if got[1].LastSuccess == nil || !got[1].LastSuccess.Equal(done.NextAttemptAt) || got[0].LastSuccess != nil {
			t.Errorf("last success: ok %v, down %v", got[1].LastSuccess, got[0].LastSuccess)
		}
		if short, _ := s.InstanceHealth(ctx, 1); len(short) != 1 || short[0].Domain != "down.example" {
			t.Errorf("limit 1 = %+v", short)
		}
	})
}
