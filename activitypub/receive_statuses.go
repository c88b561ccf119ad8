package activitypub

import (
	"context"
	"errors"
	"time"
)

// ReceiveCreate stores a remote status sent by its author and delivers it: the home timelines of
// the author's local followers (and of mentioned local users for private and direct posts),
// mention notifications, and a notification for the local author replied to. The status is built
// by federation from a document it trusts (sent by the author's own origin or refetched); content
// is already sanitised. Mentions carry only URIs: they are matched to known actors here.
//
// It is a no-op for a status already stored or tombstoned, and silently drops a reply to a local
// user who blocks the sender (ORI-19).
func (s *Service) ReceiveCreate(ctx context.Context, from *Actor, st *Status) (*Status, error) {
	return s.storeRemoteStatus(ctx, "activitypub.ReceiveCreate", from, st, true)
}

// StoreFetchedStatus stores a remote status the dereferencer fetched (a reply's parent, a boosted
// post, a search result) without notifying anyone or filling timelines: nobody was sent it.
func (s *Service) StoreFetchedStatus(ctx context.Context, author *Actor, st *Status) (*Status, error) {
	return s.storeRemoteStatus(ctx, "activitypub.StoreFetchedStatus", author, st, false)
}

func (s *Service) storeRemoteStatus(ctx context.Context, op string, from *Actor, in *Status, deliver bool) (*Status, error) {
	if err := checkSender(op, from); err != nil {
		return nil, err
	}
	if in.URI == "" || hostOf(in.URI) != hostOf(from.URI) {
		return nil, E(op, Forbidden, "a status must live on its author's server") // ORI-03
	}
	if existing, err := s.store.StatusByURI(ctx, in.URI); err == nil {
		if existing.ActorID != from.ID {
			return nil, E(op, Forbidden, "status belongs to another actor")
		}
		return existing, nil
	} else if !IsNotFound(err) {
		return nil, Wrap(op, err)
	}
	if tomb, err := s.store.IsTombstoned(ctx, in.URI); err != nil {
		return nil, Wrap(op, err)
	} else if tomb {
		return nil, E(op, Gone, "status was deleted")
	}
	st := *in
	st.ID, st.ActorID, st.Local, st.ReblogOfID = s.NewID(), from.ID, false, ""
	if st.Kind == "" {
		st.Kind = KindPost
	}
	if st.ObjectType == "" {
		st.ObjectType = "Note"
	}
	if !st.Visibility.Valid() || st.Visibility == LocalOnly {
		st.Visibility = Direct
	}
	if st.Partners = receivedPartners(st.Partners); st.Visibility == Partners && len(st.Partners) == 0 {
		st.Visibility = Direct // partner-only naming no valid partner: only those addressed
	} else if st.Visibility != Partners {
		st.Partners = nil
	}
	if st.CreatedAt.IsZero() || st.CreatedAt.After(s.Now()) {
		st.CreatedAt = s.Now()
	}
	parent, err := s.findParent(ctx, st.InReplyToURI)
	if err != nil {
		return nil, Wrap(op, err)
	}
	if parent != nil {
		st.InReplyToID, st.InReplyToActorID = parent.ID, parent.ActorID
		if st.ContextURI == "" {
			st.ContextURI = parent.ContextURI
		}
		if blocked, err := s.store.Blocked(ctx, parent.ActorID, from.ID); err != nil {
			return nil, Wrap(op, err)
		} else if blocked {
			if pa, err := s.store.ActorByID(ctx, parent.ActorID); err == nil && pa.Local() {
				s.log.DebugContext(ctx, "reply to a blocker dropped", "status", st.URI)
				return nil, nil
			}
		}
	}
	if st.Mentions, err = s.resolveMentions(ctx, from, st.Mentions, st.Visibility); err != nil {
		return nil, Wrap(op, err)
	}
	s.prepareRemoteAttachments(&st)
	st.AcceptedAnswerID = "" // a new question has no stored replies to have accepted yet
	var homes []string
	err = s.receiveTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateStatus(ctx, &st); err != nil {
			return err
		}
		if err := s.store.AdjustActorCounts(ctx, from.ID, 0, 0, 1); err != nil {
			return err
		}
		if parent != nil {
			if err := s.store.AdjustStatusCounts(ctx, parent.ID, 1, 0, 0); err != nil {
				return err
			}
		}
		if !deliver {
			return nil
		}
		var err error
		if homes, err = s.fanOutBy(ctx, from, &st); err != nil {
			return err
		}
		if err := s.notifyMentions(ctx, &st, parent); err != nil {
			return err
		}
		return s.notifyReplied(ctx, &st, parent)
	})
	if KindOf(err) == Conflict { // stored meanwhile by another delivery of the same post
		if existing, err := s.store.StatusByURI(ctx, in.URI); err == nil {
			return existing, nil
		}
	}
	if err != nil {
		return nil, Wrap(op, err)
	}
	if deliver {
		s.publish(ctx, Event{Type: "update", UserIDs: homes, StatusID: st.ID, Public: st.Visibility == Public, Tags: st.Tags})
	}
	return s.store.StatusByID(ctx, st.ID)
}

// findParent returns the stored parent of a reply, fetching it (and, through the resolver, its own
// ancestors) when unknown, up to maxFetchDepth levels. An unreachable parent is not an error: the
// reply is stored with only InReplyToURI.
func (s *Service) findParent(ctx context.Context, uri string) (*Status, error) {
	if uri == "" {
		return nil, nil
	}
	p, err := s.store.StatusByURI(ctx, uri)
	if err == nil {
		return p, nil
	}
	if !IsNotFound(err) {
		return nil, err
	}
	if s.resolver == nil || s.IsLocalURI(uri) || fetchDepth(ctx) >= maxFetchDepth {
		return nil, nil
	}
	// Stored without the inbound activity's id: storing the parent must not record the Create of
	// the reply as processed, or the reply itself would then be dropped as a redelivery.
	fctx := WithActivityID(context.WithValue(ctx, fetchDepthKey{}, fetchDepth(ctx)+1), "")
	p, err = s.resolver.ResolveStatus(fctx, uri)
	if err != nil {
		s.log.DebugContext(ctx, "parent not fetched", "uri", uri, "err", err)
		return nil, nil
	}
	return p, nil
}

// resolveMentions matches mention URIs to stored actors; unknown remote ones are dropped (they
// are rendered in the HTML anyway). A local user who blocks the sender is not delivered a private
// or direct post by being mentioned in it (ORI-19).
func (s *Service) resolveMentions(ctx context.Context, from *Actor, in []Mention, vis Visibility) ([]Mention, error) {
	var out []Mention
	seen := map[string]bool{}
	for _, m := range in {
		if len(out) >= 100 || m.URI == "" || seen[m.URI] {
			continue
		}
		seen[m.URI] = true
		a, err := s.store.ActorByURI(ctx, m.URI)
		if IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if a.Local() && (vis == Private || vis == Direct || vis == Partners) {
			if blocked, err := s.store.Blocked(ctx, a.ID, from.ID); err != nil {
				return nil, err
			} else if blocked {
				continue
			}
		}
		out = append(out, Mention{ActorID: a.ID, URI: a.URI, Username: a.Username, Domain: a.Domain, URL: a.URL})
	}
	return out, nil
}

// prepareRemoteAttachments gives remote media rows their ids; they are shown by their remote URL.
func (s *Service) prepareRemoteAttachments(st *Status) {
	for i := range st.Attachments {
		a := &st.Attachments[i]
		a.ID, a.StatusID, a.ActorID, a.CreatedAt = s.NewID(), st.ID, st.ActorID, st.CreatedAt
		if a.RemoteURL == "" {
			a.RemoteURL = a.URL
		}
		if a.Type == "" {
			a.Type = "unknown"
		}
	}
}

// notifyReplied tells the local author of the parent about a reply that did not mention them.
func (s *Service) notifyReplied(ctx context.Context, st, parent *Status) error {
	if parent == nil || parent.Kind == KindQuestion || mentioned(st, parent.ActorID) {
		return nil
	}
	a, err := s.store.ActorByID(ctx, parent.ActorID)
	if err != nil || !a.Local() {
		return err
	}
	if ok, err := s.CanSee(ctx, Viewer{a}, st); err != nil || !ok {
		return err
	}
	return s.notify(ctx, a.ID, NotifyMention, st.ActorID, st.ID)
}

// ReceiveUpdateStatus applies an edit of a remote status by its author: the old version goes to
// the history. The audience never changes (ORI-12), and an older edit than the stored one is
// ignored.
func (s *Service) ReceiveUpdateStatus(ctx context.Context, from *Actor, in *Status) error {
	const op = "activitypub.ReceiveUpdateStatus"
	if err := checkSender(op, from); err != nil {
		return err
	}
	st, err := s.store.StatusByURI(ctx, in.URI)
	if IsNotFound(err) {
		return nil // Mastodon ignores edits of posts it never had
	}
	if err != nil {
		return Wrap(op, err)
	}
	if st.ActorID != from.ID || st.ReblogOfID != "" {
		return E(op, Forbidden, "only the author can update a status") // ORI-08
	}
	if st.DeletedAt != nil {
		return nil
	}
	edited := s.Now()
	switch {
	case in.EditedAt == nil:
		// No usable updated (absent, or not after published at the second): nothing to order
		// by, so the edit applies. It is stamped a little before this second (a millisecond
		// apart from the last, as stored), so that a later Update stamped to the second by its
		// origin still reads as later than this one.
		edited = edited.Truncate(time.Second).Add(-100 * time.Millisecond)
		if st.EditedAt != nil && !edited.After(*st.EditedAt) {
			edited = st.EditedAt.Add(time.Millisecond)
		}
	case !in.EditedAt.After(edited):
		edited = *in.EditedAt
		if st.EditedAt != nil && !edited.After(*st.EditedAt) {
			return nil // an older (or replayed) edit than the one stored
		}
	case st.EditedAt != nil && !edited.After(*st.EditedAt):
		return nil
	}
	prev := &StatusEdit{ID: s.NewID(), StatusID: st.ID, Content: st.Content, SpoilerText: st.SpoilerText,
		Sensitive: st.Sensitive, CreatedAt: editTime(st)}
	mentions, err := s.resolveMentions(ctx, from, in.Mentions, st.Visibility)
	if err != nil {
		return Wrap(op, err)
	}
	st.Content, st.SpoilerText, st.Sensitive, st.Title = in.Content, in.SpoilerText, in.Sensitive, in.Title
	st.Language, st.Mentions, st.Tags, st.Attachments, st.EditedAt = in.Language, mentions, in.Tags, in.Attachments, &edited
	s.prepareRemoteAttachments(st)
	if err := s.receiveAcceptedAnswer(ctx, st, in.AcceptedAnswerURI); err != nil {
		return Wrap(op, err)
	}
	err = s.receiveTx(ctx, func(ctx context.Context) error {
		if err := s.store.AddStatusEdit(ctx, prev); err != nil {
			return err
		}
		return s.store.UpdateStatus(ctx, st)
	})
	if err != nil {
		return Wrap(op, err)
	}
	s.publish(ctx, Event{Type: "status.update", StatusID: st.ID, Public: st.Visibility == Public})
	return nil
}

// ReceiveDelete handles Delete of a status or of the sender itself. Only the author may delete a
// status (ORI-09). An unknown id on the sender's origin is tombstoned, so a Create arriving late
// cannot resurrect it.
func (s *Service) ReceiveDelete(ctx context.Context, from *Actor, uri string) error {
	const op = "activitypub.ReceiveDelete"
	if from == nil || from.Local() {
		return E(op, Forbidden, "sender must be a remote actor")
	}
	if uri == from.URI {
		if from.DeletedAt != nil {
			return nil
		}
		return Wrap(op, s.deleteRemoteActor(ctx, from))
	}
	st, err := s.store.StatusByURI(ctx, uri)
	if IsNotFound(err) {
		if hostOf(uri) != hostOf(from.URI) {
			return nil
		}
		return Wrap(op, s.receiveTx(ctx, func(ctx context.Context) error {
			return s.store.AddTombstone(ctx, uri, s.Now())
		}))
	}
	if err != nil {
		return Wrap(op, err)
	}
	if st.ActorID != from.ID {
		return E(op, Forbidden, "only the author can delete a status")
	}
	if st.DeletedAt != nil {
		return nil
	}
	err = s.receiveTx(ctx, func(ctx context.Context) error {
		if err := s.deleteStatusRows(ctx, st); err != nil {
			return err
		}
		return s.store.AddTombstone(ctx, uri, s.Now())
	})
	if err != nil {
		return Wrap(op, err)
	}
	s.publish(ctx, Event{Type: "delete", StatusID: st.ID, Public: st.Visibility == Public})
	return nil
}

// deleteStatusRows tombstones a status and fixes the counters it contributed to.
func (s *Service) deleteStatusRows(ctx context.Context, st *Status) error {
	if st.DeletedAt != nil {
		return nil
	}
	if err := s.store.MarkStatusDeleted(ctx, st.ID, s.Now()); err != nil {
		return err
	}
	if st.ReblogOfID != "" {
		if err := s.store.AdjustStatusCounts(ctx, st.ReblogOfID, 0, -1, 0); err != nil && !IsNotFound(err) {
			return err
		}
		return nil
	}
	if err := s.store.AdjustActorCounts(ctx, st.ActorID, 0, 0, -1); err != nil {
		return err
	}
	if st.InReplyToID != "" {
		if err := s.store.AdjustStatusCounts(ctx, st.InReplyToID, -1, 0, 0); err != nil && !IsNotFound(err) {
			return err
		}
	}
	return nil
}

// ReceiveLike records a remote like of a local status the sender can see; likes of anything else
// are ignored, as Mastodon does.
func (s *Service) ReceiveLike(ctx context.Context, from *Actor, likeURI, statusURI string) error {
	const op = "activitypub.ReceiveLike"
	if err := checkSender(op, from); err != nil {
		return err
	}
	st, err := s.store.StatusByURI(ctx, statusURI)
	if IsNotFound(err) {
		return nil
	}
	if err != nil {
		return Wrap(op, err)
	}
	if !st.Local || st.ReblogOfID != "" {
		return nil
	}
	if ok, err := s.CanSee(ctx, Viewer{from}, st); err != nil || !ok {
		return Wrap(op, err)
	}
	if _, err := s.store.FavouriteBetween(ctx, from.ID, st.ID); err == nil {
		return nil
	} else if !IsNotFound(err) {
		return Wrap(op, err)
	}
	f := &Favourite{ID: s.NewID(), URI: likeURI, ActorID: from.ID, StatusID: st.ID, CreatedAt: s.Now()}
	err = s.receiveTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateFavourite(ctx, f); err != nil {
			return err
		}
		if err := s.store.AdjustStatusCounts(ctx, st.ID, 0, 0, 1); err != nil {
			return err
		}
		return s.notify(ctx, st.ActorID, NotifyFavourite, from.ID, st.ID)
	})
	if KindOf(err) == Conflict {
		return nil
	}
	return Wrap(op, err)
}

// ReceiveAnnounce records a remote boost of a stored status (orig, which federation fetched from
// its origin or found stored; an embedded copy is never trusted, ORI-07). A boost of a boost is
// refused; boosts of private posts, of posts by suspended actors (ORI-20) and of posts whose local
// author blocks the booster are ignored.
func (s *Service) ReceiveAnnounce(ctx context.Context, from *Actor, boostURI string, orig *Status, published time.Time, vis Visibility) (*Status, error) {
	const op = "activitypub.ReceiveAnnounce"
	if err := checkSender(op, from); err != nil {
		return nil, err
	}
	if orig.ReblogOfID != "" {
		return nil, E(op, Invalid, "a boost of a boost is not allowed")
	}
	if existing, err := s.store.StatusByURI(ctx, boostURI); err == nil {
		return existing, nil
	} else if !IsNotFound(err) {
		return nil, Wrap(op, err)
	}
	if orig.DeletedAt != nil || (orig.Visibility != Public && orig.Visibility != Unlisted) {
		return nil, nil
	}
	author, err := s.store.ActorByID(ctx, orig.ActorID)
	if err != nil {
		return nil, Wrap(op, err)
	}
	if author.SuspendedAt != nil || author.DeletedAt != nil {
		return nil, nil
	}
	if blocked, err := s.store.Blocked(ctx, author.ID, from.ID); err != nil || (blocked && author.Local()) {
		return nil, Wrap(op, err)
	}
	if b, err := s.store.ReblogOf(ctx, from.ID, orig.ID); err == nil {
		return b, nil
	} else if !IsNotFound(err) {
		return nil, Wrap(op, err)
	}
	if vis != Unlisted {
		vis = Public
	}
	if published.IsZero() || published.After(s.Now()) {
		published = s.Now()
	}
	b := &Status{ID: s.NewID(), URI: boostURI, ActorID: from.ID, ReblogOfID: orig.ID, ObjectType: "Announce",
		Kind: KindPost, Visibility: vis, CreatedAt: published, ContextURI: orig.ContextURI}
	var homes []string
	err = s.receiveTx(ctx, func(ctx context.Context) error {
		var err error
		homes, err = s.storeBoost(ctx, b, orig, author)
		return err
	})
	if err != nil {
		if errors.Is(err, ErrAlreadySeen) {
			return nil, err
		}
		return nil, Wrap(op, err)
	}
	s.publish(ctx, Event{Type: "update", UserIDs: homes, StatusID: b.ID, Public: vis == Public})
	return s.store.StatusByID(ctx, b.ID)
}
