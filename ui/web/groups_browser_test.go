package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserGroups drives Chromium through the group pages: create a group with an error then
// for real, the directory, a second person asking to join, the moderator approving them, the
// member posting from the group's page and from the compose page, the moderator removing a
// post and banning; axe-core checks every page, forms with errors included.
func TestBrowserGroups(t *testing.T) {
	e := newEnv(t, envOptions{host: browserHost})
	e.user("ben")
	_, jo := e.user("jo")

	b := newBrowser(t, browserHost)
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	signIn := func(name string) {
		b.step("sign in as "+name,
			chromedp.Navigate(e.base()+"/login"),
			chromedp.WaitVisible(css("#login")),
			chromedp.SendKeys(css("#login"), name),
			chromedp.SendKeys(css("#password"), userPassword),
			chromedp.Click(css("main form button[type=submit]")),
			chromedp.WaitVisible(css(".signed-in-as")),
		)
	}
	signOut := func() {
		b.step("sign out", chromedp.Click(css(`nav a[href="/logout"]`)), chromedp.WaitVisible(css("main form button")),
			chromedp.Click(css("main form button")), chromedp.WaitVisible(css("#login")))
	}

	signIn("ben")
	b.step("open the groups page from the navigation", chromedp.Click(css(`nav a[href="/groups"]`)), chromedp.WaitVisible(css("#q")))
	b.checkA11y("empty group directory")
	b.step("create a group with a bad handle",
		chromedp.Click(css(`a[href="/groups/new"]`)),
		chromedp.WaitVisible(css("#handle")),
		chromedp.SendKeys(css("#handle"), "web managers"),
		chromedp.SendKeys(css("#display_name"), "Web managers"),
		chromedp.SendKeys(css("#description"), "For people who run council websites"),
		chromedp.SendKeys(css("#rules"), "Be kind."),
		chromedp.Click(css("#membership-approval")),
		chromedp.Click(css("main form button[type=submit]")),
		chromedp.WaitVisible(css(".error-summary")),
	)
	b.checkA11y("group creation with an error")
	b.step("correct the handle",
		chromedp.SetValue(css("#handle"), "web_managers"),
		chromedp.Click(css("main form button[type=submit]")),
		chromedp.WaitVisible(css(".notice")),
	)
	if got := b.text("h1"); got != "Web managers" {
		t.Errorf("group page heading = %q", got)
	}
	b.checkA11y("new group page")
	b.shot("group")
	b.step("the moderators' page", chromedp.Click(css(`a[href="/groups/web_managers/moderate"]`)), chromedp.WaitVisible(css("#invite")))
	b.checkA11y("empty moderation page")
	b.step("invite nobody",
		chromedp.SendKeys(css("#invite"), "@nobody"),
		chromedp.Click(css(`form[action$="/invites"] button`)),
		chromedp.WaitVisible(css(".error-summary")),
	)
	b.checkA11y("moderation page with an error")
	signOut()

	signIn("jo")
	b.step("search the directory",
		chromedp.Navigate(e.base()+"/groups"),
		chromedp.WaitVisible(css("#q")),
		chromedp.SendKeys(css("#q"), "websites"),
		chromedp.Click(css(`form[role=search] button`)),
	)
	// The directory listed the group before the search too: wait for the results page itself.
	b.step("the group among the results", chromedp.WaitVisible(css(`#search-summary`)),
		chromedp.WaitVisible(css(`.group-cards a[href="/groups/web_managers"]`)))
	if got := b.text("#search-summary"); !strings.Contains(got, "websites") {
		t.Errorf("search summary says %q", got)
	}
	b.checkA11y("directory search")
	b.step("ask to join",
		chromedp.Click(css(`.group-cards a[href="/groups/web_managers"]`)),
		chromedp.WaitVisible(css(`form[action$="/join"] button`)),
		chromedp.Click(css(`form[action$="/join"] button`)),
		chromedp.WaitVisible(css(`form[action$="/leave"] button`)),
	)
	if got := b.text(".profile-actions"); !strings.Contains(got, "You have asked to join") {
		t.Errorf("after asking, the group page says %q", got)
	}
	b.checkA11y("group page with a request")
	b.step("find a group with a bad address",
		chromedp.Navigate(e.base()+"/groups"),
		chromedp.WaitVisible(css("#handle")),
		chromedp.SendKeys(css("#handle"), "web managers"),
		chromedp.Click(css(`form[action="/groups/find"] button`)),
		chromedp.WaitVisible(css(".error-summary")),
	)
	b.checkA11y("find a group with an error")
	signOut()

	signIn("ben")
	b.step("approve Jo",
		chromedp.Navigate(e.base()+"/groups/web_managers/moderate"),
		chromedp.WaitVisible(css(`form[action$="/requests/`+jo.Actor.ID+`/approve"] button`)),
	)
	b.checkA11y("moderation page with a request")
	b.step("approve", chromedp.Click(css(`form[action$="/requests/`+jo.Actor.ID+`/approve"] button`)), chromedp.WaitVisible(css(".notice")))
	b.checkA11y("moderation page with a member")
	signOut()

	signIn("jo")
	b.step("post from the group's page",
		chromedp.Navigate(e.base()+"/groups/web_managers"),
		chromedp.WaitVisible(css("#compose-text")),
		chromedp.SendKeys(css("#compose-text"), "Our new search is live"),
		chromedp.Click(css(`.compose button[value="post"]`)),
		chromedp.WaitVisible(css(".post")),
	)
	if got := b.text(".post .post-content"); got != "Our new search is live" {
		t.Errorf("group page shows %q", got)
	}
	b.checkA11y("group page with a post")
	b.step("post in the group from the compose page",
		chromedp.Click(css(`nav a[href="/compose"]`)),
		chromedp.WaitVisible(css("#compose-group")),
		chromedp.SendKeys(css("#compose-text"), "Who is going to the accessibility meetup?"),
		chromedp.SetValue(css("#compose-group"), e.mustGroupID("web_managers")),
		chromedp.Click(css(`.compose button[value="post"]`)),
		chromedp.WaitVisible(css(".post-focus")),
	)
	b.checkA11y("compose with a group, posted")
	signOut()

	signIn("ben")
	b.step("the moderator's view of the group",
		chromedp.Navigate(e.base()+"/groups/web_managers"),
		chromedp.WaitVisible(css(".group-moderation")),
	)
	b.checkA11y("group page for a moderator")
	b.shot("group-moderator")
	b.step("remove the newest post",
		chromedp.Click(css(`.group-moderation form[action$="/remove"] button`)),
		chromedp.WaitVisible(css(".notice")),
	)
	if strings.Contains(b.text("main"), "accessibility meetup") {
		t.Error("a removed post is still on the group's page")
	}
	b.step("ban Jo",
		chromedp.Navigate(e.base()+"/groups/web_managers/moderate"),
		chromedp.WaitVisible(css(`form[action$="/members/`+jo.Actor.ID+`/ban"] button`)),
		chromedp.Click(css(`form[action$="/members/`+jo.Actor.ID+`/ban"] button`)),
		chromedp.WaitVisible(css(`form[action$="/members/`+jo.Actor.ID+`/unban"] button`)),
	)
	b.checkA11y("moderation page with a ban")
	b.step("members list", chromedp.Navigate(e.base()+"/groups/web_managers/members"), chromedp.WaitVisible(css("h1")))
	b.checkA11y("group members")
	t.Logf("axe-core checked %d pages", b.pages)
}

// mustGroupID is a local group's actor id.
func (e *env) mustGroupID(handle string) string {
	e.t.Helper()
	g, err := e.groups.ByHandle(e.t.Context(), handle)
	if err != nil {
		e.t.Fatal(err)
	}
	return g.Actor.ID
}
