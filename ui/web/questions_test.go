package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/groups"
)

// answeredQuestion stores a question by asker with an accepted answer by answerer, as the
// questions area leaves it, for the duplicate finder to find.
func (e *env) answeredQuestion(asker, answerer *activitypub.Account, title string) *activitypub.Status {
	e.t.Helper()
	q, err := e.svc.Post(e.t.Context(), asker, activitypub.PostInput{Text: title + "\n\nDetails.", Title: title,
		Kind: activitypub.KindQuestion, Visibility: activitypub.Public})
	if err != nil {
		e.t.Fatal(err)
	}
	ans := e.postAs(answerer, "A shared map with street cleansing.", activitypub.Public, q.ID)
	q.AcceptedAnswerID = ans.ID
	if err := e.store.UpdateStatus(e.t.Context(), q); err != nil {
		e.t.Fatal(err)
	}
	return q
}

var acceptButton = regexp.MustCompile(`<form method="post" action="/questions/[^"]+/accept"`)

// TestQuestionPagesWithoutJavaScript walks the questions pages as plain forms: the duplicate
// finder's button, a refused question, asking, answering, accepting and the list's filters.
func TestQuestionPagesWithoutJavaScript(t *testing.T) {
	e := newEnv(t, envOptions{})
	annC, ann := e.user("ann")
	benC, ben := e.user("ben")
	old := e.answeredQuestion(ben, ann, "How do you handle fly-tipping reports?")

	form := e.get(annC, "/questions/ask")
	form.wantStatus(t, http.StatusOK)
	csrf := form.csrf(t)
	similar := e.post(annC, "/questions/ask", url.Values{"csrf_token": {csrf}, "action": {"similar"},
		"title": {"What is the process for reporting fly tipping?"}})
	similar.wantStatus(t, http.StatusOK)
	similar.wantBody(t, `href="/questions/`+old.ID+`"`, "How do you handle fly-tipping reports?",
		`value="What is the process for reporting fly tipping?"`)

	empty := e.post(annC, "/questions/ask", url.Values{"csrf_token": {csrf}, "action": {"ask"}, "content": {"Body only"}})
	empty.wantStatus(t, http.StatusUnprocessableEntity)
	if msg := empty.fieldErrors()["question-title"]; msg != "Enter your question as a title" {
		t.Fatalf("empty title error %q", msg)
	}
	empty.wantBody(t, "Body only") // what was typed is kept

	asked := e.post(annC, "/questions/ask", url.Values{"csrf_token": {csrf}, "action": {"ask"},
		"title": {"Which CMS do you use?"}, "content": {"For the main site."}, "visibility": {"public"}})
	loc := asked.Header.Get("Location")
	if asked.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/questions/") {
		t.Fatalf("asking answered %d → %q", asked.StatusCode, loc)
	}
	id := strings.TrimPrefix(loc, "/questions/")
	ans := e.postAs(ben, "Drupal, for ten years now.", activitypub.Public, id)

	page := e.get(benC, loc)
	page.wantStatus(t, http.StatusOK)
	page.wantBody(t, "<h1>Which CMS do you use?</h1>", "Drupal, for ten years now.", "Not answered yet")
	if acceptButton.MatchString(page.body) {
		t.Fatal("someone other than the asker is offered the accept button")
	}
	e.post(benC, loc+"/accept", url.Values{"csrf_token": {page.csrf(t)}, "answer_id": {ans.ID}}).wantStatus(t, http.StatusForbidden)

	page = e.get(annC, loc)
	if !acceptButton.MatchString(page.body) {
		t.Fatal("the asker is not offered the accept button")
	}
	e.post(annC, loc+"/accept", url.Values{"csrf_token": {page.csrf(t)}, "answer_id": {ans.ID}}).wantRedirect(t, loc)
	page = e.get(benC, loc)
	page.wantBody(t, "✅ Accepted answer by Ben Smith", "✅ Answered")

	for _, tc := range []struct {
		query      string
		want, lack []string
	}{
		{"?answered=yes", []string{"Which CMS do you use?", "How do you handle fly-tipping reports?"}, nil},
		{"?answered=no", nil, []string{"Which CMS do you use?"}},
		{"?q=cms", []string{"Which CMS do you use?"}, []string{"fly-tipping"}},
	} {
		list := e.get(annC, "/questions"+tc.query)
		list.wantStatus(t, http.StatusOK)
		list.wantBody(t, tc.want...)
		for _, s := range tc.lack {
			if strings.Contains(list.body, s) {
				t.Errorf("/questions%s shows %q", tc.query, s)
			}
		}
	}
}

// TestQuestionsAnalytics: administrators see the figures, chart and CSV; others are refused.
func TestQuestionsAnalytics(t *testing.T) {
	e := newEnv(t, envOptions{})
	admin := newClient(t, e.srv)
	e.setupAdmin(admin)
	annC, ann := e.user("ann")
	benC, ben := e.user("ben")
	fly := e.answeredQuestion(ann, ben, "How do you handle fly-tipping reports?")
	// Views count when a signed-in person other than the asker reads an answered question:
	// ann's own view and an anonymous one do not, ben's two do.
	e.get(annC, "/questions/"+fly.ID).wantStatus(t, http.StatusOK)
	e.get(newClient(t, e.srv), "/questions/"+fly.ID)
	e.get(benC, "/questions/"+fly.ID).wantStatus(t, http.StatusOK)
	e.get(benC, "/questions/"+fly.ID).wantStatus(t, http.StatusOK)
	open, err := e.svc.Post(t.Context(), ann, activitypub.PostInput{Text: "=HYPERLINK(1)\n\nx", Title: "=HYPERLINK(1)",
		Kind: activitypub.KindQuestion, Visibility: activitypub.Public})
	if err != nil {
		t.Fatal(err)
	}

	// One proposed idea: the report counts ideas by status too.
	e.post(annC, "/ideas", url.Values{"csrf_token": {e.csrfOf(annC)}, "idea-title": {"Shared gritting rota"},
		"idea-text": {"One rota for the county"}, "visibility": {"public"}}).wantStatus(t, http.StatusSeeOther)

	e.get(annC, "/questions/analytics").wantStatus(t, http.StatusForbidden)
	e.get(annC, "/questions/analytics.csv").wantStatus(t, http.StatusForbidden)
	page := e.get(admin, "/questions/analytics")
	page.wantStatus(t, http.StatusOK)
	page.wantBody(t, "<dt>Questions asked</dt><dd>2</dd>", "<dd>1 (50%)</dd>", `<svg class="chart"`,
		`href="/questions/`+open.ID+`"`, "Ben Smith", "<dt>Helpdesk calls avoided</dt><dd>2 ",
		`<th scope="row">Proposed</th><td>1</td>`, `<th scope="row">Declined</th><td>0</td>`)
	csv := e.get(admin, "/questions/analytics.csv")
	csv.wantStatus(t, http.StatusOK)
	if ct := csv.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Fatalf("CSV served as %q", ct)
	}
	csv.wantBody(t, "questions_asked,2\n", "answered_rate,0.500\n", "'=HYPERLINK(1)", ben.Actor.ID+",1,1\n", "helpdesk_calls_avoided,2\n",
		"ideas_proposed,1\n", "ideas_planned,0\n")
}

// TestAskInAGroupFromTheForm: with groups, the ask form offers the instance's groups, and a
// question asked in one is listed under that group's filter.
func TestAskInAGroupFromTheForm(t *testing.T) {
	e := newEnv(t, envOptions{})
	annC, ann := e.user("ann")
	g, err := e.groups.Create(t.Context(), ann, groups.Input{Handle: "helpdesk", DisplayName: "Helpdesk"})
	if err != nil {
		t.Fatal(err)
	}
	form := e.get(annC, "/questions/ask")
	form.wantBody(t, `<option value="`+g.Actor.ID+`">Helpdesk</option>`)
	asked := e.post(annC, "/questions/ask", url.Values{"csrf_token": {form.csrf(t)}, "action": {"ask"},
		"title": {"Who handles gritting?"}, "group_id": {g.Actor.ID}})
	if asked.StatusCode != http.StatusSeeOther {
		t.Fatalf("asking in a group answered %d", asked.StatusCode)
	}
	list := e.get(annC, "/questions?group_id="+g.Actor.ID)
	list.wantBody(t, "Who handles gritting?", `<option value="`+g.Actor.ID+`" selected>Helpdesk</option>`)
}
