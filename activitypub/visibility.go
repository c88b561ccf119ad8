package activitypub

import (
	"context"
	"slices"
)

// PublicAudience is ActivityStreams' special "everyone" collection.
const PublicAudience = "https://www.w3.org/ns/activitystreams#Public"

// Viewer is whoever is looking: a local account, a remote actor (a signed fetch), or nobody.
type Viewer struct {
	Actor *Actor // nil for an anonymous viewer
}

// CanSee applies the visibility rules of a status for a viewer. It is the single place these rules
// live: the web UI, the client API, streaming and the federation documents all call it. A status
// is visible when it is not deleted, its author is not gone (AuthorGone: deleted, suspended, or on
// a blocked domain), no block stands between the viewer and the author, and its audience includes
// the viewer; a boost is visible when, besides, the boosted original is by all the same rules.
func (s *Service) CanSee(ctx context.Context, v Viewer, st *Status) (bool, error) {
	seen, err := s.Visible(ctx, v, []*Status{st})
	return len(seen) == 1, err
}

// Visible keeps the statuses (and boosts of statuses) the viewer may see, in order. Authors
// and originals are loaded once for the whole list, so a timeline page costs two queries more,
// not two per status.
func (s *Service) Visible(ctx context.Context, v Viewer, sts []*Status) ([]*Status, error) {
	const op = "activitypub.CanSee"
	var origIDs, actorIDs []string
	for _, st := range sts {
		actorIDs = append(actorIDs, st.ActorID)
		if st.ReblogOfID != "" {
			origIDs = append(origIDs, st.ReblogOfID)
		}
	}
	originals := map[string]*Status{}
	if len(origIDs) > 0 {
		os, err := s.store.StatusesByIDs(ctx, uniqueIDs(origIDs))
		if err != nil {
			return nil, Wrap(op, err)
		}
		for _, o := range os {
			originals[o.ID] = o
			actorIDs = append(actorIDs, o.ActorID)
		}
	}
	authors := map[string]*Actor{}
	if len(actorIDs) > 0 {
		as, err := s.store.ActorsByIDs(ctx, uniqueIDs(actorIDs))
		if err != nil {
			return nil, Wrap(op, err)
		}
		for _, a := range as {
			authors[a.ID] = a
		}
	}
	out := make([]*Status, 0, len(sts))
	for _, st := range sts {
		ok, err := s.visibleTo(ctx, v, st, authors[st.ActorID])
		if err == nil && ok && st.ReblogOfID != "" {
			o := originals[st.ReblogOfID]
			ok = o != nil
			if ok {
				ok, err = s.visibleTo(ctx, v, o, authors[o.ActorID])
			}
		}
		if err != nil {
			return nil, Wrap(op, err)
		}
		if ok {
			out = append(out, st)
		}
	}
	return out, nil
}

// visibleTo applies the rules to one status whose author is loaded (nil when unknown).
func (s *Service) visibleTo(ctx context.Context, v Viewer, st *Status, author *Actor) (bool, error) {
	if st.DeletedAt != nil || AuthorGone(author) {
		return false, nil
	}
	if v.Actor != nil && v.Actor.ID == st.ActorID {
		return true, nil
	}
	if v.Actor != nil {
		blocked, err := s.store.Blocked(ctx, v.Actor.ID, st.ActorID)
		if err != nil || blocked {
			return false, err
		}
	}
	switch st.Visibility {
	case Public, Unlisted:
		return true, nil
	case LocalOnly:
		return v.Actor != nil && v.Actor.Local(), nil
	case Private:
		if v.Actor == nil {
			return false, nil
		}
		if mentioned(st, v.Actor.ID) {
			return true, nil
		}
		f, err := s.store.FollowBetween(ctx, v.Actor.ID, st.ActorID)
		if IsNotFound(err) {
			return false, nil
		}
		return err == nil && f.State == FollowAccepted, err
	case Direct:
		return v.Actor != nil && mentioned(st, v.Actor.ID), nil
	case Partners:
		if v.Actor == nil {
			return false, nil
		}
		return s.partnerVisible(ctx, v.Actor, st)
	}
	return false, nil
}

func mentioned(st *Status, actorID string) bool {
	return slices.ContainsFunc(st.Mentions, func(m Mention) bool { return m.ActorID == actorID })
}

// addressing returns the to and cc of a status as Mastodon addresses them.
func addressing(v Visibility, followers string, mentions []string) (to, cc []string) {
	switch v {
	case Public:
		return []string{PublicAudience}, append([]string{followers}, mentions...)
	case Unlisted:
		return []string{followers}, append([]string{PublicAudience}, mentions...)
	case Private:
		return []string{followers}, mentions
	case Direct:
		return mentions, nil
	}
	return nil, nil // local-only: never addressed to anyone outside
}

// visibleSet lists the visibilities a viewer may see of an author's statuses, for list queries.
func (s *Service) visibleSet(ctx context.Context, viewer *Actor, authorID string) ([]Visibility, error) {
	if viewer != nil && viewer.ID == authorID {
		return []Visibility{Public, Unlisted, Private, Direct, LocalOnly, Partners}, nil
	}
	vis := []Visibility{Public, Unlisted}
	if viewer == nil {
		return vis, nil
	}
	if viewer.Local() {
		vis = append(vis, LocalOnly)
	}
	f, err := s.store.FollowBetween(ctx, viewer.ID, authorID)
	switch {
	case err == nil && f.State == FollowAccepted:
		// Partners statuses are stored as followers-only rows; Visible then applies their
		// partner list to each, with no query of its own.
		vis = append(vis, Private, Partners)
	case err != nil && !IsNotFound(err):
		return nil, err
	}
	return vis, nil
}

// ClampPage applies Mastodon's page-size rules: default 20, at most 40.
func ClampPage(p Page) Page {
	if p.Limit <= 0 {
		p.Limit = 20
	}
	if p.Limit > 40 {
		p.Limit = 40
	}
	return p
}
