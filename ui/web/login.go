package web

import (
	"net/http"
	"strings"

	"github.com/guildhall/guildhall/activitypub"
)

// msgBadCredentials is the only thing a failed sign-in says, whatever went wrong, so the form
// cannot be used to find out who has an account.
const msgBadCredentials = "Invalid username or password"

func (h *Handler) loginForm(w http.ResponseWriter, r *http.Request) error {
	next := safeNext(r.URL.Query().Get("next"))
	if AccountFrom(r.Context()) != nil {
		return redirect(w, r, next)
	}
	return h.render(w, r, http.StatusOK, "login", view{
		Title: "Sign in", CSRF: h.formToken(w, r), Next: next, Values: map[string]string{},
		Gov: h.loginOptions(),
	})
}

func (h *Handler) login(w http.ResponseWriter, r *http.Request) error {
	login := strings.TrimSpace(r.PostForm.Get("login"))
	password := r.PostForm.Get("password")
	next := safeNext(r.PostForm.Get("next"))
	v := view{Title: "Sign in", CSRF: h.formToken(w, r), Next: next, Values: map[string]string{"login": login},
		Gov: h.loginOptions()}
	if login == "" {
		v.Errors = append(v.Errors, fieldError{Field: "login", Message: "Enter your username or email address"})
	}
	if password == "" {
		v.Errors = append(v.Errors, fieldError{Field: "password", Message: "Enter your password"})
	}
	if len(v.Errors) > 0 {
		return h.render(w, r, http.StatusUnprocessableEntity, "login", v)
	}
	step, err := h.accounts.BeginSignIn(r.Context(), login, password, clientIP(r), r.UserAgent())
	switch kind := activitypub.KindOf(err); {
	case err == nil && step.Challenge != "":
		return h.render(w, r, http.StatusOK, "mfa", view{Title: "Enter your code", CSRF: v.CSRF, Next: next,
			Gov: &govView{Challenge: step.Challenge}})
	case err == nil:
		h.setSessionCookie(w, step.Token, step.Session.ExpiresAt)
		return redirect(w, r, next)
	case kind == activitypub.Forbidden: // right password, but pending, unconfirmed, or SSO only
		v.Errors = []fieldError{{Field: "login", Message: sentence(activitypub.Message(err)), SummaryOnly: true}}
		return h.render(w, r, http.StatusForbidden, "login", v)
	case kind == activitypub.RateLimited:
		v.Errors = []fieldError{{Field: "login", Message: sentence(activitypub.Message(err)), SummaryOnly: true}}
		return h.render(w, r, http.StatusTooManyRequests, "login", v)
	case kind == activitypub.Other:
		return err
	default:
		v.Errors = []fieldError{{Field: "login", Message: msgBadCredentials, SummaryOnly: true}}
		return h.render(w, r, http.StatusUnauthorized, "login", v)
	}
}

// logoutForm asks before signing out: a GET must not change state, or any page could sign a
// person out with an <img> tag.
func (h *Handler) logoutForm(w http.ResponseWriter, r *http.Request) error {
	if AccountFrom(r.Context()) == nil {
		return redirect(w, r, "/login")
	}
	return h.render(w, r, http.StatusOK, "logout", view{Title: "Sign out"})
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request) error {
	// checkCSRF has already required a live session, so the cookie is there.
	if c, err := r.Cookie(h.sessionCookie()); err == nil {
		if err := h.accounts.SignOut(r.Context(), c.Value); err != nil && !activitypub.IsNotFound(err) {
			return err
		}
	}
	h.clearSessionCookie(w)
	return redirect(w, r, "/login")
}

// loginOptions says which ways of signing in the page offers.
func (h *Handler) loginOptions() *govView {
	return &govView{SSO: h.sso != nil, PasswordLogin: h.accounts.PasswordSignInEnabled()}
}
