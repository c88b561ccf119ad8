package mastoapi

import (
	"net/http"

	"github.com/guildhall/guildhall/activitypub/moderation"
)

// reportAction is POST /api/guildhall/v1/admin/reports/{id}/actions: a moderator's decision on a
// report (docs/api.md).
func (h *Handler) reportAction(w http.ResponseWriter, r *http.Request, c *call) error {
	rep, err := h.moderation.ActOnReport(r.Context(), c.account, pathID(r), moderation.ReportAction{
		Action: moderation.Action(c.p.str("action")), Note: c.p.str("note"), StatusIDs: c.p.strs("status_ids"),
	})
	if err != nil {
		return err
	}
	if rep.TargetID != "" && c.p.str("action") == string(moderation.ActionSuspend) {
		h.auth.forgetUser(rep.TargetID)
	}
	return ok(w, h.presentReport(r, rep))
}

func (h *Handler) adminUnsilence(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.moderation.UnlimitAccount(r.Context(), c.account, pathID(r), c.p.str("text")); err != nil {
		return err
	}
	return ok(w, map[string]any{})
}

// myWarnings is GET /api/guildhall/v1/warnings: what moderators did about the caller's account.
func (h *Handler) myWarnings(w http.ResponseWriter, r *http.Request, c *call) error {
	ws, err := h.moderation.MyWarnings(r.Context(), c.account, page(c.p, 20, 40))
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(ws))
	for _, x := range ws {
		out = append(out, presentWarning(x))
	}
	return ok(w, out)
}

func presentWarning(x *moderation.Warning) map[string]any {
	ids := x.StatusIDs
	if ids == nil {
		ids = []string{}
	}
	out := map[string]any{"id": x.ID, "action": string(x.Action), "text": x.Text, "status_ids": ids,
		"created_at": fmtTime(x.CreatedAt)}
	if x.ReportID != "" {
		out["report_id"] = x.ReportID
	}
	return out
}
