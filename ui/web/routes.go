package web

import (
	"net/http"

	"github.com/gorilla/mux"
)

// route is one line of the route table.
type route struct {
	method string
	path   string
	// csrf says which token a state-changing request must carry.
	csrf csrfMode
	// anonymous routes skip the session lookup: static files need no database round trip.
	anonymous bool
	// maxBody overrides maxFormBytes for forms that carry files.
	maxBody int64
	handle  handlerFunc
}

// routes is every page of the web UI, in one list, so what the UI exposes can be read at a glance.
func (h *Handler) routes() []route {
	return append([]route{
		{method: http.MethodGet, path: "/", handle: h.home},
		{method: http.MethodGet, path: "/setup", handle: h.setupForm},
		{method: http.MethodPost, path: "/setup", csrf: csrfCookie, handle: h.setup},
		{method: http.MethodGet, path: "/login", handle: h.loginForm},
		{method: http.MethodPost, path: "/login", csrf: csrfCookie, handle: h.login},
		{method: http.MethodGet, path: "/logout", handle: h.logoutForm},
		{method: http.MethodPost, path: "/logout", csrf: csrfSession, handle: h.logout},
		{method: http.MethodGet, path: "/static/{file}", anonymous: true, handle: h.static},
		{method: http.MethodGet, path: "/oauth/authorize", handle: h.authorizeForm},
		// The handler checks the session's CSRF token itself, after requiring the session.
		{method: http.MethodPost, path: "/oauth/authorize", handle: h.authorize},
	}, h.postRoutes()...)
}

// Routes registers the web UI on r. It adds no catch-all: the router is shared with the other
// surfaces, so the server decides what answers unknown paths (see NotFound).
func (h *Handler) Routes(r *mux.Router) {
	for _, rt := range append(append(append(append(append(h.routes(), h.governanceRoutes()...), h.questionRoutes()...), h.groupRoutes()...), h.ideaPageRoutes()...), h.moderationRoutes()...) {
		methods := []string{rt.method}
		if rt.method == http.MethodGet {
			methods = append(methods, http.MethodHead)
		}
		r.Handle(rt.path, h.chain(rt)).Methods(methods...)
	}
}

// NotFound is the HTML 404 page, for the server to use as the router's NotFoundHandler when the
// client wants HTML.
func (h *Handler) NotFound() http.Handler {
	return h.chain(route{handle: func(http.ResponseWriter, *http.Request) error { return errNotFound }})
}

// chain wraps a route's handler in the middleware every page needs, outermost first: security
// headers (so even refusals carry them), a cap on the body, the browser's cross-origin check, the
// session lookup and the CSRF token check, then the error adapter.
func (h *Handler) chain(rt route) http.Handler {
	fn := h.checkCSRF(rt.csrf, rt.handle)
	if !rt.anonymous {
		fn = h.withSession(fn)
	}
	return securityHeaders(limitBody(rt.maxBody, h.cop.Handler(h.adapt(fn))))
}
