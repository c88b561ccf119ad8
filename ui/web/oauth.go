package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
)

// The OAuth authorisation page (RFC 6749 §4.1.1) is a page of the web UI like any other: the
// person's browser session, its CSRF token and its security headers. The Mastodon client API
// (ui/mastoapi) keeps the machine side: apps, token and revocation endpoints and their error
// wording.

// consentView is what the consent page shows and echoes back in its hidden fields.
type consentView struct {
	App, Website                     string
	Scopes                           []string
	ClientID, RedirectURI, Scope     string
	State                            string
	CodeChallenge, CodeChallengeMeth string
	// Code is set on the out-of-band page; Denied when the person refused.
	Code   string
	Denied bool
}

// authRequest reads the OAuth parameters from the query (GET) or the consent form (POST).
func authRequest(q url.Values) accounts.AuthRequest {
	return accounts.AuthRequest{
		ClientID: q.Get("client_id"), RedirectURI: q.Get("redirect_uri"), Scope: q.Get("scope"),
		CodeChallenge: q.Get("code_challenge"), CodeChallengeMethod: q.Get("code_challenge_method"),
	}
}

func (h *Handler) authorizeForm(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if q.Get("response_type") != "code" {
		return h.render(w, r, http.StatusBadRequest, "error", view{Title: "This application sent a bad request",
			Message: "The authorization server does not support this response type."})
	}
	req := authRequest(q)
	app, scopes, err := h.accounts.CheckAuthRequest(r.Context(), req)
	if err != nil {
		return err
	}
	acct := AccountFrom(r.Context())
	if acct == nil {
		// As Mastodon does: sign in first, then come back here.
		return redirect(w, r, signInURL(r))
	}
	return h.render(w, r, http.StatusOK, "oauth-authorize", view{Title: "Authorise " + app.Name, Consent: &consentView{
		App: app.Name, Website: app.Website, Scopes: scopes, ClientID: req.ClientID,
		RedirectURI: req.RedirectURI, Scope: strings.Join(scopes, " "), State: q.Get("state"),
		CodeChallenge: req.CodeChallenge, CodeChallengeMeth: req.CodeChallengeMethod,
	}})
}

// authorize records the decision. The session is required before the CSRF token is looked at,
// so a signed-out browser hears "sign in" rather than "the form expired".
func (h *Handler) authorize(w http.ResponseWriter, r *http.Request) error {
	acct := AccountFrom(r.Context())
	if acct == nil {
		return activitypub.E("web.authorize", activitypub.Unauthorized, "you need to sign in before continuing")
	}
	if err := r.ParseForm(); err != nil {
		return activitypub.E("web.form", activitypub.Invalid, "the form could not be read")
	}
	if !h.sessionTokenOK(r) {
		return errCSRF
	}
	req := authRequest(r.PostForm)
	if _, _, err := h.accounts.CheckAuthRequest(r.Context(), req); err != nil {
		return err // never redirect to a URI that did not check out
	}
	state := r.PostForm.Get("state")
	if r.PostForm.Get("decision") != "allow" {
		if req.RedirectURI == accounts.OOBRedirect {
			return h.render(w, r, http.StatusOK, "oauth-code", view{Title: "Authorisation denied", Consent: &consentView{Denied: true}})
		}
		http.Redirect(w, r, withQuery(req.RedirectURI, url.Values{"error": {"access_denied"},
			"error_description": {"The resource owner or authorization server denied the request."}}, state), http.StatusFound)
		return nil
	}
	code, err := h.accounts.CreateAuthCode(r.Context(), acct, req)
	if err != nil {
		return err
	}
	if req.RedirectURI == accounts.OOBRedirect {
		return h.render(w, r, http.StatusOK, "oauth-code", view{Title: "Authorisation code", Consent: &consentView{Code: code}})
	}
	http.Redirect(w, r, withQuery(req.RedirectURI, url.Values{"code": {code}}, state), http.StatusFound)
	return nil
}

// withQuery adds values (and state, when given) to a redirect URI, keeping its own query.
func withQuery(raw string, add url.Values, state string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	for k, vs := range add {
		q[k] = vs
	}
	if state != "" {
		q.Set("state", state)
	}
	u.RawQuery = q.Encode()
	return u.String()
}
