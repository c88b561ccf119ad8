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
// live: the web UI, the client API and the federation documents all call it.
func (s *Service) CanSee(ctx context.Context, v Viewer, st *Status) (bool, error) {
	if st.DeletedAt != nil {
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
		return []Visibility{Public, Unlisted, Private, Direct, LocalOnly}, nil
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
		vis = append(vis, Private)
	case err != nil && !IsNotFound(err):
		return nil, err
	}
	return vis, nil
}

// clampPage applies Mastodon's page-size rules: default 20, at most 40.
func clampPage(p Page) Page {
	if p.Limit <= 0 {
		p.Limit = 20
	}
	if p.Limit > 40 {
		p.Limit = 40
	}
	return p
}
