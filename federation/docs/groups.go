package docs

import (
	"context"
	"net/http"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/federation/as2"
)

// Groups is the groups area as the documents need it.
type Groups interface {
	Moderators(ctx context.Context, groupID string) ([]*ap.Actor, error)
	Featured(ctx context.Context, groupID string) ([]*ap.Status, error)
	// CanListMembers reports whether viewer (nil: anonymous) may read the members.
	CanListMembers(ctx context.Context, viewer *ap.Actor, groupID string) (bool, error)
	// Admits reports whether viewer's server is within the group's reach.
	Admits(ctx context.Context, viewer *ap.Actor, groupID string) (bool, error)
}

// withinReach refuses a group's posts collections to servers outside its reach (internal:
// everyone remote; partners: all but partners). Other actors are not affected.
func (h *Handler) withinReach(r *http.Request, a *ap.Actor) error {
	if a.Kind != ap.KindGroup || h.o.Groups == nil {
		return nil
	}
	v, err := h.viewer(r.Context(), r)
	if err != nil {
		return err
	}
	ok, err := h.o.Groups.Admits(r.Context(), v.Actor, a.ID)
	if err != nil {
		return err
	}
	if !ok {
		return httpError(http.StatusForbidden, "this group is not open to your server")
	}
	return nil
}

// groupAdmits applies a local group's reach to a post in it (issue 9: a partners group is seen
// only by its partners): ok is false when the viewer's server is outside the reach; gated is
// true when the answer depends on the viewer, so no shared cache may keep the document. A post
// in a remote group follows that group's server's rules, not ours.
func (h *Handler) groupAdmits(ctx context.Context, v ap.Viewer, st *ap.Status) (ok, gated bool, err error) {
	if st.GroupID == "" || h.o.Groups == nil {
		return true, false, nil
	}
	open, err := h.o.Groups.Admits(ctx, nil, st.GroupID)
	if ap.IsNotFound(err) {
		return true, false, nil
	}
	if err != nil || open {
		return err == nil, false, err
	}
	ok, err = h.o.Groups.Admits(ctx, v.Actor, st.GroupID)
	return ok, true, err
}

// moderators serves a group's attributedTo collection (FEP-1b12): its owners and moderators,
// in one page, as Lemmy serves it.
func (h *Handler) moderators(w http.ResponseWriter, r *http.Request) error {
	a, err := h.localActor(r)
	if err != nil {
		return err
	}
	if a.Kind != ap.KindGroup || h.o.Groups == nil {
		return errNotFound
	}
	if !negotiate(w, r, a.URL) {
		return nil
	}
	if gone(a) {
		return h.writeTombstone(w, as2.GroupModeratorsURI(a), a.DeletedAt)
	}
	mods, err := h.o.Groups.Moderators(r.Context(), a.ID)
	if err != nil {
		return err
	}
	items := make([]any, 0, len(mods))
	for _, m := range mods {
		items = append(items, m.URI)
	}
	id := as2.GroupModeratorsURI(a)
	doc, err := h.render.OrderedCollectionPage(as2.CollectionPage{ID: id, PartOf: id, Items: items}, len(items))
	if err != nil {
		return err
	}
	doc["type"] = as2.TypeOrderedColl
	delete(doc, "partOf")
	return writeAS(w, http.StatusOK, doc, true)
}

// mayListMembers applies the rule that a group's members are listed to its members only: the
// count is public (the collection's front), the pages are for signed fetches by members.
func (h *Handler) mayListMembers(r *http.Request, a *ap.Actor) (bool, error) {
	if h.o.Groups == nil {
		return true, nil
	}
	v, err := h.viewer(r.Context(), r)
	if err != nil {
		return false, err
	}
	ok, err := h.o.Groups.CanListMembers(r.Context(), v.Actor, a.ID)
	if err != nil {
		return false, err
	}
	if !ok {
		return false, httpError(http.StatusForbidden, "the members list is visible to members")
	}
	return true, nil
}

// maxContextItems bounds a context collection: a thread longer than this is served truncated,
// oldest first, rather than read whole on every fetch.
const maxContextItems = 400

// context serves the conversation a local status starts (FEP-7888 context, FEP-f228
// backfilling): the root and every public reply stored here, local or relayed, oldest first,
// so a group's new member can fetch a whole thread from one place.
func (h *Handler) context(w http.ResponseWriter, r *http.Request) error {
	st, _, err := h.lookupStatus(w, r)
	if err != nil || st == nil {
		return err
	}
	if st.ContextURI != st.URI+"/context" {
		return errNotFound // a reply: its thread's context lives at the root
	}
	if !negotiate(w, r, st.URL) {
		return nil
	}
	desc, err := h.store.Descendants(r.Context(), st.ID, maxContextItems)
	if err != nil {
		return err
	}
	items := []any{st.URI}
	for _, d := range desc {
		if d.DeletedAt == nil && isPublic(d) && d.ReblogOfID == "" {
			items = append(items, d.URI)
		}
	}
	id := st.ContextURI
	doc, err := h.render.OrderedCollectionPage(as2.CollectionPage{ID: id, PartOf: id, Items: items}, len(items))
	if err != nil {
		return err
	}
	doc["type"] = as2.TypeOrderedColl
	delete(doc, "partOf")
	doc["attributedTo"] = st.URI
	return writeAS(w, http.StatusOK, doc, isPublic(st))
}
