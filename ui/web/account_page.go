package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
)

// accountView is the "Your account" page: password, signed-in browsers, apps, data export.
type accountView struct {
	Sessions []sessionRow
	Apps     []*accounts.AuthorisedApp
	// Password is false for accounts that sign in through the organisation's provider.
	Password bool
}

// sessionRow is one signed-in browser; Current is the one looking at the page.
type sessionRow struct {
	ID         string
	Browser    string
	Current    bool
	LastSeen   time.Time
	SignedInAt time.Time
}

var accountMessages = map[string]string{
	"password": "Your password has been changed. Every other browser and app has been signed out",
	"session":  "That browser has been signed out",
	"app":      "That app can no longer use your account",
}

func (h *Handler) accountPage(w http.ResponseWriter, r *http.Request) error {
	acct := AccountFrom(r.Context())
	if acct == nil {
		return redirect(w, r, signInURL(r))
	}
	return h.renderAccount(w, r, http.StatusOK, view{Message: accountMessages[r.URL.Query().Get("done")]})
}

// renderAccount shows the account page with v's errors and message.
func (h *Handler) renderAccount(w http.ResponseWriter, r *http.Request, status int, v view) error {
	acct := AccountFrom(r.Context())
	sessions, err := h.accounts.Sessions(r.Context(), acct)
	if err != nil {
		return err
	}
	apps, err := h.accounts.AuthorisedApps(r.Context(), acct)
	if err != nil {
		return err
	}
	av := accountView{Apps: apps, Password: acct.User.PasswordHash != ""}
	cur := sessionFrom(r.Context())
	for _, s := range sessions {
		av.Sessions = append(av.Sessions, sessionRow{ID: s.IDHash, Browser: browserName(s.UserAgent),
			Current: cur != nil && cur.IDHash == s.IDHash, LastSeen: s.LastSeenAt, SignedInAt: s.CreatedAt})
	}
	v.Title, v.Section, v.Page = "Your account", "settings", av
	return h.render(w, r, status, "account", v)
}

// browserName is a short description of a user agent, enough to tell one's browsers apart.
func browserName(ua string) string {
	var browser, system string
	for _, b := range []struct{ token, name string }{{"Edg/", "Edge"}, {"Firefox/", "Firefox"}, {"Chrome/", "Chrome"}, {"Safari/", "Safari"}} {
		if strings.Contains(ua, b.token) {
			browser = b.name
			break
		}
	}
	for _, o := range []struct{ token, name string }{{"Windows", "Windows"}, {"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Android", "Android"}, {"Mac OS X", "macOS"}, {"Linux", "Linux"}} {
		if strings.Contains(ua, o.token) {
			system = o.name
			break
		}
	}
	switch {
	case browser != "" && system != "":
		return browser + " on " + system
	case browser != "":
		return browser
	case ua != "":
		return "Another browser or program"
	}
	return "Unknown browser"
}

// changePassword handles the password form: the current password, the new one twice.
func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request) error {
	acct := AccountFrom(r.Context())
	f := r.PostForm
	cur, next := f.Get("current_password"), f.Get("new_password")
	fail := func(field, msg string) error {
		return h.renderAccount(w, r, http.StatusUnprocessableEntity, view{Errors: []fieldError{{Field: field, Message: msg}}})
	}
	switch {
	case cur == "":
		return fail("current_password", "Enter your current password")
	case next == "":
		return fail("new_password", "Enter a new password")
	case next != f.Get("new_password_confirm"):
		return fail("new_password_confirm", "The new passwords do not match")
	}
	keep := ""
	if s := sessionFrom(r.Context()); s != nil {
		keep = s.IDHash
	}
	err := h.accounts.ChangePassword(r.Context(), acct, cur, next, keep)
	switch activitypub.KindOf(err) {
	case activitypub.Unauthorized:
		return fail("current_password", "Your current password is not right")
	case activitypub.Invalid:
		return fail("new_password", sentence(activitypub.Message(err)))
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/settings/account?done=password")
}

// revokeAccess handles the sign-out buttons of sessions and apps.
func (h *Handler) revokeAccess(w http.ResponseWriter, r *http.Request) error {
	acct := AccountFrom(r.Context())
	var err error
	kind := pathVar(r, "kind")
	switch kind {
	case "sessions":
		err = h.accounts.RevokeSession(r.Context(), acct, pathVar(r, "id"))
	case "apps":
		err = h.accounts.RevokeApp(r.Context(), acct, pathVar(r, "id"))
	default:
		return errNotFound
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/settings/account?done="+strings.TrimSuffix(kind, "s"))
}

// exportFollowing downloads who the person follows, in the CSV format Mastodon imports.
func (h *Handler) exportFollowing(w http.ResponseWriter, r *http.Request) error {
	acct := AccountFrom(r.Context())
	if acct == nil {
		return redirect(w, r, signInURL(r))
	}
	var buf strings.Builder
	if err := h.accounts.ExportFollowingCSV(r.Context(), acct, &buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="following_accounts.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err := w.Write([]byte(buf.String()))
	return err
}
