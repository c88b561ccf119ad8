package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestSessionCookieAttributes(t *testing.T) {
	tests := []struct {
		secure      bool
		session     string
		csrf        string
		wantSecured bool
	}{
		{secure: false, session: "guildhall_session", csrf: "guildhall_csrf"},
		{secure: true, session: "__Host-guildhall_session", csrf: "__Host-guildhall_csrf", wantSecured: true},
	}
	for _, tt := range tests {
		t.Run(tt.session, func(t *testing.T) {
			e := newEnv(t, envOptions{secure: tt.secure})
			c := e.client
			form := e.get(c, "/setup?token="+e.setupToken)
			csrf := cookieNamed(t, form.Response, tt.csrf)
			if !csrf.HttpOnly || csrf.SameSite != http.SameSiteStrictMode || csrf.Secure != tt.wantSecured || csrf.Path != "/" {
				t.Errorf("csrf cookie = %+v", csrf)
			}

			done := e.post(c, "/setup", e.adminForm(form.csrf(t)))
			done.wantRedirect(t, "/")
			s := cookieNamed(t, done.Response, tt.session)
			if !s.HttpOnly || s.SameSite != http.SameSiteLaxMode || s.Secure != tt.wantSecured || s.Path != "/" || s.Domain != "" {
				t.Errorf("session cookie = %+v", s)
			}
			if want := int((14 * 24 * time.Hour).Seconds()); s.MaxAge < want-60 || s.MaxAge > want {
				t.Errorf("session Max-Age = %d, want about %d", s.MaxAge, want)
			}
			if len(s.Value) < 40 {
				t.Errorf("session token %q looks too short", s.Value)
			}

			// Sign-out expires it.
			home := e.get(c, "/")
			out := e.post(c, "/logout", map[string][]string{"csrf_token": {home.csrf(t)}})
			if gone := cookieNamed(t, out.Response, tt.session); gone.MaxAge >= 0 || gone.Value != "" {
				t.Errorf("sign-out cookie = %+v, want it deleted", gone)
			}
			if n := len(out.Header.Values("Set-Cookie")); n != 1 {
				t.Errorf("sign-out sent %d Set-Cookie headers, want 1: %q", n, out.Header.Values("Set-Cookie"))
			}
		})
	}
}

func cookieNamed(t *testing.T, resp *http.Response, name string) *http.Cookie {
	t.Helper()
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no %s cookie in %q", name, resp.Header.Values("Set-Cookie"))
	return nil
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t, envOptions{})
	signedIn := newClient(t, e.srv)
	e.setupAdmin(signedIn)

	tests := []struct {
		name   string
		client *http.Client
		path   string
		status int
	}{
		{"sign-in form", e.client, "/login", http.StatusOK},
		{"home", signedIn, "/", http.StatusOK},
		{"redirect", e.client, "/", http.StatusSeeOther},
		{"forbidden", e.client, "/setup?token=nope", http.StatusForbidden},
		{"not found", signedIn, "/no/such/page", http.StatusNotFound},
		{"unknown static file", e.client, "/static/nope.css", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := e.get(tt.client, tt.path)
			p.wantStatus(t, tt.status)
			wantSecurityHeaders(t, p.Header)
			if got := p.Header.Get("Cache-Control"); got != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store", got)
			}
			if tt.status != http.StatusSeeOther {
				p.wantBody(t, `<html lang="en-GB">`)
				if n := strings.Count(p.body, "<h1"); n != 1 {
					t.Errorf("%d h1 elements, want 1", n)
				}
			}
		})
	}
}

func wantSecurityHeaders(t *testing.T, h http.Header) {
	t.Helper()
	csp := h.Get("Content-Security-Policy")
	for _, d := range []string{"default-src 'self'", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'"} {
		if !strings.Contains(csp, d) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, d)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("Content-Security-Policy allows inline code: %q", csp)
	}
	if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q", got)
	}
	if got := h.Get("Referrer-Policy"); got != "same-origin" {
		t.Errorf("Referrer-Policy = %q", got)
	}
}

var stylesheetPattern = regexp.MustCompile(`<link rel="stylesheet" href="(/static/guildhall\.[0-9a-f]{10}\.css)">`)

func TestStaticAssetsAreFingerprintedAndCached(t *testing.T) {
	e := newEnv(t, envOptions{})
	m := stylesheetPattern.FindStringSubmatch(e.get(e.client, "/login").body)
	if m == nil {
		t.Fatal("sign-in page links no fingerprinted stylesheet")
	}
	css := e.get(e.client, m[1])
	css.wantStatus(t, http.StatusOK)
	wantSecurityHeaders(t, css.Header)
	if got := css.Header.Get("Content-Type"); !strings.HasPrefix(got, "text/css") {
		t.Errorf("Content-Type = %q", got)
	}
	if got := css.Header.Get("Cache-Control"); !strings.Contains(got, "max-age=31536000") || !strings.Contains(got, "immutable") {
		t.Errorf("Cache-Control = %q", got)
	}
	if css.Header.Get("Set-Cookie") != "" {
		t.Error("static file sets a cookie")
	}
}

func TestInternalErrorsShowReferenceNotDetails(t *testing.T) {
	e := newEnv(t, envOptions{})
	c := e.client
	form := e.get(c, "/login")
	if err := e.store.Close(); err != nil {
		t.Fatal(err)
	}
	p := e.post(c, "/login", map[string][]string{"csrf_token": {form.csrf(t)}, "login": {"jo"}, "password": {"whatever it is"}})
	p.wantStatus(t, http.StatusInternalServerError)
	p.wantBody(t, "Sorry, there is a problem with the service", testRequestID)
	for _, leak := range []string{"sql", "database", "closed", "activitypub."} {
		if strings.Contains(strings.ToLower(p.body), leak) {
			t.Errorf("error page leaks %q:\n%s", leak, p.body)
		}
	}
}
