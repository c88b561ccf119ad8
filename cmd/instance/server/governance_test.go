package server

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	oidcpkg "github.com/zitadel/oidc/v3/pkg/oidc"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
	"github.com/guildhall/guildhall/adapters/mail/mailtest"
	"github.com/guildhall/guildhall/adapters/oidc/oidctest"
	"github.com/guildhall/guildhall/adapters/password"
	"github.com/guildhall/guildhall/adapters/totp"
)

// govInstance is a whole instance over real HTTP with a real SMTP server and, when idp is set,
// a real OpenID provider.
type govInstance struct {
	*Instance
	base string
	smtp *mailtest.Server
	idp  *oidctest.Provider
}

func startGovInstance(t *testing.T, sso bool, tweak func(*GovConfig)) *govInstance {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	host := srv.Listener.Addr().String()
	g := &govInstance{base: "http://" + host, smtp: mailtest.Start(t, "", "")}
	cfg := Defaults()
	cfg.Host, cfg.InsecureHTTP = host, true
	cfg.DB = "sqlite:" + filepath.Join(t.TempDir(), "g.db")
	cfg.MediaDir = filepath.Join(t.TempDir(), "media")
	cfg.Gov.SMTPURL, cfg.Gov.SMTPFrom = g.smtp.URL, "Guildhall <noreply@council.test>"
	if sso {
		g.idp = oidctest.Start(t, g.base+"/auth/oidc/callback", map[string]string{"guildhall": "gh-secret"})
		cfg.Gov.OIDCIssuer, cfg.Gov.OIDCClientID, cfg.Gov.OIDCClientSecret = g.idp.Issuer, "guildhall", "gh-secret"
		cfg.Gov.OIDCGroupRoles = "comms-admins=admin,moderators=moderator"
	}
	if tweak != nil {
		tweak(&cfg.Gov)
	}
	in, err := New(context.Background(), cfg, Options{Passwords: password.Argon2id{Time: 1, Memory: 1024, Threads: 1, KeyLen: 32}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close() })
	srv.Config.Handler = in.Handler
	srv.Start()
	t.Cleanup(srv.Close)
	g.Instance = in
	return g
}

func browser(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second}
}

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// page GETs a page and returns its body and CSRF token (if it has a form).
func page(t *testing.T, c *http.Client, u string, want int) (string, string) {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != want {
		t.Fatalf("GET %s: %d, want %d\n%s", u, res.StatusCode, want, b)
	}
	csrf := ""
	if m := csrfRE.FindSubmatch(b); m != nil {
		csrf = string(m[1])
	}
	return string(b), csrf
}

func submit(t *testing.T, c *http.Client, u string, form url.Values, want int) string {
	t.Helper()
	res, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != want {
		t.Fatalf("POST %s: %d, want %d\n%s", u, res.StatusCode, want, b)
	}
	return string(b)
}

const testPass = "a long enough password"

func (g *govInstance) owner(t *testing.T) *activitypub.Account {
	t.Helper()
	ctx := context.Background()
	tok, err := g.Accounts.PrepareSetup(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a, err := g.Accounts.CompleteSetup(ctx, tok, activitypub.NewUser{Username: "owner", Email: "owner@council.test", Password: testPass})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestWebSignUpConfirmAndReset(t *testing.T) {
	g := startGovInstance(t, false, nil)
	ctx := context.Background()
	owner := g.owner(t)
	if err := g.Accounts.SetRegistrationPolicy(ctx, owner, accounts.RegistrationPolicy{
		Mode: accounts.RegistrationOpen, Domains: []string{"devon.gov.uk"}}, ""); err != nil {
		t.Fatal(err)
	}
	b := browser(t)
	_, csrf := page(t, b, g.base+"/auth/signup", 200)
	body := submit(t, b, g.base+"/auth/signup", url.Values{"csrf_token": {csrf}, "username": {"zoe"},
		"email": {"zoe@gmail.test"}, "password": {testPass}}, 403)
	if !strings.Contains(body, "devon.gov.uk") {
		t.Errorf("refusal page does not name the allowed domain:\n%s", body)
	}
	body = submit(t, b, g.base+"/auth/signup", url.Values{"csrf_token": {csrf}, "username": {"zoe"},
		"email": {"zoe@devon.gov.uk"}, "password": {testPass}}, 200)
	if !strings.Contains(body, "Check your email") {
		t.Fatalf("after sign-up:\n%s", body)
	}
	_, csrf = page(t, b, g.base+"/login", 200)
	body = submit(t, b, g.base+"/login", url.Values{"csrf_token": {csrf}, "login": {"zoe"}, "password": {testPass}}, 403)
	if !strings.Contains(strings.ToLower(body), "confirm your email") {
		t.Errorf("unconfirmed sign-in page:\n%s", body)
	}
	m := g.smtp.Next(t)
	link := m.Link(t, "/auth/confirm")
	if !strings.HasPrefix(link, g.base+"/auth/confirm?token=") {
		t.Fatalf("link %s does not point at this instance", link)
	}
	body, _ = page(t, b, link, 200) // the person clicks the link in the mail
	if !strings.Contains(body, "Email address confirmed") {
		t.Fatalf("confirm page:\n%s", body)
	}
	page(t, b, link, 422) // once only
	_, csrf = page(t, b, g.base+"/login", 200)
	submit(t, b, g.base+"/login", url.Values{"csrf_token": {csrf}, "login": {"zoe"}, "password": {testPass}}, 200)
	if home, _ := page(t, b, g.base+"/", 200); !strings.Contains(home, "@zoe@") {
		t.Fatalf("not signed in after confirming:\n%s", home)
	}

	// Password reset through the mailed link, in a second browser.
	b2 := browser(t)
	_, csrf = page(t, b2, g.base+"/auth/forgot", 200)
	submit(t, b2, g.base+"/auth/forgot", url.Values{"csrf_token": {csrf}, "login": {"zoe@devon.gov.uk"}}, 200)
	reset := g.smtp.Next(t).Link(t, "/auth/reset")
	_, csrf = page(t, b2, reset, 200)
	tok := regexp.MustCompile(`name="token" value="([^"]+)"`).FindStringSubmatch(mustGet(t, b2, reset))[1]
	submit(t, b2, g.base+"/auth/reset", url.Values{"csrf_token": {csrf}, "token": {tok},
		"password": {"a whole new passphrase"}, "password_confirm": {"a whole new passphrase"}}, 200)
	if home, _ := page(t, b, g.base+"/", 200); strings.Contains(home, "@zoe@") {
		t.Error("the first browser is still signed in after a password reset")
	}
	_, csrf = page(t, b2, g.base+"/login", 200)
	submit(t, b2, g.base+"/login", url.Values{"csrf_token": {csrf}, "login": {"zoe"}, "password": {"a whole new passphrase"}}, 200)
}

func mustGet(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	body, _ := page(t, c, u, 200)
	return body
}

func TestWebSingleSignOn(t *testing.T) {
	g := startGovInstance(t, true, func(c *GovConfig) { c.DisablePasswordLogin = true })
	ctx := context.Background()
	g.idp.AddUser("sub-zoe", "zoe", "idp password", "zoe@devon.gov.uk", "staff", "comms-admins")
	users := func() int {
		n, err := g.Store.CountUsers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	callback := g.base + "/auth/oidc/callback"

	t.Run("first sign-in creates the account with the mapped role", func(t *testing.T) {
		b := browser(t)
		login, _ := page(t, b, g.base+"/login", 200)
		if !strings.Contains(login, `href="/auth/oidc?next=`) || strings.Contains(login, `name="password"`) {
			t.Errorf("login page should offer SSO only:\n%s", login)
		}
		cb := g.idp.Login(t, b, g.base+"/auth/oidc", "zoe", "idp password", callback)
		home := mustGet(t, b, cb.String())
		if !strings.Contains(home, "@zoe@") {
			t.Fatalf("not signed in:\n%s", home)
		}
		a, err := g.Store.ActorByUsername(ctx, "zoe", "")
		if err != nil {
			t.Fatal(err)
		}
		u, _ := g.Store.UserByActorID(ctx, a.ID)
		if u.RoleOf() != activitypub.RoleAdmin || u.PasswordHash != "" {
			t.Errorf("user %+v: want admin from comms-admins, no password", u)
		}
	})
	t.Run("removed from the group, the role goes at next sign-in", func(t *testing.T) {
		g.idp.SetGroups("sub-zoe", "staff")
		before := users()
		b := browser(t)
		mustGet(t, b, g.idp.Login(t, b, g.base+"/auth/oidc", "zoe", "idp password", callback).String())
		a, _ := g.Store.ActorByUsername(ctx, "zoe", "")
		u, _ := g.Store.UserByActorID(ctx, a.ID)
		if u.RoleOf() != activitypub.RoleMember || users() != before {
			t.Errorf("role %s, users %d→%d: want member and the same account", u.RoleOf(), before, users())
		}
	})
	refused := func(t *testing.T, tamper func(b *http.Client, cb *url.URL) *url.URL) {
		t.Helper()
		g.idp.AddUser("sub-new", "newbie", "idp password", "newbie@devon.gov.uk", "comms-admins")
		before := users()
		b := browser(t)
		cb := tamper(b, g.idp.Login(t, b, g.base+"/auth/oidc", "newbie", "idp password", callback))
		body, _ := page(t, b, cb.String(), 401)
		if !strings.Contains(body, "did not work") {
			t.Errorf("refusal page:\n%s", body)
		}
		if users() != before {
			t.Error("a refused sign-in created an account")
		}
		if home := mustGet(t, b, g.base+"/"); strings.Contains(home, "@newbie@") {
			t.Error("signed in after a refused callback")
		}
	}
	t.Run("bad state", func(t *testing.T) {
		refused(t, func(_ *http.Client, cb *url.URL) *url.URL {
			q := cb.Query()
			q.Set("state", "forged")
			cb.RawQuery = q.Encode()
			return cb
		})
	})
	t.Run("bad nonce", func(t *testing.T) {
		refused(t, func(b *http.Client, cb *url.URL) *url.URL {
			base, _ := url.Parse(g.base)
			for _, c := range b.Jar.Cookies(base) {
				if strings.HasSuffix(c.Name, "guildhall_oidc") {
					p := strings.SplitN(c.Value, ".", 4)
					p[1] = "another-nonce"
					b.Jar.SetCookies(base, []*http.Cookie{{Name: c.Name, Value: strings.Join(p, "."), Path: "/"}})
				}
			}
			return cb
		})
	})
	t.Run("no cookie (callback opened in another browser)", func(t *testing.T) {
		refused(t, func(b *http.Client, cb *url.URL) *url.URL {
			b.Jar, _ = cookiejar.New(nil)
			return cb
		})
	})
	t.Run("back-channel logout ends every session and token at once", func(t *testing.T) {
		b := browser(t)
		mustGet(t, b, g.idp.Login(t, b, g.base+"/auth/oidc", "zoe", "idp password", callback).String())
		a, _ := g.Store.ActorByUsername(ctx, "zoe", "")
		tok, _, err := g.Accounts.IssueToken(ctx, a.ID, "", []string{"read"})
		if err != nil {
			t.Fatal(err)
		}
		post := func(token string) int {
			res, err := http.PostForm(g.base+"/auth/oidc/backchannel-logout", url.Values{"logout_token": {token}})
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res.StatusCode
		}
		for name, bad := range map[string]string{
			"for another client": g.idp.LogoutToken(t, "sub-zoe", "other-app", nil),
			"expired": g.idp.LogoutToken(t, "sub-zoe", "guildhall", func(c *oidcpkg.LogoutTokenClaims) {
				c.Expiration = oidcpkg.FromTime(time.Now().Add(-time.Hour))
			}),
			"without the logout event": g.idp.LogoutToken(t, "sub-zoe", "guildhall", func(c *oidcpkg.LogoutTokenClaims) { c.Events = nil }),
			"garbage":                  "not.a.jwt",
		} {
			if code := post(bad); code != 400 {
				t.Errorf("logout token %s: %d, want 400", name, code)
			}
		}
		if home := mustGet(t, b, g.base+"/"); !strings.Contains(home, "@zoe@") {
			t.Fatal("a refused logout token ended the session")
		}
		if code := post(g.idp.LogoutToken(t, "sub-zoe", "guildhall", nil)); code != 200 {
			t.Fatalf("logout: %d", code)
		}
		if home := mustGet(t, b, g.base+"/"); strings.Contains(home, "@zoe@") {
			t.Error("still signed in after the provider's logout")
		}
		if _, _, err := g.Accounts.TokenAccount(ctx, tok); err == nil {
			t.Error("API token still valid after the provider's logout")
		}
	})
	t.Run("password sign-in is off", func(t *testing.T) {
		g.owner(t)
		b := browser(t)
		_, csrf := page(t, b, g.base+"/auth/forgot", 200) // the login page has no password form to take it from
		body := submit(t, b, g.base+"/login", url.Values{"csrf_token": {csrf}, "login": {"owner"}, "password": {testPass}}, 403)
		if !strings.Contains(body, "organisation") {
			t.Errorf("refusal:\n%s", body)
		}
	})
}

func TestWebTwoFactor(t *testing.T) {
	g := startGovInstance(t, false, nil)
	ctx := context.Background()
	if _, err := g.Service.CreateLocalUser(ctx, activitypub.NewUser{Username: "zoe", Email: "zoe@council.test", Password: testPass}); err != nil {
		t.Fatal(err)
	}
	signIn := func(b *http.Client) string {
		_, csrf := page(t, b, g.base+"/login", 200)
		return submit(t, b, g.base+"/login", url.Values{"csrf_token": {csrf}, "login": {"zoe"}, "password": {testPass}}, 200)
	}
	b := browser(t)
	signIn(b)
	_, csrf := page(t, b, g.base+"/settings/security", 200)
	body := submit(t, b, g.base+"/settings/security/totp", url.Values{"csrf_token": {csrf}}, 200)
	secret := regexp.MustCompile(`id="totp-secret">([A-Z2-7]+)<`).FindStringSubmatch(body)
	if secret == nil {
		t.Fatalf("no secret on the page:\n%s", body)
	}
	code, _ := totp.Code(secret[1], time.Now())
	body = submit(t, b, g.base+"/settings/security/totp/confirm", url.Values{"csrf_token": {csrf}, "code": {code}}, 200)
	if n := strings.Count(body, "<li><code>"); n != 10 {
		t.Fatalf("%d recovery codes shown, want 10:\n%s", n, body)
	}
	recovery := regexp.MustCompile(`<li><code>([a-z2-7]{5}-[a-z2-7]{5})</code>`).FindStringSubmatch(body)[1]

	// A new browser now needs the second step; the enrolment code's step is spent, so use a
	// recovery code, then check that a replayed one is refused.
	b2 := browser(t)
	body = signIn(b2)
	ch := regexp.MustCompile(`name="challenge" value="([^"]+)"`).FindStringSubmatch(body)
	if ch == nil {
		t.Fatalf("no challenge page after the password:\n%s", body)
	}
	if home := mustGet(t, b2, g.base+"/"); strings.Contains(home, "@zoe@") {
		t.Fatal("signed in with the password alone")
	}
	_, csrf = page(t, b2, g.base+"/auth/forgot", 200)
	submit(t, b2, g.base+"/login/mfa", url.Values{"csrf_token": {csrf}, "challenge": {ch[1]}, "code": {recovery}}, 200)
	if home := mustGet(t, b2, g.base+"/"); !strings.Contains(home, "@zoe@") {
		t.Fatal("not signed in after the recovery code")
	}
	b3 := browser(t)
	ch = regexp.MustCompile(`name="challenge" value="([^"]+)"`).FindStringSubmatch(signIn(b3))
	_, csrf = page(t, b3, g.base+"/auth/forgot", 200)
	body = submit(t, b3, g.base+"/login/mfa", url.Values{"csrf_token": {csrf}, "challenge": {ch[1]}, "code": {recovery}}, 401)
	if !strings.Contains(body, "used already") {
		t.Errorf("replayed recovery code page:\n%s", body)
	}
	body = submit(t, b3, g.base+"/login/mfa", url.Values{"csrf_token": {csrf}, "challenge": {ch[1]}, "code": {code}}, 401)
	if !strings.Contains(body, "used already") {
		t.Errorf("replayed TOTP code page:\n%s", body)
	}
}
