// Package docs serves the documents other servers and people fetch from us: WebFinger, host-meta,
// NodeInfo, actors, statuses and their activities, and the outbox, followers, following and
// featured collections, with content negotiation (ActivityStreams JSON for servers, a redirect to
// the HTML page for browsers) and the domain's visibility rules applied to the signed fetcher.
package docs

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/federation/as2"
	"github.com/guildhall/guildhall/federation/httpsig"
)

// Store is what the documents read: actors, statuses and collections as they are stored, which
// the handlers then pass through the service's visibility rules. storage.Store satisfies it.
type Store interface {
	ActorByID(ctx context.Context, id string) (*ap.Actor, error)
	ActorByURI(ctx context.Context, uri string) (*ap.Actor, error)
	ActorByUsername(ctx context.Context, username, domain string) (*ap.Actor, error)
	ActorsByIDs(ctx context.Context, ids []string) ([]*ap.Actor, error)
	StatusByID(ctx context.Context, id string) (*ap.Status, error)
	Descendants(ctx context.Context, statusID string, limit int) ([]*ap.Status, error)
	Followers(ctx context.Context, actorID string, p ap.Page) ([]*ap.Follow, error)
	Following(ctx context.Context, actorID string, p ap.Page) ([]*ap.Follow, error)
	CountUsers(ctx context.Context) (int, error)
	CountLocalStatuses(ctx context.Context) (int, error)
}

// Options configures the document handlers. Service and Store are required.
type Options struct {
	Service *ap.Service
	Store   Store
	// Verifier checks the signatures of signed GETs, whose signer then counts as the viewer (so
	// a follower's server can fetch a followers-only post). Nil treats every GET as anonymous.
	Verifier *httpsig.Verifier
	Logger   *slog.Logger
	// Version is the software version NodeInfo reports.
	Version string
	// PageSize is the number of items per collection page (default 20, Mastodon's).
	PageSize int
	// NodeName is the instance's human name for NodeInfo metadata (default: the domain).
	NodeName string
	// AuthorizedFetch requires a valid signature of a non-blocked actor on every ActivityPub
	// GET (actors, statuses, collections), as Mastodon's secure mode. The instance actor stays
	// fetchable unsigned so other servers can get its key; discovery documents (WebFinger,
	// host-meta, NodeInfo) stay public.
	AuthorizedFetch bool
	// DomainBlocked reports whether federation policy refuses a host: signed GETs whose key
	// lives there get 403. Nil blocks nothing.
	DomainBlocked func(ctx context.Context, host string) (bool, error)
	// Groups serves what only group actors have (moderators, pinned posts, the members list
	// rule); nil serves groups like any actor.
	Groups Groups
	// Extensions add extension terms (the ideas area's) to the local statuses served.
	Extensions []as2.Extension
}

// Handler serves the documents.
type Handler struct {
	svc    *ap.Service
	store  Store
	verify *httpsig.Verifier
	log    *slog.Logger
	render as2.Renderer
	o      Options
}

// New checks the options and returns a Handler.
func New(o Options) (*Handler, error) {
	if o.Service == nil || o.Store == nil {
		return nil, errors.New("docs: Service and Store are required")
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.PageSize <= 0 {
		o.PageSize = 20
	}
	if o.Version == "" {
		o.Version = "dev"
	}
	if o.NodeName == "" {
		o.NodeName = o.Service.Domain()
	}
	return &Handler{svc: o.Service, store: o.Store, verify: o.Verifier, log: o.Logger,
		render: as2.Renderer{BaseURL: o.Service.BaseURL(), Domain: o.Service.Domain()}, o: o}, nil
}

// Routes mounts every document route; this is the package's one route table.
func (h *Handler) Routes(r *mux.Router) {
	get := []string{http.MethodGet, http.MethodHead}
	for _, rt := range []struct {
		path string
		fn   handlerFunc
	}{
		{"/.well-known/webfinger", h.webfinger},
		{"/.well-known/host-meta", h.hostMeta},
		{"/.well-known/nodeinfo", h.nodeinfoLinks},
		{"/nodeinfo/{version:2\\.[01]}", h.nodeinfo},
		{"/actor", h.instanceActor},
		{"/users/{username}", h.actor},
		{"/users/{username}/outbox", h.outbox},
		{"/users/{username}/followers", h.followers},
		{"/users/{username}/following", h.following},
		{"/users/{username}/collections/featured", h.featured},
		{"/users/{username}/statuses/{id}", h.status},
		{"/users/{username}/statuses/{id}/activity", h.statusActivity},
		{"/users/{username}/statuses/{id}/replies", h.replies},
		{"/users/{username}/moderators", h.moderators},
		{"/users/{username}/statuses/{id}/context", h.context},
	} {
		if discovery(rt.path) {
			r.Handle(rt.path, withCORS(h.adapt(rt.fn))).Methods(get...)
			r.HandleFunc(rt.path, preflight).Methods(http.MethodOptions)
			continue
		}
		fn := rt.fn
		if rt.path != "/actor" {
			// The instance actor is exempt: its key is what verifies our own signed fetches.
			fn = h.gate(fn)
		}
		r.Handle(rt.path, h.adapt(fn)).Methods(get...)
	}
}

// handlerFunc is a handler that returns its error; adapt maps it to a status.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// statusError carries a status code and a message safe to send.
type statusError struct {
	code int
	msg  string
}

func (e *statusError) Error() string { return e.msg }

func httpError(code int, msg string) error { return &statusError{code: code, msg: msg} }

var errNotFound = httpError(http.StatusNotFound, "Record not found")

// adapt maps errors to statuses: ours as they say, the domain's by kind, anything else 500 with
// nothing internal shown.
func (h *Handler) adapt(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := fn(w, r)
		if err == nil {
			return
		}
		code, msg := http.StatusInternalServerError, "Internal error"
		var se *statusError
		switch {
		case errors.As(err, &se):
			code, msg = se.code, se.msg
		case ap.KindOf(err) == ap.NotFound:
			code, msg = http.StatusNotFound, "Record not found"
		case ap.KindOf(err) == ap.Gone:
			code, msg = http.StatusGone, "Gone"
		case ap.KindOf(err) == ap.Forbidden:
			code, msg = http.StatusForbidden, "Forbidden"
		case ap.KindOf(err) == ap.Invalid:
			code, msg = http.StatusBadRequest, ap.Message(err)
		}
		if code >= 500 {
			h.log.ErrorContext(r.Context(), "serving document", "path", r.URL.Path, "err", err)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(code)
		_, _ = w.Write([]byte(`{"error":` + jsonString(msg) + `}`))
	})
}

// wantsActivity decides between JSON and a redirect to the HTML page. ActivityStreams types win;
// a browser (text/html) is redirected; anything else (curl, */*) gets JSON, which is what a
// program that did not ask for HTML most likely wants.
func wantsActivity(r *http.Request) bool {
	accept := r.Header.Get("Accept")
	html := false
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case "application/activity+json":
			return true
		case "application/ld+json":
			if p, ok := params["profile"]; !ok || strings.Contains(p, as2.NSActivityStreams) {
				return true
			}
		case "text/html", "application/xhtml+xml":
			html = true
		}
	}
	return !html
}

// negotiate sets Vary and, for a browser, redirects to page and reports false.
func negotiate(w http.ResponseWriter, r *http.Request, page string) bool {
	w.Header().Add("Vary", "Accept")
	if wantsActivity(r) || page == "" {
		return true
	}
	http.Redirect(w, r, page, http.StatusSeeOther)
	return false
}

// privateCache is the Cache-Control of a document served to one viewer. A handler that decided
// so before writing sets it, and writeAS keeps it.
const privateCache = "private, no-store"

// writeAS writes an ActivityStreams document.
func writeAS(w http.ResponseWriter, code int, doc map[string]any, public bool) error {
	b, err := as2.Marshal(doc)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", as2.ContentType)
	if public && w.Header().Get("Cache-Control") != privateCache {
		w.Header().Set("Cache-Control", "public, max-age=180")
	} else {
		// Served to one signed viewer: no shared cache may keep it.
		w.Header().Set("Cache-Control", privateCache)
	}
	w.WriteHeader(code)
	_, err = w.Write(b)
	return err
}

// viewer identifies who is asking: the verified signer of a signed GET, else anonymous. A bad
// signature is refused rather than downgraded, so the remote learns its signing is broken.
func (h *Handler) viewer(ctx context.Context, r *http.Request) (ap.Viewer, error) {
	if v, ok := ctx.Value(viewerKey{}).(ap.Viewer); ok {
		return v, nil // verified by the authorized-fetch gate
	}
	if h.verify == nil || (r.Header.Get("Signature") == "" && r.Header.Get("Authorization") == "") {
		return ap.Viewer{}, nil
	}
	res, err := h.verify.Verify(ctx, r, nil)
	if err != nil {
		var se *httpsig.Error
		if errors.As(err, &se) && !errors.Is(err, httpsig.ErrKeyUnavailable) {
			return ap.Viewer{}, httpError(http.StatusUnauthorized, se.Reason)
		}
		// The key could not be fetched (its server down): answer as to anyone.
		h.log.DebugContext(ctx, "signed GET not verified; treated as anonymous", "err", err)
		return ap.Viewer{}, nil
	}
	a, err := h.store.ActorByURI(ctx, res.Owner)
	if err != nil {
		if ap.IsNotFound(err) {
			return ap.Viewer{}, nil
		}
		return ap.Viewer{}, err
	}
	return ap.Viewer{Actor: a}, nil
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
