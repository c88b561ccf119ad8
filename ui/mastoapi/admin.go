package mastoapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
	"github.com/guildhall/guildhall/activitypub/moderation"
)

// governanceRoutes are sign-up, reports and the Mastodon admin API (accounts queue, actions,
// reports), plus Guildhall's own admin endpoints (audit log, registration policy, invitations).
func (h *Handler) governanceRoutes() []route {
	const get, post, put, del = http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete
	return []route{
		{post, "/api/v1/accounts", appToken, "write:accounts", h.registerAccount},
		{post, "/api/v1/reports", user, "write:reports", h.fileReport},

		{get, "/api/v1/admin/accounts", user, "admin:read:accounts", h.adminAccounts},
		{get, "/api/v1/admin/accounts/{id}", user, "admin:read:accounts", h.adminAccount},
		{post, "/api/v1/admin/accounts/{id}/approve", user, "admin:write:accounts", h.adminApprove},
		{post, "/api/v1/admin/accounts/{id}/reject", user, "admin:write:accounts", h.adminReject},
		{post, "/api/v1/admin/accounts/{id}/action", user, "admin:write:accounts", h.adminAction},
		{post, "/api/v1/admin/accounts/{id}/unsuspend", user, "admin:write:accounts", h.adminUnsuspend},
		{del, "/api/v1/admin/accounts/{id}", user, "admin:write:accounts", h.adminDelete},
		{get, "/api/v1/admin/reports", user, "admin:read:reports", h.adminReports},
		{get, "/api/v1/admin/reports/{id}", user, "admin:read:reports", h.adminReport},
		{post, "/api/v1/admin/reports/{id}/resolve", user, "admin:write:reports", h.adminResolveReport},
		{post, "/api/v1/admin/accounts/{id}/unsilence", user, "admin:write:accounts", h.adminUnsilence},
		{post, "/api/guildhall/v1/admin/reports/{id}/actions", user, "admin:write:reports", h.reportAction},
		{get, "/api/guildhall/v1/warnings", user, "read:accounts", h.myWarnings},

		{get, "/api/guildhall/v1/admin/audit", user, "admin:read", h.auditLog},
		{get, "/api/guildhall/v1/admin/audit.csv", user, "admin:read", h.auditCSV},
		{get, "/api/guildhall/v1/admin/registration", user, "admin:read", h.registrationPolicy},
		{put, "/api/guildhall/v1/admin/registration", user, "admin:write", h.setRegistrationPolicy},
		{post, "/api/guildhall/v1/admin/invites", user, "admin:write", h.createInvite},
		{get, "/api/guildhall/v1/admin/retention/preview", user, "admin:read", h.retentionPreview},
		{post, "/api/guildhall/v1/admin/retention/apply", user, "admin:write", h.retentionApply},
		{post, "/api/guildhall/v1/admin/accounts/{id}/legal_hold", user, "admin:write", h.setLegalHold},
		{del, "/api/guildhall/v1/admin/accounts/{id}/legal_hold", user, "admin:write", h.liftLegalHold},
		{get, "/api/guildhall/v1/export/following.csv", user, "read:follows", h.exportFollowing},
		{post, "/api/guildhall/v1/import/following", user, "write:follows", h.importFollowing},
	}
}

// registerAccount is Mastodon's sign-up: an application token creates an account under the
// registration policy, and gets a token for it, usable once the account is approved or its
// address confirmed. invite_code is Guildhall's addition.
func (h *Handler) registerAccount(w http.ResponseWriter, r *http.Request, c *call) error {
	if c.account != nil {
		return errStatus(http.StatusForbidden, "This method requires an application token, not a user's")
	}
	if c.p.has("agreement") && !c.p.boolean("agreement") {
		return errStatus(http.StatusUnprocessableEntity, "You must agree to the server rules")
	}
	res, err := h.accounts.Register(r.Context(), accounts.SignUp{
		Username: c.p.str("username"), Email: c.p.str("email"), Password: c.p.str("password"),
		Reason: c.p.str("reason"), InviteCode: c.p.str("invite_code"), Locale: c.p.str("locale"),
	})
	if err != nil {
		return err
	}
	tok, t, err := h.accounts.IssueToken(r.Context(), res.Account.Actor.ID, c.token.AppID, c.token.Scopes)
	if err != nil {
		return err
	}
	return ok(w, map[string]any{"access_token": tok, "token_type": "Bearer",
		"scope": strings.Join(t.Scopes, " "), "created_at": t.CreatedAt.Unix()})
}

// adminAccount is Mastodon's Admin::Account.
type adminAccount struct {
	ID            string  `json:"id"`
	Username      string  `json:"username"`
	Domain        *string `json:"domain"`
	CreatedAt     string  `json:"created_at"`
	Email         string  `json:"email"`
	IP            *string `json:"ip"`
	IPs           []any   `json:"ips"`
	Locale        string  `json:"locale"`
	InviteRequest *string `json:"invite_request"`
	Role          any     `json:"role"`
	Confirmed     bool    `json:"confirmed"`
	Approved      bool    `json:"approved"`
	Disabled      bool    `json:"disabled"`
	Silenced      bool    `json:"silenced"`
	Suspended     bool    `json:"suspended"`
	Account       account `json:"account"`
}

func (h *Handler) presentAdminAccount(a *activitypub.Account) adminAccount {
	role := a.User.RoleOf()
	out := adminAccount{ID: a.Actor.ID, Username: a.Actor.Username, CreatedAt: fmtTime(a.User.CreatedAt),
		Email: a.User.Email, IPs: []any{}, Locale: a.User.Locale, Confirmed: !a.User.Unconfirmed,
		Approved: !a.User.Pending, Disabled: a.User.DisabledAt != nil, Suspended: a.Actor.SuspendedAt != nil,
		Role:    map[string]any{"id": string(role), "name": string(role), "permissions": "0", "color": "", "highlighted": role != activitypub.RoleMember},
		Account: h.presentAccount(&a.Actor)}
	if a.User.Reason != "" {
		reason := a.User.Reason
		out.InviteRequest = &reason
	}
	return out
}

func (h *Handler) adminAccounts(w http.ResponseWriter, r *http.Request, c *call) error {
	f := accounts.UserFilter{Pending: c.p.boolean("pending") || c.p.str("status") == "pending"}
	if role := c.p.str("role_ids"); role != "" {
		f.Role = activitypub.Role(role)
	}
	if c.p.boolean("remote") || c.p.str("origin") == "remote" {
		return ok(w, []adminAccount{}) // only local accounts are administered here
	}
	accts, err := h.accounts.ListAccounts(r.Context(), c.account, f, page(c.p, 100, 200))
	if err != nil {
		return err
	}
	out := make([]adminAccount, 0, len(accts))
	for _, a := range accts {
		out = append(out, h.presentAdminAccount(a))
	}
	if len(accts) > 0 {
		h.setLink(w, r, accts[0].Actor.ID, accts[len(accts)-1].Actor.ID)
	}
	return ok(w, out)
}

func (h *Handler) adminAccount(w http.ResponseWriter, r *http.Request, c *call) error {
	// Listing rights are the test of reading rights: moderators may read, members may not.
	if _, err := h.accounts.ListAccounts(r.Context(), c.account, accounts.UserFilter{}, activitypub.Page{Limit: 1}); err != nil {
		return err
	}
	a, err := h.svc.AccountByActorID(r.Context(), pathID(r))
	if err != nil {
		return err
	}
	return ok(w, h.presentAdminAccount(a))
}

func (h *Handler) adminApprove(w http.ResponseWriter, r *http.Request, c *call) error {
	a, err := h.accounts.ApproveAccount(r.Context(), c.account, pathID(r), c.p.str("text"))
	if err != nil {
		return err
	}
	return ok(w, h.presentAdminAccount(a))
}

func (h *Handler) adminReject(w http.ResponseWriter, r *http.Request, c *call) error {
	a, err := h.svc.AccountByActorID(r.Context(), pathID(r))
	if err != nil {
		return err
	}
	if err := h.accounts.RejectAccount(r.Context(), c.account, a.Actor.ID, c.p.str("text")); err != nil {
		return err
	}
	return ok(w, h.presentAdminAccount(a))
}

// adminAction is Mastodon's account action: suspend (or disable) and silence (Guildhall's
// limit); sensitive is not implemented and refused, not ignored.
func (h *Handler) adminAction(w http.ResponseWriter, r *http.Request, c *call) error {
	switch c.p.str("type") {
	case "suspend", "disable":
		if _, err := h.accounts.SuspendAccount(r.Context(), c.account, pathID(r), c.p.str("text")); err != nil {
			return err
		}
		h.auth.forgetUser(pathID(r))
	case "silence":
		if err := h.moderation.LimitAccount(r.Context(), c.account, pathID(r), c.p.str("text")); err != nil {
			return err
		}
	case "none":
	default:
		return errStatus(http.StatusUnprocessableEntity, "type must be suspend, disable, silence or none")
	}
	if id := c.p.str("report_id"); id != "" {
		if _, err := h.moderation.ResolveReport(r.Context(), c.account, id, c.p.str("text")); err != nil {
			return err
		}
	}
	return ok(w, map[string]any{})
}

func (h *Handler) adminUnsuspend(w http.ResponseWriter, r *http.Request, c *call) error {
	a, err := h.accounts.UnsuspendAccount(r.Context(), c.account, pathID(r), c.p.str("text"))
	if err != nil {
		return err
	}
	return ok(w, h.presentAdminAccount(a))
}

func (h *Handler) adminDelete(w http.ResponseWriter, r *http.Request, c *call) error {
	a, err := h.svc.AccountByActorID(r.Context(), pathID(r))
	if err != nil {
		return err
	}
	if err := h.accounts.DeleteAccount(r.Context(), c.account, a.Actor.ID, c.p.str("text")); err != nil {
		return err
	}
	h.auth.forgetUser(a.Actor.ID)
	return ok(w, h.presentAdminAccount(a))
}

func (h *Handler) fileReport(w http.ResponseWriter, r *http.Request, c *call) error {
	rep, err := h.moderation.FileReport(r.Context(), c.account, moderation.ReportInput{
		TargetID: c.p.str("account_id"), StatusIDs: c.p.strs("status_ids"), Comment: c.p.str("comment"),
		Forward: c.p.boolean("forward"),
	})
	if err != nil {
		return err
	}
	return ok(w, h.presentReport(r, rep))
}

func (h *Handler) presentReport(r *http.Request, rep *activitypub.Report) map[string]any {
	out := map[string]any{"id": rep.ID, "action_taken": rep.ResolvedAt != nil,
		"action_taken_at": fmtTimePtr(rep.ResolvedAt), "category": "other", "comment": rep.Comment,
		"forwarded": rep.Forwarded, "created_at": fmtTime(rep.CreatedAt), "status_ids": rep.StatusIDs,
		"rule_ids": []string{}}
	if rep.StatusIDs == nil {
		out["status_ids"] = []string{}
	}
	if a, err := h.svc.ActorByID(r.Context(), rep.TargetID); err == nil {
		out["target_account"] = h.presentAccount(a)
	}
	if a, err := h.svc.ActorByID(r.Context(), rep.ReporterID); err == nil {
		out["account"] = h.presentAccount(a)
	}
	if rep.URI != "" {
		out["uri"] = rep.URI
	}
	return out
}

func (h *Handler) adminReports(w http.ResponseWriter, r *http.Request, c *call) error {
	reps, err := h.moderation.Reports(r.Context(), c.account, moderation.ReportFilter{
		Resolved: c.p.boolean("resolved"), TargetID: c.p.str("target_account_id")}, page(c.p, 100, 200))
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(reps))
	for _, rep := range reps {
		out = append(out, h.presentReport(r, rep))
	}
	if len(reps) > 0 {
		h.setLink(w, r, reps[0].ID, reps[len(reps)-1].ID)
	}
	return ok(w, out)
}

func (h *Handler) adminReport(w http.ResponseWriter, r *http.Request, c *call) error {
	rep, err := h.moderation.Report(r.Context(), c.account, pathID(r))
	if err != nil {
		return err
	}
	return ok(w, h.presentReport(r, rep))
}

func (h *Handler) adminResolveReport(w http.ResponseWriter, r *http.Request, c *call) error {
	rep, err := h.moderation.ResolveReport(r.Context(), c.account, pathID(r), c.p.str("text"))
	if err != nil {
		return err
	}
	return ok(w, h.presentReport(r, rep))
}

func (h *Handler) auditLog(w http.ResponseWriter, r *http.Request, c *call) error {
	entries, err := h.moderation.AuditLog(r.Context(), c.account, page(c.p, 100, 500))
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(entries))
	for _, e := range entries {
		out = append(out, map[string]any{"id": e.ID, "created_at": fmtTime(e.CreatedAt),
			"actor_id": e.ActorID, "actor": e.ActorName, "action": e.Action, "target_type": e.TargetType,
			"target_id": e.TargetID, "target": e.TargetName, "reason": e.Reason})
	}
	if len(entries) > 0 {
		h.setLink(w, r, entries[0].ID, entries[len(entries)-1].ID)
	}
	return ok(w, out)
}

func (h *Handler) auditCSV(w http.ResponseWriter, r *http.Request, c *call) error {
	// Checked before the first byte, so a refusal is still a JSON error.
	if _, err := h.moderation.AuditLog(r.Context(), c.account, activitypub.Page{Limit: 1}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="audit-`+h.svc.Now().Format("2006-01-02")+`.csv"`)
	return h.moderation.ExportAuditCSV(r.Context(), c.account, w)
}

func (h *Handler) registrationPolicy(w http.ResponseWriter, r *http.Request, c *call) error {
	if _, err := h.moderation.AuditLog(r.Context(), c.account, activitypub.Page{Limit: 1}); err != nil {
		return err
	}
	p, err := h.accounts.RegistrationPolicy(r.Context())
	if err != nil {
		return err
	}
	return ok(w, presentPolicy(p))
}

func presentPolicy(p accounts.RegistrationPolicy) map[string]any {
	domains := p.Domains
	if domains == nil {
		domains = []string{}
	}
	return map[string]any{"mode": p.Mode, "domains": domains, "staff_need_2fa": p.StaffNeedTOTP}
}

func (h *Handler) setRegistrationPolicy(w http.ResponseWriter, r *http.Request, c *call) error {
	p := accounts.RegistrationPolicy{Mode: accounts.RegistrationMode(c.p.str("mode")),
		Domains: c.p.strs("domains"), StaffNeedTOTP: c.p.boolean("staff_need_2fa")}
	if err := h.accounts.SetRegistrationPolicy(r.Context(), c.account, p, c.p.str("reason")); err != nil {
		return err
	}
	return ok(w, presentPolicy(p))
}

func (h *Handler) createInvite(w http.ResponseWriter, r *http.Request, c *call) error {
	code, inv, err := h.accounts.CreateInvite(r.Context(), c.account, c.p.integer("max_uses", 1),
		time.Duration(c.p.integer("expires_in", 7*24*3600))*time.Second)
	if err != nil {
		return err
	}
	return ok(w, map[string]any{"id": inv.ID, "url": h.accounts.InviteLink(code), "code": code,
		"max_uses": inv.MaxUses, "expires_at": fmtTimePtr(inv.ExpiresAt)})
}

// registrationsOpen, approvalRequired and registrationsV2 tell clients whether their sign-up
// screen applies here (instance entities v1 and v2).
func (h *Handler) registrationsOpen(r *http.Request) bool {
	p, err := h.accounts.RegistrationPolicy(r.Context())
	return err == nil && (p.Mode == accounts.RegistrationApproval || p.Mode == accounts.RegistrationOpen)
}

func (h *Handler) approvalRequired(r *http.Request) bool {
	p, err := h.accounts.RegistrationPolicy(r.Context())
	return err != nil || p.Mode != accounts.RegistrationOpen
}

func (h *Handler) registrationsV2(r *http.Request) map[string]any {
	var msg any
	if p, err := h.accounts.RegistrationPolicy(r.Context()); err == nil && len(p.Domains) > 0 {
		msg = "Sign-up is open to addresses at " + strings.Join(p.Domains, ", ")
	}
	return map[string]any{"enabled": h.registrationsOpen(r), "approval_required": h.approvalRequired(r),
		"message": msg, "url": nil}
}

func (h *Handler) exportFollowing(w http.ResponseWriter, r *http.Request, c *call) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="following_accounts.csv"`)
	return h.accounts.ExportFollowingCSV(r.Context(), c.account, w)
}

// importFollowing takes a following_accounts.csv as the multipart file "data" (as Mastodon's
// import form sends it).
func (h *Handler) importFollowing(w http.ResponseWriter, r *http.Request, c *call) error {
	if !c.p.file("data") {
		return errStatus(http.StatusUnprocessableEntity, "send the CSV file as data")
	}
	f, err := r.MultipartForm.File["data"][0].Open()
	if err != nil {
		return errStatus(http.StatusBadRequest, "the uploaded file could not be read")
	}
	defer f.Close()
	res, err := h.accounts.ImportFollowingCSV(r.Context(), c.account, f)
	if err != nil {
		return err
	}
	failed := make([]map[string]string, 0, len(res.Failed))
	for _, x := range res.Failed {
		failed = append(failed, map[string]string{"address": x.Address, "reason": x.Reason})
	}
	return ok(w, map[string]any{"followed": res.Followed, "failed": failed})
}

func retentionAge(c *call) time.Duration {
	return time.Duration(c.p.integer("older_than_days", 0)) * 24 * time.Hour
}

func (h *Handler) retentionPreview(w http.ResponseWriter, r *http.Request, c *call) error {
	sts, err := h.moderation.RetentionPreview(r.Context(), c.account, retentionAge(c))
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(sts))
	for _, st := range sts {
		out = append(out, map[string]any{"id": st.ID, "uri": st.URI, "account_id": st.ActorID,
			"created_at": fmtTime(st.CreatedAt)})
	}
	return ok(w, out)
}

func (h *Handler) retentionApply(w http.ResponseWriter, r *http.Request, c *call) error {
	deleted, err := h.moderation.ApplyRetention(r.Context(), c.account, retentionAge(c), c.p.strs("status_ids"))
	if err != nil {
		return err
	}
	if deleted == nil {
		deleted = []string{}
	}
	return ok(w, map[string]any{"deleted": deleted})
}

func (h *Handler) setLegalHold(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.moderation.SetLegalHold(r.Context(), c.account, pathID(r), c.p.str("reason")); err != nil {
		return err
	}
	return ok(w, map[string]any{"account_id": pathID(r), "legal_hold": true})
}

func (h *Handler) liftLegalHold(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.moderation.LiftLegalHold(r.Context(), c.account, pathID(r), c.p.str("reason")); err != nil {
		return err
	}
	return ok(w, map[string]any{"account_id": pathID(r), "legal_hold": false})
}
