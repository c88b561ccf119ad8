package mastoapi_test

import "testing"

// TestQuestionViewsAPI: GET /api/guildhall/v1/questions/:id counts a view of an answered question
// for a signed-in person other than the asker, and not for the asker or an anonymous caller.
func TestQuestionViewsAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		alice, bob := e.user("alice"), e.user("bob")
		ta, tb := e.token(alice), e.token(bob)
		const base = "/api/guildhall/v1/questions"
		var q questionJSON
		e.call("POST", base, ta, jsonBody{"title": "Who grits the roads?", "visibility": "public"}, 200, &q)
		var ans struct{ ID string }
		e.call("POST", "/api/v1/statuses", tb, jsonBody{"status": "The county.", "in_reply_to_id": q.ID}, 200, &ans)
		e.call("POST", base+"/"+q.ID+"/accept", ta, jsonBody{"answer_id": ans.ID}, 200, nil)

		for _, tok := range []string{ta, "", tb, tb} {
			e.call("GET", base+"/"+q.ID, tok, nil, 200, nil)
		}
		facts, err := e.store.QuestionFacts(e.ctx, "", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(facts) != 1 || facts[0].ViewsAfterAccept != 2 {
			t.Fatalf("facts %+v, want one question with bob's 2 views after acceptance", facts)
		}
	})
}
