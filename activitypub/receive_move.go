package activitypub

import (
	"context"
	"time"
)

// MoveStore records account migrations. The storage adapter implements it next to Store; a store
// without it cannot apply Moves.
type MoveStore interface {
	// SetMovedTo records that actorID moved to targetID, replacing an earlier record.
	SetMovedTo(ctx context.Context, actorID, targetID string, at time.Time) error
	// MovedTo returns the id of the actor actorID moved to; NotFound when it never moved.
	MovedTo(ctx context.Context, actorID string) (string, error)
}

// MovedTo returns the actor a remote actor announced it moved to; NotFound when it did not.
func (s *Service) MovedTo(ctx context.Context, actorID string) (*Actor, error) {
	const op = "activitypub.MovedTo"
	ms, ok := s.store.(MoveStore)
	if !ok {
		return nil, E(op, NotFound, "no moves recorded")
	}
	id, err := ms.MovedTo(ctx, actorID)
	if err != nil {
		return nil, Wrap(op, err)
	}
	a, err := s.store.ActorByID(ctx, id)
	return a, Wrap(op, err)
}

// ReceiveMove applies an account Move: from moved to target. The caller has checked that from
// signed it and that target, fetched from its own origin, lists from in its alsoKnownAs; the
// domain refuses what no check of documents can see (ORI-13): a move to itself, to a suspended or
// deleted actor, to a local actor, and chains (a target that has itself moved), which is how an
// A→B→A loop would ping-pong every follower. The move is recorded (movedTo), then every local
// follower of from follows target with the same settings and stops following from. A follower
// that cannot follow target (it blocks it, say) just stops following from, as on Mastodon.
func (s *Service) ReceiveMove(ctx context.Context, from, target *Actor) error {
	const op = "activitypub.ReceiveMove"
	if err := checkSender(op, from); err != nil {
		return err
	}
	switch {
	case target == nil || target.ID == from.ID:
		return E(op, Invalid, "an account cannot move to itself")
	case target.Local():
		return E(op, Invalid, "moves to local accounts are not accepted")
	case target.SuspendedAt != nil || target.DeletedAt != nil:
		return E(op, Invalid, "the move target is suspended or deleted")
	}
	ms, ok := s.store.(MoveStore)
	if !ok {
		return E(op, Invalid, "this store cannot record moves")
	}
	if _, err := ms.MovedTo(ctx, target.ID); err == nil {
		return E(op, Invalid, "the move target has itself moved")
	} else if !IsNotFound(err) {
		return Wrap(op, err)
	}
	followers, err := s.store.LocalFollowerIDs(ctx, from.ID)
	if err != nil {
		return Wrap(op, err)
	}
	return Wrap(op, s.receiveTx(ctx, func(ctx context.Context) error {
		if err := ms.SetMovedTo(ctx, from.ID, target.ID, s.Now()); err != nil {
			return err
		}
		for _, id := range followers {
			if err := s.moveFollower(ctx, id, from, target); err != nil {
				return err
			}
		}
		return nil
	}))
}

// moveFollower makes one local follower of from follow target instead.
func (s *Service) moveFollower(ctx context.Context, followerID string, from, target *Actor) error {
	acct, err := s.AccountByActorID(ctx, followerID)
	if err != nil {
		return err
	}
	old, err := s.store.FollowBetween(ctx, followerID, from.ID)
	if err != nil {
		return err
	}
	if _, err := s.Follow(ctx, acct, target.ID, old.ShowReblogs, old.Notify); err != nil {
		if k := KindOf(err); k == Other {
			return err
		}
		s.log.DebugContext(ctx, "move: follower not moved to the target", "follower", acct.Actor.URI,
			"target", target.URI, "err", err)
	}
	_, err = s.Unfollow(ctx, acct, from.ID)
	return err
}
