package docs

import (
	"encoding/json"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/guildhall/guildhall/federation/as2"
)

// nodeinfoLinks is /.well-known/nodeinfo: the schema versions served and, per FEP-2677, where the
// instance actor is.
func (h *Handler) nodeinfoLinks(w http.ResponseWriter, r *http.Request) error {
	a, err := h.svc.EnsureInstanceActor(r.Context())
	if err != nil {
		return err
	}
	base := h.svc.BaseURL()
	return writeJSON(w, "application/json", map[string]any{"links": []jrdLink{
		{Rel: "http://nodeinfo.diaspora.software/ns/schema/2.0", Href: base + "/nodeinfo/2.0"},
		{Rel: "http://nodeinfo.diaspora.software/ns/schema/2.1", Href: base + "/nodeinfo/2.1"},
		{Rel: as2.ApplicationRel, Href: a.URI},
	}})
}

// nodeinfo is /nodeinfo/2.0 and /nodeinfo/2.1. Registrations are always closed: accounts are
// created by council administrators.
func (h *Handler) nodeinfo(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	version := mux.Vars(r)["version"]
	users, err := h.store.CountUsers(ctx)
	if err != nil {
		return err
	}
	posts, err := h.store.CountLocalStatuses(ctx)
	if err != nil {
		return err
	}
	software := map[string]any{"name": "guildhall", "version": h.o.Version}
	if version == "2.1" {
		software["repository"] = "https://github.com/guildhall/guildhall"
		software["homepage"] = "https://github.com/guildhall/guildhall"
	}
	doc := map[string]any{
		"version":           version,
		"software":          software,
		"protocols":         []string{"activitypub"},
		"services":          map[string]any{"inbound": []string{}, "outbound": []string{}},
		"openRegistrations": false,
		"usage": map[string]any{
			// Sign-in activity is not tracked per month yet; staff accounts are reported as
			// active, which for a council instance is close to the truth.
			"users":      map[string]int{"total": users, "activeMonth": users, "activeHalfyear": users},
			"localPosts": posts,
		},
		// megalodon's detector (Whalebird, Fedistar) throws "Unknown SNS" for a software name it
		// does not know unless upstream names Mastodon, whose client API we serve.
		"metadata": map[string]any{"nodeName": h.o.NodeName, "upstream": map[string]string{"name": "mastodon"}},
	}
	return writeJSON(w, `application/json; profile="http://nodeinfo.diaspora.software/ns/schema/`+version+`#"`, doc)
}

func writeJSON(w http.ResponseWriter, contentType string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Cache-Control", "public, max-age=1800")
	_, err = w.Write(b)
	return err
}
