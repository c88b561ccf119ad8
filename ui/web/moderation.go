package web

import (
	"html"
	"html/template"
	"net/http"
	"strings"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/moderation"
)

// reportPage is the "Report" form and the moderation queue.
type reportPage struct {
	Post    *postView // the reported post (the report form)
	Remote  bool      // its author is on another server: offer to forward
	Reports []reportRow
	Actions []moderation.Action
}

// reportRow is one open report in the queue.
type reportRow struct {
	Report   *activitypub.Report
	Target   actorView
	Reporter actorView
	Remote   bool
	Posts    []postLink
}

type postLink struct{ Href, Text string }

// moderationRoutes are the Report form on posts and the moderators' queue.
func (h *Handler) moderationRoutes() []route {
	get, post := http.MethodGet, http.MethodPost
	return []route{
		{method: get, path: "/report", handle: h.reportForm},
		{method: post, path: "/report", csrf: csrfSession, handle: h.fileReport},
		{method: get, path: "/admin/reports", handle: h.reportQueue},
		{method: post, path: "/admin/reports/{id}/action", csrf: csrfSession, handle: h.reportAct},
	}
}

func (h *Handler) reportForm(w http.ResponseWriter, r *http.Request) error {
	acct, err := h.signedInOr401(r)
	if err != nil {
		return err
	}
	st, err := h.svc.GetStatus(r.Context(), activitypub.Viewer{Actor: &acct.Actor}, r.URL.Query().Get("status"))
	if err != nil {
		return err
	}
	author, err := h.svc.ActorByID(r.Context(), st.ActorID)
	if err != nil {
		return err
	}
	p := h.presenter(r)
	a := p.actor(author)
	pv := postView{ID: st.ID, Href: a.Href + "/" + st.ID, Author: a, Content: template.HTML(st.Content)} // sanitised when stored
	return h.render(w, r, http.StatusOK, "report", view{Title: "Report a post",
		Page: &reportPage{Post: &pv, Remote: !author.Local()}})
}

func (h *Handler) fileReport(w http.ResponseWriter, r *http.Request) error {
	acct, err := h.signedInOr401(r)
	if err != nil {
		return err
	}
	id := r.PostForm.Get("status")
	st, err := h.svc.GetStatus(r.Context(), activitypub.Viewer{Actor: &acct.Actor}, id)
	if err != nil {
		return err
	}
	if _, err := h.moderation.FileReport(r.Context(), acct, moderation.ReportInput{TargetID: st.ActorID,
		StatusIDs: []string{st.ID}, Comment: strings.TrimSpace(r.PostForm.Get("comment")),
		Forward: r.PostForm.Get("forward") == "1"}); err != nil {
		return err
	}
	return h.notice(w, r, http.StatusOK, "Thank you for your report",
		"The moderators will look at it. You will not see the post's author named in their decision.", "/", "Back to your timeline")
}

func (h *Handler) reportQueue(w http.ResponseWriter, r *http.Request) error {
	acct, err := h.signedInOr401(r)
	if err != nil {
		return err
	}
	reps, err := h.moderation.Reports(r.Context(), acct, moderation.ReportFilter{}, activitypub.Page{Limit: 50, MaxID: r.URL.Query().Get("max_id")})
	if err != nil {
		return err
	}
	p := h.presenter(r)
	rows := make([]reportRow, 0, len(reps))
	for _, rep := range reps {
		row := reportRow{Report: rep}
		if a, err := h.svc.ActorByID(r.Context(), rep.TargetID); err == nil {
			row.Target, row.Remote = p.actor(a), !a.Local()
		}
		if a, err := h.svc.ActorByID(r.Context(), rep.ReporterID); err == nil {
			row.Reporter = p.actor(a)
		}
		for _, id := range rep.StatusIDs {
			st, err := h.svc.GetStatus(r.Context(), activitypub.Viewer{Actor: &acct.Actor}, id)
			if err != nil {
				continue // deleted since, or not visible: the id alone says nothing useful
			}
			row.Posts = append(row.Posts, postLink{Href: row.Target.Href + "/" + st.ID, Text: excerpt(st.Content)})
		}
		rows = append(rows, row)
	}
	return h.render(w, r, http.StatusOK, "admin_reports", view{Title: "Reports",
		Page: &reportPage{Reports: rows, Actions: moderation.Actions()}})
}

func (h *Handler) reportAct(w http.ResponseWriter, r *http.Request) error {
	acct, err := h.signedInOr401(r)
	if err != nil {
		return err
	}
	if _, err := h.moderation.ActOnReport(r.Context(), acct, pathVar(r, "id"), moderation.ReportAction{
		Action: moderation.Action(r.PostForm.Get("action")), Note: r.PostForm.Get("note"),
	}); err != nil {
		return err
	}
	return redirect(w, r, "/admin/reports")
}

// excerpt is a post's text cut to a line for the queue.
func excerpt(content string) string {
	text := strings.Join(strings.Fields(html.UnescapeString(stripTags(content))), " ")
	if r := []rune(text); len(r) > 140 {
		return string(r[:140]) + "…"
	}
	return text
}

// stripTags drops markup from sanitised post HTML; the template escapes what is left.
func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, c := range s {
		switch {
		case c == '<':
			in = true
		case c == '>':
			in = false
			b.WriteByte(' ')
		case !in:
			b.WriteRune(c)
		}
	}
	return b.String()
}
