package docs

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/gorilla/mux"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/federation/as2"
)

// lookupStatus finds the status a /users/{username}/statuses/{id} route names and decides whether
// the requester may have it. A deleted status answers 410 with a Tombstone (written here, so
// the returned status is nil); local-only and invisible ones answer 404, so their existence does
// not leak.
func (h *Handler) lookupStatus(w http.ResponseWriter, r *http.Request) (*ap.Status, *ap.Actor, error) {
	ctx := r.Context()
	author, err := h.localActor(r)
	if err != nil {
		return nil, nil, err
	}
	st, err := h.store.StatusByID(ctx, mux.Vars(r)["id"])
	if err != nil {
		return nil, nil, err
	}
	if st.ActorID != author.ID || !st.Local {
		return nil, nil, errNotFound
	}
	if st.Visibility == ap.LocalOnly {
		return nil, nil, errNotFound
	}
	if st.DeletedAt != nil || gone(author) {
		w.Header().Add("Vary", "Accept")
		return nil, nil, h.writeTombstone(w, st.URI, st.DeletedAt)
	}
	v, err := h.viewer(ctx, r)
	if err != nil {
		return nil, nil, err
	}
	ok, err := h.svc.CanSee(ctx, v, st)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return nil, nil, errNotFound
	}
	ok, gated, err := h.groupAdmits(ctx, v, st)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return nil, nil, errNotFound // as for any post the viewer may not see: its existence does not leak
	}
	if gated {
		w.Header().Set("Cache-Control", privateCache) // writeAS keeps it
	}
	return st, author, nil
}

func isBoost(st *ap.Status) bool { return st.ReblogOfID != "" }

// status serves the Note (a boost has no object of its own: its id is the Announce activity).
func (h *Handler) status(w http.ResponseWriter, r *http.Request) error {
	st, author, err := h.lookupStatus(w, r)
	if err != nil || st == nil {
		return err
	}
	if isBoost(st) {
		return errNotFound
	}
	if !negotiate(w, r, st.URL) {
		return nil
	}
	doc, err := h.note(r, st, author)
	if err != nil {
		return err
	}
	return writeAS(w, http.StatusOK, doc, isPublic(st))
}

// statusActivity serves the Create of a post, or the Announce of a boost.
func (h *Handler) statusActivity(w http.ResponseWriter, r *http.Request) error {
	st, author, err := h.lookupStatus(w, r)
	if err != nil || st == nil {
		return err
	}
	if !negotiate(w, r, st.URL) {
		return nil
	}
	doc, err := h.activityOf(r, st, author)
	if err != nil {
		return err
	}
	return writeAS(w, http.StatusOK, doc, isPublic(st))
}

// activityOf renders the activity that published a status: Create with the Note embedded, or the
// Announce of a boost.
func (h *Handler) activityOf(r *http.Request, st *ap.Status, author *ap.Actor) (map[string]any, error) {
	if isBoost(st) {
		orig, err := h.store.StatusByID(r.Context(), st.ReblogOfID)
		if err != nil {
			return nil, err
		}
		aud := as2.Addressing(&ap.Status{Visibility: st.Visibility}, author, "")
		if origAuthor, err := h.store.ActorByID(r.Context(), orig.ActorID); err == nil && !origAuthor.Local() {
			aud.Cc = append(aud.Cc, origAuthor.URI)
		}
		return h.render.Activity(&ap.Activity{ID: st.URI, Type: as2.TypeAnnounce, Actor: author.URI, Object: orig.URI,
			To: aud.To, Cc: aud.Cc, Published: st.CreatedAt}, nil)
	}
	note, err := h.note(r, st, author)
	if err != nil {
		return nil, err
	}
	return h.render.Activity(&ap.Activity{ID: st.URI + "/activity", Type: as2.TypeCreate, Actor: author.URI, Object: st.URI,
		To: toStrings(note["to"]), Cc: toStrings(note["cc"]), Published: st.CreatedAt}, note)
}

// note renders a local status with its addressing, looking up the author replied to.
func (h *Handler) note(r *http.Request, st *ap.Status, author *ap.Actor) (map[string]any, error) {
	parent := ""
	if st.InReplyToActorID != "" {
		if pa, err := h.store.ActorByID(r.Context(), st.InReplyToActorID); err == nil && !pa.Local() {
			parent = pa.URI
		}
	}
	aud := as2.Addressing(st, author, parent)
	if st.Visibility == ap.Partners {
		to, err := h.partnerAudience(r, st, parent)
		if err != nil {
			return nil, err
		}
		aud = as2.Audience{To: to}
	}
	aud.Group = groupURI(r.Context(), h.store, st)
	note, err := h.render.Note(st, author, aud)
	if err != nil {
		return nil, err
	}
	for _, ext := range h.o.Extensions {
		if err := ext.ExtendNote(r.Context(), st, note); err != nil {
			return nil, fmt.Errorf("docs: extend note %s: %w", st.URI, err)
		}
	}
	return note, nil
}

// partnerAudience is the addressing of a partner-only status as served: to a fetcher on a
// partner instance, its own part only (as it was delivered there), so partners do not learn each
// other's followers. lookupStatus has already refused everyone else.
func (h *Handler) partnerAudience(r *http.Request, st *ap.Status, parent string) ([]string, error) {
	ctx := r.Context()
	byHost, err := h.svc.PartnerAudience(ctx, st)
	if err != nil {
		return nil, err
	}
	v, err := h.viewer(ctx, r)
	if err != nil {
		return nil, err
	}
	viewerHost := ""
	if v.Actor != nil && !v.Actor.Local() {
		viewerHost, _ = ap.NormalizeHost(v.Actor.Domain)
	}
	var to []string
	for host, uris := range byHost {
		if viewerHost == "" || host == viewerHost {
			to = append(to, uris...)
		}
	}
	if parent != "" && ap.PartnerHost(as2.Host(parent), st.Partners) && !slices.Contains(to, parent) &&
		(viewerHost == "" || as2.SameOrigin(parent, v.Actor.URI)) {
		to = append(to, parent)
	}
	slices.Sort(to)
	return to, nil
}

// groupURI is the id of the group a status was posted to, "" for none (or one since deleted).
func groupURI(ctx context.Context, store interface {
	ActorByID(context.Context, string) (*ap.Actor, error)
}, st *ap.Status) string {
	if st.GroupID == "" {
		return ""
	}
	g, err := store.ActorByID(ctx, st.GroupID)
	if err != nil {
		return ""
	}
	return g.URI
}

func isPublic(st *ap.Status) bool { return st.Visibility == ap.Public || st.Visibility == ap.Unlisted }

func toStrings(v any) []string {
	var out []string
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
	case string:
		out = append(out, x)
	}
	return out
}

// writeTombstone answers 410 Gone with a Tombstone, so peers that fetch a deleted object learn to
// drop their copy.
func (h *Handler) writeTombstone(w http.ResponseWriter, uri string, deleted *time.Time) error {
	doc, err := h.render.Tombstone(uri, deleted)
	if err != nil {
		return err
	}
	return writeAS(w, http.StatusGone, doc, true)
}

// replies serves the public direct replies of a status, as ids, in one page: enough for peers
// that backfill threads (FEP-f228 readers also follow context).
func (h *Handler) replies(w http.ResponseWriter, r *http.Request) error {
	st, _, err := h.lookupStatus(w, r)
	if err != nil || st == nil {
		return err
	}
	if !negotiate(w, r, st.URL) {
		return nil
	}
	desc, err := h.store.Descendants(r.Context(), st.ID, 200)
	if err != nil {
		return err
	}
	var items []any
	for _, d := range desc {
		if d.InReplyToID == st.ID && d.DeletedAt == nil && isPublic(d) {
			items = append(items, d.URI)
		}
	}
	id := st.URI + "/replies"
	doc, err := h.render.OrderedCollectionPage(as2.CollectionPage{ID: id, PartOf: id, Items: items}, len(items))
	if err != nil {
		return err
	}
	// The collection is served whole: the page is the collection itself.
	doc["type"] = as2.TypeOrderedColl
	delete(doc, "partOf")
	return writeAS(w, http.StatusOK, doc, isPublic(st))
}
