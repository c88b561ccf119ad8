package docs

import (
	"net/http"
	"net/url"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/federation/as2"
)

// page reads the paging parameters of a collection request. Pages are keyed by id, as timelines
// are, so they stay stable while items are added.
func (h *Handler) page(r *http.Request) (wantPage bool, p ap.Page) {
	q := r.URL.Query()
	return q.Get("page") == "true", ap.Page{MaxID: q.Get("max_id"), MinID: q.Get("min_id"), Limit: h.o.PageSize}
}

// pageLinks builds the ids of a page and its neighbours; first and last are the ids of the page's
// newest and oldest items.
func (h *Handler) pageLinks(base string, p ap.Page, n int, first, last string) as2.CollectionPage {
	q := url.Values{"page": {"true"}}
	if p.MaxID != "" {
		q.Set("max_id", p.MaxID)
	}
	if p.MinID != "" {
		q.Set("min_id", p.MinID)
	}
	pg := as2.CollectionPage{ID: base + "?" + q.Encode(), PartOf: base}
	if n > 0 && n >= p.Limit {
		pg.Next = base + "?" + url.Values{"page": {"true"}, "max_id": {last}}.Encode()
	}
	if n > 0 && (p.MaxID != "" || p.MinID != "") {
		pg.Prev = base + "?" + url.Values{"page": {"true"}, "min_id": {first}}.Encode()
	}
	return pg
}

// outbox lists the actor's statuses the viewer may see, as the activities that published them.
func (h *Handler) outbox(w http.ResponseWriter, r *http.Request) error {
	a, err := h.localActor(r)
	if err != nil {
		return err
	}
	if !negotiate(w, r, a.URL) {
		return nil
	}
	if gone(a) {
		return h.writeTombstone(w, a.Outbox, a.DeletedAt)
	}
	if err := h.withinReach(r, a); err != nil {
		return err
	}
	wantPage, p := h.page(r)
	if !wantPage {
		return h.writeCollection(w, a.Outbox, a.StatusesCount)
	}
	ctx := r.Context()
	v, err := h.viewer(ctx, r)
	if err != nil {
		return err
	}
	sts, err := h.svc.ActorStatuses(ctx, v, a.ID, ap.StatusFilter{}, p)
	if err != nil {
		return err
	}
	items := make([]any, 0, len(sts))
	public := true
	for _, st := range sts {
		if st.Visibility == ap.LocalOnly {
			continue // never federated, even to a local viewer's signed fetch
		}
		ok, gated, err := h.groupAdmits(ctx, v, st)
		if err != nil {
			return err
		}
		if !ok {
			continue // a post in a group whose reach leaves the viewer's server out
		}
		public = public && isPublic(st) && !gated
		doc, err := h.activityOf(r, st, a)
		if err != nil {
			return err
		}
		items = append(items, doc)
	}
	pg := h.pageLinks(a.Outbox, p, len(sts), firstID(sts), lastID(sts))
	pg.Items = items
	doc, err := h.render.OrderedCollectionPage(pg, a.StatusesCount)
	if err != nil {
		return err
	}
	return writeAS(w, http.StatusOK, doc, public)
}

func firstID(sts []*ap.Status) string {
	if len(sts) == 0 {
		return ""
	}
	return sts[0].ID
}

func lastID(sts []*ap.Status) string {
	if len(sts) == 0 {
		return ""
	}
	return sts[len(sts)-1].ID
}

func (h *Handler) followers(w http.ResponseWriter, r *http.Request) error {
	return h.follows(w, r, true)
}

func (h *Handler) following(w http.ResponseWriter, r *http.Request) error {
	return h.follows(w, r, false)
}

// follows lists followers or followed actors by id. Council staff accounts are public bodies'
// voices, so their follower lists are public, as Mastodon's are by default.
func (h *Handler) follows(w http.ResponseWriter, r *http.Request, followers bool) error {
	a, err := h.localActor(r)
	if err != nil {
		return err
	}
	if !negotiate(w, r, a.URL) {
		return nil
	}
	id, total := a.FollowingURI, a.FollowingCount
	if followers {
		id, total = a.FollowersURI, a.FollowersCount
	}
	if gone(a) {
		return h.writeTombstone(w, id, a.DeletedAt)
	}
	wantPage, p := h.page(r)
	if !wantPage {
		return h.writeCollection(w, id, total)
	}
	ctx := r.Context()
	if followers && a.Kind == ap.KindGroup {
		if ok, err := h.mayListMembers(r, a); err != nil || !ok {
			return err
		}
	}
	var fs []*ap.Follow
	if followers {
		fs, err = h.store.Followers(ctx, a.ID, p)
	} else {
		fs, err = h.store.Following(ctx, a.ID, p)
	}
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(fs))
	for _, f := range fs {
		if followers {
			ids = append(ids, f.FollowerID)
		} else {
			ids = append(ids, f.FolloweeID)
		}
	}
	actors, err := h.store.ActorsByIDs(ctx, ids)
	if err != nil {
		return err
	}
	uris := make(map[string]string, len(actors))
	for _, x := range actors {
		uris[x.ID] = x.URI
	}
	items := make([]any, 0, len(ids))
	for _, aid := range ids {
		if u := uris[aid]; u != "" {
			items = append(items, u)
		}
	}
	first, last := "", ""
	if len(fs) > 0 {
		first, last = fs[0].ID, fs[len(fs)-1].ID
	}
	pg := h.pageLinks(id, p, len(fs), first, last)
	pg.Items = items
	doc, err := h.render.OrderedCollectionPage(pg, total)
	if err != nil {
		return err
	}
	return writeAS(w, http.StatusOK, doc, true)
}

// featured lists pinned statuses, embedded, in one collection: Mastodon reads it whole.
func (h *Handler) featured(w http.ResponseWriter, r *http.Request) error {
	a, err := h.localActor(r)
	if err != nil {
		return err
	}
	if !negotiate(w, r, a.URL) {
		return nil
	}
	if err := h.withinReach(r, a); err != nil {
		return err
	}
	ctx := r.Context()
	var sts []*ap.Status
	if a.Kind == ap.KindGroup && h.o.Groups != nil {
		sts, err = h.o.Groups.Featured(ctx, a.ID)
	} else {
		sts, err = h.svc.ActorStatuses(ctx, ap.Viewer{}, a.ID, ap.StatusFilter{Pinned: true}, ap.Page{Limit: 40})
	}
	if err != nil {
		return err
	}
	items := make([]any, 0, len(sts))
	for _, st := range sts {
		if !isPublic(st) || isBoost(st) {
			continue
		}
		author := a
		if st.ActorID != a.ID { // a group features its members' posts
			if author, err = h.store.ActorByID(ctx, st.ActorID); err != nil {
				return err
			}
		}
		note, err := h.note(r, st, author)
		if err != nil {
			return err
		}
		items = append(items, note)
	}
	doc, err := h.render.OrderedCollectionPage(as2.CollectionPage{ID: a.FeaturedURI, PartOf: a.FeaturedURI, Items: items}, len(items))
	if err != nil {
		return err
	}
	doc["type"] = as2.TypeOrderedColl
	delete(doc, "partOf")
	return writeAS(w, http.StatusOK, doc, true)
}

// writeCollection writes a collection's front document, pointing at its first page.
func (h *Handler) writeCollection(w http.ResponseWriter, id string, total int) error {
	doc, err := h.render.OrderedCollection(id, total, id+"?page=true")
	if err != nil {
		return err
	}
	return writeAS(w, http.StatusOK, doc, true)
}
