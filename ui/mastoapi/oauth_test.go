package mastoapi_test

import (
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/guildhall/guildhall/activitypub/accounts"
	"github.com/mattn/go-mastodon"
)

const callback = "tusky-oauth://callback"

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// signIn opens a browser session as ui/web would and returns its cookie value.
func (e *env) signIn(login string) string {
	e.t.Helper()
	_, tok, _, err := e.acc.SignIn(e.ctx, login, testPassword, "127.0.0.1", "test")
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// browse sends a request with the session cookie and returns the response without following
// redirects.
func (e *env) browse(method, rawURL, session string, form url.Values) resp {
	e.t.Helper()
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req, err := http.NewRequest(method, rawURL, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if session != "" {
		req.AddCookie(&http.Cookie{Name: "guildhall_session", Value: session})
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{status: res.StatusCode, header: res.Header, body: b}
}

// consent loads the consent page for authURL and submits decision; it returns the response.
func (e *env) consent(authURL, session, decision string) resp {
	e.t.Helper()
	page := e.browse("GET", authURL, session, nil)
	if page.status != 200 {
		e.t.Fatalf("consent page: %d %s", page.status, page.body)
	}
	m := csrfField.FindSubmatch(page.body)
	if m == nil {
		e.t.Fatalf("no CSRF token on the consent page: %s", page.body)
	}
	u, _ := url.Parse(authURL)
	form := url.Values{"csrf_token": {string(m[1])}, "decision": {decision}}
	for _, k := range []string{"client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method"} {
		form.Set(k, u.Query().Get(k))
	}
	return e.browse("POST", e.base+"/oauth/authorize", session, form)
}

// codeFrom extracts the code from a redirect to the callback.
func codeFrom(t testing.TB, r resp) string {
	t.Helper()
	if r.status != http.StatusFound {
		t.Fatalf("authorize: status %d: %s", r.status, r.body)
	}
	loc, err := url.Parse(r.header.Get("Location"))
	if err != nil || !strings.HasPrefix(loc.String(), callback) {
		t.Fatalf("authorize redirected to %q", r.header.Get("Location"))
	}
	return loc.Query().Get("code")
}

// TestOAuthCodeFlowWithGoMastodon drives the whole login as a real client library does it.
func TestOAuthCodeFlowWithGoMastodon(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.user("alice")
		app, err := mastodon.RegisterApp(e.ctx, &mastodon.AppConfig{
			Server: e.base, ClientName: "Tusky", RedirectURIs: callback, Scopes: "read write follow push", Website: "https://tusky.app",
		})
		if err != nil {
			t.Fatal(err)
		}
		if app.ClientID == "" || app.ClientSecret == "" || app.RedirectURI != callback {
			t.Fatalf("app = %+v", app)
		}

		// Not signed in: off to the sign-in page, which comes back here.
		r := e.browse("GET", app.AuthURI+"&state=s1", "", nil)
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login?next=%2Foauth%2Fauthorize") {
			t.Fatalf("anonymous authorize: %d %q", r.status, r.header.Get("Location"))
		}

		session := e.signIn("alice")
		page := e.browse("GET", app.AuthURI+"&force_login=true&lang=en", session, nil)
		for _, want := range []string{"Tusky", "read", "write", "follow", "push", "Authorise", "Deny"} {
			if !strings.Contains(string(page.body), want) {
				t.Errorf("consent page lacks %q", want)
			}
		}
		if page.header.Get("X-Frame-Options") != "DENY" {
			t.Error("consent page can be framed")
		}

		res := e.consent(app.AuthURI+"&state=s1", session, "allow")
		loc, _ := url.Parse(res.header.Get("Location"))
		if loc.Query().Get("state") != "s1" {
			t.Errorf("state not returned: %s", loc)
		}
		code := codeFrom(t, res)

		c := mastodon.NewClient(&mastodon.Config{Server: e.base, ClientID: app.ClientID, ClientSecret: app.ClientSecret})
		if err := c.AuthenticateToken(e.ctx, code, callback); err != nil {
			t.Fatal(err)
		}
		me, err := c.GetAccountCurrentUser(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if me.Username != "alice" || me.Acct != "alice" {
			t.Fatalf("verify_credentials = %+v", me)
		}
		v, err := c.VerifyAppCredentials(e.ctx)
		if err != nil || v.Name != "Tusky" {
			t.Fatalf("apps/verify_credentials = %+v, %v", v, err)
		}

		// The code worked once.
		again := mastodon.NewClient(&mastodon.Config{Server: e.base, ClientID: app.ClientID, ClientSecret: app.ClientSecret})
		if err := again.AuthenticateToken(e.ctx, code, callback); err == nil {
			t.Fatal("a code was exchanged twice")
		}

		// Revoked tokens stop working at once.
		tok := c.Config.AccessToken
		if err := c.RevokeToken(e.ctx); err != nil {
			t.Fatal(err)
		}
		e.call("GET", "/api/v1/accounts/verify_credentials", tok, nil, 401, nil)
		// Revoking an unknown token is still 200 {}.
		e.call("POST", "/oauth/revoke", "", formBody{"client_id": {app.ClientID}, "client_secret": {app.ClientSecret}, "token": {"nope"}}, 200, nil)
	})
}

func pkce() (verifier, challenge string) {
	verifier = accounts.NewSecret() + accounts.NewSecret()[:10]
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

func TestOAuthPKCEAndRefusals(t *testing.T) {
	e := sqliteEnv(t)
	e.user("alice")
	var app struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	e.call("POST", "/api/v1/apps", "", jsonBody{"client_name": "Phanpy", "redirect_uris": []string{callback, accounts.OOBRedirect}, "scopes": "read write"}, 200, &app)
	session := e.signIn("alice")
	authURL := func(extra url.Values) string {
		q := url.Values{"client_id": {app.ClientID}, "redirect_uri": {callback}, "response_type": {"code"}, "scope": {"read write"}}
		for k, v := range extra {
			q[k] = v
		}
		return e.base + "/oauth/authorize?" + q.Encode()
	}
	verifier, challenge := pkce()
	pk := url.Values{"code_challenge": {challenge}, "code_challenge_method": {"S256"}}

	t.Run("pkce without secret", func(t *testing.T) {
		code := codeFrom(t, e.consent(authURL(pk), session, "allow"))
		var tok struct {
			AccessToken string `json:"access_token"`
			TokenType   string `json:"token_type"`
			Scope       string `json:"scope"`
			CreatedAt   int64  `json:"created_at"`
		}
		e.call("POST", "/oauth/token", "", jsonBody{"grant_type": "authorization_code", "client_id": app.ClientID,
			"code": code, "redirect_uri": callback, "code_verifier": verifier}, 200, &tok)
		if tok.AccessToken == "" || tok.TokenType != "Bearer" || tok.Scope != "read write" || tok.CreatedAt == 0 {
			t.Fatalf("token = %+v", tok)
		}
	})
	t.Run("pkce wrong verifier", func(t *testing.T) {
		code := codeFrom(t, e.consent(authURL(pk), session, "allow"))
		other, _ := pkce()
		r := e.call("POST", "/oauth/token", "", formBody{"grant_type": {"authorization_code"}, "client_id": {app.ClientID},
			"code": {code}, "redirect_uri": {callback}, "code_verifier": {other}}, 400, nil)
		if !strings.Contains(string(r.body), "invalid_grant") {
			t.Fatalf("body %s", r.body)
		}
	})
	t.Run("no secret and no pkce", func(t *testing.T) {
		code := codeFrom(t, e.consent(authURL(nil), session, "allow"))
		e.call("POST", "/oauth/token", "", formBody{"grant_type": {"authorization_code"}, "client_id": {app.ClientID},
			"code": {code}, "redirect_uri": {callback}}, 401, nil)
	})
	t.Run("redirect uri not registered", func(t *testing.T) {
		r := e.browse("GET", strings.Replace(authURL(nil), url.QueryEscape(callback), url.QueryEscape("https://evil.test/cb"), 1), session, nil)
		if r.status != 422 || r.header.Get("Location") != "" {
			t.Fatalf("status %d location %q", r.status, r.header.Get("Location"))
		}
	})
	t.Run("scope beyond the app", func(t *testing.T) {
		r := e.browse("GET", authURL(url.Values{"scope": {"read write follow"}}), session, nil)
		if r.status != 422 {
			t.Fatalf("status %d", r.status)
		}
	})
	t.Run("csrf", func(t *testing.T) {
		r := e.browse("POST", e.base+"/oauth/authorize", session, url.Values{"client_id": {app.ClientID},
			"redirect_uri": {callback}, "scope": {"read"}, "decision": {"allow"}, "csrf_token": {"forged"}})
		if r.status != 403 {
			t.Fatalf("forged consent: %d", r.status)
		}
	})
	t.Run("deny", func(t *testing.T) {
		r := e.consent(authURL(url.Values{"state": {"x"}}), session, "deny")
		loc, _ := url.Parse(r.header.Get("Location"))
		if r.status != 302 || loc.Query().Get("error") != "access_denied" || loc.Query().Get("code") != "" {
			t.Fatalf("deny: %d %s", r.status, loc)
		}
	})
	t.Run("oob", func(t *testing.T) {
		u := strings.Replace(authURL(nil), url.QueryEscape(callback), url.QueryEscape(accounts.OOBRedirect), 1)
		r := e.consent(u, session, "allow")
		m := regexp.MustCompile(`<code>([^<]+)</code>`).FindSubmatch(r.body)
		if r.status != 200 || m == nil {
			t.Fatalf("oob page %d: %s", r.status, r.body)
		}
		e.call("POST", "/oauth/token", "", formBody{"grant_type": {"authorization_code"}, "client_id": {app.ClientID},
			"client_secret": {app.ClientSecret}, "code": {string(m[1])}, "redirect_uri": {accounts.OOBRedirect}}, 200, nil)
	})
	t.Run("client credentials", func(t *testing.T) {
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		e.call("POST", "/oauth/token", "", formBody{"grant_type": {"client_credentials"}, "client_id": {app.ClientID},
			"client_secret": {app.ClientSecret}, "scope": {"read"}}, 200, &tok)
		e.call("GET", "/api/v1/apps/verify_credentials", tok.AccessToken, nil, 200, nil)
		e.call("GET", "/api/v1/timelines/home", tok.AccessToken, nil, 422, nil)
		e.call("POST", "/oauth/token", "", formBody{"grant_type": {"client_credentials"}, "client_id": {app.ClientID},
			"client_secret": {"wrong"}}, 401, nil)
	})
	t.Run("metadata", func(t *testing.T) {
		var md map[string]any
		r := e.call("GET", "/.well-known/oauth-authorization-server", "", nil, 200, &md)
		if md["token_endpoint"] != e.base+"/oauth/token" || md["app_registration_endpoint"] != e.base+"/api/v1/apps" ||
			!strings.Contains(string(r.body), `"code_challenge_methods_supported":["S256"]`) {
			t.Fatalf("metadata %s", r.body)
		}
	})
}

func TestAppRegistrationEncodings(t *testing.T) {
	e := sqliteEnv(t)
	bodies := map[string]any{
		"json":      jsonBody{"client_name": "Elk", "redirect_uris": "https://elk.test/cb\n" + accounts.OOBRedirect, "scopes": "read write follow push", "website": "https://elk.zone"},
		"form":      formBody{"client_name": {"Elk"}, "redirect_uris": {"https://elk.test/cb " + accounts.OOBRedirect}, "scopes": {"read write follow push"}, "website": {"https://elk.zone"}},
		"multipart": multiBody{"client_name": {"Elk"}, "redirect_uris[]": {"https://elk.test/cb", accounts.OOBRedirect}, "scopes": {"read write follow push"}, "website": {"https://elk.zone"}},
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			var app struct {
				Name         string   `json:"name"`
				Website      string   `json:"website"`
				RedirectURI  string   `json:"redirect_uri"`
				RedirectURIs []string `json:"redirect_uris"`
				ClientID     string   `json:"client_id"`
				ClientSecret string   `json:"client_secret"`
				VapidKey     *string  `json:"vapid_key"`
			}
			e.call("POST", "/api/v1/apps", "", body, 200, &app)
			if app.Name != "Elk" || app.Website != "https://elk.zone" || len(app.RedirectURIs) != 2 ||
				app.RedirectURIs[1] != accounts.OOBRedirect || app.ClientID == "" || app.ClientSecret == "" || app.VapidKey == nil {
				t.Fatalf("app = %+v", app)
			}
		})
	}
	for name, body := range map[string]formBody{
		"no name":      {"redirect_uris": {callback}},
		"no redirect":  {"client_name": {"x"}},
		"bad scope":    {"client_name": {"x"}, "redirect_uris": {callback}, "scopes": {"read everything"}},
		"relative uri": {"client_name": {"x"}, "redirect_uris": {"/cb"}},
	} {
		t.Run(name, func(t *testing.T) { e.call("POST", "/api/v1/apps", "", body, 422, nil) })
	}
}
