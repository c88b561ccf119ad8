package web

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
)

// SSO is the OpenID Connect relying party (adapters/oidc) as the web UI uses it.
type SSO interface {
	AuthURL(state, nonce, verifier string) string
	Exchange(ctx context.Context, code, nonce, verifier string) (accounts.ExternalLogin, error)
	// VerifyLogout checks a back-channel logout token and returns its subject.
	VerifyLogout(ctx context.Context, raw string) (string, error)
}

// oidcCookie holds state, nonce and PKCE verifier between the redirect to the provider and the
// callback. It is HttpOnly and scoped to the callback path; SameSite=Lax lets the provider's
// top-level redirect carry it back.
func (h *Handler) oidcCookie() string { return h.cookieName("guildhall_oidc") }

func (h *Handler) oidcStart(w http.ResponseWriter, r *http.Request) error {
	if h.sso == nil {
		return errNotFound
	}
	state, nonce, verifier := accounts.NewSecret(), accounts.NewSecret(), accounts.NewSecret()
	next := safeNext(r.URL.Query().Get("next"))
	setCookie(w, &http.Cookie{Name: h.oidcCookie(), Value: state + "." + nonce + "." + verifier + "." + next,
		Path: "/", MaxAge: 600, HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, h.sso.AuthURL(state, nonce, verifier), http.StatusFound)
	return nil
}

// errSSORefused is what a failed single sign-on says: the details go to the log, since they
// help an attacker more than the person.
var errSSORefused = activitypub.E("web.oidc", activitypub.Unauthorized,
	"sign-in with your organisation's account did not work: start again from the sign-in page")

func (h *Handler) oidcCallback(w http.ResponseWriter, r *http.Request) error {
	if h.sso == nil {
		return errNotFound
	}
	c, err := r.Cookie(h.oidcCookie())
	setCookie(w, &http.Cookie{Name: h.oidcCookie(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: h.secure, SameSite: http.SameSiteLaxMode})
	if err != nil {
		h.log.WarnContext(r.Context(), "oidc callback without its cookie")
		return errSSORefused
	}
	parts := strings.SplitN(c.Value, ".", 4)
	q := r.URL.Query()
	if len(parts) != 4 || subtle.ConstantTimeCompare([]byte(parts[0]), []byte(q.Get("state"))) != 1 {
		h.log.WarnContext(r.Context(), "oidc callback with a wrong state")
		return errSSORefused
	}
	if e := q.Get("error"); e != "" {
		h.log.WarnContext(r.Context(), "oidc provider refused", "error", e, "description", q.Get("error_description"))
		return errSSORefused
	}
	in, err := h.sso.Exchange(r.Context(), q.Get("code"), parts[1], parts[2])
	if err != nil {
		h.log.WarnContext(r.Context(), "oidc sign-in refused", "err", err)
		return errSSORefused
	}
	step, err := h.accounts.SignInExternal(r.Context(), in, r.UserAgent())
	if err != nil {
		return err
	}
	h.setSessionCookie(w, step.Token, step.Session.ExpiresAt)
	return redirect(w, r, safeNext(parts[3]))
}

// oidcBackChannelLogout is OpenID Connect Back-Channel Logout 1.0: the provider POSTs a signed
// logout token, server to server, and every session of that person here ends at once. No
// session or CSRF token applies; the token's signature, issuer and audience are the proof.
func (h *Handler) oidcBackChannelLogout(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	if h.sso == nil {
		return errNotFound
	}
	if err := r.ParseForm(); err != nil {
		return activitypub.E("web.oidc", activitypub.Invalid, "the request could not be read")
	}
	sub, err := h.sso.VerifyLogout(r.Context(), r.PostForm.Get("logout_token"))
	if err != nil {
		h.log.WarnContext(r.Context(), "oidc back-channel logout refused", "err", err)
		w.WriteHeader(http.StatusBadRequest)
		return nil
	}
	if err := h.accounts.ExternalLogout(r.Context(), sub); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}
