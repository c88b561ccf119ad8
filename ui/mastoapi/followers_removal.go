package mastoapi

import (
	"context"
	"net/http"

	"github.com/guildhall/guildhall/activitypub"
)

// removeFromFollowers is POST /api/v1/accounts/:id/remove_from_followers (Mastodon 3.5).
func (h *Handler) removeFromFollowers(w http.ResponseWriter, r *http.Request, c *call) error {
	return h.relationshipAction(w, r, c, func(ctx context.Context, id string) (*activitypub.Relationship, error) {
		return h.svc.RemoveFollower(ctx, c.account, id)
	})
}
