package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
)

// adminUsersView is the accounts page for staff who administer accounts.
type adminUsersView struct {
	Users []adminUserRow
	Role  string // the role filter, "" for everyone
	Older string
	// CanAssign shows the role form; moderators may suspend but not change roles.
	CanAssign bool
}

// adminUserRow is one account with what the viewer may do to it.
type adminUserRow struct {
	Acct      *activitypub.Account
	Handle    string
	Suspended bool
	Pending   bool
	Self      bool
}

// roleOptions are the roles offered in the role form and the filter, highest first.
var roleOptions = []struct {
	Value activitypub.Role
	Label string
}{
	{activitypub.RoleOwner, "Owner"},
	{activitypub.RoleAdmin, "Administrator"},
	{activitypub.RoleModerator, "Moderator"},
	{activitypub.RoleGroupManager, "Group manager"},
	{activitypub.RoleMember, "Member"},
}

// roleLabel is a role as the page names it.
func roleLabel(r activitypub.Role) string {
	for _, o := range roleOptions {
		if o.Value == r {
			return o.Label
		}
	}
	return string(r)
}

// adminUsers lists local accounts; the domain decides who may (suspend_accounts).
func (h *Handler) adminUsers(w http.ResponseWriter, r *http.Request) error {
	acct, err := h.signedInOr401(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	role := activitypub.Role(q.Get("role"))
	if role != "" && !role.Valid() {
		role = ""
	}
	accts, err := h.accounts.ListAccounts(r.Context(), acct, accounts.UserFilter{Role: role},
		activitypub.Page{MaxID: q.Get("max_id"), Limit: pageSize})
	if err != nil {
		return err
	}
	uv := adminUsersView{Role: string(role), CanAssign: acct.User.RoleOf().Can(activitypub.PermAssignRoles)}
	for _, a := range accts {
		uv.Users = append(uv.Users, adminUserRow{Acct: a, Handle: "@" + a.Actor.Username + "@" + h.svc.Domain(),
			Suspended: a.Actor.SuspendedAt != nil, Pending: a.User.Pending, Self: a.Actor.ID == acct.Actor.ID})
	}
	if len(accts) == pageSize {
		uv.Older = "/admin/users?role=" + url.QueryEscape(string(role)) + "&max_id=" + url.QueryEscape(accts[len(accts)-1].Actor.ID)
	}
	return h.render(w, r, http.StatusOK, "admin_users", view{Title: "Accounts", Section: "admin-users", Page: uv,
		Message: adminUserMessages[q.Get("done")]})
}

// adminUserMessages confirm what the last form did.
var adminUserMessages = map[string]string{
	"suspend":   "The account has been suspended",
	"unsuspend": "The account has been restored",
	"role":      "The role has been changed",
	"reset":     "A link to choose a new password has been emailed to them",
}

// adminUserAction handles the forms of one row: suspend, unsuspend, role, reset.
func (h *Handler) adminUserAction(w http.ResponseWriter, r *http.Request) error {
	acct, err := h.signedInOr401(r)
	if err != nil {
		return err
	}
	ctx, id, verb := r.Context(), pathVar(r, "id"), pathVar(r, "verb")
	reason := strings.TrimSpace(r.PostForm.Get("reason"))
	switch verb {
	case "suspend":
		_, err = h.accounts.SuspendAccount(ctx, acct, id, reason)
	case "unsuspend":
		_, err = h.accounts.UnsuspendAccount(ctx, acct, id, reason)
	case "role":
		err = h.accounts.SetRole(ctx, acct, id, activitypub.Role(r.PostForm.Get("role")), reason)
	case "reset":
		err = h.adminPasswordReset(r, acct, id)
	default:
		return errNotFound
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/admin/users?done="+verb)
}

// adminPasswordReset emails a password-reset link to the account, for staff who administer
// accounts: the same link as "forgot your password", so the administrator never learns or sets
// the password themselves.
func (h *Handler) adminPasswordReset(r *http.Request, by *activitypub.Account, id string) error {
	if !by.User.RoleOf().Can(activitypub.PermSuspendAccounts) {
		return errNotAdmin
	}
	target, err := h.svc.AccountByActorID(r.Context(), id)
	if err != nil {
		return err
	}
	if err := h.accounts.RequestPasswordReset(r.Context(), target.User.Email); err != nil {
		return activitypub.E("web.admin", activitypub.Invalid,
			"the email could not be sent; check that this server has a mail server configured")
	}
	return nil
}
