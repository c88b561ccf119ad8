package mastoapi

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
	"github.com/guildhall/guildhall/ui/mastoapi/streaming"
)

// wireStreaming builds the streaming hub when Options.EnableStreaming is set. It renders with the
// REST API's presenters, per viewer, so a streamed status is byte for byte what a timeline shows.
func (h *Handler) wireStreaming() error {
	if !h.opts.EnableStreaming {
		return nil
	}
	hub, err := streaming.New(streaming.Options{
		Service: h.svc, Tokens: h.accounts, Logger: h.log, Heartbeat: h.opts.StreamingHeartbeat,
		RenderStatus: h.renderStreamStatus, RenderNotification: h.renderStreamNotification,
		ListMembership: h.lists.Membership,
	})
	if err != nil {
		return err
	}
	h.hub = hub
	return nil
}

// Events is what the server hands to Service.SetEvents (next to its own listeners) so the
// streaming API hears new statuses and notifications; nil when streaming is off.
func (h *Handler) Events() activitypub.Events {
	if h.hub == nil {
		return nil // an untyped nil, so callers can test it
	}
	return h.hub
}

// Close ends every streaming connection and waits for their handlers; call it alongside
// http.Server.Shutdown, which does not wait for hijacked connections.
func (h *Handler) Close() {
	if h.hub != nil {
		h.hub.Close()
	}
}

// renderStreamStatus renders a status as viewer sees it, in the home filter context; a status
// the viewer may not see, or one a hide filter removes, is NotFound, which the hub skips.
func (h *Handler) renderStreamStatus(ctx context.Context, viewer *activitypub.Account, statusID string) ([]byte, error) {
	const op = "mastoapi.renderStreamStatus"
	c := &call{account: viewer, route: routeStreaming}
	st, err := h.svc.GetStatus(ctx, c.viewer(), statusID)
	if err != nil {
		return nil, err // NotFound too when the viewer may not see it
	}
	out, err := h.presentStatuses(ctx, c, []*activitypub.Status{st})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, activitypub.E(op, activitypub.NotFound, "status filtered out")
	}
	return json.Marshal(out[0])
}

func (h *Handler) renderStreamNotification(ctx context.Context, viewer *activitypub.Account, n *activitypub.Notification) ([]byte, error) {
	c := &call{account: viewer, route: "/api/v1/notifications"}
	out, err := h.presentNotifications(ctx, c, []*activitypub.Notification{n})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, activitypub.E("mastoapi.renderStreamNotification", activitypub.NotFound, "notification not visible")
	}
	return json.Marshal(out[0])
}

// TokenRevoked forgets a token revoked elsewhere (another server process, whose revocation the
// database announced) and closes this process's streams opened with it, instead of honouring it
// until the token cache's expiry and the streams' next heartbeat.
func (h *Handler) TokenRevoked(tokenHash string) {
	h.auth.forgetToken(tokenHash)
	if h.hub != nil {
		h.hub.TokenRevoked(tokenHash)
	}
}

// revokeToken is POST /oauth/revoke: the token stops working, and its open streams close at once
// rather than at their next heartbeat.
func (h *Handler) revokeToken(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.revoke(w, r, c); err != nil {
		return err
	}
	if tok := c.p.str("token"); h.hub != nil && tok != "" {
		h.hub.TokenRevoked(accounts.HashSecret(tok))
	}
	return nil
}
