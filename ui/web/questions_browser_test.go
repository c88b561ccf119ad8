package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/groups"
)

// TestBrowserQuestions: the ask form with an error, the duplicate finder offering an answered
// question while the title is typed, asking, the question page, accepting an answer and the list,
// each checked by axe-core in a real Chromium.
func TestBrowserQuestions(t *testing.T) {
	e := newEnv(t, envOptions{host: browserHost})
	_, ann := e.user("ann")
	_, ben := e.user("ben")
	old := e.answeredQuestion(ben, ann, "How do you handle fly-tipping reports?")
	e.setupAdmin(newClient(t, e.srv)) // "jo", who sees the analytics
	if _, err := e.groups.Create(t.Context(), ann, groups.Input{Handle: "helpdesk", DisplayName: "Helpdesk"}); err != nil {
		t.Fatal(err) // the ask form and the list then offer a group chooser
	}

	b := newBrowser(t, browserHost)
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	b.step("sign in and open the ask form",
		chromedp.Navigate(e.base()+"/login?next=/questions/ask"),
		chromedp.WaitVisible(css("#login")),
		chromedp.SendKeys(css("#login"), "ann"),
		chromedp.SendKeys(css("#password"), userPassword),
		chromedp.Click(css("main form button[type=submit]")),
		chromedp.WaitVisible(css("#question-title")),
		chromedp.WaitVisible(css("select#group_id")),
	)
	b.checkA11y("ask form")
	b.step("ask without a title",
		chromedp.Click(css(`button[value="ask"]`)),
		chromedp.WaitVisible(css(".error-summary")),
	)
	b.checkA11y("ask form with an error")
	b.step("type a rephrased question",
		chromedp.SendKeys(css("#question-title"), "What is the process for reporting fly tipping?"),
	)
	b.waitUntil("similar answered question offered while typing",
		`!!document.querySelector('#similar-questions a[href="/questions/`+old.ID+`"]')`)
	b.checkA11y("ask form offering a similar question")
	b.step("ask anyway",
		chromedp.SendKeys(css("#question-content"), "Residents phone us; we want an online form."),
		chromedp.Click(css(`button[value="ask"]`)),
		chromedp.WaitVisible(css(".answers")),
	)
	if h := b.text("main h1"); h != "What is the process for reporting fly tipping?" {
		t.Errorf("question page heading %q", h)
	}
	b.checkA11y("question without answers")
	id := eval[string](b, `location.pathname.split("/").pop()`)
	e.postAs(ben, "We use a web form that geotags the report.", activitypub.Public, id)
	b.step("reload with an answer, and accept it",
		chromedp.Reload(),
		chromedp.WaitVisible(css(".accept-form button")),
	)
	b.checkA11y("question with an answer to accept")
	b.step("accept", chromedp.Click(css(".accept-form button")), chromedp.WaitVisible(css(".answer-accepted")))
	if label := b.text(".answer-accepted .answer-label"); !strings.HasPrefix(label, "✅ Accepted answer by Ben Smith") {
		t.Errorf("accepted answer labelled %q", label)
	}
	b.checkA11y("question with an accepted answer")
	b.shot("question")
	b.step("the list of answered questions",
		chromedp.Navigate(e.base()+"/questions?answered=yes"),
		chromedp.WaitVisible(css(".questions")),
	)
	b.checkA11y("questions list")
	b.step("sign out, and in as the administrator",
		chromedp.Navigate(e.base()+"/logout"),
		chromedp.WaitVisible(css("main form button")),
		chromedp.Click(css("main form button[type=submit]")),
		chromedp.WaitVisible(css("#login")),
		chromedp.Navigate(e.base()+"/login?next=/questions/analytics"),
		chromedp.WaitVisible(css("#login")),
		chromedp.SendKeys(css("#login"), "jo"),
		chromedp.SendKeys(css("#password"), adminPassword),
		chromedp.Click(css("main form button[type=submit]")),
		chromedp.WaitVisible(css("svg.chart")),
	)
	if n := eval[int](b, `document.querySelectorAll("svg.chart rect").length`); n != 24 {
		t.Errorf("chart has %d bars, want 24 (two a month)", n)
	}
	b.checkA11y("questions analytics")
	b.shot("analytics")
}
