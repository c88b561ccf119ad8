// Package oidc signs people in through the council's OpenID Connect provider (Entra ID, Google
// Workspace, Keycloak…): the authorisation-code flow with PKCE, state and nonce, using
// github.com/coreos/go-oidc/v3 to verify ID tokens and golang.org/x/oauth2 for the exchange.
package oidc

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"github.com/guildhall/guildhall/activitypub/accounts"
	"golang.org/x/oauth2"
)

// Options configures a Client.
type Options struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	// RedirectURL is this instance's callback, https://host/auth/oidc/callback.
	RedirectURL string
	// Scopes beyond openid; profile and email when empty.
	Scopes []string
	// GroupsClaim names the ID-token claim listing the person's groups ("groups" when empty).
	GroupsClaim string
	// HTTPClient talks to the provider (discovery, keys, token endpoint); a 15-second client
	// when nil.
	HTTPClient *http.Client
	// Now is the clock that token expiry is checked against; time.Now when nil.
	Now func() time.Time
}

// Client is one relying-party registration at one provider.
type Client struct {
	o        Options
	verifier *gooidc.IDTokenVerifier
	oauth    oauth2.Config
	http     *http.Client
}

// New discovers the provider (its /.well-known/openid-configuration) and returns a Client.
func New(ctx context.Context, o Options) (*Client, error) {
	if o.Issuer == "" || o.ClientID == "" || o.RedirectURL == "" {
		return nil, errors.New("oidc: issuer, client id and redirect URL are required")
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	if o.GroupsClaim == "" {
		o.GroupsClaim = "groups"
	}
	if len(o.Scopes) == 0 {
		o.Scopes = []string{"profile", "email"}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	ctx = gooidc.ClientContext(ctx, o.HTTPClient)
	p, err := gooidc.NewProvider(ctx, o.Issuer)
	if err != nil {
		return nil, fmt.Errorf("oidc: discover %s: %w", o.Issuer, err)
	}
	c := &Client{o: o, http: o.HTTPClient}
	// The verifier checks signature, issuer, audience (our client id) and expiry.
	c.verifier = p.Verifier(&gooidc.Config{ClientID: o.ClientID, Now: o.Now})
	c.oauth = oauth2.Config{ClientID: o.ClientID, ClientSecret: o.ClientSecret, RedirectURL: o.RedirectURL,
		Endpoint: p.Endpoint(), Scopes: append([]string{gooidc.ScopeOpenID}, o.Scopes...)}
	return c, nil
}

// Issuer is the provider's issuer URL.
func (c *Client) Issuer() string { return c.o.Issuer }

// AuthURL is where to send the browser. state and nonce are random and kept by the caller (in a
// cookie) until the callback; verifier is the PKCE secret (oauth2.GenerateVerifier).
func (c *Client) AuthURL(state, nonce, verifier string) string {
	return c.oauth.AuthCodeURL(state, gooidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier))
}

// ErrRefused is wrapped by every refusal caused by what the provider or browser sent (as
// opposed to the provider being unreachable).
var ErrRefused = errors.New("sign-in refused")

// Exchange trades the callback's code for tokens and returns the verified identity.
func (c *Client) Exchange(ctx context.Context, code, nonce, verifier string) (accounts.ExternalLogin, error) {
	ctx = gooidc.ClientContext(ctx, c.http)
	tok, err := c.oauth.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return accounts.ExternalLogin{}, fmt.Errorf("oidc: %w: code exchange: %w", ErrRefused, err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return accounts.ExternalLogin{}, fmt.Errorf("oidc: %w: the provider sent no ID token", ErrRefused)
	}
	return c.Verify(ctx, raw, nonce)
}

// Verify checks a raw ID token (signature, issuer, audience, expiry) and that it carries the
// nonce this browser was given, and reads the identity from it.
func (c *Client) Verify(ctx context.Context, raw, nonce string) (accounts.ExternalLogin, error) {
	ctx = gooidc.ClientContext(ctx, c.http)
	idt, err := c.verifier.Verify(ctx, raw)
	if err != nil {
		return accounts.ExternalLogin{}, fmt.Errorf("oidc: %w: %w", ErrRefused, err)
	}
	if nonce == "" || idt.Nonce != nonce {
		return accounts.ExternalLogin{}, fmt.Errorf("oidc: %w: the ID token's nonce does not match this sign-in", ErrRefused)
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return accounts.ExternalLogin{}, fmt.Errorf("oidc: %w: claims: %w", ErrRefused, err)
	}
	in := accounts.ExternalLogin{Issuer: idt.Issuer, Subject: idt.Subject,
		Email: str(claims["email"]), PreferredUsername: str(claims["preferred_username"]), Name: str(claims["name"])}
	if v, ok := claims["email_verified"].(bool); ok && !v {
		return accounts.ExternalLogin{}, fmt.Errorf("oidc: %w: the provider says this email address is not verified", ErrRefused)
	}
	if in.Email == "" {
		return accounts.ExternalLogin{}, fmt.Errorf("oidc: %w: the ID token has no email claim (ask for the email scope)", ErrRefused)
	}
	switch g := claims[c.o.GroupsClaim].(type) {
	case []any:
		for _, v := range g {
			if s := str(v); s != "" {
				in.Groups = append(in.Groups, s)
			}
		}
	case string:
		in.Groups = []string{g}
	}
	return in, nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// backChannelLogoutEvent is the event a logout token must carry (OpenID Connect Back-Channel
// Logout 1.0, section 2.4).
const backChannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout"

// VerifyLogout checks a Back-Channel Logout token the provider POSTed (signature, issuer,
// audience = our client id, expiry, the logout event, no nonce) and returns the subject whose
// sessions must end.
func (c *Client) VerifyLogout(ctx context.Context, raw string) (string, error) {
	ctx = gooidc.ClientContext(ctx, c.http)
	idt, err := c.verifier.Verify(ctx, raw)
	if err != nil {
		return "", fmt.Errorf("oidc: %w: logout token: %w", ErrRefused, err)
	}
	var claims struct {
		Events map[string]any `json:"events"`
		Nonce  *string        `json:"nonce"`
	}
	if err := idt.Claims(&claims); err != nil {
		return "", fmt.Errorf("oidc: %w: logout token claims: %w", ErrRefused, err)
	}
	if _, ok := claims.Events[backChannelLogoutEvent]; !ok || claims.Nonce != nil {
		return "", fmt.Errorf("oidc: %w: not a logout token (an ID token cannot be used as one)", ErrRefused)
	}
	if idt.Subject == "" {
		return "", fmt.Errorf("oidc: %w: logout token names no subject", ErrRefused)
	}
	return idt.Subject, nil
}
