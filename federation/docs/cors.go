package docs

import (
	"net/http"
	"strings"
)

// discovery reports whether browser apps on other origins read path: Elk and Phanpy fetch
// WebFinger and NodeInfo from the browser, so these answer CORS as the client API does.
func discovery(path string) bool {
	return strings.HasPrefix(path, "/.well-known/") || strings.HasPrefix(path, "/nodeinfo/")
}

// withCORS lets any origin read the answer, errors included (a 404 from WebFinger is an answer
// too). No cookies are involved, so allowing every origin is safe.
func withCORS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Access-Control-Expose-Headers", "Link")
		next.ServeHTTP(w, r)
	})
}

// preflight answers a CORS preflight for a discovery document.
func preflight(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
	w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Accept")
	w.Header().Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusNoContent)
}
