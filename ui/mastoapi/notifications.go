package mastoapi

import (
	"context"
	"net/http"

	"github.com/guildhall/guildhall/activitypub"
)

// notificationFilter reads the parameters v1 and v2 notifications share.
func notificationFilter(p *params) activitypub.NotificationFilter {
	f := activitypub.NotificationFilter{FromActorID: p.str("account_id")}
	for _, t := range p.strs("types") {
		f.Types = append(f.Types, activitypub.NotificationType(t))
	}
	for _, t := range p.strs("exclude_types") {
		f.ExcludeTypes = append(f.ExcludeTypes, activitypub.NotificationType(t))
	}
	return f
}

func (h *Handler) notifications(w http.ResponseWriter, r *http.Request, c *call) error {
	ns, err := h.svc.Notifications(r.Context(), c.account, notificationFilter(c.p), page(c.p, 40, 80))
	if err != nil {
		return err
	}
	out, err := h.presentNotifications(r.Context(), c, ns)
	if err != nil {
		return err
	}
	if len(ns) > 0 {
		h.setLink(w, r, ns[0].ID, ns[len(ns)-1].ID)
	}
	return ok(w, out)
}

func (h *Handler) notification(w http.ResponseWriter, r *http.Request, c *call) error {
	n, err := h.svc.Notification(r.Context(), c.account, pathID(r))
	if err != nil {
		return err
	}
	out, err := h.presentNotifications(r.Context(), c, []*activitypub.Notification{n})
	if err != nil {
		return err
	}
	if len(out) == 0 {
		return errNotFound
	}
	return ok(w, out[0])
}

func (h *Handler) dismissNotification(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.svc.DismissNotification(r.Context(), c.account, pathID(r)); err != nil {
		return err
	}
	return ok(w, map[string]any{})
}

func (h *Handler) clearNotifications(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.svc.ClearNotifications(r.Context(), c.account); err != nil {
		return err
	}
	return ok(w, map[string]any{})
}

// presentNotifications renders notifications, loading their actors and statuses in batches. A
// notification whose status is gone or no longer visible is dropped, as Mastodon does.
func (h *Handler) presentNotifications(ctx context.Context, c *call, ns []*activitypub.Notification) ([]notification, error) {
	actorIDs, statusIDs := []string{}, []string{}
	for _, n := range ns {
		actorIDs = append(actorIDs, n.FromActorID)
		if n.StatusID != "" {
			statusIDs = append(statusIDs, n.StatusID)
		}
	}
	actors, err := h.actorsByID(ctx, uniq(actorIDs))
	if err != nil {
		return nil, err
	}
	accts := make(map[string]account, len(actors))
	for _, a := range actors {
		accts[a.ID] = h.presentAccount(a)
	}
	sts, err := h.statusesByID(ctx, c, uniq(statusIDs))
	if err != nil {
		return nil, err
	}
	rendered, err := h.presentStatuses(ctx, c, sts)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*status, len(rendered))
	for i := range rendered {
		byID[rendered[i].ID] = &rendered[i]
	}
	out := make([]notification, 0, len(ns))
	for _, n := range ns {
		a, found := accts[n.FromActorID]
		if !found {
			continue
		}
		nt := notification{ID: n.ID, Type: string(n.Type), CreatedAt: fmtTime(n.CreatedAt), GroupKey: "ungrouped-" + n.ID, Account: a}
		if n.StatusID != "" {
			if nt.Status = byID[n.StatusID]; nt.Status == nil {
				continue
			}
		}
		out = append(out, nt)
	}
	return out, nil
}

// notificationPolicy is GET /api/v2/notifications/policy (Mastodon 4.3), read by Phanpy and
// Tusky because we advertise 4.3. There is no filtering of notifications from strangers: every
// category is accepted and nothing is ever pending.
func (h *Handler) notificationPolicy(w http.ResponseWriter, _ *http.Request, _ *call) error {
	return ok(w, map[string]any{
		"for_not_following": "accept", "for_not_followers": "accept", "for_new_accounts": "accept",
		"for_private_mentions": "accept", "for_limited_accounts": "accept",
		"summary": map[string]int{"pending_requests_count": 0, "pending_notifications_count": 0},
	})
}
