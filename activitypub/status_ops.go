package activitypub

import (
	"context"
	"strings"
	"time"
)

// GetStatus returns a status the viewer may see; otherwise NotFound, so its existence does not leak.
func (s *Service) GetStatus(ctx context.Context, v Viewer, id string) (*Status, error) {
	const op = "activitypub.GetStatus"
	st, err := s.store.StatusByID(ctx, id)
	if err != nil {
		return nil, Wrap(op, err)
	}
	ok, err := s.CanSee(ctx, v, st)
	if err != nil {
		return nil, Wrap(op, err)
	}
	if !ok {
		return nil, E(op, NotFound, "Record not found")
	}
	return st, nil
}

// Thread returns the visible ancestors (oldest first) and descendants of a status.
func (s *Service) Thread(ctx context.Context, v Viewer, id string) (ancestors, descendants []*Status, err error) {
	const op = "activitypub.Thread"
	st, err := s.GetStatus(ctx, v, id)
	if err != nil {
		return nil, nil, Wrap(op, err)
	}
	ancestors = []*Status{}
	cur := st
	for i := 0; i < maxThreadAncestry && cur.InReplyToID != ""; i++ {
		p, err := s.store.StatusByID(ctx, cur.InReplyToID)
		if IsNotFound(err) {
			break
		}
		if err != nil {
			return nil, nil, Wrap(op, err)
		}
		if ok, err := s.CanSee(ctx, v, p); err != nil {
			return nil, nil, Wrap(op, err)
		} else if ok {
			ancestors = append([]*Status{p}, ancestors...)
		}
		cur = p
	}
	desc, err := s.store.Descendants(ctx, st.ID, 200)
	if err != nil {
		return nil, nil, Wrap(op, err)
	}
	if descendants, err = s.Visible(ctx, v, desc); err != nil {
		return nil, nil, Wrap(op, err)
	}
	return ancestors, descendants, nil
}

// EditInput is a new version of a local status.
type EditInput struct {
	Text        string
	SpoilerText string
	Sensitive   bool
	Language    string
	Title       string // blank keeps the title the status has
	// AttachmentIDs replaces the attachments when not nil.
	AttachmentIDs []string
}

// EditStatus changes a local status's content, keeps the old version in its history, and federates
// an Update.
func (s *Service) EditStatus(ctx context.Context, author *Account, id string, in EditInput) (*Status, error) {
	const op = "activitypub.EditStatus"
	st, err := s.store.StatusByID(ctx, id)
	if err != nil {
		return nil, Wrap(op, err)
	}
	if st.ActorID != author.Actor.ID || st.DeletedAt != nil || st.ReblogOfID != "" {
		return nil, E(op, NotFound, "Record not found")
	}
	if strings.TrimSpace(in.Title) == "" {
		in.Title = st.Title // Mastodon clients edit the text only; a question or idea keeps its title
	}
	pin := PostInput{Text: in.Text, Format: st.Format, Visibility: st.Visibility, SpoilerText: in.SpoilerText,
		Sensitive: in.Sensitive, Title: in.Title, Kind: st.Kind, AttachmentIDs: in.AttachmentIDs, Partners: st.Partners}
	if in.AttachmentIDs == nil {
		for _, a := range st.Attachments {
			pin.AttachmentIDs = append(pin.AttachmentIDs, a.ID)
		}
	}
	if err := pin.normalise(); err != nil {
		return nil, Wrap(op, err)
	}
	mentions, rendered, err := s.renderLocal(ctx, pin.Text, st.Format)
	if err != nil {
		return nil, Wrap(op, err)
	}
	now := s.NextEditTime(st)
	prev := &StatusEdit{ID: s.NewID(), StatusID: st.ID, Content: st.Content, Source: st.Source,
		SpoilerText: st.SpoilerText, Sensitive: st.Sensitive, CreatedAt: editTime(st)}
	st.Content, st.Source, st.SpoilerText, st.Sensitive = rendered.HTML, pin.Text, pin.SpoilerText, pin.Sensitive
	st.Title, st.Mentions, st.Tags, st.EditedAt = strings.TrimSpace(pin.Title), mentions, rendered.Tags, &now
	if in.Language != "" {
		st.Language = in.Language
	}
	st.Attachments = st.Attachments[:0]
	for _, aid := range pin.AttachmentIDs {
		st.Attachments = append(st.Attachments, Attachment{ID: aid})
	}
	err = s.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.AddStatusEdit(ctx, prev); err != nil {
			return err
		}
		if err := s.store.UpdateStatus(ctx, st); err != nil {
			return err
		}
		return s.enqueueStatus(ctx, "Update", &author.Actor, st)
	})
	if err != nil {
		return nil, Wrap(op, err)
	}
	s.publish(ctx, Event{Type: "status.update", StatusID: st.ID, Public: st.Visibility == Public})
	for _, fn := range s.onEdit {
		fn(ctx, &author.Actor, st)
	}
	return s.store.StatusByID(ctx, st.ID)
}

func editTime(st *Status) time.Time {
	if st.EditedAt != nil {
		return *st.EditedAt
	}
	return st.CreatedAt
}

// DeleteStatus removes a status by its author (or an administrator) and federates a Delete.
// It returns the status as it was, so clients can offer delete-and-redraft.
func (s *Service) DeleteStatus(ctx context.Context, by *Account, id string) (*Status, error) {
	const op = "activitypub.DeleteStatus"
	st, err := s.store.StatusByID(ctx, id)
	if err != nil {
		return nil, Wrap(op, err)
	}
	if st.DeletedAt != nil || (st.ActorID != by.Actor.ID && !by.User.Admin) {
		return nil, E(op, NotFound, "Record not found")
	}
	author, err := s.store.ActorByID(ctx, st.ActorID)
	if err != nil {
		return nil, Wrap(op, err)
	}
	err = s.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.MarkStatusDeleted(ctx, st.ID, s.Now()); err != nil {
			return err
		}
		if err := s.store.AdjustActorCounts(ctx, st.ActorID, 0, 0, -1); err != nil {
			return err
		}
		if st.InReplyToID != "" {
			if err := s.store.AdjustStatusCounts(ctx, st.InReplyToID, -1, 0, 0); err != nil && !IsNotFound(err) {
				return err
			}
		}
		if st.ReblogOfID != "" {
			if err := s.store.AdjustStatusCounts(ctx, st.ReblogOfID, 0, -1, 0); err != nil && !IsNotFound(err) {
				return err
			}
		}
		if !author.Local() {
			return nil
		}
		if st.ReblogOfID != "" {
			orig, err := s.store.StatusByID(ctx, st.ReblogOfID)
			if err != nil {
				return err
			}
			return s.enqueueUndoAnnounce(ctx, author, st, orig)
		}
		return s.enqueueStatus(ctx, "Delete", author, st)
	})
	if err != nil {
		return nil, Wrap(op, err)
	}
	s.publish(ctx, Event{Type: "delete", StatusID: st.ID, Public: st.Visibility == Public})
	if author.Local() && st.ReblogOfID == "" {
		for _, fn := range s.onDelete {
			fn(ctx, author, st)
		}
	}
	return st, nil
}

// StatusHistory returns the versions of a status, oldest first, ending with the current one.
func (s *Service) StatusHistory(ctx context.Context, v Viewer, id string) ([]*StatusEdit, *Status, error) {
	const op = "activitypub.StatusHistory"
	st, err := s.GetStatus(ctx, v, id)
	if err != nil {
		return nil, nil, Wrap(op, err)
	}
	edits, err := s.store.StatusEdits(ctx, id)
	if err != nil {
		return nil, nil, Wrap(op, err)
	}
	return edits, st, nil
}
