package web

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
)

// govView carries what the governance pages show beyond the common view.
type govView struct {
	Heading, Text  string
	LinkURL        string
	LinkText       string
	Secret, OTPURL string
	Codes          []string
	TOTPOn         bool
	RecoveryLeft   int
	Challenge      string
	SSO            bool
	PasswordLogin  bool
	Pending        []*activitypub.Account
	Audit          []*activitypub.AuditEntry
}

// governanceRoutes are sign-up, email links, two-factor, single sign-on and the admin pages.
func (h *Handler) governanceRoutes() []route {
	get, post := http.MethodGet, http.MethodPost
	return []route{
		{method: get, path: "/auth/signup", handle: h.signupForm},
		{method: post, path: "/auth/signup", csrf: csrfCookie, handle: h.signup},
		{method: get, path: "/auth/confirm", handle: h.confirmEmail},
		{method: get, path: "/auth/forgot", handle: h.forgotForm},
		{method: post, path: "/auth/forgot", csrf: csrfCookie, handle: h.forgot},
		{method: get, path: "/auth/reset", handle: h.resetForm},
		{method: post, path: "/auth/reset", csrf: csrfCookie, handle: h.reset},
		{method: post, path: "/login/mfa", csrf: csrfCookie, handle: h.loginMFA},
		{method: get, path: "/auth/oidc", handle: h.oidcStart},
		{method: get, path: "/auth/oidc/callback", handle: h.oidcCallback},
		{method: post, path: "/auth/oidc/backchannel-logout", anonymous: true, handle: h.oidcBackChannelLogout},
		{method: get, path: "/settings/security", handle: h.securityPage},
		{method: post, path: "/settings/security/totp", csrf: csrfSession, handle: h.totpBegin},
		{method: post, path: "/settings/security/totp/confirm", csrf: csrfSession, handle: h.totpConfirm},
		{method: post, path: "/settings/security/totp/disable", csrf: csrfSession, handle: h.totpDisable},
		{method: get, path: "/admin/accounts", handle: h.adminQueue},
		{method: post, path: "/admin/accounts/{id}/approve", csrf: csrfSession, handle: h.adminApprove},
		{method: post, path: "/admin/accounts/{id}/reject", csrf: csrfSession, handle: h.adminReject},
		{method: get, path: "/admin/audit", handle: h.adminAudit},
		{method: get, path: "/admin/audit.csv", handle: h.adminAuditCSV},
	}
}

func (h *Handler) notice(w http.ResponseWriter, r *http.Request, status int, title, text, link, linkText string) error {
	return h.render(w, r, status, "notice", view{Title: title,
		Gov: &govView{Heading: title, Text: text, LinkURL: link, LinkText: linkText}})
}

func (h *Handler) signupForm(w http.ResponseWriter, r *http.Request) error {
	code := r.URL.Query().Get("token")
	if code != "" {
		if err := h.accounts.CheckInvite(r.Context(), code); err != nil {
			return err
		}
	}
	return h.render(w, r, http.StatusOK, "signup", view{Title: "Create an account", Token: code,
		CSRF: h.formToken(w, r), Values: map[string]string{}})
}

func (h *Handler) signup(w http.ResponseWriter, r *http.Request) error {
	in := accounts.SignUp{
		Username: strings.TrimSpace(r.PostForm.Get("username")), Email: strings.TrimSpace(r.PostForm.Get("email")),
		Password: r.PostForm.Get("password"), Reason: r.PostForm.Get("reason"), InviteCode: r.PostForm.Get("token"),
	}
	v := view{Title: "Create an account", Token: in.InviteCode, CSRF: h.formToken(w, r),
		Values: map[string]string{"username": in.Username, "email": in.Email, "reason": in.Reason}}
	res, err := h.accounts.Register(r.Context(), in)
	switch activitypub.KindOf(err) {
	case activitypub.Invalid, activitypub.Conflict, activitypub.Forbidden:
		fe := setupFieldError(err)
		if msg := activitypub.Message(err); strings.Contains(msg, "addresses at") || strings.Contains(msg, "mail") {
			fe.Field = "email"
		}
		v.Errors = []fieldError{fe}
		return h.render(w, r, statusFor(activitypub.KindOf(err)), "signup", v)
	}
	if err != nil {
		return err
	}
	switch {
	case res.Unconfirmed:
		return h.notice(w, r, http.StatusOK, "Check your email", "We sent a link to "+in.Email+
			". Open it to confirm your address, then sign in.", "", "")
	case res.Pending:
		return h.notice(w, r, http.StatusOK, "Your request has been sent",
			"An administrator will look at it. We will email you when your account is ready.", "", "")
	}
	return h.notice(w, r, http.StatusOK, "Your account is ready", "You can sign in now.", "/login", "Sign in")
}

func (h *Handler) confirmEmail(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.accounts.ConfirmEmail(r.Context(), r.URL.Query().Get("token")); err != nil {
		return err
	}
	return h.notice(w, r, http.StatusOK, "Email address confirmed", "Your account is ready.", "/login", "Sign in")
}

func (h *Handler) forgotForm(w http.ResponseWriter, r *http.Request) error {
	return h.render(w, r, http.StatusOK, "forgot", view{Title: "Reset your password", CSRF: h.formToken(w, r),
		Values: map[string]string{}})
}

func (h *Handler) forgot(w http.ResponseWriter, r *http.Request) error {
	if err := h.accounts.RequestPasswordReset(r.Context(), r.PostForm.Get("login")); err != nil {
		return err
	}
	// The same answer whether or not the account exists.
	return h.notice(w, r, http.StatusOK, "Check your email",
		"If that is the address or username of an account here, we sent it a link to choose a new password.", "", "")
}

func (h *Handler) resetForm(w http.ResponseWriter, r *http.Request) error {
	return h.render(w, r, http.StatusOK, "reset", view{Title: "Choose a new password",
		Token: r.URL.Query().Get("token"), CSRF: h.formToken(w, r), Values: map[string]string{}})
}

func (h *Handler) reset(w http.ResponseWriter, r *http.Request) error {
	tok, pass := r.PostForm.Get("token"), r.PostForm.Get("password")
	v := view{Title: "Choose a new password", Token: tok, CSRF: h.formToken(w, r), Values: map[string]string{}}
	if pass != r.PostForm.Get("password_confirm") {
		v.Errors = []fieldError{{Field: "password_confirm", Message: "The passwords do not match"}}
		return h.render(w, r, http.StatusUnprocessableEntity, "reset", v)
	}
	if _, err := h.accounts.ResetPassword(r.Context(), tok, pass); err != nil {
		if activitypub.KindOf(err) == activitypub.Invalid {
			v.Errors = []fieldError{{Field: "password", Message: sentence(activitypub.Message(err))}}
			return h.render(w, r, http.StatusUnprocessableEntity, "reset", v)
		}
		return err
	}
	return h.notice(w, r, http.StatusOK, "Password changed", "You have been signed out everywhere. Sign in with your new password.", "/login", "Sign in")
}

// loginMFA takes the one-time code that BeginSignIn asked for.
func (h *Handler) loginMFA(w http.ResponseWriter, r *http.Request) error {
	ch, next := r.PostForm.Get("challenge"), safeNext(r.PostForm.Get("next"))
	step, err := h.accounts.CompleteSignIn(r.Context(), ch, r.PostForm.Get("code"), r.UserAgent())
	switch activitypub.KindOf(err) {
	case activitypub.Unauthorized, activitypub.RateLimited, activitypub.Invalid:
		v := view{Title: "Enter your code", CSRF: h.formToken(w, r), Next: next, Gov: &govView{Challenge: ch},
			Errors: []fieldError{{Field: "code", Message: sentence(activitypub.Message(err))}}}
		return h.render(w, r, statusFor(activitypub.KindOf(err)), "mfa", v)
	}
	if err != nil {
		return err
	}
	h.setSessionCookie(w, step.Token, step.Session.ExpiresAt)
	return redirect(w, r, next)
}

func (h *Handler) signedInOr401(r *http.Request) (*activitypub.Account, error) {
	acct := AccountFrom(r.Context())
	if acct == nil {
		return nil, activitypub.E("web", activitypub.Unauthorized, "sign in to see this page")
	}
	return acct, nil
}

func (h *Handler) securityPage(w http.ResponseWriter, r *http.Request) error {
	acct, err := h.signedInOr401(r)
	if err != nil {
		return err
	}
	on, left, err := h.accounts.TOTPStatus(r.Context(), acct)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "security", view{Title: "Sign-in security",
		Gov: &govView{TOTPOn: on, RecoveryLeft: left}})
}

func (h *Handler) totpBegin(w http.ResponseWriter, r *http.Request) error {
	acct, err := h.signedInOr401(r)
	if err != nil {
		return err
	}
	secret, u, err := h.accounts.BeginTOTP(r.Context(), acct)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "security", view{Title: "Set up two-factor sign-in",
		Gov: &govView{Secret: secret, OTPURL: u}})
}

func (h *Handler) totpConfirm(w http.ResponseWriter, r *http.Request) error {
	acct, err := h.signedInOr401(r)
	if err != nil {
		return err
	}
	codes, err := h.accounts.ConfirmTOTP(r.Context(), acct, r.PostForm.Get("code"))
	if activitypub.KindOf(err) == activitypub.Invalid {
		return h.render(w, r, http.StatusUnprocessableEntity, "security", view{Title: "Set up two-factor sign-in",
			Errors: []fieldError{{Field: "code", Message: sentence(activitypub.Message(err))}},
			Gov:    &govView{Secret: r.PostForm.Get("secret")}})
	}
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "security", view{Title: "Two-factor sign-in is on",
		Gov: &govView{TOTPOn: true, Codes: codes, RecoveryLeft: len(codes)}})
}

func (h *Handler) totpDisable(w http.ResponseWriter, r *http.Request) error {
	acct, err := h.signedInOr401(r)
	if err != nil {
		return err
	}
	if err := h.accounts.DisableTOTP(r.Context(), acct, r.PostForm.Get("code")); err != nil {
		return err
	}
	return redirect(w, r, "/settings/security")
}

func (h *Handler) adminQueue(w http.ResponseWriter, r *http.Request) error {
	acct, err := h.signedInOr401(r)
	if err != nil {
		return err
	}
	pending, err := h.accounts.PendingAccounts(r.Context(), acct, activitypub.Page{Limit: 100})
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "admin_accounts", view{Title: "Sign-ups waiting for approval",
		Gov: &govView{Pending: pending}})
}

func (h *Handler) adminApprove(w http.ResponseWriter, r *http.Request) error {
	acct, err := h.signedInOr401(r)
	if err != nil {
		return err
	}
	if _, err := h.accounts.ApproveAccount(r.Context(), acct, pathVar(r, "id"), r.PostForm.Get("reason")); err != nil {
		return err
	}
	return redirect(w, r, "/admin/accounts")
}

func (h *Handler) adminReject(w http.ResponseWriter, r *http.Request) error {
	acct, err := h.signedInOr401(r)
	if err != nil {
		return err
	}
	if err := h.accounts.RejectAccount(r.Context(), acct, pathVar(r, "id"), r.PostForm.Get("reason")); err != nil {
		return err
	}
	return redirect(w, r, "/admin/accounts")
}

func (h *Handler) adminAudit(w http.ResponseWriter, r *http.Request) error {
	acct, err := h.signedInOr401(r)
	if err != nil {
		return err
	}
	entries, err := h.moderation.AuditLog(r.Context(), acct, activitypub.Page{Limit: 200, MaxID: r.URL.Query().Get("max_id")})
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "admin_audit", view{Title: "Audit log", Gov: &govView{Audit: entries}})
}

func (h *Handler) adminAuditCSV(w http.ResponseWriter, r *http.Request) error {
	acct, err := h.signedInOr401(r)
	if err != nil {
		return err
	}
	if _, err := h.moderation.AuditLog(r.Context(), acct, activitypub.Page{Limit: 1}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="audit-`+h.svc.Now().Format("2006-01-02")+`.csv"`)
	return h.moderation.ExportAuditCSV(r.Context(), acct, w)
}

func pathVar(r *http.Request, name string) string { return mux.Vars(r)[name] }
