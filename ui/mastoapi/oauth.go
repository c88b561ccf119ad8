package mastoapi

import (
	"net/http"
	"strings"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
)

// The authorisation page itself (GET and POST /oauth/authorize) is a page of the web UI (ui/web),
// with its session and CSRF protection; this package keeps the machine side of OAuth.

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
	app, secret, err := h.accounts.RegisterApp(r.Context(), accounts.AppInput{
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
	app, err := h.accounts.AppByID(r.Context(), c.token.AppID)
	if err != nil {
		return err
	}
	e := h.appEntity(app, "")
	delete(e, "redirect_uri")
	return ok(w, e)
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
		tok, t, err = h.accounts.ExchangeCode(r.Context(), accounts.CodeExchange{
			ClientID: clientID, ClientSecret: secret, Code: c.p.str("code"),
			RedirectURI: c.p.str("redirect_uri"), CodeVerifier: c.p.str("code_verifier"),
		})
	case "client_credentials":
		tok, t, err = h.accounts.ClientToken(r.Context(), clientID, secret, c.p.str("scope"))
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
	defer h.auth.forgetToken(accounts.HashSecret(c.p.str("token")))
	if err := h.accounts.RevokeToken(r.Context(), clientID, secret, c.p.str("token")); err != nil {
		if activitypub.KindOf(err) == activitypub.Unauthorized {
			return &apiError{status: http.StatusForbidden, code: "unauthorized_client",
				msg: "You are not authorized to revoke this token"}
		}
		return err
	}
	return ok(w, map[string]any{})
}
