package mastoapi

import (
	"crypto/subtle"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/guildhall/guildhall/activitypub"
)

// The session cookie ui/web sets after sign-in: the plain name over http, with the __Host-
// prefix over https. The consent page reads it (the packages are siblings and cannot share code).
var sessionCookies = []string{"__Host-guildhall_session", "guildhall_session"}

func (h *Handler) oauthMetadata(w http.ResponseWriter, _ *http.Request, _ *call) error {
	b := h.base()
	return ok(w, map[string]any{
		"issuer":                                b + "/",
		"service_documentation":                 "https://docs.joinmastodon.org/",
		"authorization_endpoint":                b + "/oauth/authorize",
		"token_endpoint":                        b + "/oauth/token",
		"revocation_endpoint":                   b + "/oauth/revoke",
		"app_registration_endpoint":             b + "/api/v1/apps",
		"scopes_supported":                      scopesSupported,
		"response_types_supported":              []string{"code"},
		"response_modes_supported":              []string{"query"},
		"grant_types_supported":                 []string{"authorization_code", "client_credentials"},
		"code_challenge_methods_supported":      []string{"S256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post", "none"},
	})
}

var scopesSupported = []string{"read", "write", "follow", "push", "profile",
	"read:accounts", "read:blocks", "read:bookmarks", "read:favourites", "read:filters", "read:follows",
	"read:lists", "read:mutes", "read:notifications", "read:search", "read:statuses",
	"write:accounts", "write:blocks", "write:bookmarks", "write:conversations", "write:favourites",
	"write:filters", "write:follows", "write:lists", "write:media", "write:mutes",
	"write:notifications", "write:reports", "write:statuses"}

func (h *Handler) createApp(w http.ResponseWriter, r *http.Request, c *call) error {
	app, secret, err := h.svc.RegisterApp(r.Context(), activitypub.AppInput{
		Name: c.p.str("client_name"), Website: c.p.str("website"),
		RedirectURIs: c.p.strs("redirect_uris"), Scopes: c.p.str("scopes"),
	})
	if err != nil {
		return err
	}
	return ok(w, h.appEntity(app, secret))
}

func (h *Handler) appEntity(app *activitypub.OAuthApp, secret string) map[string]any {
	var website *string
	if app.Website != "" {
		website = &app.Website
	}
	out := map[string]any{
		"id": app.ID, "name": app.Name, "website": website, "scopes": app.Scopes,
		"redirect_uri": strings.Join(app.RedirectURIs, "\n"), "redirect_uris": app.RedirectURIs,
		"vapid_key": "",
	}
	if secret != "" {
		out["client_id"], out["client_secret"] = app.ClientID, secret
		out["client_secret_expires_at"] = 0
	}
	return out
}

func (h *Handler) verifyApp(w http.ResponseWriter, r *http.Request, c *call) error {
	if c.token.AppID == "" {
		return ok(w, map[string]any{"name": "Guildhall", "website": nil, "scopes": c.token.Scopes, "vapid_key": ""})
	}
	app, err := h.svc.AppByID(r.Context(), c.token.AppID)
	if err != nil {
		return err
	}
	e := h.appEntity(app, "")
	delete(e, "redirect_uri")
	return ok(w, e)
}

// authRequest reads the OAuth parameters from the query (GET) or the consent form (POST).
func authRequest(p *params) activitypub.AuthRequest {
	return activitypub.AuthRequest{
		ClientID: p.str("client_id"), RedirectURI: p.str("redirect_uri"), Scope: p.str("scope"),
		CodeChallenge: p.str("code_challenge"), CodeChallengeMethod: p.str("code_challenge_method"),
	}
}

// signedIn returns the browser session's account, if any.
func (h *Handler) signedIn(r *http.Request) (*activitypub.Account, *activitypub.Session, error) {
	for _, name := range sessionCookies {
		ck, err := r.Cookie(name)
		if err != nil || ck.Value == "" {
			continue
		}
		acct, sess, err := h.svc.SessionAccount(r.Context(), ck.Value)
		if activitypub.IsNotFound(err) {
			continue
		}
		return acct, sess, err
	}
	return nil, nil, nil
}

func (h *Handler) authorizeForm(w http.ResponseWriter, r *http.Request, c *call) error {
	if rt := c.p.str("response_type"); rt != "code" {
		return &apiError{status: http.StatusBadRequest, code: "unsupported_response_type",
			msg: "The authorization server does not support this response type."}
	}
	req := authRequest(c.p)
	app, scopes, err := h.svc.CheckAuthRequest(r.Context(), req)
	if err != nil {
		return err
	}
	acct, sess, err := h.signedIn(r)
	if err != nil {
		return err
	}
	if acct == nil {
		// As Mastodon does: sign in first, then come back here.
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return nil
	}
	securePage(w)
	return consentPage.Execute(w, map[string]any{
		"App": app.Name, "Website": app.Website, "Scopes": scopes, "Username": acct.Actor.Username,
		"Domain": h.svc.Domain(), "CSRF": sess.CSRFToken, "ClientID": req.ClientID,
		"RedirectURI": req.RedirectURI, "Scope": strings.Join(scopes, " "), "State": c.p.str("state"),
		"CodeChallenge": req.CodeChallenge, "CodeChallengeMethod": req.CodeChallengeMethod,
	})
}

func (h *Handler) authorize(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.cop.Check(r); err != nil {
		return errStatus(http.StatusForbidden, "cross-origin request refused")
	}
	acct, sess, err := h.signedIn(r)
	if err != nil {
		return err
	}
	if acct == nil {
		return errStatus(http.StatusUnauthorized, "You need to sign in before continuing.")
	}
	tok := c.p.str("authenticity_token")
	if tok == "" || subtle.ConstantTimeCompare([]byte(tok), []byte(sess.CSRFToken)) != 1 {
		return errStatus(http.StatusForbidden, "The form has expired; go back and try again.")
	}
	req := authRequest(c.p)
	if _, _, err := h.svc.CheckAuthRequest(r.Context(), req); err != nil {
		return err // never redirect to a URI that did not check out
	}
	state := c.p.str("state")
	if c.p.str("decision") != "allow" {
		if req.RedirectURI == activitypub.OOBRedirect {
			securePage(w)
			return oobPage.Execute(w, map[string]any{"Denied": true})
		}
		http.Redirect(w, r, withQuery(req.RedirectURI, url.Values{"error": {"access_denied"},
			"error_description": {"The resource owner or authorization server denied the request."}}, state), http.StatusFound)
		return nil
	}
	code, err := h.svc.CreateAuthCode(r.Context(), acct, req)
	if err != nil {
		return err
	}
	if req.RedirectURI == activitypub.OOBRedirect {
		securePage(w)
		return oobPage.Execute(w, map[string]any{"Code": code})
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

// securePage sets the headers of the HTML pages of the flow: never framed (clickjacking a
// consent button), never cached, and no Referer carrying a code onward.
func securePage(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Cache-Control", "no-store")
}

func (h *Handler) token(w http.ResponseWriter, r *http.Request, c *call) error {
	clientID, secret := c.p.str("client_id"), c.p.str("client_secret")
	if id, s, okBasic := r.BasicAuth(); okBasic { // client_secret_basic
		clientID, secret = id, s
	}
	var (
		tok string
		t   *activitypub.OAuthToken
		err error
	)
	switch c.p.str("grant_type") {
	case "authorization_code":
		tok, t, err = h.svc.ExchangeCode(r.Context(), activitypub.CodeExchange{
			ClientID: clientID, ClientSecret: secret, Code: c.p.str("code"),
			RedirectURI: c.p.str("redirect_uri"), CodeVerifier: c.p.str("code_verifier"),
		})
	case "client_credentials":
		tok, t, err = h.svc.ClientToken(r.Context(), clientID, secret, c.p.str("scope"))
	default:
		return &apiError{status: http.StatusBadRequest, code: "unsupported_grant_type",
			msg: "The authorization grant type is not supported by the authorization server."}
	}
	if err != nil {
		return oauthError(err)
	}
	return ok(w, map[string]any{
		"access_token": tok, "token_type": "Bearer", "scope": strings.Join(t.Scopes, " "),
		"created_at": t.CreatedAt.Unix(),
	})
}

// oauthError gives domain errors the RFC 6749 error codes the token endpoint must use.
func oauthError(err error) error {
	msg := activitypub.Message(err)
	switch activitypub.KindOf(err) {
	case activitypub.Unauthorized:
		return &apiError{status: http.StatusUnauthorized, code: "invalid_client", msg: msg}
	case activitypub.Invalid, activitypub.NotFound:
		code := "invalid_grant"
		if strings.Contains(msg, "scope") {
			code = "invalid_scope"
		}
		return &apiError{status: http.StatusBadRequest, code: code, msg: msg}
	}
	return err
}

func (h *Handler) revoke(w http.ResponseWriter, r *http.Request, c *call) error {
	clientID, secret := c.p.str("client_id"), c.p.str("client_secret")
	if id, s, okBasic := r.BasicAuth(); okBasic {
		clientID, secret = id, s
	}
	// Forgotten whatever the outcome: a cached copy must not outlive a revocation here.
	defer h.auth.forgetToken(activitypub.HashSecret(c.p.str("token")))
	if err := h.svc.RevokeToken(r.Context(), clientID, secret, c.p.str("token")); err != nil {
		if activitypub.KindOf(err) == activitypub.Unauthorized {
			return &apiError{status: http.StatusForbidden, code: "unauthorized_client",
				msg: "You are not authorized to revoke this token"}
		}
		return err
	}
	return ok(w, map[string]any{})
}

var consentPage = template.Must(template.New("consent").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Authorise {{.App}} – {{.Domain}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
button{font-size:1rem;padding:.5rem 1.25rem;margin-right:.5rem}</style></head>
<body><main>
<h1>Authorise {{.App}}?</h1>
<p><strong>{{.App}}</strong>{{if .Website}} (<span>{{.Website}}</span>){{end}} wants to use your account
<strong>@{{.Username}}@{{.Domain}}</strong>. It is asking for:</p>
<ul>{{range .Scopes}}<li><code>{{.}}</code></li>{{end}}</ul>
<form method="post" action="/oauth/authorize">
<input type="hidden" name="authenticity_token" value="{{.CSRF}}">
<input type="hidden" name="client_id" value="{{.ClientID}}">
<input type="hidden" name="redirect_uri" value="{{.RedirectURI}}">
<input type="hidden" name="response_type" value="code">
<input type="hidden" name="scope" value="{{.Scope}}">
<input type="hidden" name="state" value="{{.State}}">
<input type="hidden" name="code_challenge" value="{{.CodeChallenge}}">
<input type="hidden" name="code_challenge_method" value="{{.CodeChallengeMethod}}">
<button type="submit" name="decision" value="allow">Authorise</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>
</main></body></html>
`))

var oobPage = template.Must(template.New("oob").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Authorisation code</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}code{font-size:1.1rem;word-break:break-all}</style></head>
<body><main>{{if .Denied}}<h1>Authorisation denied</h1><p>You can close this page.</p>
{{else}}<h1>Authorisation code</h1><p>Copy this code and paste it into the application:</p>
<p><code>{{.Code}}</code></p>{{end}}</main></body></html>
`))
