package federation

import (
	"net/http"

	"github.com/guildhall/guildhall/federation/as2"
)

// serveContext serves our JSON-LD context document: public (a JSON-LD processor fetches it
// unsigned, as it does the ActivityStreams context), cacheable and open to any origin.
func serveContext(w http.ResponseWriter, r *http.Request) {
	body, err := as2.Marshal(as2.ContextDocument())
	if err != nil {
		http.Error(w, "Internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/ld+json")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(body)
}
