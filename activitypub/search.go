package activitypub

import (
	"context"
	"net/url"
	"regexp"
	"strings"
)

// SearchOptions narrows a search.
type SearchOptions struct {
	Type    string // "accounts", "statuses", "hashtags" or "" for all
	Resolve bool   // look remote handles and URLs up over the network
	Limit   int
	Offset  int
}

// SearchResult holds what a search found; the slices are never nil.
type SearchResult struct {
	Actors   []*Actor
	Statuses []*Status
	Tags     []string
}

var (
	handlePattern  = regexp.MustCompile(`^@?([A-Za-z0-9_.\-]+)@([A-Za-z0-9.\-]+(?::\d+)?)$`)
	hashtagPattern = regexp.MustCompile(`^#?([\pL\pN_]+)$`)
)

// Search finds actors, statuses and hashtags for a viewer. A handle (@user@host or user@host) or
// an https URL is looked up exactly: local ones from the store, remote ones through the resolver
// when opts.Resolve is set and the viewer is signed in.
func (s *Service) Search(ctx context.Context, viewer *Account, q string, opts SearchOptions) (*SearchResult, error) {
	const op = "activitypub.Search"
	res := &SearchResult{Actors: []*Actor{}, Statuses: []*Status{}, Tags: []string{}}
	q = strings.TrimSpace(q)
	if q == "" {
		return res, nil
	}
	if opts.Limit <= 0 || opts.Limit > 40 {
		opts.Limit = 20
	}
	want := func(t string) bool { return opts.Type == "" || opts.Type == t }
	var v Viewer
	if viewer != nil {
		v.Actor = &viewer.Actor
	}
	resolve := opts.Resolve && viewer != nil

	// Exact lookups first: they are what a person pasting a handle or link means.
	if m := handlePattern.FindStringSubmatch(q); m != nil && want("accounts") {
		a, err := s.findHandle(ctx, m[1], m[2], resolve)
		if err != nil && !IsNotFound(err) {
			return nil, Wrap(op, err)
		}
		if a != nil {
			res.Actors = append(res.Actors, a)
		}
		return res, nil
	}
	if u, err := url.Parse(q); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
		if err := s.findURL(ctx, v, q, resolve, opts, res); err != nil {
			return nil, Wrap(op, err)
		}
		return res, nil
	}

	if want("accounts") && opts.Offset == 0 {
		actors, err := s.store.SearchActors(ctx, strings.TrimPrefix(q, "@"), opts.Limit)
		if err != nil {
			return nil, Wrap(op, err)
		}
		for _, a := range actors {
			if a.SuspendedAt == nil && a.DeletedAt == nil && a.Kind != KindApplication {
				res.Actors = append(res.Actors, a)
			}
		}
	}
	if want("statuses") && viewer != nil {
		sts, err := s.store.SearchStatuses(ctx, q, Page{Limit: opts.Limit})
		if err != nil {
			return nil, Wrap(op, err)
		}
		if res.Statuses, err = s.Visible(ctx, v, sts); err != nil {
			return nil, Wrap(op, err)
		}
	}
	if want("hashtags") && opts.Offset == 0 {
		if m := hashtagPattern.FindStringSubmatch(q); m != nil {
			res.Tags = append(res.Tags, strings.ToLower(m[1]))
		}
	}
	return res, nil
}

// findHandle finds an actor by handle, locally without network, remotely through the resolver
// only when resolve is set.
func (s *Service) findHandle(ctx context.Context, username, domain string, resolve bool) (*Actor, error) {
	domain = strings.ToLower(domain)
	if domain == s.Domain() || domain == strings.ToLower(s.host) {
		domain = ""
	}
	a, err := s.store.ActorByUsername(ctx, username, domain)
	if err == nil {
		return a, nil
	}
	if !IsNotFound(err) || domain == "" || !resolve || s.resolver == nil {
		return nil, err
	}
	a, err = s.resolver.ResolveHandle(ctx, username, domain)
	if err != nil {
		s.log.DebugContext(ctx, "resolve handle failed", "handle", username+"@"+domain, "err", err)
		return nil, E("activitypub.Search", NotFound, "not found")
	}
	return a, nil
}

// findURL finds the actor or status an URL names: a known id, a local profile or post page, or,
// with resolve, whatever the remote server answers.
func (s *Service) findURL(ctx context.Context, v Viewer, raw string, resolve bool, opts SearchOptions, res *SearchResult) error {
	addStatus := func(st *Status) error {
		ok, err := s.CanSee(ctx, v, st)
		if err == nil && ok && (opts.Type == "" || opts.Type == "statuses") {
			res.Statuses = append(res.Statuses, st)
		}
		return err
	}
	addActor := func(a *Actor) {
		if opts.Type == "" || opts.Type == "accounts" {
			res.Actors = append(res.Actors, a)
		}
	}
	if st, err := s.store.StatusByURI(ctx, raw); err == nil {
		return addStatus(st)
	} else if !IsNotFound(err) {
		return err
	}
	if a, err := s.store.ActorByURI(ctx, raw); err == nil {
		addActor(a)
		return nil
	} else if !IsNotFound(err) {
		return err
	}
	if s.IsLocalURI(raw) {
		return s.findLocalPage(ctx, raw, addActor, addStatus)
	}
	if !resolve || s.resolver == nil {
		return nil
	}
	if opts.Type != "accounts" {
		if st, err := s.resolver.ResolveStatus(ctx, raw); err == nil {
			return addStatus(st)
		}
	}
	if a, err := s.resolver.ResolveActor(ctx, raw); err == nil {
		addActor(a)
	} else {
		s.log.DebugContext(ctx, "resolve URL failed", "url", raw, "err", err)
	}
	return nil
}

// findLocalPage understands this instance's human URLs: /@user and /@user/<status id>.
func (s *Service) findLocalPage(ctx context.Context, raw string, addActor func(*Actor), addStatus func(*Status) error) error {
	u, err := url.Parse(raw)
	if err != nil {
		return nil
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) == 0 || !strings.HasPrefix(parts[0], "@") {
		return nil
	}
	a, err := s.store.ActorByUsername(ctx, strings.TrimPrefix(parts[0], "@"), "")
	if IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(parts) == 1 {
		addActor(a)
		return nil
	}
	st, err := s.store.StatusByID(ctx, parts[1])
	if IsNotFound(err) || (err == nil && st.ActorID != a.ID) {
		return nil
	}
	if err != nil {
		return err
	}
	return addStatus(st)
}
