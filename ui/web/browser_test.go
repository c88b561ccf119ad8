package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/guildhall/guildhall/activitypub"
)

const browserHost = "council-a.test"

// base is the address a browser uses: the instance's public host name, not the listener's.
func (e *env) base() string { return e.svc.BaseURL() }

// TestBrowserJourney drives a real Chromium through setup, sign-out, a wrong password and sign-in,
// with axe-core on every page, signed in and out and with form errors on screen.
func TestBrowserJourney(t *testing.T) {
	e := newEnv(t, envOptions{host: browserHost})
	b := newBrowser(t, browserHost)
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	submit := chromedp.Click(css("main form button[type=submit]"))

	b.step("fill in the setup form, mistyping the confirmation",
		chromedp.Navigate(e.base()+"/setup?token="+url.QueryEscape(e.setupToken)),
		chromedp.WaitVisible(css("#username")),
		chromedp.SendKeys(css("#username"), "jo"),
		chromedp.SendKeys(css("#email"), "jo.bloggs@council.example"),
		chromedp.SendKeys(css("#display_name"), "Jo Bloggs"),
		chromedp.SendKeys(css("#password"), adminPassword),
		chromedp.SendKeys(css("#password_confirm"), "a different password"),
		submit,
		chromedp.WaitVisible(css(".error-summary")),
	)
	if msg := b.text(".error-summary"); !strings.Contains(msg, "The passwords do not match") {
		t.Errorf("setup error says %q", msg)
	}
	b.checkA11y("setup with an error")
	b.step("correct the passwords",
		chromedp.SendKeys(css("#password"), adminPassword),
		chromedp.SendKeys(css("#password_confirm"), adminPassword),
		submit,
		chromedp.WaitVisible(css(".signed-in-as")),
	)
	signedInAs := b.text(".signed-in-as")
	b.checkA11y("empty home page")

	b.step("sign out from the navigation",
		chromedp.Click(css(`nav a[href="/logout"]`)),
		chromedp.WaitVisible(css("main form button")),
	)
	b.checkA11y("sign-out question")
	b.step("confirm, then give a wrong password",
		submit,
		chromedp.WaitVisible(css("#login")),
		chromedp.SendKeys(css("#login"), "jo"),
		chromedp.SendKeys(css("#password"), "not my password"),
		submit,
		chromedp.WaitVisible(css(".error-summary")),
	)
	loginError := b.text(".error-summary")
	b.checkA11y("sign-in with an error")

	// The username is kept after the error; only the password needs typing again.
	b.step("sign in",
		chromedp.SendKeys(css("#password"), adminPassword),
		submit,
		chromedp.WaitVisible(css(".signed-in-as")),
	)
	if want := "Signed in as Jo Bloggs (@jo@" + e.svc.Domain() + ") Administrator"; !strings.Contains(signedInAs, want) {
		t.Errorf("home says %q, want %q", signedInAs, want)
	}
	if !strings.Contains(loginError, msgBadCredentials) {
		t.Errorf("sign-in error says %q", loginError)
	}
	b.step("block a domain without a reason",
		chromedp.Click(css(`nav a[href="/admin/federation"]`)),
		chromedp.WaitVisible(css("#domain")),
		chromedp.SendKeys(css("#domain"), "spam.example"),
		chromedp.Click(css("#policy-block")),
		chromedp.Click(css(`input[value="add"] ~ button[type=submit]`)),
		chromedp.WaitVisible(css(".error-summary")),
	)
	b.checkA11y("federation admin with an error")
	b.step("give the reason",
		chromedp.SendKeys(css("#reason"), "Sends spam to staff"),
		chromedp.Click(css(`input[value="add"] ~ button[type=submit]`)),
		chromedp.WaitVisible(css(".table")),
	)
	b.checkA11y("federation admin")
	b.shot("admin")
	for _, path := range []string{"/about", "/accessibility", "/privacy", "/no-such-page"} {
		b.step("open "+path, chromedp.Navigate(e.base()+path), chromedp.WaitVisible(css("h1")))
		b.checkA11y(path)
	}
}

// TestBrowserPosting: posting with an error then for real, a thread with a reply, the in-place
// Like button, a profile, notifications and the find-people form, each page checked by axe,
// signed in and then signed out.
func TestBrowserPosting(t *testing.T) {
	e := newEnv(t, envOptions{host: browserHost})
	_, ben := e.user("ben")
	jo, err := e.svc.CreateLocalUser(t.Context(), activitypub.NewUser{Username: "jo", Email: "jo@council.example",
		Password: userPassword, DisplayName: "Jo Bloggs"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Follow(t.Context(), jo, ben.Actor.ID, true, false); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.UpdateProfile(t.Context(), ben, activitypub.ProfileInput{
		Fields: &[]activitypub.Field{{Name: "Team", Value: "Highways"}, {Name: "Job title", Value: "Engineer"}}}); err != nil {
		t.Fatal(err)
	}
	gritting := e.postAs(ben, "Gritting tonight on the A-roads from 8pm. Depot at capacity.", activitypub.Public, "")
	e.postAs(ben, "Internal: the new rota is on the shared drive", activitypub.LocalOnly, "")

	b := newBrowser(t, browserHost)
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	b.step("sign in",
		chromedp.Navigate(e.base()+"/login"),
		chromedp.WaitVisible(css("#login")),
		chromedp.SendKeys(css("#login"), "jo"),
		chromedp.SendKeys(css("#password"), userPassword),
		chromedp.Click(css("main form button[type=submit]")),
		chromedp.WaitVisible(css("#post-"+gritting.ID)),
	)
	b.checkA11y("home with posts")
	b.step("post nothing",
		chromedp.Click(css(`.compose button[value="post"]`)),
		chromedp.WaitVisible(css(".error-summary")),
	)
	if msg := b.text("#compose-text-error"); !strings.Contains(msg, "Enter what you want to say") {
		t.Errorf("empty post error = %q", msg)
	}
	b.checkA11y("compose with an error")
	b.step("type a post", chromedp.SendKeys(css("#compose-text"), "Thanks Ben, I will tell reception."))
	if count := b.text("#compose-text-count"); count != "You have 4966 characters remaining" {
		t.Errorf("character count says %q", count)
	}
	b.step("post it",
		chromedp.Click(css(`.compose button[value="post"]`)),
		chromedp.WaitVisible(css(".posts article")),
	)
	if first := b.text(".posts article .post-content"); first != "Thanks Ben, I will tell reception." {
		t.Errorf("newest post on home = %q", first)
	}
	b.shot("home")

	b.step("reply to Ben from the thread page",
		chromedp.Click(css("#post-"+gritting.ID+" .post-time")),
		chromedp.WaitVisible(css(".post-focus")),
		chromedp.SendKeys(css("#compose-text"), "Is the Ring Road included?"),
		chromedp.Click(css(`.compose button[value="post"]`)),
		chromedp.WaitVisible(css(".thread-replies article")),
	)
	if reply := b.text(".thread-replies article .post-content"); reply != "Is the Ring Road included?" {
		t.Errorf("reply shown = %q", reply)
	}
	b.step("like the post in place",
		chromedp.Click(css(".post-focus form[action$='/like'] button")),
		chromedp.WaitVisible(css(".post-focus form[action$='/like'] button.action-on")),
	)
	if eval[string](b, `document.activeElement.textContent`) == "" {
		t.Error("focus was lost after liking in place")
	}
	b.checkA11y("thread with a reply")
	b.shot("thread")

	b.step("open Ben's profile", chromedp.Click(css(".post-focus .post-author")), chromedp.WaitVisible(css(".profile-fields")))
	if fields := b.text(".profile-fields"); !strings.Contains(fields, "Team Highways") {
		t.Errorf("profile fields = %q", fields)
	}
	b.checkA11y("profile")
	b.shot("profile")
	b.step("followers list", chromedp.Click(css(`a[href="/@ben/followers"]`)), chromedp.WaitVisible(css(".people")))
	b.checkA11y("followers")

	b.step("find people with a bad address",
		chromedp.Click(css(`nav a[href="/follow"]`)),
		chromedp.WaitVisible(css("#handle")),
		chromedp.SendKeys(css("#handle"), "ben at the council"),
		chromedp.Click(css("main form button[type=submit]")),
		chromedp.WaitVisible(css(".error-summary")),
	)
	b.checkA11y("find people with an error")
	b.step("edit my post", chromedp.Navigate(e.base()+"/@jo"), chromedp.WaitVisible(css(".post a[href$='/edit']")),
		chromedp.Click(css(".post a[href$='/edit']")), chromedp.WaitVisible(css("#edit-text")))
	b.checkA11y("edit")
	b.step("notifications", chromedp.Click(css(`nav a[href="/notifications"]`)), chromedp.WaitVisible(css("h1")))
	b.checkA11y("notifications")
	b.step("settings with an error",
		chromedp.Click(css(`nav a[href="/settings"]`)),
		chromedp.WaitVisible(css("#display_name")),
		chromedp.SendKeys(css("#field_4_value"), "Highways"),
		chromedp.Click(css("main form button[type=submit]")),
		chromedp.WaitVisible(css(".error-summary")),
	)
	b.checkA11y("settings with an error")
	b.step("search", chromedp.Navigate(e.base()+"/search?q=gritting"), chromedp.WaitVisible(css("#search-posts-heading")))
	b.checkA11y("search results")
	for _, path := range []string{"/local", "/federated", "/compose", "/tags/gritting", "/bookmarks"} {
		b.step("open "+path, chromedp.Navigate(e.base()+path), chromedp.WaitVisible(css("h1")))
		b.checkA11y(path)
	}

	b.step("sign out", chromedp.Click(css(`nav a[href="/logout"]`)), chromedp.WaitVisible(css("main form button")),
		chromedp.Click(css("main form button")), chromedp.WaitVisible(css("#login")))
	b.step("a thread signed out", chromedp.Navigate(e.base()+postHref(ben, gritting)), chromedp.WaitVisible(css(".post-focus")))
	b.checkA11y("thread signed out")
	b.step("a profile signed out", chromedp.Navigate(e.base()+"/@ben"), chromedp.WaitVisible(css(".profile-fields")))
	if strings.Contains(b.text("main"), "new rota") {
		t.Error("an internal post is shown signed out")
	}
	b.checkA11y("profile signed out")
	t.Logf("axe-core checked %d pages", b.pages)
}

// TestBrowserKeyboardOnly signs in, posts, replies, follows and signs out with Tab, typing and
// Enter only: no clicks, no scripted focus.
func TestBrowserKeyboardOnly(t *testing.T) {
	e := newEnv(t, envOptions{host: browserHost})
	_, ben := e.user("ben")
	if _, err := e.svc.CreateLocalUser(t.Context(), activitypub.NewUser{Username: "jo", Email: "jo@council.example",
		Password: userPassword, DisplayName: "Jo Bloggs"}); err != nil {
		t.Fatal(err)
	}
	question := e.postAs(ben, "Does anyone have the meeting room booking link?", activitypub.Public, "")

	b := newBrowser(t, browserHost)
	b.step("open the sign-in page", chromedp.Navigate(e.base()+"/login"), chromedp.WaitVisible(chromedp.CSS("#login")))
	b.tabTo("#login")
	b.typeKeys("jo")
	b.tabTo("#password")
	b.typeKeys(userPassword)
	b.enter(".signed-in-as")

	b.tabTo("#compose-text")
	b.typeKeys("Posted with the keyboard alone")
	b.tabTo(`.compose button[value="post"]`)
	b.enter(".posts article")
	if got := b.text(".posts article .post-content"); got != "Posted with the keyboard alone" {
		t.Errorf("posted %q", got)
	}

	b.step("go to This council", chromedp.Navigate(e.base()+"/local"), chromedp.WaitVisible(chromedp.CSS("#post-"+question.ID)))
	b.tabTo("#post-" + question.ID + " .post-actions a[href$='#compose-text']")
	b.enter(".post-focus")
	b.tabTo("#compose-text")
	b.typeKeys("It is on the intranet under Facilities")
	b.tabTo(`.compose button[value="post"]`)
	b.enter(".thread-replies article")

	b.tabTo(`nav a[href="/follow"]`)
	b.enter("#handle")
	b.tabTo("#handle")
	b.typeKeys("@ben@" + e.svc.Host())
	b.enter(".profile-actions")
	if got := b.text(".profile-actions button"); !strings.HasPrefix(got, "Unfollow") {
		t.Errorf("after following, the button says %q", got)
	}

	b.tabTo(`nav a[href="/logout"]`)
	b.enter("main form button")
	b.tabTo("main form button")
	b.enter("#login")
}
