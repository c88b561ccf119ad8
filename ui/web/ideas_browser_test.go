package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/guildhall/guildhall/activitypub"
)

// TestBrowserIdeas drives Chromium through proposing an idea (with an error first), voting,
// declining it (with an error first), the sorted list and adopting a remote idea, with axe-core
// on every page.
func TestBrowserIdeas(t *testing.T) {
	e := newEnv(t, envOptions{host: browserHost})
	jo, err := e.svc.CreateLocalUser(t.Context(), activitypub.NewUser{Username: "jo", Email: "jo@council.example",
		Password: userPassword, DisplayName: "Jo Bloggs"})
	if err != nil {
		t.Fatal(err)
	}
	jo.User.Role, jo.User.Admin = activitypub.RoleModerator, false
	if err := e.store.UpdateUser(t.Context(), &jo.User); err != nil {
		t.Fatal(err)
	}
	remote := e.remoteIdea("Four-day week")

	b := newBrowser(t, browserHost)
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	submit := chromedp.Click(css("main form button[type=submit]"))
	b.step("sign in and open the ideas",
		chromedp.Navigate(e.base()+"/login"),
		chromedp.WaitVisible(css("#login")),
		chromedp.SendKeys(css("#login"), "jo"),
		chromedp.SendKeys(css("#password"), userPassword),
		submit,
		chromedp.WaitVisible(css(`nav a[href="/ideas"]`)),
		chromedp.Click(css(`nav a[href="/ideas"]`)),
		chromedp.WaitVisible(css(".ideas-filter")),
	)
	b.checkA11y("ideas list, empty")
	b.step("propose an idea without a title",
		chromedp.Click(css(`main a[href="/ideas/new"]`)),
		chromedp.WaitVisible(css("#idea-title")),
		chromedp.SendKeys(css("#idea-text"), "One gritter rota for the county."),
		submit,
		chromedp.WaitVisible(css(".error-summary")),
	)
	if msg := b.text(".error-summary"); !strings.Contains(msg, "Enter a title for your idea") {
		t.Errorf("error summary says %q", msg)
	}
	b.checkA11y("propose an idea, with an error")
	b.step("give it a title",
		chromedp.SendKeys(css("#idea-title"), "Shared gritting rota"),
		submit,
		chromedp.WaitVisible(css("#votes")),
	)
	if h := b.text("h1"); h != "Shared gritting rota" {
		t.Errorf("idea page heading %q", h)
	}
	b.checkA11y("idea page")
	b.step("vote",
		chromedp.Click(css("#votes button")),
		chromedp.WaitVisible(css(`#votes button[aria-pressed="true"]`)),
	)
	if v := b.text("#votes p"); v != "1 vote, including yours." {
		t.Errorf("votes say %q", v)
	}
	b.step("decline without a reason",
		chromedp.Click(css("#status-declined")),
		chromedp.Click(css(`form[action$="/status"] button`)),
		chromedp.WaitVisible(css(".error-summary")),
	)
	b.checkA11y("idea page, status form with an error")
	b.step("give the reason",
		chromedp.SendKeys(css("#reason"), "No budget this year"),
		chromedp.Click(css(`form[action$="/status"] button`)),
		chromedp.WaitVisible(css(".idea-history li:nth-child(2)")),
	)
	if s := b.text(".idea-history li:nth-child(2)"); !strings.HasPrefix(s, "Declined — No budget this year, by Jo Bloggs") {
		t.Errorf("history says %q", s)
	}
	b.step("list by votes, declined only",
		chromedp.Navigate(e.base()+"/ideas"),
		chromedp.WaitVisible(css("#sort")),
		chromedp.SetValue(css("#sort"), "votes"),
		chromedp.SetValue(css("#status"), "declined"),
		chromedp.Click(css(".ideas-filter button")),
		// The server marks the chosen options: this is the new page, not the one submitted.
		chromedp.WaitReady(css(`#status option[value="declined"][selected]`)),
		chromedp.WaitVisible(css(".idea-item")),
	)
	b.checkA11y("ideas list, sorted and filtered")
	b.step("adopt a remote idea here too",
		chromedp.Navigate(e.base()+"/ideas/"+remote.ID),
		chromedp.WaitVisible(css(`form[action$="/adopt"] button`)),
		chromedp.Click(css(`form[action$="/adopt"] button`)),
		chromedp.WaitVisible(css(".adopted-by li")),
	)
	if d := b.text(".adopted-by li"); d != e.svc.Domain() {
		t.Errorf("adopted by %q, want this council", d)
	}
	b.checkA11y("remote idea, adopted here")
	b.shot("idea")
}
