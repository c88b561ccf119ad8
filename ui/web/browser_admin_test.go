package web_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/guildhall/guildhall/activitypub"
)

// TestBrowserSettingsAndAdmin drives Chromium through the settings added for staff (default
// visibility, header image with its description, removing a follower) and the administrators'
// accounts, known servers and instance settings pages, each form with an error on screen and
// then done, axe-core on every page.
func TestBrowserSettingsAndAdmin(t *testing.T) {
	e := newEnv(t, envOptions{host: browserHost})
	e.setupAdmin(newClient(t, e.srv))
	jo := e.account(t, "jo")
	_, ben := e.user("ben")
	if _, err := e.svc.Follow(t.Context(), ben, jo.Actor.ID, true, false); err != nil {
		t.Fatal(err)
	}
	e.failingDelivery(t, jo, "down.example")
	quoted := e.postAs(ben, "Gritting tonight from 8pm", activitypub.Public, "")
	header := filepath.Join(t.TempDir(), "header.png")
	if err := os.WriteFile(header, pngImage(t), 0o644); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, browserHost)
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	submit := chromedp.Click(css("main form[method=post] button[type=submit]"))

	b.step("sign in",
		chromedp.Navigate(e.base()+"/login"),
		chromedp.WaitVisible(css("#login")),
		chromedp.SendKeys(css("#login"), "jo"),
		chromedp.SendKeys(css("#password"), adminPassword),
		submit,
		chromedp.WaitVisible(css(".signed-in-as")),
	)
	b.step("choose a header image without describing it",
		chromedp.Click(css(`nav a[href="/settings"]`)),
		chromedp.WaitVisible(css("#header")),
		chromedp.SetUploadFiles(css("#header"), []string{header}),
		chromedp.Click(css("#default_visibility-local")),
		submit,
		chromedp.WaitVisible(css(".error-summary")),
	)
	if msg := b.text(".error-summary"); !strings.Contains(msg, "Describe your header image") {
		t.Errorf("settings error says %q", msg)
	}
	b.checkA11y("settings with an error")
	b.step("describe it",
		chromedp.SetUploadFiles(css("#header"), []string{header}),
		chromedp.SendKeys(css("#header_description"), "The council chamber"),
		submit,
		chromedp.WaitVisible(css(".notice")),
	)
	b.checkA11y("settings saved")
	b.step("the compose form starts internal",
		chromedp.Click(css(`nav a[href="/compose"]`)),
		chromedp.WaitVisible(css("#compose-visibility-local:checked")),
	)
	b.step("quote a post",
		chromedp.Navigate(e.base()+postHref(ben, quoted)),
		chromedp.WaitVisible(css(`a[href="/compose?quote=`+quoted.ID+`"]`)),
		chromedp.Click(css(`a[href="/compose?quote=`+quoted.ID+`"]`)),
		chromedp.WaitVisible(css("#quote-context-heading")),
	)
	b.checkA11y("compose a quote")
	b.step("the profile shows the header",
		chromedp.Navigate(e.base()+"/@jo"),
		chromedp.WaitVisible(css(`img.profile-banner[alt="The council chamber"]`)),
	)
	b.checkA11y("profile with a header")
	b.step("remove a follower",
		chromedp.Navigate(e.base()+"/@jo/followers"),
		chromedp.WaitVisible(css(".person-action button")),
	)
	b.checkA11y("own followers")
	b.step("confirm it",
		chromedp.Click(css(".person-action button")),
		chromedp.WaitVisible(css("p.empty")),
	)
	if rel, _ := e.svc.Relationship(t.Context(), jo.Actor.ID, ben.Actor.ID); rel.FollowedBy {
		t.Error("the Remove button left the follower")
	}

	b.step("change the password, mistyping the current one",
		chromedp.Navigate(e.base()+"/settings/account"),
		chromedp.WaitVisible(css("#current_password")),
		chromedp.SendKeys(css("#current_password"), "not my password"),
		chromedp.SendKeys(css("#new_password"), "a brand new passphrase"),
		chromedp.SendKeys(css("#new_password_confirm"), "a brand new passphrase"),
		chromedp.Click(css(`form[action="/settings/account/password"] button`)),
		chromedp.WaitVisible(css(".error-summary")),
	)
	b.checkA11y("account page with an error")
	b.step("give the right one",
		chromedp.SendKeys(css("#current_password"), adminPassword),
		chromedp.SendKeys(css("#new_password"), "a brand new passphrase"),
		chromedp.SendKeys(css("#new_password_confirm"), "a brand new passphrase"),
		chromedp.Click(css(`form[action="/settings/account/password"] button`)),
		chromedp.WaitVisible(css(".notice")),
	)
	b.checkA11y("account page")
	b.step("suspend an account",
		chromedp.Click(css(`nav a[href="/admin/users"]`)),
		chromedp.WaitVisible(css("#user-ben summary")),
		chromedp.Click(css("#user-ben summary")),
		chromedp.SendKeys(css("#reason-"+ben.Actor.ID), "Left the council"),
		chromedp.Click(css(`#user-ben form[action$="/suspend"] button`)),
		chromedp.WaitVisible(css(".notice")),
	)
	if a := e.account(t, "ben"); a.Actor.SuspendedAt == nil {
		t.Error("the Suspend button did not suspend")
	}
	b.checkA11y("accounts")
	b.shot("admin-accounts")
	b.step("known servers",
		chromedp.Navigate(e.base()+"/admin/instances"),
		chromedp.WaitVisible(css("#instance-down\\.example")),
	)
	b.checkA11y("known servers")
	b.step("instance settings with a bad address",
		chromedp.Click(css(`nav a[href="/admin/instance"]`)),
		chromedp.WaitVisible(css("#title")),
		chromedp.SendKeys(css("#title"), "Guildhall at Borsetshire"),
		chromedp.SendKeys(css("#rules"), "Be kind to colleagues\nNo resident data"),
		chromedp.SendKeys(css("#contact_email"), "digital"),
		submit,
		chromedp.WaitVisible(css(".error-summary")),
	)
	b.checkA11y("instance settings with an error")
	b.step("fix the address",
		chromedp.Clear(css("#contact_email")),
		chromedp.SendKeys(css("#contact_email"), "digital@borsetshire.example"),
		submit,
		chromedp.WaitVisible(css(".notice")),
	)
	b.checkA11y("instance settings saved")
	b.step("the about page shows the rules",
		chromedp.Navigate(e.base()+"/about"),
		chromedp.WaitVisible(css("h1")),
	)
	if rules := b.text("main ol"); !strings.Contains(rules, "No resident data") {
		t.Errorf("about page rules = %q", rules)
	}
	b.checkA11y("about with saved rules")
}

// failingDelivery queues one delivery to host that has failed once, for the known-servers page.
func (e *env) failingDelivery(t *testing.T, by *activitypub.Account, host string) {
	t.Helper()
	now := time.Now()
	item := &activitypub.OutboxItem{ID: e.svc.NewID(), ActorID: by.Actor.ID, CreatedAt: now, Activity: activitypub.Activity{
		ID: e.svc.BaseURL() + "/activities/" + host, Type: "Create", ActorID: by.Actor.ID, Actor: by.Actor.URI, Published: now}}
	if err := e.store.Enqueue(t.Context(), item); err != nil {
		t.Fatal(err)
	}
	d := &activitypub.Delivery{ID: e.svc.NewID(), Inbox: "https://" + host + "/inbox", Host: host, NextAttemptAt: now, CreatedAt: now}
	if err := e.store.ExpandOutbox(t.Context(), item.ID, []*activitypub.Delivery{d}); err != nil {
		t.Fatal(err)
	}
	if err := e.store.RetryDelivery(t.Context(), d.ID, now.Add(time.Hour), "503 Service Unavailable"); err != nil {
		t.Fatal(err)
	}
}
