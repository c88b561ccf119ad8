package questions

import (
	"reflect"
	"testing"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
)

func TestSearchWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"How do you handle fly-tipping reports?", []string{"fly", "tippi", "repor"}},
		{"What's the process for reporting fly tipping?", []string{"proce", "repor", "fly", "tippi"}},
		{"how do you do it", nil},
		{`"quoted" OR NEAR(x) * -- ;`, []string{"quote", "near"}},
		{"Ümlaut Straße straße", []string{"ümlau", "straß"}},
	}
	for _, tc := range tests {
		if got := SearchWords(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("SearchWords(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestAnsweredLine(t *testing.T) {
	body := "<p>Which CMS?</p><p>For the site.</p>"
	ans := &ap.Status{URI: "https://c.test/s/1", URL: "https://c.test/@carol/1", Content: `<p>Drupal &amp; <a href="x">friends</a> <script>x</script></p>`}
	with := body + answeredLine(ans)
	want := body + `<p class="answered">✅ Answered: <a href="https://c.test/@carol/1">Drupal &amp; friends x</a></p>`
	if with != want {
		t.Fatalf("got  %s\nwant %s", with, want)
	}
	if got := withoutAnsweredLine(with); got != body {
		t.Fatalf("clearing left %q", got)
	}
	if got := withoutAnsweredLine(body); got != body {
		t.Fatalf("a question without the line changed: %q", got)
	}
	long := &ap.Status{URI: "u", Content: "<p>aaaaaaaaaa aaaaaaaaaa aaaaaaaaaa aaaaaaaaaa aaaaaaaaaa aaaaaaaaaa aaaaaaaaaa aaaaaaaaaa aaaaaaaaaa</p>"}
	if ex := Excerpt(long.Content, excerptChars); len([]rune(ex)) != excerptChars || ex[len(ex)-len("…"):] != "…" {
		t.Fatalf("excerpt %q (%d runes)", ex, len([]rune(ex)))
	}
}

func TestSummarise(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	at := func(days int, hours int) time.Time {
		return now.AddDate(0, 0, -days).Add(time.Duration(hours) * time.Hour)
	}
	ptr := func(t time.Time) *time.Time { return &t }
	// Newest first, as the store lists them.
	facts := []Facts{
		{ID: "4", CreatedAt: at(1, 0)}, // no reply
		{ID: "3", CreatedAt: at(2, 0), FirstAnswerAt: ptr(at(2, 4)), Answers: 1, ViewsAfterAccept: 9},                                                  // replied, 4h; open: not counted
		{ID: "2", CreatedAt: at(40, 0), FirstAnswerAt: ptr(at(40, 1)), AcceptedAt: ptr(at(39, 0)), Answers: 2, Answered: true, ViewsAfterAccept: 5},    // 1h, 24h
		{ID: "1", CreatedAt: at(400, 0), FirstAnswerAt: ptr(at(400, 2)), AcceptedAt: ptr(at(398, 0)), Answers: 3, Answered: true, ViewsAfterAccept: 2}, // 2h, 48h; a year ago
	}
	r := summarise(facts, now)
	if r.Asked != 4 || r.Answered != 2 || r.WithReply != 3 || r.AnsweredRate != 0.5 {
		t.Fatalf("counts %+v", r)
	}
	if r.CallsAvoided != 7 {
		t.Fatalf("helpdesk calls avoided %d, want 7 (5 + 2 views after acceptance of the answered ones)", r.CallsAvoided)
	}
	if r.MedianFirstAnswer == nil || *r.MedianFirstAnswer != 2*time.Hour {
		t.Fatalf("median to first answer %v, want 2h (of 1h, 2h, 4h)", r.MedianFirstAnswer)
	}
	if r.MedianAccepted == nil || *r.MedianAccepted != 36*time.Hour {
		t.Fatalf("median to accepted %v, want 36h (of 24h and 48h)", r.MedianAccepted)
	}
	if len(r.Unanswered) != 2 || r.Unanswered[0].ID != "3" || r.Unanswered[1].ID != "4" {
		t.Fatalf("unanswered %+v, want 3 then 4 (oldest first)", r.Unanswered)
	}
	asked, answered := 0, 0
	for _, m := range r.Months {
		asked, answered = asked+m.Asked, answered+m.Answered
	}
	if len(r.Months) != 12 || asked != 3 || answered != 1 || r.Months[11].Asked != 2 {
		t.Fatalf("months %+v: the year-old question must fall outside, this month has two", r.Months)
	}
	if empty := summarise(nil, now); empty.AnsweredRate != 0 || empty.MedianFirstAnswer != nil {
		t.Fatalf("an empty report %+v", empty)
	}
}
