package mastoapi_test

import (
	"strings"
	"testing"
)

// questionJSON is the contract of issue 10: these field names exactly.
type questionJSON struct {
	ID               string  `json:"id"`
	URI              string  `json:"uri"`
	Title            string  `json:"title"`
	Content          string  `json:"content"`
	AnswersCount     int     `json:"answers_count"`
	AcceptedAnswerID *string `json:"accepted_answer_id"`
	Answered         bool    `json:"answered"`
	GroupID          *string `json:"group_id"`
}

func TestQuestionsAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		alice, bob, carol := e.user("alice"), e.user("bob"), e.user("carol")
		ta, tb, tc := e.token(alice), e.token(bob), e.token(carol)
		const base = "/api/guildhall/v1/questions"

		e.call("POST", base, ta, jsonBody{"title": "", "content": "No title"}, 422, nil)
		e.call("POST", base, "", jsonBody{"title": "Anonymous?"}, 401, nil)
		var g groupJSON
		e.call("POST", "/api/guildhall/v1/groups", ta, jsonBody{"handle": "helpdesk", "display_name": "Helpdesk"}, 200, &g)
		var q questionJSON
		e.call("POST", base, tb, jsonBody{"title": "How do you handle fly-tipping reports?",
			"content": "We triage them by hand.", "group_id": g.ID, "visibility": "public"}, 200, &q)
		if q.Title != "How do you handle fly-tipping reports?" || q.Answered || q.AcceptedAnswerID != nil ||
			q.GroupID == nil || *q.GroupID != g.ID || !strings.HasPrefix(q.Content, "<p>How do you handle fly-tipping reports?</p>") {
			t.Fatalf("asked %+v", q)
		}

		// Answers are plain replies through the Mastodon API; votes are favourites.
		var ans struct{ ID string }
		e.call("POST", "/api/v1/statuses", tc, jsonBody{"status": "A shared map.", "in_reply_to_id": q.ID}, 200, &ans)
		// One vote per person, undo allowed: the question's votes go 1, 1 (again), 0, 1.
		for i, step := range []struct {
			verb string
			want int
		}{{"favourite", 1}, {"favourite", 1}, {"unfavourite", 0}, {"favourite", 1}} {
			e.call("POST", "/api/v1/statuses/"+q.ID+"/"+step.verb, tc, nil, 200, nil)
			var v struct {
				VotesCount int `json:"votes_count"`
			}
			e.call("GET", base+"/"+q.ID, tb, nil, 200, &v)
			if v.VotesCount != step.want {
				t.Fatalf("after vote step %d (%s): %d votes, want %d", i, step.verb, v.VotesCount, step.want)
			}
		}
		e.call("POST", "/api/v1/statuses/"+ans.ID+"/favourite", ta, nil, 200, nil)
		other := e.post(ta, "Not a reply")
		var q2 questionJSON
		e.call("POST", base, ta, jsonBody{"title": "Which CMS?"}, 200, &q2)
		var elsewhere struct{ ID string }
		e.call("POST", "/api/v1/statuses", tc, jsonBody{"status": "Drupal", "in_reply_to_id": q2.ID}, 200, &elsewhere)

		for _, tc2 := range []struct {
			name, token, answer string
			want                int
		}{
			{"a non-reply", tb, other, 422},
			{"a reply to another question", tb, elsewhere.ID, 422},
			{"no answer_id", tb, "", 422},
			{"neither asker nor moderator", tc, ans.ID, 403},
		} {
			t.Run(tc2.name, func(t *testing.T) {
				e.call("POST", base+"/"+q.ID+"/accept", tc2.token, jsonBody{"answer_id": tc2.answer}, tc2.want, nil)
				var now questionJSON
				e.call("GET", base+"/"+q.ID, tb, nil, 200, &now)
				if now.Answered || now.AcceptedAnswerID != nil || strings.Contains(now.Content, "✅") {
					t.Fatalf("a refused acceptance changed the question: %+v", now)
				}
			})
		}

		e.call("POST", base+"/"+q.ID+"/accept", tb, jsonBody{"answer_id": ans.ID}, 200, &q)
		if !q.Answered || q.AcceptedAnswerID == nil || *q.AcceptedAnswerID != ans.ID || q.AnswersCount != 1 ||
			!strings.Contains(q.Content, "✅ Answered:") {
			t.Fatalf("after accepting: %+v", q)
		}
		var got questionJSON
		e.call("GET", base+"/"+q.ID, "", nil, 200, &got)
		if got.AcceptedAnswerID == nil || *got.AcceptedAnswerID != ans.ID || got.URI == "" {
			t.Fatalf("shown anonymously: %+v", got)
		}
		e.call("GET", base+"/"+other, tb, nil, 404, nil) // a post is not a question

		var list []questionJSON
		e.call("GET", base+"?answered=true", "", nil, 200, &list)
		if len(list) != 1 || list[0].ID != q.ID {
			t.Fatalf("answered list %+v", list)
		}
		e.call("GET", base+"?answered=false", "", nil, 200, &list)
		if len(list) != 1 || list[0].ID != q2.ID {
			t.Fatalf("unanswered list %+v", list)
		}
		e.call("GET", base+"?group_id="+g.ID, "", nil, 200, &list)
		if len(list) != 1 || list[0].ID != q.ID {
			t.Fatalf("group list %+v", list)
		}
		e.call("GET", base+"?q=cms", "", nil, 200, &list)
		if len(list) != 1 || list[0].ID != q2.ID {
			t.Fatalf("q=cms list %+v", list)
		}
		e.call("GET", base+"/similar?q="+"What+is+the+process+for+reporting+fly+tipping", "", nil, 200, &list)
		if len(list) != 1 || list[0].ID != q.ID {
			t.Fatalf("similar %+v", list)
		}

		e.call("DELETE", base+"/"+q.ID+"/accept", tc, nil, 403, nil)
		e.call("DELETE", base+"/"+q.ID+"/accept", ta, nil, 200, &q) // alice moderates the group
		if q.Answered || q.AcceptedAnswerID != nil || strings.Contains(q.Content, "✅") {
			t.Fatalf("after clearing: %+v", q)
		}
	})
}
