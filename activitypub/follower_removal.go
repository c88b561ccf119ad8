package activitypub

import "context"

// RemoveFollower ends someone's follow of a local account without blocking them, as Mastodon's
// "remove from followers" does. A pending request is refused the same way. A remote follower's
// server gets a Reject of the Follow, which is how Mastodon tells it the follow is over; they can
// ask again later. Removing someone who does not follow is a no-op.
func (s *Service) RemoveFollower(ctx context.Context, by *Account, followerID string) (*Relationship, error) {
	const op = "activitypub.RemoveFollower"
	f, err := s.store.FollowBetween(ctx, followerID, by.Actor.ID)
	if IsNotFound(err) {
		return s.Relationship(ctx, by.Actor.ID, followerID)
	}
	if err != nil {
		return nil, Wrap(op, err)
	}
	follower, err := s.store.ActorByID(ctx, followerID)
	if err != nil {
		return nil, Wrap(op, err)
	}
	err = s.InTx(ctx, func(ctx context.Context) error {
		if err := s.removeFollow(ctx, f, follower, &by.Actor, false); err != nil {
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
