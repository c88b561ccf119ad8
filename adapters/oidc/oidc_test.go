package oidc_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/cookiejar"
	"slices"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/guildhall/guildhall/adapters/oidc"
	"github.com/guildhall/guildhall/adapters/oidc/oidctest"
)

const redirect = "http://guildhall.test/auth/oidc/callback"

func newClient(t *testing.T, p *oidctest.Provider, id, secret string, now func() time.Time) *oidc.Client {
	t.Helper()
	c, err := oidc.New(context.Background(), oidc.Options{Issuer: p.Issuer, ClientID: id, ClientSecret: secret,
		RedirectURL: redirect, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second}
}

// login runs the code flow as client c and returns the callback's code and state.
func login(t *testing.T, p *oidctest.Provider, c *oidc.Client, state, nonce, verifier string) (string, string) {
	t.Helper()
	cb := p.Login(t, browser(), c.AuthURL(state, nonce, verifier), "zoe", "zoe's idp password", redirect)
	return cb.Query().Get("code"), cb.Query().Get("state")
}

func TestCodeFlowAgainstARealProvider(t *testing.T) {
	p := oidctest.Start(t, redirect, map[string]string{"guildhall": "gh-secret", "other-app": "other-secret"})
	p.AddUser("sub-zoe-1", "zoe", "zoe's idp password", "zoe@devon.gov.uk", "staff", "comms-admins")
	ctx := context.Background()
	c := newClient(t, p, "guildhall", "gh-secret", nil)

	t.Run("login", func(t *testing.T) {
		v := oauth2.GenerateVerifier()
		code, state := login(t, p, c, "state-1", "nonce-1", v)
		if state != "state-1" || code == "" {
			t.Fatalf("callback state %q code %q", state, code)
		}
		in, err := c.Exchange(ctx, code, "nonce-1", v)
		if err != nil {
			t.Fatal(err)
		}
		if in.Issuer != p.Issuer || in.Subject != "sub-zoe-1" || in.Email != "zoe@devon.gov.uk" || in.PreferredUsername != "zoe" ||
			!slices.Equal(in.Groups, []string{"staff", "comms-admins"}) {
			t.Errorf("identity %+v", in)
		}
		if _, err := c.Exchange(ctx, code, "nonce-1", v); !errors.Is(err, oidc.ErrRefused) {
			t.Errorf("code used twice: %v", err)
		}
	})
	t.Run("bad nonce", func(t *testing.T) {
		v := oauth2.GenerateVerifier()
		code, _ := login(t, p, c, "s", "nonce-A", v)
		if _, err := c.Exchange(ctx, code, "nonce-B", v); !errors.Is(err, oidc.ErrRefused) {
			t.Errorf("wrong nonce accepted: %v", err)
		}
	})
	t.Run("bad PKCE verifier", func(t *testing.T) {
		code, _ := login(t, p, c, "s", "n", oauth2.GenerateVerifier())
		if _, err := c.Exchange(ctx, code, "n", oauth2.GenerateVerifier()); !errors.Is(err, oidc.ErrRefused) {
			t.Errorf("wrong verifier accepted: %v", err)
		}
	})
	t.Run("expired token", func(t *testing.T) {
		late := newClient(t, p, "guildhall", "gh-secret", func() time.Time { return time.Now().Add(3 * time.Hour) })
		v := oauth2.GenerateVerifier()
		code, _ := login(t, p, late, "s", "n", v)
		if _, err := late.Exchange(ctx, code, "n", v); !errors.Is(err, oidc.ErrRefused) {
			t.Errorf("expired ID token accepted: %v", err)
		}
	})
	t.Run("token for another client", func(t *testing.T) {
		// A real ID token, properly signed by the provider, but issued to other-app.
		other := newClient(t, p, "other-app", "other-secret", nil)
		v := oauth2.GenerateVerifier()
		code, _ := login(t, p, other, "s", "n", v)
		tok, err := (&oauth2.Config{ClientID: "other-app", ClientSecret: "other-secret", RedirectURL: redirect,
			Endpoint: oauth2.Endpoint{TokenURL: p.Issuer + "/oauth/token"}}).Exchange(ctx, code, oauth2.VerifierOption(v))
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := tok.Extra("id_token").(string)
		if _, err := other.Verify(ctx, raw, "n"); err != nil {
			t.Fatalf("the token is valid for its own client: %v", err)
		}
		if _, err := c.Verify(ctx, raw, "n"); !errors.Is(err, oidc.ErrRefused) {
			t.Errorf("token for another client accepted: %v", err)
		}
	})
}
