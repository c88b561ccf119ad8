package server

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
	"github.com/guildhall/guildhall/adapters/password"
)

const chromiumPath = "/usr/bin/chromium"

// TestBrowserOAuthConsentOnPlainHTTPHost signs in and authorises a Mastodon app in a real
// Chromium on a non-loopback host name over plain HTTP, as a council running without TLS on its
// intranet is reached. Chromium sends no Sec-Fetch-Site there (not a trustworthy origin), so the
// cross-origin check falls back to Origin: a page with `Referrer-Policy: no-referrer` makes the
// form post `Origin: null` and the consent was refused (issue 8). On 127.0.0.1 the same flow
// passes either way, which is why this runs on council-a.test.
func TestBrowserOAuthConsentOnPlainHTTPHost(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("chromium not installed at %s, and CI must run the browser test", chromiumPath)
		}
		t.Skip("chromium not installed: browser test skipped; .ci/run installs it")
	}
	ctx := context.Background()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	cfg := Defaults()
	cfg.Host = "council-a.test:" + port
	cfg.InsecureHTTP = true
	cfg.DB = "sqlite:" + filepath.Join(t.TempDir(), "g.db")
	cfg.MediaDir = filepath.Join(t.TempDir(), "media")
	in, err := New(ctx, cfg, Options{Passwords: password.Argon2id{Time: 1, Memory: 1024, Threads: 1, KeyLen: 32}})
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	srv := &http.Server{Handler: in.Handler, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	base := "http://" + cfg.Host

	const pw = "a long enough password"
	if _, err := in.Service.CreateLocalUser(ctx, activitypub.NewUser{Username: "jo", Email: "jo@council.example", Password: pw}); err != nil {
		t.Fatal(err)
	}
	app, secret, err := in.Accounts.RegisterApp(ctx, accounts.AppInput{Name: "Tusky", RedirectURIs: []string{accounts.OOBRedirect}, Scopes: "read write"})
	if err != nil {
		t.Fatal(err)
	}

	alloc, cancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// The host name resolves to the test server; nothing else is remapped.
		chromedp.Flag("host-resolver-rules", "MAP council-a.test 127.0.0.1"),
		// Keep the origin plain http: no automatic upgrade attempt to https.
		chromedp.Flag("disable-features", "HttpsUpgrades,HttpsFirstBalancedModeAutoEnable"),
		chromedp.UserDataDir(t.TempDir()),
	)
	defer cancel()
	bctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	bctx, cancel = context.WithTimeout(bctx, 90*time.Second)
	defer cancel()

	authURL := base + "/oauth/authorize?" + url.Values{"client_id": {app.ClientID}, "redirect_uri": {accounts.OOBRedirect},
		"response_type": {"code"}, "scope": {"read write"}}.Encode()
	err = chromedp.Do(bctx,
		chromedp.Navigate(authURL),
		chromedp.WaitVisible(chromedp.CSS("#login")),
		chromedp.SendKeys(chromedp.CSS("#login"), "jo"),
		chromedp.SendKeys(chromedp.CSS("#password"), pw),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(`button[value="allow"]`)),
		chromedp.Click(chromedp.CSS(`button[value="allow"]`)),
		// Whatever answers the form (the code, or a refusal) is a new page without the button.
		chromedp.WaitNotPresent(chromedp.CSS(`button[value="allow"]`)),
		chromedp.WaitVisible(chromedp.CSS("body")),
	)
	if err != nil {
		t.Fatalf("browser journey: %v", err)
	}
	page, err := chromedp.Run(bctx, chromedp.Evaluate[string]("document.body.innerText"))
	if err != nil {
		t.Fatal(err)
	}
	location, err := chromedp.Run(bctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(location, base+"/") || !strings.Contains(page, "Authorisation code") {
		t.Fatalf("consent ended on %s with %q, not on the authorisation code page", location, strings.Join(strings.Fields(page), " "))
	}
	code, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(".oauth-code code")))
	if err != nil {
		t.Fatal(err)
	}

	// The code the browser was shown is one the app can exchange.
	// The app side talks to the same server; Go does not know the made-up name, so dial it directly.
	addr := ln.Addr().String()
	client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}}
	res, err := client.PostForm(base+"/oauth/token", url.Values{"grant_type": {"authorization_code"}, "client_id": {app.ClientID},
		"client_secret": {secret}, "code": {strings.TrimSpace(code)}, "redirect_uri": {accounts.OOBRedirect}})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&tok); err != nil || res.StatusCode != http.StatusOK || tok.AccessToken == "" {
		t.Fatalf("token exchange: %d %v %+v", res.StatusCode, err, tok)
	}
}
