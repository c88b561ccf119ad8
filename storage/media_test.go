package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

func (f *fixtures) attachment(owner *activitypub.Actor, age time.Duration) *activitypub.Attachment {
	f.t.Helper()
	id := f.id()
	a := &activitypub.Attachment{
		ID: id, ActorID: owner.ID, Type: "image", ContentType: "image/png",
		URL: "https://local.test/media/ab/" + id + ".png", PreviewURL: "https://local.test/media/ab/" + id + "_small.png",
		Path: "ab/" + id + ".png", Description: "a cat", Blurhash: "LEHV6nWB2yk8pyo0adR*.7kCMdnj",
		Width: 640, Height: 480, Size: 12345, FocusX: 0.5, FocusY: -0.25, CreatedAt: f.now.Add(-age),
	}
	if err := f.s.CreateAttachment(context.Background(), a); err != nil {
		f.t.Fatalf("CreateAttachment: %v", err)
	}
	return a
}

// claimAttachment does what CreateStatus does for an attachment, with plain SQL so that this suite does
// not depend on the statuses code: a status row, and the attachment pointing at it.
func claimAttachment(t *testing.T, s *storage.Store, f *fixtures, author *activitypub.Actor, attachmentID string) string {
	t.Helper()
	id := f.id()
	q := fmt.Sprintf(`INSERT INTO statuses (id, uri, actor_id, visibility, local, created_at)
		VALUES ('%s', 'https://local.test/s/%s', '%s', 'public', 1, 1)`, id, id, author.ID)
	if s.Dialect() == storage.Postgres {
		q = fmt.Sprintf(`INSERT INTO statuses (id, uri, actor_id, visibility, local, created_at)
			VALUES ('%s', 'https://local.test/s/%s', '%s', 'public', TRUE, 1)`, id, id, author.ID)
	}
	if _, err := s.DB().Exec(q); err != nil {
		t.Fatalf("insert status: %v", err)
	}
	if _, err := s.DB().Exec(fmt.Sprintf(`UPDATE media_attachments SET status_id = '%s' WHERE id = '%s'`, id, attachmentID)); err != nil {
		t.Fatalf("claim attachment: %v", err)
	}
	return id
}

func TestMediaAttachments(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		alice := f.user("alice")
		a := f.attachment(alice, 0)

		got, err := s.AttachmentByID(ctx, a.ID)
		must(t, err)
		want := *a
		if *got != want {
			t.Fatalf("AttachmentByID = %+v\nwant %+v", *got, want)
		}

		_, err = s.AttachmentByID(ctx, "nope")
		wantKind(t, err, activitypub.NotFound)

		got.Description, got.FocusX, got.FocusY = "a grey cat", -1, 1
		must(t, s.UpdateAttachment(ctx, got))
		again, err := s.AttachmentByID(ctx, a.ID)
		must(t, err)
		if again.Description != "a grey cat" || again.FocusX != -1 || again.FocusY != 1 || again.URL != a.URL {
			t.Fatalf("after update = %+v", again)
		}

		err = s.CreateAttachment(ctx, &activitypub.Attachment{ID: f.id(), ActorID: "no-such-actor", Type: "image", CreatedAt: f.now})
		wantKind(t, err, activitypub.Invalid)

		statusID := claimAttachment(t, s, f, alice, a.ID)
		claimed, err := s.AttachmentByID(ctx, a.ID)
		must(t, err)
		if claimed.StatusID != statusID {
			t.Fatalf("StatusID = %q, want %q", claimed.StatusID, statusID)
		}
		cases := []struct {
			name string
			err  error
		}{
			{"update claimed", s.UpdateAttachment(ctx, claimed)},
			{"delete claimed", s.DeleteAttachment(ctx, a.ID)},
			{"update missing", s.UpdateAttachment(ctx, &activitypub.Attachment{ID: "nope"})},
			{"delete missing", s.DeleteAttachment(ctx, "nope")},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) { wantKind(t, c.err, activitypub.NotFound) })
		}
	})
}

func TestUnattachedMedia(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		alice := f.user("alice")
		old1 := f.attachment(alice, 3*time.Hour)
		old2 := f.attachment(alice, 2*time.Hour)
		claimedOld := f.attachment(alice, 4*time.Hour)
		claimAttachment(t, s, f, alice, claimedOld.ID)
		fresh := f.attachment(alice, 0)

		cutoff := f.now.Add(-time.Hour)
		list, err := s.UnattachedBefore(ctx, cutoff, 10)
		must(t, err)
		if len(list) != 2 || list[0].ID != old1.ID || list[1].ID != old2.ID {
			t.Fatalf("UnattachedBefore = %v, want [%s %s] oldest first", attachmentIDs(list), old1.ID, old2.ID)
		}
		if one, err := s.UnattachedBefore(ctx, cutoff, 1); err != nil || len(one) != 1 {
			t.Fatalf("limit 1: %v, %v", attachmentIDs(one), err)
		}

		must(t, s.DeleteAttachment(ctx, old1.ID))
		_, err = s.AttachmentByID(ctx, old1.ID)
		wantKind(t, err, activitypub.NotFound)
		for _, keep := range []string{old2.ID, claimedOld.ID, fresh.ID} {
			if _, err := s.AttachmentByID(ctx, keep); err != nil {
				t.Errorf("%s: %v", keep, err)
			}
		}
	})
}

func attachmentIDs(list []*activitypub.Attachment) []string {
	out := make([]string, 0, len(list))
	for _, a := range list {
		out = append(out, a.ID)
	}
	return out
}

// TestDeletedStatusAttachments: only the media of deleted statuses is listed and removable, by
// status or all at once; unclaimed uploads and live posts' media are never touched.
func TestDeletedStatusAttachments(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		alice := f.user("alice")
		loose := f.attachment(alice, time.Hour)
		live, gone1, gone2 := f.attachment(alice, 0), f.attachment(alice, 0), f.attachment(alice, 0)
		claimAttachment(t, s, f, alice, live.ID)
		st1 := claimAttachment(t, s, f, alice, gone1.ID)
		st2 := claimAttachment(t, s, f, alice, gone2.ID)
		must(t, s.MarkStatusDeleted(ctx, st1, f.now))
		must(t, s.MarkStatusDeleted(ctx, st2, f.now))

		ids := func(list []*activitypub.Attachment) string {
			out := ""
			for _, a := range list {
				out += a.ID + " "
			}
			return out
		}
		all, err := s.DeletedStatusAttachments(ctx, "", 10)
		must(t, err)
		if got, want := ids(all), ids([]*activitypub.Attachment{gone1, gone2}); got != want {
			t.Fatalf("all deleted statuses' media = %q, want %q", got, want)
		}
		one, err := s.DeletedStatusAttachments(ctx, st2, 10)
		must(t, err)
		if len(one) != 1 || one[0].ID != gone2.ID || one[0].Path != gone2.Path {
			t.Fatalf("media of status %s = %+v", st2, one)
		}
		first, err := s.DeletedStatusAttachments(ctx, "", 1)
		must(t, err)
		if len(first) != 1 {
			t.Fatalf("limit 1 listed %d", len(first))
		}

		for _, a := range []*activitypub.Attachment{loose, live} {
			if err := s.DeleteDeletedStatusAttachment(ctx, a.ID); !activitypub.IsNotFound(err) {
				t.Errorf("deleting %s (not of a deleted status): %v, want NotFound", a.ID, err)
			}
			if _, err := s.AttachmentByID(ctx, a.ID); err != nil {
				t.Errorf("%s is gone: %v", a.ID, err)
			}
		}
		must(t, s.DeleteDeletedStatusAttachment(ctx, gone1.ID))
		if _, err := s.AttachmentByID(ctx, gone1.ID); !activitypub.IsNotFound(err) {
			t.Errorf("deleted row still there: %v", err)
		}
		rest, err := s.DeletedStatusAttachments(ctx, "", 10)
		must(t, err)
		if len(rest) != 1 || rest[0].ID != gone2.ID {
			t.Errorf("left after one removal: %+v", rest)
		}
	})
}
