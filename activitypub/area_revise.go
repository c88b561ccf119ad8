package activitypub

import (
	"context"
	"time"
)

// ReviseLocalStatus is how an area changes what a local status says on its author's behalf (the
// ideas area adds a status line when a moderator moves an idea along): content replaces the
// status's HTML, the old version goes to its edit history, and an Update by the author is queued,
// in the transaction ctx carries or its own. The caller has authorised the change and rendered
// content safely. With content equal to what the status says, no edit is recorded and the
// Update still goes out, so peers re-read extension properties the area renders.
func (s *Service) ReviseLocalStatus(ctx context.Context, st *Status, content string) error {
	const op = "activitypub.ReviseLocalStatus"
	if st == nil || !st.Local || st.DeletedAt != nil || st.ReblogOfID != "" {
		return E(op, Invalid, "only a local, undeleted status can be revised")
	}
	author, err := s.store.ActorByID(ctx, st.ActorID)
	if err != nil {
		return Wrap(op, err)
	}
	err = s.InTx(ctx, func(ctx context.Context) error {
		if content != st.Content {
			now := s.NextEditTime(st)
			prev := &StatusEdit{ID: s.NewID(), StatusID: st.ID, Content: st.Content, Source: st.Source,
				SpoilerText: st.SpoilerText, Sensitive: st.Sensitive, CreatedAt: editTime(st)}
			if err := s.store.AddStatusEdit(ctx, prev); err != nil {
				return err
			}
			st.Content, st.EditedAt = content, &now
			if err := s.store.UpdateStatus(ctx, st); err != nil {
				return err
			}
		}
		return s.enqueueStatus(ctx, "Update", author, st)
	})
	if err != nil {
		return Wrap(op, err)
	}
	s.publish(ctx, Event{Type: "status.update", StatusID: st.ID, Public: st.Visibility == Public})
	for _, fn := range s.onEdit {
		fn(ctx, author, st) // a group that relayed it re-announces the new version
	}
	return nil
}

// NextEditTime is the time to stamp on a new edit of st: now, but at least a second after its
// publication and its previous edit. Peers compare times to the second (as published): an
// Update whose updated is not after published reads as carrying no edit time, and one not later
// than the last edit is ignored, so edits within a second must still be told apart.
func (s *Service) NextEditTime(st *Status) time.Time {
	now := s.Now().Truncate(time.Millisecond)
	last := st.CreatedAt
	if st.EditedAt != nil && st.EditedAt.After(last) {
		last = *st.EditedAt
	}
	if next := last.Truncate(time.Second).Add(time.Second); now.Before(next) {
		return next
	}
	return now
}
