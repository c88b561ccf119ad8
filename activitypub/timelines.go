package activitypub

import "context"

// HomeTimeline lists what a local user follows, with their own posts, newest first.
func (s *Service) HomeTimeline(ctx context.Context, acct *Account, p Page) ([]*Status, error) {
	sts, err := s.store.HomeTimeline(ctx, acct.Actor.ID, ClampPage(p))
	return sts, Wrap("activitypub.HomeTimeline", err)
}

// PublicTimeline lists public statuses. The local timeline (local and not remote) of a signed-in
// local user also holds local-only ("internal") posts, as in the forks of Mastodon that have
// local-only posting (glitch-soc, Hometown); anonymous viewers and remote ones never see them.
func (s *Service) PublicTimeline(ctx context.Context, v Viewer, local, remote bool, p Page) ([]*Status, error) {
	const op = "activitypub.PublicTimeline"
	var sts []*Status
	var err error
	if local && !remote && v.Actor != nil && v.Actor.Local() {
		sts, err = s.store.CouncilTimeline(ctx, ClampPage(p))
	} else {
		sts, err = s.store.PublicTimeline(ctx, local, remote, ClampPage(p))
	}
	if err != nil {
		return nil, Wrap(op, err)
	}
	return s.Visible(ctx, v, sts)
}

// TagTimeline lists public statuses with a hashtag.
func (s *Service) TagTimeline(ctx context.Context, v Viewer, tag string, localOnly bool, p Page) ([]*Status, error) {
	const op = "activitypub.TagTimeline"
	sts, err := s.store.TagTimeline(ctx, tag, localOnly, ClampPage(p))
	if err != nil {
		return nil, Wrap(op, err)
	}
	return s.Visible(ctx, v, sts)
}

// ActorStatuses lists an actor's statuses the viewer may see.
func (s *Service) ActorStatuses(ctx context.Context, v Viewer, actorID string, f StatusFilter, p Page) ([]*Status, error) {
	const op = "activitypub.ActorStatuses"
	vis, err := s.visibleSet(ctx, v.Actor, actorID)
	if err != nil {
		return nil, Wrap(op, err)
	}
	if v.Actor != nil {
		if blocked, err := s.store.Blocked(ctx, v.Actor.ID, actorID); err != nil {
			return nil, Wrap(op, err)
		} else if blocked {
			return []*Status{}, nil
		}
	}
	f.MaxVisibility = vis
	sts, err := s.store.ActorStatuses(ctx, actorID, f, ClampPage(p))
	if err != nil {
		return nil, Wrap(op, err)
	}
	return s.Visible(ctx, v, sts)
}

// Notifications lists a local user's notifications.
func (s *Service) Notifications(ctx context.Context, acct *Account, f NotificationFilter, p Page) ([]*Notification, error) {
	ns, err := s.store.Notifications(ctx, acct.Actor.ID, f, ClampPage(p))
	return ns, Wrap("activitypub.Notifications", err)
}
