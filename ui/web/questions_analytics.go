package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/guildhall/guildhall/activitypub/ideas"
	"github.com/guildhall/guildhall/activitypub/questions"
)

// The questions analytics page for community managers: figures, a server-rendered SVG chart of
// the last twelve months (no chart library, no CDN) with the same numbers as a table, the
// unanswered questions, the most helpful contributors, and a CSV download.

type analyticsView struct {
	R            *questions.Report
	GroupID      string
	Rate         string
	FirstAnswer  string
	Accepted     string
	Chart        chartView
	Contributors []contributorView
	Ideas        []ideas.StateCount // nil without the ideas area
	CSVHref      string
}

type contributorView struct {
	Name, Href        string
	Answers, Accepted int
}

type chartView struct {
	Width, Height, Baseline, LabelY int
	Bars                            []chartBar
	Labels                          []chartLabel
	Max                             int
}

type chartBar struct {
	X, Y, W, H int
	Class      string
	Title      string
}

type chartLabel struct {
	X    int
	Text string
}

// analytics is the questions report and, when the ideas area is on, the ideas by status of the
// same scope; the questions area has already refused anyone who may not see the report.
func (h *Handler) analytics(r *http.Request) (*questions.Report, []ideas.StateCount, string, error) {
	groupID := strings.TrimSpace(r.URL.Query().Get("group_id"))
	rep, err := h.questions.Analytics(r.Context(), AccountFrom(r.Context()), groupID)
	if err != nil || h.ideas == nil {
		return rep, nil, groupID, err
	}
	counts, err := h.ideas.CountByState(r.Context(), groupID)
	return rep, counts, groupID, err
}

func (h *Handler) analyticsPage(w http.ResponseWriter, r *http.Request) error {
	if AccountFrom(r.Context()) == nil {
		return redirect(w, r, signInURL(r))
	}
	rep, ideaCounts, groupID, err := h.analytics(r)
	if err != nil {
		return err
	}
	v := analyticsView{R: rep, GroupID: groupID, Ideas: ideaCounts, Rate: fmt.Sprintf("%.0f%%", rep.AnsweredRate*100),
		FirstAnswer: durationText(rep.MedianFirstAnswer), Accepted: durationText(rep.MedianAccepted),
		Chart: monthChart(rep.Months), CSVHref: "/questions/analytics.csv"}
	if groupID != "" {
		v.CSVHref += "?group_id=" + groupID
	}
	ids := make([]string, 0, len(rep.Contributors))
	for _, c := range rep.Contributors {
		ids = append(ids, c.ActorID)
	}
	actors, err := h.svc.ActorsByIDs(r.Context(), ids)
	if err != nil {
		return err
	}
	pr := h.presenter(r)
	names := map[string]actorView{}
	for _, a := range actors {
		names[a.ID] = pr.actor(a)
	}
	for _, c := range rep.Contributors {
		a := names[c.ActorID]
		v.Contributors = append(v.Contributors, contributorView{Name: a.Name, Href: a.Href, Answers: c.Answers, Accepted: c.Accepted})
	}
	return h.render(w, r, http.StatusOK, "analytics", view{Title: "Questions analytics", Section: "questions", Page: v})
}

// analyticsCSV is the report's questions, one row each, for a spreadsheet.
func (h *Handler) analyticsCSV(w http.ResponseWriter, r *http.Request) error {
	rep, ideaCounts, _, err := h.analytics(r)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="questions.csv"`)
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"metric", "value"})
	for _, row := range [][2]string{
		{"questions_asked", strconv.Itoa(rep.Asked)},
		{"questions_answered", strconv.Itoa(rep.Answered)},
		{"questions_with_a_reply", strconv.Itoa(rep.WithReply)},
		{"answered_rate", strconv.FormatFloat(rep.AnsweredRate, 'f', 3, 64)},
		{"median_seconds_to_first_answer", seconds(rep.MedianFirstAnswer)},
		{"median_seconds_to_accepted_answer", seconds(rep.MedianAccepted)},
		{"helpdesk_calls_avoided", strconv.Itoa(rep.CallsAvoided)},
	} {
		_ = cw.Write(row[:])
	}
	for _, c := range ideaCounts {
		_ = cw.Write([]string{"ideas_" + string(c.State), strconv.Itoa(c.Count)})
	}
	_ = cw.Write([]string{"month", "asked", "answered"})
	for _, m := range rep.Months {
		_ = cw.Write([]string{m.Start.Format("2006-01"), strconv.Itoa(m.Asked), strconv.Itoa(m.Answered)})
	}
	_ = cw.Write([]string{"contributor_id", "answers", "accepted"})
	for _, c := range rep.Contributors {
		_ = cw.Write([]string{c.ActorID, strconv.Itoa(c.Answers), strconv.Itoa(c.Accepted)})
	}
	_ = cw.Write([]string{"unanswered_question_id", "title", "asked_at"})
	for _, f := range rep.Unanswered {
		_ = cw.Write([]string{f.ID, csvSafe(f.Title), f.CreatedAt.UTC().Format(time.RFC3339)})
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe stops a spreadsheet from reading a title as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func seconds(d *time.Duration) string {
	if d == nil {
		return ""
	}
	return strconv.FormatInt(int64(d.Seconds()), 10)
}

// durationText is a median in words: minutes, hours or days.
func durationText(d *time.Duration) string {
	switch {
	case d == nil:
		return "none yet"
	case *d < time.Hour:
		return plural(int(d.Minutes()), "minute", "minutes")
	case *d < 48*time.Hour:
		return plural(int(d.Hours()), "hour", "hours")
	default:
		return plural(int(d.Hours()/24), "day", "days")
	}
}

// monthChart lays out two bars a month (asked, answered) on a 640×220 canvas.
func monthChart(months []questions.Month) chartView {
	c := chartView{Width: 640, Height: 220, Baseline: 190, LabelY: 210}
	for _, m := range months {
		c.Max = max(c.Max, m.Asked)
	}
	scale := func(n int) int {
		if c.Max == 0 {
			return 0
		}
		return n * 170 / c.Max
	}
	slot := (c.Width - 20) / max(len(months), 1)
	for i, m := range months {
		x := 20 + i*slot
		label := m.Start.Format("Jan 2006")
		for j, bar := range []struct {
			n     int
			class string
			what  string
		}{{m.Asked, "bar-asked", "asked"}, {m.Answered, "bar-answered", "answered"}} {
			hgt := scale(bar.n)
			c.Bars = append(c.Bars, chartBar{X: x + j*(slot/2-2), Y: c.Baseline - hgt, W: slot/2 - 4, H: hgt,
				Class: bar.class, Title: fmt.Sprintf("%s: %d %s", label, bar.n, bar.what)})
		}
		c.Labels = append(c.Labels, chartLabel{X: x + slot/2 - 2, Text: m.Start.Format("Jan")})
	}
	return c
}
