package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/gorilla/mux"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/questions"
)

// The questions pages: the list (/questions), a question with its answers (/questions/{id}) and
// the compose mode for a question (/questions/ask), whose duplicate finder works as a "Check for
// similar questions" button and, with JavaScript, while the title is typed.

func (h *Handler) questionRoutes() []route {
	if h.questions == nil {
		return nil
	}
	get, post := http.MethodGet, http.MethodPost
	return []route{
		{method: get, path: "/questions", handle: h.questionsPage},
		{method: get, path: "/questions/ask", handle: h.askForm},
		{method: get, path: "/questions/similar", handle: h.similarJSON},
		{method: get, path: "/questions/analytics", handle: h.analyticsPage},
		{method: get, path: "/questions/analytics.csv", handle: h.analyticsCSV},
		{method: post, path: "/questions/ask", csrf: csrfSession, handle: h.ask},
		{method: get, path: "/questions/{id}", handle: h.questionPage},
		{method: post, path: "/questions/{id}/{verb:accept|unaccept}", csrf: csrfSession, handle: h.acceptAnswer},
	}
}

// questionItem is a question in a list.
type questionItem struct {
	Href, Title, Excerpt string
	Answers, Votes       int
	Answered             bool
	Author               string
}

type groupOption struct{ ID, Name string }

// groupOptions lists this instance's groups for the group choosers, nil without groups (the
// pages then take a group id as text).
func (h *Handler) groupOptions(r *http.Request) ([]groupOption, error) {
	if h.groups == nil {
		return nil, nil
	}
	list, err := h.groups.Directory(r.Context(), "", false, activitypub.Page{Limit: 80})
	if err != nil {
		return nil, err
	}
	out := make([]groupOption, 0, len(list))
	for _, a := range list {
		name := a.DisplayName
		if name == "" {
			name = a.Username
		}
		out = append(out, groupOption{ID: a.ID, Name: name})
	}
	return out, nil
}

type questionsView struct {
	Groups   []groupOption
	Items    []questionItem
	Filters  []filterOption
	Answered string // "", "yes", "no"
	GroupID  string
	Query    string
}

type filterOption struct{ Value, Label string }

// questionFilters are the answered filter's choices, "" for all.
func questionFilters() []filterOption {
	return []filterOption{{"", "All questions"}, {"no", "Not answered yet"}, {"yes", "Answered"}}
}

type answerView struct {
	Post     postView
	Accepted bool
}

type questionView struct {
	Post      postView
	Title     string
	Answered  bool
	Answers   []answerView
	MayAccept bool
	Compose   composeView
}

type askView struct {
	Title, Content, GroupID string
	Visibility              activitypub.Visibility
	Network                 bool
	Groups                  []groupOption
	Similar                 []questionItem
	Checked                 bool // the similar questions were looked up
}

func (h *Handler) items(list []*questions.Question) []questionItem {
	out := make([]questionItem, 0, len(list))
	for _, q := range list {
		out = append(out, questionItem{Href: "/questions/" + q.Status.ID, Title: q.Status.Title,
			Excerpt: questions.Excerpt(q.Status.Content, 160), Answers: q.AnswersCount,
			Votes: q.Status.FavouritesCount, Answered: q.Answered()})
	}
	return out
}

func (h *Handler) questionsPage(w http.ResponseWriter, r *http.Request) error {
	acct := AccountFrom(r.Context())
	qv := r.URL.Query()
	v := questionsView{Filters: questionFilters(), Answered: qv.Get("answered"), GroupID: strings.TrimSpace(qv.Get("group_id")), Query: strings.TrimSpace(qv.Get("q"))}
	f := questions.Filter{GroupID: v.GroupID, Query: v.Query}
	switch v.Answered {
	case "yes", "no":
		b := v.Answered == "yes"
		f.Answered = &b
	default:
		v.Answered = ""
	}
	list, err := h.questions.List(r.Context(), viewerOf(acct), f, activitypub.Page{Limit: 40, MaxID: qv.Get("max_id")})
	if err != nil {
		return err
	}
	v.Items = h.items(list)
	if v.Groups, err = h.groupOptions(r); err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "questions", view{Title: "Questions", Section: "questions", Page: v,
		Values: map[string]string{"q": v.Query, "group_id": v.GroupID}})
}

func (h *Handler) questionPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	acct := AccountFrom(ctx)
	q, err := h.questions.View(ctx, acct, mux.Vars(r)["id"])
	if err != nil {
		return err
	}
	answers, err := h.questions.Answers(ctx, viewerOf(acct), q)
	if err != nil {
		return err
	}
	pr := h.presenter(r)
	posts, err := pr.posts(ctx, append([]*activitypub.Status{q.Status}, answers...))
	if err != nil {
		return err
	}
	if len(posts) == 0 {
		return errNotFound
	}
	qv := questionView{Post: posts[0], Title: q.Status.Title, Answered: q.Answered(),
		MayAccept: h.questions.MayAccept(ctx, acct, q.Status)}
	qv.Post.Focus = true
	qv.Post.Title = "" // the page's heading is the title, and the text starts with it
	for _, p := range posts[1:] {
		qv.Answers = append(qv.Answers, answerView{Post: p, Accepted: p.ID == q.Status.AcceptedAnswerID})
	}
	if acct != nil {
		qv.Compose = h.newCompose("/questions/"+q.Status.ID, true)
		qv.Compose.InReplyTo, qv.Compose.Heading = q.Status.ID, "Your answer"
	}
	return h.render(w, r, http.StatusOK, "question", view{Title: q.Status.Title, Section: "questions", Page: qv})
}

func (h *Handler) acceptAnswer(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	acct := AccountFrom(ctx)
	id := mux.Vars(r)["id"]
	var err error
	if mux.Vars(r)["verb"] == "accept" {
		_, err = h.questions.Accept(ctx, acct, id, r.PostForm.Get("answer_id"))
	} else {
		_, err = h.questions.Clear(ctx, acct, id)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/questions/"+url.PathEscape(id))
}

func (h *Handler) askForm(w http.ResponseWriter, r *http.Request) error {
	if AccountFrom(r.Context()) == nil {
		return redirect(w, r, signInURL(r))
	}
	a := askView{GroupID: r.URL.Query().Get("group_id"), Visibility: activitypub.Public}
	return h.renderAsk(w, r, http.StatusOK, a, nil)
}

func (h *Handler) renderAsk(w http.ResponseWriter, r *http.Request, status int, a askView, errs []fieldError) error {
	var err error
	if a.Groups, err = h.groupOptions(r); err != nil {
		return err
	}
	return h.render(w, r, status, "ask", view{Title: "Ask a question", Section: "questions", Page: a, Errors: errs,
		Values: map[string]string{"question-title": a.Title, "group_id": a.GroupID}})
}

// ask posts a question, or with action=similar shows the answered questions like it first.
func (h *Handler) ask(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	acct := AccountFrom(ctx)
	f := r.PostForm
	a := askView{Title: strings.TrimSpace(f.Get("title")), Content: f.Get("content"),
		GroupID: strings.TrimSpace(f.Get("group_id")), Visibility: activitypub.Visibility(f.Get("visibility")),
		Network: f.Get("network") != ""}
	if f.Get("action") == "similar" {
		list, err := h.questions.Similar(ctx, viewerOf(acct), a.Title, 5)
		if err != nil {
			return err
		}
		a.Similar, a.Checked = h.items(list), true
		return h.renderAsk(w, r, http.StatusOK, a, nil)
	}
	if a.Title == "" {
		return h.renderAsk(w, r, http.StatusUnprocessableEntity, a,
			[]fieldError{{Field: "question-title", Message: "Enter your question as a title"}})
	}
	q, err := h.questions.Ask(ctx, acct, questions.AskInput{Title: a.Title, Content: a.Content, GroupID: a.GroupID, Visibility: a.Visibility, Network: a.Network})
	if k := activitypub.KindOf(err); k == activitypub.Invalid || k == activitypub.Forbidden || k == activitypub.NotFound {
		field := "question-title"
		if a.GroupID != "" && k != activitypub.Invalid {
			field = "group_id"
		}
		return h.renderAsk(w, r, http.StatusUnprocessableEntity, a, []fieldError{{Field: field, Message: activitypub.Message(err)}})
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/questions/"+q.Status.ID)
}

// similarJSON answers the ask form's script: the answered questions like ?q=, as the viewer may
// see them, as JSON.
func (h *Handler) similarJSON(w http.ResponseWriter, r *http.Request) error {
	list, err := h.questions.Similar(r.Context(), viewerOf(AccountFrom(r.Context())), r.URL.Query().Get("q"), 5)
	if err != nil {
		return err
	}
	type item struct {
		Href    string `json:"href"`
		Title   string `json:"title"`
		Answers int    `json:"answers_count"`
	}
	out := make([]item, 0, len(list))
	for _, it := range h.items(list) {
		out = append(out, item{Href: it.Href, Title: it.Title, Answers: it.Answers})
	}
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(out)
}
