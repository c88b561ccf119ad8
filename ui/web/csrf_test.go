package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

const msgCSRF = "The form expired or was forged; reload the page and try again"

func TestForgedFormsChangeNothing(t *testing.T) {
	tests := []struct {
		name string
		// forge posts with c, given a genuine token from c's last page.
		forge func(e *env, c *http.Client, genuine string) page
		// check proves nothing changed.
		check func(t *testing.T, e *env, c *http.Client)
	}{
		{
			name: "sign-in without token",
			forge: func(e *env, c *http.Client, _ string) page {
				return e.post(c, "/login", url.Values{"login": {"jo"}, "password": {adminPassword}})
			},
			check: wantSignedOut,
		},
		{
			name: "sign-in with someone else's token",
			forge: func(e *env, c *http.Client, genuine string) page {
				return e.post(c, "/login", url.Values{"csrf_token": {genuine + "x"}, "login": {"jo"}, "password": {adminPassword}})
			},
			check: wantSignedOut,
		},
		{
			name: "sign-in from another site",
			forge: func(e *env, c *http.Client, genuine string) page {
				req := e.formRequest("/login", url.Values{"csrf_token": {genuine}, "login": {"jo"}, "password": {adminPassword}})
				req.Header.Set("Sec-Fetch-Site", "cross-site")
				return e.do(c, req)
			},
			check: wantSignedOut,
		},
		{
			name: "setup without token",
			forge: func(e *env, c *http.Client, _ string) page {
				v := e.adminForm("")
				v.Set("username", "mallory")
				return e.post(c, "/setup", v)
			},
			check: func(t *testing.T, e *env, c *http.Client) {
				e.signIn(c, "mallory", adminPassword, "").wantStatus(t, http.StatusUnauthorized)
				e.get(c, "/setup?token="+url.QueryEscape(e.setupToken)).wantStatus(t, http.StatusOK)
			},
		},
		{
			name: "setup from another origin",
			forge: func(e *env, c *http.Client, genuine string) page {
				v := e.adminForm(genuine)
				v.Set("username", "mallory")
				req := e.formRequest("/setup", v)
				req.Header.Set("Origin", "https://evil.example")
				return e.do(c, req)
			},
			check: func(t *testing.T, e *env, c *http.Client) {
				e.signIn(c, "mallory", adminPassword, "").wantStatus(t, http.StatusUnauthorized)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, envOptions{})
			if !strings.HasPrefix(tt.name, "setup") {
				e.setupAdmin(newClient(t, e.srv))
			}
			c := newClient(t, e.srv)
			genuine := e.get(c, "/login").csrf(t)
			p := tt.forge(e, c, genuine)
			p.wantStatus(t, http.StatusForbidden)
			p.wantBody(t, msgCSRF)
			tt.check(t, e, c)
		})
	}
}

func TestForgedSignOutKeepsSession(t *testing.T) {
	e := newEnv(t, envOptions{})
	c := e.client
	e.setupAdmin(c)
	loginToken := e.get(newClient(t, e.srv), "/login").csrf(t)
	for _, token := range []string{"", "forged", loginToken} {
		p := e.post(c, "/logout", url.Values{"csrf_token": {token}})
		p.wantStatus(t, http.StatusForbidden)
		p.wantBody(t, msgCSRF)
		e.get(c, "/").wantBody(t, "Signed in as")
	}
}

func wantSignedOut(t *testing.T, e *env, c *http.Client) {
	t.Helper()
	e.get(c, "/").wantRedirect(t, "/login?next=%2F")
}
