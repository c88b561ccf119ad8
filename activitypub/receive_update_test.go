package activitypub_test

import (
	"testing"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
)

// TestReceiveUpdateOrder: a remote author's edits apply in the order their server stamped them,
// an older or replayed one is ignored, and edits without a usable `updated` (Mastodon sends none
// when it is not after `published` at the second) still apply, without hiding a later stamped
// edit that arrives in the same second.
func TestReceiveUpdateOrder(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *world) {
		bob := w.remote("bob", "remote.test")
		published := w.svc.Now().Add(-time.Minute).Truncate(time.Second)
		uri := bob.URI + "/statuses/1"
		if _, err := w.svc.ReceiveCreate(w.ctx, bob, &ap.Status{URI: uri, URL: uri, ActorID: bob.ID,
			Visibility: ap.Public, Kind: ap.KindPost, Content: "<p>v0</p>", CreatedAt: published}); err != nil {
			t.Fatal(err)
		}
		second := w.svc.Now().Truncate(time.Second) // the second the edits below arrive in
		at := func(d time.Duration) *time.Time { v := second.Add(d); return &v }
		steps := []struct {
			name    string
			content string
			edited  *time.Time
			want    string
		}{
			{"first edit, no updated", "<p>v1</p>", nil, "<p>v1</p>"},
			{"second edit, no updated", "<p>v2</p>", nil, "<p>v2</p>"},
			{"edit stamped to this second", "<p>v3</p>", at(0), "<p>v3</p>"},
			{"older edit replayed", "<p>stale</p>", at(-20 * time.Second), "<p>v3</p>"},
			{"same stamp again", "<p>same</p>", at(0), "<p>v3</p>"},
			{"later edit", "<p>v4</p>", at(time.Second), "<p>v4</p>"},
		}
		for _, s := range steps {
			if err := w.svc.ReceiveUpdateStatus(w.ctx, bob, &ap.Status{URI: uri, ActorID: bob.ID, Content: s.content,
				Visibility: ap.Public, EditedAt: s.edited}); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			got, err := w.store.StatusByURI(w.ctx, uri)
			if err != nil {
				t.Fatal(err)
			}
			if got.Content != s.want {
				t.Fatalf("%s: content %q, want %q", s.name, got.Content, s.want)
			}
		}
	})
}
