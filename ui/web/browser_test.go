package web_test

import (
	"context"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

const chromiumPath = "/usr/bin/chromium"

// TestBrowserJourney drives a real Chromium through the pages with no JavaScript of ours: the
// setup link, the home page, signing out, a wrong password and signing in. Screenshots go to
// /tmp/guildhall-*.png for a human look.
func TestBrowserJourney(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("chromium not installed at %s, and CI must run the browser test", chromiumPath)
		}
		t.Skip("chromium not installed: browser test skipped; .ci/run installs it")
	}
	e := newEnv(t, envOptions{})

	alloc, cancel := chromedp.NewExecAllocator(t.Context(),
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1024, 800),
	)
	defer cancel()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()

	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	submit := chromedp.Click(css("main form button[type=submit]"))
	// step runs actions and stops the test at the first failure, keeping any screenshots.
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	read := func(sel string) string {
		t.Helper()
		text, err := chromedp.Run(ctx, chromedp.Text(css(sel)))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return strings.Join(strings.Fields(text), " ")
	}
	screenshot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile("/tmp/guildhall-"+name+".png", png, 0o644); err != nil {
			t.Log(err)
		}
	}

	step("fill in the setup form, mistyping the confirmation",
		chromedp.Navigate(e.srv.URL+"/setup?token="+url.QueryEscape(e.setupToken)),
		chromedp.WaitVisible(css("#username")),
		chromedp.SendKeys(css("#username"), "jo"),
		chromedp.SendKeys(css("#email"), "jo.bloggs@council.example"),
		chromedp.SendKeys(css("#display_name"), "Jo Bloggs"),
		chromedp.SendKeys(css("#password"), adminPassword),
		chromedp.SendKeys(css("#password_confirm"), "a different password"),
		submit,
		chromedp.WaitVisible(css(".error-summary")),
	)
	if msg := read(".error-summary"); !strings.Contains(msg, "The passwords do not match") {
		t.Errorf("setup error says %q", msg)
	}
	screenshot("setup-error")
	step("correct the passwords",
		chromedp.SendKeys(css("#password"), adminPassword),
		chromedp.SendKeys(css("#password_confirm"), adminPassword),
		submit,
		chromedp.WaitVisible(css(".signed-in-as")),
	)
	signedInAs := read(".signed-in-as")
	screenshot("home")

	step("sign out and give a wrong password",
		submit,
		chromedp.WaitVisible(css("#login")),
		chromedp.SendKeys(css("#login"), "jo"),
		chromedp.SendKeys(css("#password"), "not my password"),
		submit,
		chromedp.WaitVisible(css(".error-summary")),
	)
	loginError := read(".error-summary")
	screenshot("login-error")

	// The username is kept after the error; only the password needs typing again.
	step("sign in",
		chromedp.SendKeys(css("#password"), adminPassword),
		submit,
		chromedp.WaitVisible(css(".signed-in-as")),
	)
	finalSignedInAs := read(".signed-in-as")

	if want := "Signed in as Jo Bloggs (@jo@127.0.0.1) Administrator"; !strings.Contains(signedInAs, want) {
		t.Errorf("home says %q, want %q", signedInAs, want)
	}
	if !strings.Contains(loginError, msgBadCredentials) {
		t.Errorf("sign-in error says %q", loginError)
	}
	if !strings.Contains(finalSignedInAs, "Signed in as") {
		t.Errorf("after signing in, home says %q", finalSignedInAs)
	}
}
