package activitypub

import "context"

// Relationship is how a viewer relates to another actor, as Mastodon clients show it.
type Relationship struct {
	ID                  string
	Following           bool
	Requested           bool
	FollowedBy          bool
	RequestedBy         bool
	Blocking            bool
	BlockedBy           bool
	Muting              bool
	MutingNotifications bool
	ShowingReblogs      bool
	Notifying           bool
}

// Relationship computes the relationship of viewer to target.
func (s *Service) Relationship(ctx context.Context, viewerID, targetID string) (*Relationship, error) {
	const op = "activitypub.Relationship"
	r := &Relationship{ID: targetID}
	if f, err := s.store.FollowBetween(ctx, viewerID, targetID); err == nil {
		r.Following, r.Requested = f.State == FollowAccepted, f.State == FollowPending
		r.ShowingReblogs, r.Notifying = f.ShowReblogs, f.Notify
	} else if !IsNotFound(err) {
		return nil, Wrap(op, err)
	}
	if f, err := s.store.FollowBetween(ctx, targetID, viewerID); err == nil {
		r.FollowedBy, r.RequestedBy = f.State == FollowAccepted, f.State == FollowPending
	} else if !IsNotFound(err) {
		return nil, Wrap(op, err)
	}
	if _, err := s.store.BlockBetween(ctx, viewerID, targetID); err == nil {
		r.Blocking = true
	} else if !IsNotFound(err) {
		return nil, Wrap(op, err)
	}
	if _, err := s.store.BlockBetween(ctx, targetID, viewerID); err == nil {
		r.BlockedBy = true
	} else if !IsNotFound(err) {
		return nil, Wrap(op, err)
	}
	muted, err := s.store.Muted(ctx, viewerID, targetID)
	if err != nil {
		return nil, Wrap(op, err)
	}
	r.Muting, r.MutingNotifications = muted, muted
	return r, nil
}

// Follow makes a local account follow an actor. A local unlocked target accepts at once; a locked
// or remote target leaves the follow pending until it accepts.
func (s *Service) Follow(ctx context.Context, by *Account, targetID string, showReblogs, notify bool) (*Relationship, error) {
	const op = "activitypub.Follow"
	target, err := s.store.ActorByID(ctx, targetID)
	if err != nil {
		return nil, Wrap(op, err)
	}
	if target.ID == by.Actor.ID {
		return nil, E(op, Invalid, "you cannot follow yourself")
	}
	if target.SuspendedAt != nil || target.DeletedAt != nil {
		return nil, E(op, NotFound, "Record not found")
	}
	if blocked, err := s.store.Blocked(ctx, by.Actor.ID, target.ID); err != nil {
		return nil, Wrap(op, err)
	} else if blocked {
		return nil, E(op, Forbidden, "you cannot follow this account")
	}
	if _, err := s.store.FollowBetween(ctx, by.Actor.ID, target.ID); err == nil {
		return s.Relationship(ctx, by.Actor.ID, target.ID)
	} else if !IsNotFound(err) {
		return nil, Wrap(op, err)
	}
	id := s.NewID()
	f := &Follow{ID: id, URI: by.Actor.URI + "#follows/" + id, FollowerID: by.Actor.ID, FolloweeID: target.ID,
		State: FollowPending, ShowReblogs: showReblogs, Notify: notify, CreatedAt: s.Now()}
	autoAccept := target.Local() && !target.ManuallyApproves
	err = s.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateFollow(ctx, f); err != nil {
			return err
		}
		if autoAccept {
			return s.acceptFollow(ctx, f, target, by.Actor.ID)
		}
		if target.Local() {
			return s.notify(ctx, target.ID, NotifyFollowRequest, by.Actor.ID, "")
		}
		return s.enqueue(ctx, &by.Actor, Activity{ID: f.URI, Type: "Follow", Object: target.URI, To: []string{target.URI}})
	})
	if err != nil {
		return nil, Wrap(op, err)
	}
	return s.Relationship(ctx, by.Actor.ID, target.ID)
}

// acceptFollow marks a follow accepted, updates counters, notifies a local followee and tells a
// remote follower. It runs inside the caller's transaction.
func (s *Service) acceptFollow(ctx context.Context, f *Follow, followee *Actor, followerID string) error {
	if err := s.store.AcceptFollow(ctx, f.ID); err != nil {
		return err
	}
	if err := s.store.AdjustActorCounts(ctx, followee.ID, 1, 0, 0); err != nil {
		return err
	}
	if err := s.store.AdjustActorCounts(ctx, followerID, 0, 1, 0); err != nil {
		return err
	}
	if followee.Local() {
		if err := s.notify(ctx, followee.ID, NotifyFollow, followerID, ""); err != nil {
			return err
		}
	}
	follower, err := s.store.ActorByID(ctx, followerID)
	if err != nil {
		return err
	}
	if followee.Local() && !follower.Local() {
		return s.enqueue(ctx, followee, Activity{
			ID: followee.URI + "#accepts/follows/" + f.ID, Type: "Accept", Object: f.URI, To: []string{follower.URI},
			Inner: &Activity{ID: f.URI, Type: "Follow", Actor: follower.URI, Object: followee.URI},
		})
	}
	return nil
}

// Unfollow ends a follow or withdraws a request, and removes the followee's posts from home.
func (s *Service) Unfollow(ctx context.Context, by *Account, targetID string) (*Relationship, error) {
	const op = "activitypub.Unfollow"
	target, err := s.store.ActorByID(ctx, targetID)
	if err != nil {
		return nil, Wrap(op, err)
	}
	f, err := s.store.FollowBetween(ctx, by.Actor.ID, target.ID)
	if IsNotFound(err) {
		return s.Relationship(ctx, by.Actor.ID, target.ID)
	}
	if err != nil {
		return nil, Wrap(op, err)
	}
	err = s.InTx(ctx, func(ctx context.Context) error {
		return s.removeFollow(ctx, f, &by.Actor, target, true)
	})
	if err != nil {
		return nil, Wrap(op, err)
	}
	return s.Relationship(ctx, by.Actor.ID, target.ID)
}

// removeFollow deletes a follow, fixing counters and home timelines; federate sends the Undo when
// the follower is local and the followee remote.
func (s *Service) removeFollow(ctx context.Context, f *Follow, follower, followee *Actor, federate bool) error {
	if err := s.store.DeleteFollow(ctx, f.ID); err != nil {
		return err
	}
	if f.State == FollowAccepted {
		if err := s.store.AdjustActorCounts(ctx, followee.ID, -1, 0, 0); err != nil {
			return err
		}
		if err := s.store.AdjustActorCounts(ctx, follower.ID, 0, -1, 0); err != nil {
			return err
		}
	}
	if follower.Local() {
		if err := s.store.RemoveActorFromHome(ctx, follower.ID, followee.ID); err != nil {
			return err
		}
	}
	if federate && follower.Local() && !followee.Local() {
		return s.enqueue(ctx, follower, Activity{
			ID: f.URI + "/undo", Type: "Undo", Object: f.URI, To: []string{followee.URI},
			Inner: &Activity{ID: f.URI, Type: "Follow", Actor: follower.URI, Object: followee.URI},
		})
	}
	return nil
}

// AuthorizeFollowRequest accepts a pending follow of a locked local account.
func (s *Service) AuthorizeFollowRequest(ctx context.Context, by *Account, followerID string) (*Relationship, error) {
	const op = "activitypub.AuthorizeFollowRequest"
	f, err := s.store.FollowBetween(ctx, followerID, by.Actor.ID)
	if err != nil {
		return nil, Wrap(op, err)
	}
	if f.State == FollowPending {
		err = s.InTx(ctx, func(ctx context.Context) error {
			return s.acceptFollow(ctx, f, &by.Actor, followerID)
		})
		if err != nil {
			return nil, Wrap(op, err)
		}
	}
	return s.Relationship(ctx, by.Actor.ID, followerID)
}

// RejectFollowRequest refuses a pending follow of a locked local account.
func (s *Service) RejectFollowRequest(ctx context.Context, by *Account, followerID string) (*Relationship, error) {
	const op = "activitypub.RejectFollowRequest"
	f, err := s.store.FollowBetween(ctx, followerID, by.Actor.ID)
	if err != nil {
		return nil, Wrap(op, err)
	}
	if f.State != FollowPending {
		return s.Relationship(ctx, by.Actor.ID, followerID)
	}
	follower, err := s.store.ActorByID(ctx, followerID)
	if err != nil {
		return nil, Wrap(op, err)
	}
	err = s.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.DeleteFollow(ctx, f.ID); err != nil {
			return err
		}
		if follower.Local() {
			return nil
		}
		return s.enqueue(ctx, &by.Actor, Activity{
			ID: by.Actor.URI + "#rejects/follows/" + f.ID, Type: "Reject", Object: f.URI, To: []string{follower.URI},
			Inner: &Activity{ID: f.URI, Type: "Follow", Actor: follower.URI, Object: by.Actor.URI},
		})
	})
	if err != nil {
		return nil, Wrap(op, err)
	}
	return s.Relationship(ctx, by.Actor.ID, followerID)
}

// Block stops target from following or interacting with a local account, and ends follows both ways.
func (s *Service) Block(ctx context.Context, by *Account, targetID string) (*Relationship, error) {
	const op = "activitypub.Block"
	target, err := s.store.ActorByID(ctx, targetID)
	if err != nil {
		return nil, Wrap(op, err)
	}
	if target.ID == by.Actor.ID {
		return nil, E(op, Invalid, "you cannot block yourself")
	}
	if _, err := s.store.BlockBetween(ctx, by.Actor.ID, target.ID); err == nil {
		return s.Relationship(ctx, by.Actor.ID, target.ID)
	}
	id := s.NewID()
	b := &Block{ID: id, URI: by.Actor.URI + "#blocks/" + id, ActorID: by.Actor.ID, TargetID: target.ID, CreatedAt: s.Now()}
	err = s.InTx(ctx, func(ctx context.Context) error {
		for _, pair := range [][2]*Actor{{&by.Actor, target}, {target, &by.Actor}} {
			f, err := s.store.FollowBetween(ctx, pair[0].ID, pair[1].ID)
			if IsNotFound(err) {
				continue
			}
			if err != nil {
				return err
			}
			if err := s.removeFollow(ctx, f, pair[0], pair[1], pair[0].Local()); err != nil {
				return err
			}
		}
		if err := s.store.CreateBlock(ctx, b); err != nil {
			return err
		}
		if target.Local() {
			return nil
		}
		return s.enqueue(ctx, &by.Actor, Activity{ID: b.URI, Type: "Block", Object: target.URI, To: []string{target.URI}})
	})
	if err != nil {
		return nil, Wrap(op, err)
	}
	return s.Relationship(ctx, by.Actor.ID, target.ID)
}

// Unblock lifts a block.
func (s *Service) Unblock(ctx context.Context, by *Account, targetID string) (*Relationship, error) {
	const op = "activitypub.Unblock"
	target, err := s.store.ActorByID(ctx, targetID)
	if err != nil {
		return nil, Wrap(op, err)
	}
	b, err := s.store.BlockBetween(ctx, by.Actor.ID, target.ID)
	if IsNotFound(err) {
		return s.Relationship(ctx, by.Actor.ID, target.ID)
	}
	if err != nil {
		return nil, Wrap(op, err)
	}
	err = s.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.DeleteBlock(ctx, b.ID); err != nil {
			return err
		}
		if target.Local() {
			return nil
		}
		return s.enqueue(ctx, &by.Actor, Activity{
			ID: b.URI + "/undo", Type: "Undo", Object: b.URI, To: []string{target.URI},
			Inner: &Activity{ID: b.URI, Type: "Block", Actor: by.Actor.URI, Object: target.URI},
		})
	})
	if err != nil {
		return nil, Wrap(op, err)
	}
	return s.Relationship(ctx, by.Actor.ID, target.ID)
}

// Mute hides target's posts and notifications from a local user; it never federates.
func (s *Service) Mute(ctx context.Context, by *Account, targetID string, notifications bool) (*Relationship, error) {
	const op = "activitypub.Mute"
	if _, err := s.store.ActorByID(ctx, targetID); err != nil {
		return nil, Wrap(op, err)
	}
	if err := s.store.SetMute(ctx, &Mute{ActorID: by.Actor.ID, TargetID: targetID, Notifications: notifications, CreatedAt: s.Now()}); err != nil {
		return nil, Wrap(op, err)
	}
	return s.Relationship(ctx, by.Actor.ID, targetID)
}

// Unmute lifts a mute.
func (s *Service) Unmute(ctx context.Context, by *Account, targetID string) (*Relationship, error) {
	if err := s.store.DeleteMute(ctx, by.Actor.ID, targetID); err != nil && !IsNotFound(err) {
		return nil, Wrap("activitypub.Unmute", err)
	}
	return s.Relationship(ctx, by.Actor.ID, targetID)
}
