package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/guildhall/guildhall/activitypub"
)

// TestBrowserExpertiseDirectory: a person sets role, team and skills in Settings, then a colleague
// finds them from the navigation's Expertise link by skill, follows a skill link, and meets an
// empty result; every state is checked by axe, including the settings error.
func TestBrowserExpertiseDirectory(t *testing.T) {
	e := newEnv(t, envOptions{host: browserHost})
	_, ben := e.user("ben")
	if _, err := e.svc.CreateLocalUser(t.Context(), activitypub.NewUser{Username: "jo", Email: "jo@council.example",
		Password: userPassword, DisplayName: "Jo Bloggs"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.UpdateProfile(t.Context(), ben, activitypub.ProfileInput{Expertise: &activitypub.Expertise{
		Role: "Highways engineer", Team: "Highways", Skills: []string{"gritting, drainage"}}}); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, browserHost)
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	b.step("sign in",
		chromedp.Navigate(e.base()+"/login"),
		chromedp.WaitVisible(css("#login")),
		chromedp.SendKeys(css("#login"), "jo"),
		chromedp.SendKeys(css("#password"), userPassword),
		chromedp.Click(css("main form button[type=submit]")),
		chromedp.WaitVisible(css(".signed-in-as")),
	)
	b.step("settings: a skill too long",
		chromedp.Click(css(`nav a[href="/settings"]`)),
		chromedp.WaitVisible(css("#skills")),
		chromedp.SendKeys(css("#role"), "Data analyst"),
		chromedp.SendKeys(css("#skills"), "GIS, "+strings.Repeat("x", 60)),
		chromedp.Click(css("main form button[type=submit]")),
		chromedp.WaitVisible(css(".error-summary")),
	)
	b.checkA11y("settings with an expertise error")
	b.step("settings: saved",
		chromedp.SetValue(css("#skills"), "GIS, drainage"),
		chromedp.Click(css("main form button[type=submit]")),
		chromedp.WaitVisible(css(".notice")),
	)
	b.checkA11y("settings saved")
	b.step("open the directory", chromedp.Click(css(`nav a[href="/directory"]`)), chromedp.WaitVisible(css("#skill")))
	b.checkA11y("directory")
	if got := b.text(".directory"); !strings.Contains(got, "Ben") || !strings.Contains(got, "Jo Bloggs") {
		t.Errorf("everyone listed: %q", got)
	}
	b.step("search by skill",
		chromedp.SendKeys(css("#skill"), "Drainage"),
		chromedp.Click(css("main form button[type=submit]")),
		// The value attribute is the server's echo: only the results page has it, so the
		// check cannot run on the page being left.
		chromedp.WaitVisible(css(`#skill[value="Drainage"]`)),
	)
	b.checkA11y("directory results")
	got := b.text(".directory")
	if !strings.Contains(got, "Highways engineer, Highways") || !strings.Contains(got, "Data analyst") {
		t.Errorf("results for drainage: %q", got)
	}
	b.shot("directory")
	b.step("follow a skill link", chromedp.Click(css(`.directory a[href="/directory?skill=gritting"]`)),
		chromedp.WaitVisible(css(`#skill[value="gritting"]`)))
	if got := b.text(".directory"); !strings.Contains(got, "Ben") || strings.Contains(got, "Jo Bloggs") {
		t.Errorf("results for gritting: %q", got)
	}
	b.step("nobody found", chromedp.Navigate(e.base()+"/directory?skill=astrophysics"), chromedp.WaitVisible(css(".empty")))
	b.checkA11y("directory, nobody found")
}
