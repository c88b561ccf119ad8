package activitypub

import "context"

// RemoveFollower ends another actor's follow of a local account (Mastodon's "remove from
// followers", a group moderator's "remove member"). A remote follower's server hears a Reject of
// its Follow, which Mastodon and Guildhall take as the end of an accepted follow too.
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
		if follower.Local() || f.URI == "" {
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
