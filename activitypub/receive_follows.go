package activitypub

import (
	"context"
	"errors"
)

// ReceiveFollow handles a remote Follow of a local actor, as Mastodon does: an unlocked account
// accepts at once (an Accept is queued), a locked one gets a follow request; a Follow repeated with
// a new id for a follow already accepted is answered with a fresh Accept, because the remote
// evidently lost the first one. A local account that blocks the follower answers Reject.
func (s *Service) ReceiveFollow(ctx context.Context, from *Actor, followURI string, target *Actor) error {
	const op = "activitypub.ReceiveFollow"
	if err := checkSender(op, from); err != nil {
		return err
	}
	if !target.Local() {
		return E(op, Invalid, "follow target is not on this server")
	}
	if target.SuspendedAt != nil || target.DeletedAt != nil {
		return E(op, NotFound, "Record not found")
	}
	inner := &Activity{ID: followURI, Type: "Follow", Actor: from.URI, Object: target.URI}
	blocked, err := s.store.Blocked(ctx, target.ID, from.ID)
	if err != nil {
		return Wrap(op, err)
	}
	if blocked {
		return Wrap(op, s.receiveTx(ctx, func(ctx context.Context) error {
			return s.enqueue(ctx, target, Activity{ID: target.URI + "#rejects/follows/" + s.NewID(), Type: "Reject",
				Object: followURI, To: []string{from.URI}, Inner: inner})
		}))
	}
	existing, err := s.store.FollowBetween(ctx, from.ID, target.ID)
	switch {
	case err == nil && existing.State == FollowAccepted:
		if existing.URI == followURI {
			return nil
		}
		return Wrap(op, s.receiveTx(ctx, func(ctx context.Context) error {
			return s.enqueue(ctx, target, Activity{ID: target.URI + "#accepts/follows/" + s.NewID(), Type: "Accept",
				Object: followURI, To: []string{from.URI}, Inner: inner})
		}))
	case err == nil:
		return nil // still pending: the local user has not decided yet
	case !IsNotFound(err):
		return Wrap(op, err)
	}
	f := &Follow{ID: s.NewID(), URI: followURI, FollowerID: from.ID, FolloweeID: target.ID,
		State: FollowPending, ShowReblogs: true, CreatedAt: s.Now()}
	err = s.receiveTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateFollow(ctx, f); err != nil {
			return err
		}
		if !target.ManuallyApproves {
			return s.acceptFollow(ctx, f, target, from.ID)
		}
		return s.notify(ctx, target.ID, NotifyFollowRequest, from.ID, "")
	})
	return Wrap(op, err)
}

// findFollow finds the follow an Accept, Reject or Undo refers to: by the Follow's id, else (some
// servers send only the pair) by follower and followee.
func (s *Service) findFollow(ctx context.Context, followURI, followerURI, followeeURI string) (*Follow, error) {
	f, err := s.store.FollowByURI(ctx, followURI)
	if err == nil || !IsNotFound(err) || followerURI == "" || followeeURI == "" {
		return f, err
	}
	follower, err := s.store.ActorByURI(ctx, followerURI)
	if err != nil {
		return nil, err
	}
	followee, err := s.store.ActorByURI(ctx, followeeURI)
	if err != nil {
		return nil, err
	}
	return s.store.FollowBetween(ctx, follower.ID, followee.ID)
}

// followAnsweredBy finds the local follow that from accepts or rejects. An unknown follow is
// (nil, nil): a late or duplicate answer is a no-op. Only the followee may answer (ORI-11).
func (s *Service) followAnsweredBy(ctx context.Context, op string, from *Actor, followURI, followerURI string) (*Follow, error) {
	if err := checkSender(op, from); err != nil {
		return nil, err
	}
	f, err := s.findFollow(ctx, followURI, followerURI, from.URI)
	if IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, Wrap(op, err)
	}
	if f.FolloweeID != from.ID {
		return nil, E(op, Forbidden, "only the followee can answer a follow")
	}
	return f, nil
}

// ReceiveAccept marks a local actor's pending follow of from as accepted. Only the followee may
// accept (ORI-11).
func (s *Service) ReceiveAccept(ctx context.Context, from *Actor, followURI, followerURI string) error {
	const op = "activitypub.ReceiveAccept"
	f, err := s.followAnsweredBy(ctx, op, from, followURI, followerURI)
	if f == nil || err != nil {
		return err
	}
	if f.State == FollowAccepted {
		return nil
	}
	return Wrap(op, s.receiveTx(ctx, func(ctx context.Context) error {
		return s.acceptFollow(ctx, f, from, f.FollowerID)
	}))
}

// ReceiveReject ends a local actor's follow (pending or accepted) of from. Only the followee may
// reject (ORI-11).
func (s *Service) ReceiveReject(ctx context.Context, from *Actor, followURI, followerURI string) error {
	const op = "activitypub.ReceiveReject"
	f, err := s.followAnsweredBy(ctx, op, from, followURI, followerURI)
	if f == nil || err != nil {
		return err
	}
	follower, err := s.store.ActorByID(ctx, f.FollowerID)
	if err != nil {
		return Wrap(op, err)
	}
	return Wrap(op, s.receiveTx(ctx, func(ctx context.Context) error {
		return s.removeFollow(ctx, f, follower, from, false)
	}))
}

// ReceiveBlock records that a remote actor blocks a local one and ends their follows both ways,
// as Mastodon does.
func (s *Service) ReceiveBlock(ctx context.Context, from *Actor, blockURI string, target *Actor) error {
	const op = "activitypub.ReceiveBlock"
	if err := checkSender(op, from); err != nil {
		return err
	}
	if !target.Local() {
		return E(op, Invalid, "block target is not on this server")
	}
	if _, err := s.store.BlockBetween(ctx, from.ID, target.ID); err == nil {
		return nil
	} else if !IsNotFound(err) {
		return Wrap(op, err)
	}
	b := &Block{ID: s.NewID(), URI: blockURI, ActorID: from.ID, TargetID: target.ID, CreatedAt: s.Now()}
	return Wrap(op, s.receiveTx(ctx, func(ctx context.Context) error {
		for _, pair := range [][2]*Actor{{from, target}, {target, from}} {
			f, err := s.store.FollowBetween(ctx, pair[0].ID, pair[1].ID)
			if IsNotFound(err) {
				continue
			}
			if err != nil {
				return err
			}
			if err := s.removeFollow(ctx, f, pair[0], pair[1], false); err != nil {
				return err
			}
		}
		return s.store.CreateBlock(ctx, b)
	}))
}

// Undone names what an Undo undoes: the inner activity's type and id, and its object (for servers
// whose inner id we never stored).
type Undone struct {
	Type   string
	URI    string
	Object string
}

// ReceiveUndo reverses a Follow, Like, Announce or Block of from's. Undoing someone else's activity
// is refused (ORI-10); undoing something unknown is a no-op.
func (s *Service) ReceiveUndo(ctx context.Context, from *Actor, u Undone) error {
	const op = "activitypub.ReceiveUndo"
	if from == nil || from.Local() {
		return E(op, Forbidden, "sender must be a remote actor")
	}
	undo := map[string]func(context.Context, *Actor, Undone) error{
		"Follow": s.undoFollow, "Like": s.undoLike, "Announce": s.undoAnnounce, "Block": s.undoBlock,
	}
	types := []string{u.Type}
	if u.Type == "" { // the Undo named only an id: find which of ours it is
		types = []string{"Follow", "Like", "Announce", "Block"}
	}
	for _, t := range types {
		fn, ok := undo[t]
		if !ok {
			return nil
		}
		err := fn(ctx, from, u)
		if IsNotFound(err) || errors.Is(err, errIgnore) {
			continue
		}
		return Wrap(op, err)
	}
	return nil
}

func (s *Service) undoFollow(ctx context.Context, from *Actor, u Undone) error {
	f, err := s.findFollow(ctx, u.URI, from.URI, u.Object)
	if err != nil {
		return err
	}
	if f.FollowerID != from.ID {
		return E("activitypub.ReceiveUndo", Forbidden, "only the follower can undo a follow")
	}
	followee, err := s.store.ActorByID(ctx, f.FolloweeID)
	if err != nil {
		return err
	}
	return s.receiveTx(ctx, func(ctx context.Context) error {
		return s.removeFollow(ctx, f, from, followee, false)
	})
}

func (s *Service) undoLike(ctx context.Context, from *Actor, u Undone) error {
	f, err := s.store.FavouriteByURI(ctx, u.URI)
	if IsNotFound(err) && u.Object != "" {
		st, err2 := s.store.StatusByURI(ctx, u.Object)
		if err2 != nil {
			return err2
		}
		f, err = s.store.FavouriteBetween(ctx, from.ID, st.ID)
	}
	if err != nil {
		return err
	}
	if f.ActorID != from.ID {
		return E("activitypub.ReceiveUndo", Forbidden, "only the liker can undo a like")
	}
	return s.receiveTx(ctx, func(ctx context.Context) error {
		if err := s.store.DeleteFavourite(ctx, f.ID); err != nil {
			return err
		}
		return s.store.AdjustStatusCounts(ctx, f.StatusID, 0, 0, -1)
	})
}

func (s *Service) undoAnnounce(ctx context.Context, from *Actor, u Undone) error {
	b, err := s.store.StatusByURI(ctx, u.URI)
	if IsNotFound(err) && u.Object != "" {
		orig, err2 := s.store.StatusByURI(ctx, u.Object)
		if err2 != nil {
			return err2
		}
		b, err = s.store.ReblogOf(ctx, from.ID, orig.ID)
	}
	if err != nil {
		return err
	}
	if b.ActorID != from.ID || b.ReblogOfID == "" {
		return E("activitypub.ReceiveUndo", Forbidden, "only the booster can undo a boost")
	}
	if b.DeletedAt != nil {
		return nil
	}
	err = s.receiveTx(ctx, func(ctx context.Context) error { return s.deleteStatusRows(ctx, b) })
	if err == nil {
		s.publish(ctx, Event{Type: "delete", StatusID: b.ID, Public: b.Visibility == Public})
	}
	return err
}

func (s *Service) undoBlock(ctx context.Context, from *Actor, u Undone) error {
	b, err := s.store.BlockByURI(ctx, u.URI)
	if IsNotFound(err) && u.Object != "" {
		target, err2 := s.store.ActorByURI(ctx, u.Object)
		if err2 != nil {
			return err2
		}
		b, err = s.store.BlockBetween(ctx, from.ID, target.ID)
	}
	if err != nil {
		return err
	}
	if b.ActorID != from.ID {
		return E("activitypub.ReceiveUndo", Forbidden, "only the blocker can undo a block")
	}
	return s.receiveTx(ctx, func(ctx context.Context) error { return s.store.DeleteBlock(ctx, b.ID) })
}
