package activitypub_test

import (
	"slices"
	"testing"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/adapters/media/mediatest"
)

// TestCleanDeletedStatusMedia: once a post is deleted, its media go, files and rows: a local
// post's by the status (what the delete event does) and a remote post's by the sweep; a live
// post's media and an unattached upload are left alone.
func TestCleanDeletedStatusMedia(t *testing.T) {
	eachMediaWorld(t, func(t *testing.T, w *mediaWorld) {
		alice := w.user("alice")
		zed := w.remote("zed", "remote.test")
		up := func(name string) *ap.Attachment {
			t.Helper()
			a, err := w.upload(alice, name, mediatest.JPEG(t, 40, 30, 1))
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		kept, gone, loose := up("kept.jpg"), up("gone.jpg"), up("loose.jpg")
		live, err := w.svc.Post(w.ctx, alice, ap.PostInput{Text: "stays", AttachmentIDs: []string{kept.ID}})
		if err != nil {
			t.Fatal(err)
		}
		doomed, err := w.svc.Post(w.ctx, alice, ap.PostInput{Text: "goes", AttachmentIDs: []string{gone.ID}})
		if err != nil {
			t.Fatal(err)
		}
		remote, err := w.svc.ReceiveCreate(w.ctx, zed, &ap.Status{URI: "https://remote.test/notes/1", Visibility: ap.Public,
			Content: "<p>a photo</p>", Attachments: []ap.Attachment{{Type: "image", RemoteURL: "https://remote.test/p.jpg", URL: "https://remote.test/p.jpg"}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(remote.Attachments) != 1 {
			t.Fatalf("remote status kept %d attachments", len(remote.Attachments))
		}
		remoteMedia := remote.Attachments[0].ID

		if _, err := w.svc.DeleteStatus(w.ctx, alice, doomed.ID); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.ReceiveDelete(w.ctx, zed, remote.URI); err != nil {
			t.Fatal(err)
		}
		// A live status's media is never taken, even when asked for by its id.
		if n, err := w.media.CleanDeletedStatusMedia(w.ctx, live.ID, 0); err != nil || n != 0 {
			t.Fatalf("clean of a live status = %d, %v", n, err)
		}
		if n, err := w.media.CleanDeletedStatusMedia(w.ctx, doomed.ID, 0); err != nil || n != 1 {
			t.Fatalf("clean of the deleted local status = %d, %v; want 1", n, err)
		}
		if n, err := w.media.CleanDeletedStatusMedia(w.ctx, "", 10); err != nil || n != 1 {
			t.Fatalf("sweep = %d, %v; want 1 (the remote post's)", n, err)
		}

		want := []string{kept.Path, ap.PreviewKey(kept.Path, kept.ContentType), loose.Path, ap.PreviewKey(loose.Path, loose.ContentType)}
		slices.Sort(want)
		if got := w.storedFiles(); !slices.Equal(got, want) {
			t.Errorf("files = %q, want %q", got, want)
		}
		for id, present := range map[string]bool{kept.ID: true, loose.ID: true, gone.ID: false, remoteMedia: false} {
			_, err := w.store.AttachmentByID(w.ctx, id)
			if present && err != nil || !present && !ap.IsNotFound(err) {
				t.Errorf("attachment %s: %v (should be there: %v)", id, err, present)
			}
		}
	})
}
