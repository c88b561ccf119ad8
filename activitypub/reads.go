package activitypub

import "context"

// The read use cases the surfaces (client API, web UI, streaming) list and look things up with.
// They return rows as stored, in the order asked for; page-size rules are the surface's, so a
// Page passes through unchanged. What a viewer may see is decided by CanSee and StatusViews.

// AuthorGone reports whether an actor's posts and profile must not be shown: unknown, deleted,
// or suspended by an administrator or a domain block.
func AuthorGone(a *Actor) bool {
	return a == nil || a.SuspendedAt != nil || a.DeletedAt != nil
}

// ActorByID returns an actor as stored, whatever its state; AuthorGone says whether to show it.
func (s *Service) ActorByID(ctx context.Context, id string) (*Actor, error) {
	a, err := s.store.ActorByID(ctx, id)
	return a, Wrap("activitypub.ActorByID", err)
}

// ActorByHandle returns the actor username@domain ("" for a local one) as stored.
func (s *Service) ActorByHandle(ctx context.Context, username, domain string) (*Actor, error) {
	a, err := s.store.ActorByUsername(ctx, username, domain)
	return a, Wrap("activitypub.ActorByHandle", err)
}

// ActorsByIDs loads actors in the order of ids, skipping unknown ones.
func (s *Service) ActorsByIDs(ctx context.Context, ids []string) ([]*Actor, error) {
	if len(ids) == 0 {
		return []*Actor{}, nil
	}
	as, err := s.store.ActorsByIDs(ctx, ids)
	if err != nil {
		return nil, Wrap("activitypub.ActorsByIDs", err)
	}
	byID := make(map[string]*Actor, len(as))
	for _, a := range as {
		byID[a.ID] = a
	}
	out := make([]*Actor, 0, len(ids))
	for _, id := range ids {
		if a := byID[id]; a != nil {
			out = append(out, a)
		}
	}
	return out, nil
}

// StatusesByIDs loads statuses in the order of ids, skipping unknown ones. It does not check
// visibility: pass the result through CanSee or StatusViews before showing it.
func (s *Service) StatusesByIDs(ctx context.Context, ids []string) ([]*Status, error) {
	if len(ids) == 0 {
		return []*Status{}, nil
	}
	sts, err := s.store.StatusesByIDs(ctx, ids)
	if err != nil {
		return nil, Wrap("activitypub.StatusesByIDs", err)
	}
	byID := make(map[string]*Status, len(sts))
	for _, st := range sts {
		byID[st.ID] = st
	}
	out := make([]*Status, 0, len(ids))
	for _, id := range ids {
		if st := byID[id]; st != nil {
			out = append(out, st)
		}
	}
	return out, nil
}

// Followers lists an actor's accepted followers, newest first.
func (s *Service) Followers(ctx context.Context, actorID string, p Page) ([]*Follow, error) {
	fs, err := s.store.Followers(ctx, actorID, p)
	return fs, Wrap("activitypub.Followers", err)
}

// Following lists whom an actor follows, newest first.
func (s *Service) Following(ctx context.Context, actorID string, p Page) ([]*Follow, error) {
	fs, err := s.store.Following(ctx, actorID, p)
	return fs, Wrap("activitypub.Following", err)
}

// FollowRequests lists the pending requests to follow acct, newest first.
func (s *Service) FollowRequests(ctx context.Context, acct *Account, p Page) ([]*Follow, error) {
	fs, err := s.store.FollowRequests(ctx, acct.Actor.ID, p)
	return fs, Wrap("activitypub.FollowRequests", err)
}

// CountFollowRequests counts the pending requests to follow acct.
func (s *Service) CountFollowRequests(ctx context.Context, acct *Account) (int, error) {
	n, err := s.store.CountFollowRequests(ctx, acct.Actor.ID)
	return n, Wrap("activitypub.CountFollowRequests", err)
}

// Blocks lists whom acct blocks, newest first.
func (s *Service) Blocks(ctx context.Context, acct *Account, p Page) ([]*Block, error) {
	bs, err := s.store.Blocks(ctx, acct.Actor.ID, p)
	return bs, Wrap("activitypub.Blocks", err)
}

// Mutes lists whom acct mutes, paged by the muted actor's id.
func (s *Service) Mutes(ctx context.Context, acct *Account, p Page) ([]*Mute, error) {
	ms, err := s.store.Mutes(ctx, acct.Actor.ID, p)
	return ms, Wrap("activitypub.Mutes", err)
}

// Favourites lists the favourites acct made, newest first.
func (s *Service) Favourites(ctx context.Context, acct *Account, p Page) ([]*Favourite, error) {
	fs, err := s.store.Favourites(ctx, acct.Actor.ID, p)
	return fs, Wrap("activitypub.Favourites", err)
}

// Bookmarks lists acct's bookmarks, newest first: the bookmark ids (the page cursors) and the
// status ids, in the same order.
func (s *Service) Bookmarks(ctx context.Context, acct *Account, p Page) (cursors, statusIDs []string, err error) {
	cursors, statusIDs, err = s.store.Bookmarks(ctx, acct.Actor.ID, p)
	return cursors, statusIDs, Wrap("activitypub.Bookmarks", err)
}

// FavouritedBy lists the favourites of a status, newest first.
func (s *Service) FavouritedBy(ctx context.Context, statusID string, p Page) ([]*Favourite, error) {
	fs, err := s.store.FavouritedBy(ctx, statusID, p)
	return fs, Wrap("activitypub.FavouritedBy", err)
}

// RebloggedBy lists the boosts of a status, newest first.
func (s *Service) RebloggedBy(ctx context.Context, statusID string, p Page) ([]*Status, error) {
	bs, err := s.store.RebloggedBy(ctx, statusID, p)
	return bs, Wrap("activitypub.RebloggedBy", err)
}

// InstanceStats counts the local users and statuses, for the instance description.
func (s *Service) InstanceStats(ctx context.Context) (users, statuses int, err error) {
	const op = "activitypub.InstanceStats"
	if users, err = s.store.CountUsers(ctx); err != nil {
		return 0, 0, Wrap(op, err)
	}
	if statuses, err = s.store.CountLocalStatuses(ctx); err != nil {
		return 0, 0, Wrap(op, err)
	}
	return users, statuses, nil
}

// EventStatus loads the status an event is about (a tombstone, for a delete) and, for a boost,
// the original, without a viewer: it is for routing an event to its audiences, each of which
// must still pass CanSee before anything is shown.
func (s *Service) EventStatus(ctx context.Context, id string) (st, orig *Status, err error) {
	const op = "activitypub.EventStatus"
	if st, err = s.store.StatusByID(ctx, id); err != nil {
		return nil, nil, Wrap(op, err)
	}
	if st.ReblogOfID != "" {
		if orig, err = s.store.StatusByID(ctx, st.ReblogOfID); err != nil {
			return nil, nil, Wrap(op, err)
		}
	}
	return st, orig, nil
}

// InHome reports whether st belongs in viewer's home timeline by the fan-out's rule (fanOutBy):
// the viewer's own posts, private and direct posts that mention them, and non-direct posts of
// those they follow. Streaming applies it to edits and deletes, which carry no audience.
func (s *Service) InHome(ctx context.Context, viewer *Actor, st *Status) (bool, error) {
	if st.ActorID == viewer.ID {
		return true, nil
	}
	if st.Visibility == Partners && !s.partnerReaches(st) {
		return false, nil
	}
	if (st.Visibility == Direct || st.Visibility == Private || st.Visibility == Partners) && mentioned(st, viewer.ID) {
		return true, nil
	}
	if st.Visibility == Direct {
		return false, nil
	}
	f, err := s.store.FollowBetween(ctx, viewer.ID, st.ActorID)
	if IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, Wrap("activitypub.InHome", err)
	}
	return f.State == FollowAccepted, nil
}

// MutesAny reports whether viewerID mutes any of actorIDs.
func (s *Service) MutesAny(ctx context.Context, viewerID string, actorIDs ...string) (bool, error) {
	for _, id := range actorIDs {
		muted, err := s.store.Muted(ctx, viewerID, id)
		if err != nil {
			return false, Wrap("activitypub.MutesAny", err)
		}
		if muted {
			return true, nil
		}
	}
	return false, nil
}
