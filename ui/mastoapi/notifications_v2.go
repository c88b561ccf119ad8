package mastoapi

import "net/http"

// notificationGroup is Mastodon 4.3's NotificationGroup.
type notificationGroup struct {
	GroupKey                 string   `json:"group_key"`
	NotificationsCount       int      `json:"notifications_count"`
	Type                     string   `json:"type"`
	MostRecentNotificationID string   `json:"most_recent_notification_id"`
	PageMinID                string   `json:"page_min_id"`
	PageMaxID                string   `json:"page_max_id"`
	LatestPageNotificationAt string   `json:"latest_page_notification_at"`
	SampleAccountIDs         []string `json:"sample_account_ids"`
	StatusID                 *string  `json:"status_id"`
}

type groupedNotifications struct {
	Accounts           []account           `json:"accounts"`
	Statuses           []status            `json:"statuses"`
	NotificationGroups []notificationGroup `json:"notification_groups"`
}

// groupedNotifications is GET /api/v2/notifications. Phanpy (and Elk) switch to it on servers
// that report Mastodon 4.3, as we do, so a 404 here empties their notifications tab. Nothing is
// grouped yet: each notification is its own group, keyed "ungrouped-<id>" as Mastodon keys
// ungroupable ones, which clients render like v1. Paging is by notification id, as in v1.
func (h *Handler) groupedNotifications(w http.ResponseWriter, r *http.Request, c *call) error {
	ns, err := h.svc.Notifications(r.Context(), c.account, notificationFilter(c.p), page(c.p, 40, 80))
	if err != nil {
		return err
	}
	rendered, err := h.presentNotifications(r.Context(), c, ns)
	if err != nil {
		return err
	}
	out := groupedNotifications{Accounts: []account{}, Statuses: []status{}, NotificationGroups: []notificationGroup{}}
	seen := map[string]bool{}
	for _, n := range rendered {
		g := notificationGroup{GroupKey: n.GroupKey, NotificationsCount: 1, Type: n.Type,
			MostRecentNotificationID: n.ID, PageMinID: n.ID, PageMaxID: n.ID, LatestPageNotificationAt: n.CreatedAt,
			SampleAccountIDs: []string{n.Account.ID}}
		if !seen["a"+n.Account.ID] {
			seen["a"+n.Account.ID] = true
			out.Accounts = append(out.Accounts, n.Account)
		}
		if n.Status != nil {
			g.StatusID = &n.Status.ID
			if !seen["s"+n.Status.ID] {
				seen["s"+n.Status.ID] = true
				out.Statuses = append(out.Statuses, *n.Status)
			}
		}
		out.NotificationGroups = append(out.NotificationGroups, g)
	}
	if len(ns) > 0 {
		h.setLink(w, r, ns[0].ID, ns[len(ns)-1].ID)
	}
	return ok(w, out)
}
