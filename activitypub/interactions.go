package activitypub

import "context"

// Favourite likes a status the account can see. Liking twice is a no-op.
func (s *Service) Favourite(ctx context.Context, by *Account, statusID string) (*Status, error) {
	const op = "activitypub.Favourite"
	st, err := s.GetStatus(ctx, Viewer{&by.Actor}, statusID)
	if err != nil {
		return nil, Wrap(op, err)
	}
	if st.ReblogOfID != "" {
		return nil, E(op, Invalid, "boosts cannot be favourited; favourite the original")
	}
	if _, err := s.store.FavouriteBetween(ctx, by.Actor.ID, st.ID); err == nil {
		return st, nil
	} else if !IsNotFound(err) {
		return nil, Wrap(op, err)
	}
	author, err := s.store.ActorByID(ctx, st.ActorID)
	if err != nil {
		return nil, Wrap(op, err)
	}
	id := s.NewID()
	f := &Favourite{ID: id, URI: by.Actor.URI + "#likes/" + id, ActorID: by.Actor.ID, StatusID: st.ID, CreatedAt: s.Now()}
	err = s.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateFavourite(ctx, f); err != nil {
			return err
		}
		if err := s.store.AdjustStatusCounts(ctx, st.ID, 0, 0, 1); err != nil {
			return err
		}
		if author.Local() {
			return s.notify(ctx, author.ID, NotifyFavourite, by.Actor.ID, st.ID)
		}
		if st.Visibility == LocalOnly {
			return nil
		}
		return s.enqueue(ctx, &by.Actor, Activity{ID: f.URI, Type: "Like", Object: st.URI, To: []string{author.URI}})
	})
	if err != nil {
		return nil, Wrap(op, err)
	}
	return s.store.StatusByID(ctx, st.ID)
}

// Unfavourite removes a like.
func (s *Service) Unfavourite(ctx context.Context, by *Account, statusID string) (*Status, error) {
	const op = "activitypub.Unfavourite"
	st, err := s.GetStatus(ctx, Viewer{&by.Actor}, statusID)
	if err != nil {
		return nil, Wrap(op, err)
	}
	f, err := s.store.FavouriteBetween(ctx, by.Actor.ID, st.ID)
	if IsNotFound(err) {
		return st, nil
	}
	if err != nil {
		return nil, Wrap(op, err)
	}
	author, err := s.store.ActorByID(ctx, st.ActorID)
	if err != nil {
		return nil, Wrap(op, err)
	}
	err = s.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.DeleteFavourite(ctx, f.ID); err != nil {
			return err
		}
		if err := s.store.AdjustStatusCounts(ctx, st.ID, 0, 0, -1); err != nil {
			return err
		}
		if author.Local() || st.Visibility == LocalOnly {
			return nil
		}
		return s.enqueue(ctx, &by.Actor, Activity{
			ID: f.URI + "/undo", Type: "Undo", Object: f.URI, To: []string{author.URI},
			Inner: &Activity{ID: f.URI, Type: "Like", Actor: by.Actor.URI, Object: st.URI},
		})
	})
	if err != nil {
		return nil, Wrap(op, err)
	}
	return s.store.StatusByID(ctx, st.ID)
}

// Reblog boosts a public or unlisted status (or a local-only one, to local followers only). It
// returns the boost, whose ReblogOfID points at the original.
func (s *Service) Reblog(ctx context.Context, by *Account, statusID string) (*Status, error) {
	const op = "activitypub.Reblog"
	orig, err := s.GetStatus(ctx, Viewer{&by.Actor}, statusID)
	if err != nil {
		return nil, Wrap(op, err)
	}
	if orig.ReblogOfID != "" {
		if orig, err = s.GetStatus(ctx, Viewer{&by.Actor}, orig.ReblogOfID); err != nil {
			return nil, Wrap(op, err)
		}
	}
	if orig.Visibility == Private || orig.Visibility == Direct || orig.Visibility == Partners {
		return nil, E(op, Forbidden, "This action is not allowed")
	}
	if b, err := s.store.ReblogOf(ctx, by.Actor.ID, orig.ID); err == nil {
		return b, nil
	} else if !IsNotFound(err) {
		return nil, Wrap(op, err)
	}
	author, err := s.store.ActorByID(ctx, orig.ActorID)
	if err != nil {
		return nil, Wrap(op, err)
	}
	now := s.Now()
	b := &Status{ID: s.NewID(), ActorID: by.Actor.ID, ReblogOfID: orig.ID, ObjectType: "Announce", Kind: KindPost,
		Visibility: orig.Visibility, Local: true, CreatedAt: now, ContextURI: orig.ContextURI}
	b.URI = s.StatusURI(by.Actor.Username, b.ID) + "/activity"
	var homes []string
	err = s.InTx(ctx, func(ctx context.Context) error {
		var err error
		if homes, err = s.storeBoost(ctx, b, orig, author); err != nil {
			return err
		}
		if orig.Visibility == LocalOnly {
			return nil
		}
		to, cc := addressing(Public, by.Actor.FollowersURI, nil)
		if orig.Visibility == Unlisted {
			to, cc = addressing(Unlisted, by.Actor.FollowersURI, nil)
		}
		if !author.Local() {
			cc = append(cc, author.URI)
		}
		return s.enqueue(ctx, &by.Actor, Activity{ID: b.URI, Type: "Announce", Object: orig.URI, StatusID: orig.ID, To: to, Cc: cc, Published: now})
	})
	if err != nil {
		return nil, Wrap(op, err)
	}
	s.publish(ctx, Event{Type: "update", UserIDs: homes, StatusID: b.ID, Public: orig.Visibility == Public})
	return s.store.StatusByID(ctx, b.ID)
}

// storeBoost writes a boost (local or received): the row, the original's count, the home
// timelines of the booster's local followers and the original author's notification.
func (s *Service) storeBoost(ctx context.Context, b, orig *Status, author *Actor) ([]string, error) {
	if err := s.store.CreateStatus(ctx, b); err != nil {
		return nil, err
	}
	if err := s.store.AdjustStatusCounts(ctx, orig.ID, 0, 1, 0); err != nil {
		return nil, err
	}
	homes, err := s.fanOut(ctx, b)
	if err != nil {
		return nil, err
	}
	if author.Local() {
		if err := s.notify(ctx, author.ID, NotifyReblog, b.ActorID, orig.ID); err != nil {
			return nil, err
		}
	}
	return homes, nil
}

// Unreblog removes a boost and returns the original.
func (s *Service) Unreblog(ctx context.Context, by *Account, statusID string) (*Status, error) {
	const op = "activitypub.Unreblog"
	orig, err := s.GetStatus(ctx, Viewer{&by.Actor}, statusID)
	if err != nil {
		return nil, Wrap(op, err)
	}
	b, err := s.store.ReblogOf(ctx, by.Actor.ID, orig.ID)
	if IsNotFound(err) {
		return orig, nil
	}
	if err != nil {
		return nil, Wrap(op, err)
	}
	if _, err := s.DeleteStatus(ctx, by, b.ID); err != nil {
		return nil, Wrap(op, err)
	}
	return s.store.StatusByID(ctx, orig.ID)
}

// enqueueUndoAnnounce federates the removal of a local boost.
func (s *Service) enqueueUndoAnnounce(ctx context.Context, booster *Actor, boost, orig *Status) error {
	if orig.Visibility == LocalOnly {
		return nil
	}
	to, cc := addressing(Public, booster.FollowersURI, nil)
	if orig.ActorID != booster.ID {
		if a, err := s.store.ActorByID(ctx, orig.ActorID); err == nil && !a.Local() {
			cc = append(cc, a.URI)
		}
	}
	return s.enqueue(ctx, booster, Activity{
		ID: boost.URI + "/undo", Type: "Undo", Object: boost.URI, To: to, Cc: cc,
		Inner: &Activity{ID: boost.URI, Type: "Announce", Actor: booster.URI, Object: orig.URI},
	})
}

// Bookmark saves a status privately for later.
func (s *Service) Bookmark(ctx context.Context, by *Account, statusID string) (*Status, error) {
	st, err := s.GetStatus(ctx, Viewer{&by.Actor}, statusID)
	if err != nil {
		return nil, Wrap("activitypub.Bookmark", err)
	}
	if err := s.store.SetBookmark(ctx, by.Actor.ID, st.ID, s.NewID(), s.Now()); err != nil {
		return nil, Wrap("activitypub.Bookmark", err)
	}
	return st, nil
}

// Unbookmark removes a bookmark.
func (s *Service) Unbookmark(ctx context.Context, by *Account, statusID string) (*Status, error) {
	st, err := s.GetStatus(ctx, Viewer{&by.Actor}, statusID)
	if err != nil {
		return nil, Wrap("activitypub.Unbookmark", err)
	}
	if err := s.store.DeleteBookmark(ctx, by.Actor.ID, st.ID); err != nil && !IsNotFound(err) {
		return nil, Wrap("activitypub.Unbookmark", err)
	}
	return st, nil
}

// Pin features one of the account's own public or unlisted statuses on its profile.
func (s *Service) Pin(ctx context.Context, by *Account, statusID string) (*Status, error) {
	const op = "activitypub.Pin"
	st, err := s.GetStatus(ctx, Viewer{&by.Actor}, statusID)
	if err != nil {
		return nil, Wrap(op, err)
	}
	if st.ActorID != by.Actor.ID || st.ReblogOfID != "" || (st.Visibility != Public && st.Visibility != Unlisted) {
		return nil, E(op, Invalid, "Validation failed: only your own public posts can be pinned")
	}
	if err := s.store.SetPin(ctx, by.Actor.ID, st.ID, s.Now()); err != nil {
		return nil, Wrap(op, err)
	}
	return st, nil
}

// Unpin removes a status from the profile's featured list.
func (s *Service) Unpin(ctx context.Context, by *Account, statusID string) (*Status, error) {
	st, err := s.GetStatus(ctx, Viewer{&by.Actor}, statusID)
	if err != nil {
		return nil, Wrap("activitypub.Unpin", err)
	}
	if err := s.store.DeletePin(ctx, by.Actor.ID, st.ID); err != nil && !IsNotFound(err) {
		return nil, Wrap("activitypub.Unpin", err)
	}
	return st, nil
}
