package mastoapi

import (
	"net/http"

	"github.com/guildhall/guildhall/activitypub/preferences"
)

// marker is Mastodon's Marker entity; Tusky needs all three fields.
type marker struct {
	LastReadID string `json:"last_read_id"`
	Version    int    `json:"version"`
	UpdatedAt  string `json:"updated_at"`
}

func presentMarkers(ms map[string]*preferences.Marker) map[string]marker {
	out := make(map[string]marker, len(ms))
	for t, m := range ms {
		out[t] = marker{LastReadID: m.LastReadID, Version: m.Version, UpdatedAt: fmtTime(m.UpdatedAt)}
	}
	return out
}

// markers is GET /api/v1/markers?timeline[]=home&timeline[]=notifications; timelines without a
// marker are absent from the answer.
func (h *Handler) getMarkers(w http.ResponseWriter, r *http.Request, c *call) error {
	ms, err := h.markers.Get(r.Context(), c.account, c.p.strs("timeline"))
	if err != nil {
		return err
	}
	return ok(w, presentMarkers(ms))
}

// saveMarkers is POST /api/v1/markers with home[last_read_id] and/or
// notifications[last_read_id], form-encoded (Tusky) or as JSON objects (masto.js); the params
// decoder makes both the same keys.
func (h *Handler) saveMarkers(w http.ResponseWriter, r *http.Request, c *call) error {
	in := map[string]string{}
	for _, t := range []string{preferences.MarkerHome, preferences.MarkerNotifications} {
		if k := t + "[last_read_id]"; c.p.has(k) {
			in[t] = c.p.str(k)
		}
	}
	ms, err := h.markers.Save(r.Context(), c.account, in)
	if err != nil {
		return err
	}
	return ok(w, presentMarkers(ms))
}
