package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/moderation"
)

// TestBrowserReportAndModerate: a person reports a post with the Report button on it, and a
// moderator warns its author from the moderation queue; axe checks the report form, the thank-you
// page and the queue with a report and empty.
func TestBrowserReportAndModerate(t *testing.T) {
	e := newEnv(t, envOptions{host: browserHost})
	owner, err := e.acc.CompleteSetup(t.Context(), e.setupToken, activitypub.NewUser{Username: "jo", Email: "jo@council.example",
		Password: userPassword, DisplayName: "Jo Bloggs"})
	if err != nil {
		t.Fatal(err)
	}
	_, ben := e.user("ben")
	st, err := e.svc.Post(t.Context(), ben, activitypub.PostInput{Text: "Something rude & unkind", Visibility: activitypub.Public})
	if err != nil {
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
	b.step("open the post and its Report button",
		chromedp.Navigate(e.base()+"/@ben/"+st.ID),
		chromedp.WaitVisible(css(`a[href="/report?status=`+st.ID+`"]`)),
		chromedp.Click(css(`a[href="/report?status=`+st.ID+`"]`)),
		chromedp.WaitVisible(css("#comment")),
	)
	b.checkA11y("report form")
	if got := b.text("#reported-post"); !strings.Contains(got, "Something rude & unkind") {
		t.Errorf("the form shows %q", got)
	}
	b.step("send the report",
		chromedp.SendKeys(css("#comment"), "Not how we talk to residents"),
		chromedp.Click(css("#report-form button[type=submit]")),
		chromedp.WaitVisible(css("#notice")),
	)
	b.checkA11y("report sent")
	b.step("open the queue", chromedp.Navigate(e.base()+"/admin/reports"), chromedp.WaitVisible(css(".report")))
	b.checkA11y("moderation queue")
	if got := b.text(".report"); !strings.Contains(got, "@ben@") || !strings.Contains(got, "Not how we talk to residents") ||
		!strings.Contains(got, "Something rude & unkind") {
		t.Errorf("the queue shows %q", got)
	}
	b.step("warn the author",
		chromedp.SetValue(css(".report select"), "warn"),
		chromedp.SendKeys(css(".report textarea"), "Please keep it civil"),
		chromedp.Click(css(".report button[type=submit]")),
		chromedp.WaitVisible(css("#reports-empty")),
	)
	b.checkA11y("moderation queue, empty")
	mod := e.mod
	ws, err := mod.MyWarnings(t.Context(), ben, activitypub.Page{})
	if err != nil || len(ws) != 1 || ws[0].Action != moderation.ActionWarn || ws[0].Text != "Please keep it civil" {
		t.Fatalf("ben's warnings = %+v, %v", ws, err)
	}
	_ = owner
}
