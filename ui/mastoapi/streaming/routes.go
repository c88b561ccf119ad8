package streaming

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"
)

// sseStreams maps the paths of the Server-Sent Events endpoints to their stream names.
var sseStreams = []string{
	"user", "user/notification", "public", "public/media", "public/local", "public/local/media",
	"public/remote", "public/remote/media", "hashtag", "hashtag/local", "list", "direct",
}

// Routes registers the streaming API on r:
//
//	GET /api/v1/streaming          WebSocket (or, without an Upgrade, SSE of ?stream=)
//	GET /api/v1/streaming/health   "OK"
//	GET /api/v1/streaming/{stream} Server-Sent Events: user, user/notification, public,
//	                               public/local, public/remote (each also /media), hashtag,
//	                               hashtag/local (?tag=), list (?list=), direct
func (h *Hub) Routes(r *mux.Router) {
	get := []string{http.MethodGet, http.MethodHead}
	r.HandleFunc("/api/v1/streaming/health", health).Methods(get...)
	r.HandleFunc("/api/v1/streaming", h.serveRoot).Methods(http.MethodGet)
	r.HandleFunc("/api/v1/streaming/", h.serveRoot).Methods(http.MethodGet)
	for _, p := range sseStreams {
		name := strings.ReplaceAll(p, "/", ":")
		r.HandleFunc("/api/v1/streaming/"+p, func(w http.ResponseWriter, r *http.Request) {
			h.serveSSE(w, r, name)
		}).Methods(http.MethodGet)
		r.HandleFunc("/api/v1/streaming/"+p, preflight).Methods(http.MethodOptions)
	}
}

// serveRoot is the WebSocket endpoint; a plain GET with ?stream= is served as SSE, as Mastodon does.
func (h *Hub) serveRoot(w http.ResponseWriter, r *http.Request) {
	if isUpgrade(r) {
		h.serveWebSocket(w, r)
		return
	}
	h.serveSSE(w, r, r.URL.Query().Get("stream"))
}

func isUpgrade(r *http.Request) bool {
	for _, v := range r.Header.Values("Upgrade") {
		if strings.EqualFold(strings.TrimSpace(v), "websocket") {
			return true
		}
	}
	return false
}

// health is what Mastodon's streaming server answers, and what some clients probe before
// connecting. Any origin may read it: it says nothing.
func health(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	_, _ = w.Write([]byte("OK"))
}

// preflight lets browser clients send the Authorization header to the SSE endpoints. Allowing
// any origin is safe for the same reason as the WebSocket: only an explicit bearer token
// authenticates, never a cookie.
func preflight(w http.ResponseWriter, _ *http.Request) {
	hd := w.Header()
	hd.Set("Access-Control-Allow-Origin", "*")
	hd.Set("Access-Control-Allow-Methods", "GET")
	hd.Set("Access-Control-Allow-Headers", "Authorization")
	hd.Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusNoContent)
}
