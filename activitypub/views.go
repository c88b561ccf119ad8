package activitypub

import "context"

// FilterMatcher is what the read model needs of a viewer's keyword filters (Filters has it).
type FilterMatcher interface {
	// Active returns acct's unexpired filters with keywords that apply in fctx.
	Active(ctx context.Context, acct *Account, fctx FilterContext) ([]*Filter, error)
	// Match returns the filters of active that match st's text.
	Match(active []*Filter, st *Status) []FilterResult
}

// HomeExcluder is what the read model needs of a viewer's lists (Lists has it): the authors
// whose posts exclusive lists keep out of the home timeline.
type HomeExcluder interface {
	HomeExclusions(ctx context.Context, acct *Account) (map[string]bool, error)
}

// Views is the read model: it turns statuses into what a viewer is shown, the one answer the
// client API, its streaming and the web UI render from.
type Views struct {
	svc     *Service
	filters FilterMatcher
	lists   HomeExcluder
}

// NewViews returns the read model over the service and the viewer's filters and lists.
func NewViews(svc *Service, filters FilterMatcher, lists HomeExcluder) (*Views, error) {
	if svc == nil || filters == nil || lists == nil {
		return nil, E("activitypub.NewViews", Invalid, "service, filters and lists are required")
	}
	return &Views{svc: svc, filters: filters, lists: lists}, nil
}

// ViewQuery says who looks and where, which decides the filters that apply.
type ViewQuery struct {
	Viewer *Account // nil for an anonymous viewer
	// Filter is the filter context of the place shown; "" applies no keyword filters.
	Filter FilterContext
	// DropHidden removes statuses a hide filter matches (in timelines); otherwise they are
	// shown with the match in Filtered (a single status, a notification).
	DropHidden bool
	// Home keeps the members of the viewer's exclusive lists out (the home timeline).
	Home bool
}

// StatusView is one status as a viewer is shown it.
type StatusView struct {
	Status *Status
	Author *Actor
	// Reblog and ReblogAuthor are the boosted original and its author, for a boost.
	Reblog       *Status
	ReblogAuthor *Actor
	// Flags and ReblogFlags are the viewer's own marks on Status and Reblog; zero when anonymous.
	Flags, ReblogFlags ViewerFlags
	// Filtered lists the viewer's warn filters matching the status (the original, for a boost).
	Filtered []FilterResult
}

// StatusViews renders statuses for q's viewer, in order, with a fixed number of queries however
// long the list: the boosted originals, every author and the viewer's flags are each loaded once.
// It leaves out what must not be shown: a status whose author is gone (AuthorGone), a boost whose
// original is deleted or whose original's author is gone (so a suspended account's posts cannot
// come back through a boost, Mastodon CVE-2026-23961), exclusive-list members in the home
// timeline, and hide-filter matches where q drops them. Whether the viewer may see each status at
// all is the caller's to have asked (the listing use cases do, through CanSee).
func (v *Views) StatusViews(ctx context.Context, q ViewQuery, sts []*Status) ([]StatusView, error) {
	const op = "activitypub.StatusViews"
	originals, err := v.originals(ctx, sts)
	if err != nil {
		return nil, Wrap(op, err)
	}
	var actorIDs, statusIDs []string
	for _, st := range sts {
		actorIDs, statusIDs = append(actorIDs, st.ActorID), append(statusIDs, st.ID)
	}
	for _, o := range originals {
		actorIDs, statusIDs = append(actorIDs, o.ActorID), append(statusIDs, o.ID)
	}
	authors, err := v.svc.ActorsByIDs(ctx, uniqueIDs(actorIDs))
	if err != nil {
		return nil, Wrap(op, err)
	}
	byID := make(map[string]*Actor, len(authors))
	for _, a := range authors {
		byID[a.ID] = a
	}
	var flags map[string]ViewerFlags
	if q.Viewer != nil {
		if flags, err = v.svc.store.ViewerState(ctx, q.Viewer.Actor.ID, uniqueIDs(statusIDs)); err != nil {
			return nil, Wrap(op, err)
		}
	}
	pf, err := v.prefs(ctx, q)
	if err != nil {
		return nil, Wrap(op, err)
	}
	out := make([]StatusView, 0, len(sts))
	for _, st := range sts {
		sv := StatusView{Status: st, Author: byID[st.ActorID], Flags: flags[st.ID]}
		if AuthorGone(sv.Author) || pf.excluded[st.ActorID] {
			continue
		}
		target := st
		if st.ReblogOfID != "" {
			o := originals[st.ReblogOfID]
			if o == nil || o.DeletedAt != nil || AuthorGone(byID[o.ActorID]) {
				continue
			}
			sv.Reblog, sv.ReblogAuthor, sv.ReblogFlags = o, byID[o.ActorID], flags[o.ID]
			target = o
		}
		var drop bool
		if sv.Filtered, drop = pf.match(v.filters, target, q.DropHidden); drop {
			continue
		}
		out = append(out, sv)
	}
	return out, nil
}

// originals loads the statuses the boosts among sts boost, by id.
func (v *Views) originals(ctx context.Context, sts []*Status) (map[string]*Status, error) {
	var ids []string
	for _, st := range sts {
		if st.ReblogOfID != "" {
			ids = append(ids, st.ReblogOfID)
		}
	}
	out := map[string]*Status{}
	if len(ids) == 0 {
		return out, nil
	}
	os, err := v.svc.store.StatusesByIDs(ctx, ids)
	for _, o := range os {
		out[o.ID] = o
	}
	return out, err
}

// viewPrefs is what a viewer's filters and lists decide for one page.
type viewPrefs struct {
	active   []*Filter
	excluded map[string]bool
}

func (v *Views) prefs(ctx context.Context, q ViewQuery) (viewPrefs, error) {
	var pf viewPrefs
	if q.Viewer == nil {
		return pf, nil
	}
	var err error
	if q.Filter != "" {
		if pf.active, err = v.filters.Active(ctx, q.Viewer, q.Filter); err != nil {
			return pf, err
		}
	}
	if q.Home {
		pf.excluded, err = v.lists.HomeExclusions(ctx, q.Viewer)
	}
	return pf, err
}

// match returns the filters matching st, or drop when a hide filter matches and hides drop.
func (pf viewPrefs) match(filters FilterMatcher, st *Status, dropHidden bool) (results []FilterResult, drop bool) {
	if len(pf.active) == 0 {
		return nil, false
	}
	results = filters.Match(pf.active, st)
	for _, res := range results {
		if res.Filter.Action == FilterHide && dropHidden {
			return nil, true
		}
	}
	return results, false
}

func uniqueIDs(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
