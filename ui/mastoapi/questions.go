package mastoapi

import (
	"net/http"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/questions"
)

// Guildhall's questions API (docs/api.md, "Questions"): /api/guildhall/v1/questions. Answers
// are replies made with POST /api/v1/statuses, votes are favourites.

// questionEntity is a question as the API shows it; ids are status ids.
type questionEntity struct {
	ID                string  `json:"id"`
	URI               string  `json:"uri"`
	URL               string  `json:"url"`
	Title             string  `json:"title"`
	Content           string  `json:"content"` // HTML, as federated: the title line, the body, the ✅ line
	AnswersCount      int     `json:"answers_count"`
	AcceptedAnswerID  *string `json:"accepted_answer_id"`
	AcceptedAnswerURI *string `json:"accepted_answer_uri"`
	Answered          bool    `json:"answered"`
	VotesCount        int     `json:"votes_count"`
	GroupID           *string `json:"group_id"`
	Visibility        string  `json:"visibility"`
	Account           account `json:"account"`
	CreatedAt         string  `json:"created_at"`
}

func (h *Handler) questionRoutes() []route {
	const get, post, del = http.MethodGet, http.MethodPost, http.MethodDelete
	return []route{
		{get, "/api/guildhall/v1/questions", anyone, "read", h.listQuestions},
		{post, "/api/guildhall/v1/questions", user, "write:statuses", h.askQuestion},
		{get, "/api/guildhall/v1/questions/similar", anyone, "read", h.similarQuestions},
		{get, "/api/guildhall/v1/questions/{id}", anyone, "read", h.showQuestion},
		{post, "/api/guildhall/v1/questions/{id}/accept", user, "write:statuses", h.acceptAnswer},
		{del, "/api/guildhall/v1/questions/{id}/accept", user, "write:statuses", h.clearAnswer},
	}
}

func (h *Handler) questionsReady() error {
	if h.opts.Questions == nil {
		return errNotFound
	}
	return nil
}

func (h *Handler) presentQuestion(r *http.Request, q *questions.Question) (questionEntity, error) {
	st := q.Status
	author, err := h.svc.ActorByID(r.Context(), st.ActorID)
	if err != nil {
		return questionEntity{}, err
	}
	e := questionEntity{ID: st.ID, URI: st.URI, URL: st.URL, Title: st.Title, Content: st.Content,
		AnswersCount: q.AnswersCount, Answered: q.Answered(), VotesCount: st.FavouritesCount,
		Visibility: string(st.Visibility), Account: h.presentAccount(author), CreatedAt: fmtTime(st.CreatedAt)}
	if st.Visibility == activitypub.LocalOnly {
		e.Visibility = "public" // as the Mastodon API shows local-only posts
	}
	if st.AcceptedAnswerID != "" {
		id, uri := st.AcceptedAnswerID, st.AcceptedAnswerURI
		e.AcceptedAnswerID, e.AcceptedAnswerURI = &id, &uri
	}
	if st.GroupID != "" {
		g := st.GroupID
		e.GroupID = &g
	}
	return e, nil
}

func (h *Handler) writeQuestions(w http.ResponseWriter, r *http.Request, list []*questions.Question, link bool) error {
	out := make([]questionEntity, 0, len(list))
	for _, q := range list {
		e, err := h.presentQuestion(r, q)
		if err != nil {
			return err
		}
		out = append(out, e)
	}
	if link && len(list) > 0 {
		h.setLink(w, r, list[0].Status.ID, list[len(list)-1].Status.ID)
	}
	return ok(w, out)
}

func (h *Handler) listQuestions(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.questionsReady(); err != nil {
		return err
	}
	f := questions.Filter{GroupID: c.p.str("group_id"), Query: c.p.str("q")}
	if c.p.str("answered") != "" {
		f.Answered = c.p.boolPtr("answered")
	}
	list, err := h.opts.Questions.List(r.Context(), c.viewer(), f, page(c.p, 20, 40))
	if err != nil {
		return err
	}
	return h.writeQuestions(w, r, list, true)
}

func (h *Handler) similarQuestions(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.questionsReady(); err != nil {
		return err
	}
	list, err := h.opts.Questions.Similar(r.Context(), c.viewer(), c.p.str("q"), c.p.integer("limit", 5))
	if err != nil {
		return err
	}
	return h.writeQuestions(w, r, list, false)
}

func (h *Handler) askQuestion(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.questionsReady(); err != nil {
		return err
	}
	q, err := h.opts.Questions.Ask(r.Context(), c.account, questions.AskInput{Title: c.p.str("title"),
		Content: c.p.str("content"), GroupID: c.p.str("group_id"), Visibility: activitypub.Visibility(c.p.str("visibility")),
		Network:        c.p.boolean("network"),
		IdempotencyKey: r.Header.Get("Idempotency-Key")})
	return h.questionReply(w, r, q, err)
}

func (h *Handler) showQuestion(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.questionsReady(); err != nil {
		return err
	}
	q, err := h.opts.Questions.View(r.Context(), c.account, pathID(r))
	return h.questionReply(w, r, q, err)
}

func (h *Handler) acceptAnswer(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.questionsReady(); err != nil {
		return err
	}
	answerID := c.p.str("answer_id")
	if answerID == "" {
		return activitypub.E("mastoapi.acceptAnswer", activitypub.Invalid, "answer_id is required")
	}
	q, err := h.opts.Questions.Accept(r.Context(), c.account, pathID(r), answerID)
	return h.questionReply(w, r, q, err)
}

func (h *Handler) clearAnswer(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.questionsReady(); err != nil {
		return err
	}
	q, err := h.opts.Questions.Clear(r.Context(), c.account, pathID(r))
	return h.questionReply(w, r, q, err)
}

// questionReply answers a question use case: its error, or the question as the API shows it.
func (h *Handler) questionReply(w http.ResponseWriter, r *http.Request, q *questions.Question, err error) error {
	if err != nil {
		return err
	}
	e, err := h.presentQuestion(r, q)
	if err != nil {
		return err
	}
	return ok(w, e)
}
