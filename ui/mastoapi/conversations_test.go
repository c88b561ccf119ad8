package mastoapi_test

import (
	"slices"
	"testing"
)

// conversationJSON is the Conversation entity as a client reads it.
type conversationJSON struct {
	ID       string `json:"id"`
	Unread   bool   `json:"unread"`
	Accounts []struct {
		ID       string `json:"id"`
		Username string `json:"username"`
		Acct     string `json:"acct"`
		Avatar   string `json:"avatar"`
	} `json:"accounts"`
	LastStatus *struct {
		ID         string `json:"id"`
		Visibility string `json:"visibility"`
		Account    struct {
			ID string `json:"id"`
		} `json:"account"`
	} `json:"last_status"`
}

func (e *env) conversations(token string) []conversationJSON {
	e.t.Helper()
	var out []conversationJSON
	e.call("GET", "/api/v1/conversations", token, nil, 200, &out)
	return out
}

// dm posts a direct message, optionally in reply to a status, and returns its id.
func (e *env) dm(token, text, inReplyTo string) string {
	e.t.Helper()
	body := jsonBody{"status": text, "visibility": "direct"}
	if inReplyTo != "" {
		body["in_reply_to_id"] = inReplyTo
	}
	var st struct{ ID string }
	e.call("POST", "/api/v1/statuses", token, body, 200, &st)
	return st.ID
}

func TestConversations(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		alice, bob, carol := e.user("alice"), e.user("bob"), e.user("carol")
		aliceTok, bobTok, carolTok := e.token(alice), e.token(bob), e.token(carol)

		e.post(aliceTok, "@bob a public post is never a conversation")
		dm := e.dm(aliceTok, "@bob just between us", "")

		// check asserts one conversation: its id, the one other participant, the last status
		// and whether it is unread.
		check := func(step, token, id, other, last string, unread bool) {
			t.Helper()
			cs := e.conversations(token)
			if len(cs) != 1 {
				t.Fatalf("%s: %d conversations, want 1: %+v", step, len(cs), cs)
			}
			c := cs[0]
			if c.ID != id || c.Unread != unread || len(c.Accounts) != 1 || c.Accounts[0].ID != other ||
				c.Accounts[0].Avatar == "" || c.LastStatus == nil || c.LastStatus.ID != last ||
				c.LastStatus.Visibility != "direct" {
				t.Fatalf("%s: conversation = %+v, want id %s with %s, last %s, unread %v", step, c, id, other, last, unread)
			}
		}
		check("sender", aliceTok, dm, bob.Actor.ID, dm, false)
		check("recipient", bobTok, dm, alice.Actor.ID, dm, true)
		if cs := e.conversations(carolTok); len(cs) != 0 {
			t.Fatalf("carol is not in it but sees %+v", cs)
		}
		for _, path := range []string{"/api/v1/conversations/" + dm + "/read", "/api/v1/conversations/" + dm} {
			method := "POST"
			if path == "/api/v1/conversations/"+dm {
				method = "DELETE"
			}
			e.call(method, path, carolTok, nil, 404, nil)
		}

		// Read: the answer is the conversation, now read, and so is the list.
		var read conversationJSON
		e.call("POST", "/api/v1/conversations/"+dm+"/read", bobTok, nil, 200, &read)
		if read.ID != dm || read.Unread || read.LastStatus == nil || read.LastStatus.ID != dm {
			t.Errorf("read answered %+v", read)
		}
		check("recipient after read", bobTok, dm, alice.Actor.ID, dm, false)

		// A reply in the thread moves last_status; it adds no conversation.
		reply := e.dm(bobTok, "@alice agreed", dm)
		check("sender after the reply", aliceTok, dm, bob.Actor.ID, reply, true)
		check("replier", bobTok, dm, alice.Actor.ID, reply, false)

		// Removed for bob only, until a new message arrives.
		e.call("DELETE", "/api/v1/conversations/"+dm, bobTok, nil, 200, nil)
		if cs := e.conversations(bobTok); len(cs) != 0 {
			t.Fatalf("after DELETE bob still sees %+v", cs)
		}
		check("the other side after DELETE", aliceTok, dm, bob.Actor.ID, reply, true)
		again := e.dm(aliceTok, "@bob still there?", reply)
		check("recipient after a new message", bobTok, dm, alice.Actor.ID, again, true)

		e.call("POST", "/api/v1/conversations/nope/read", bobTok, nil, 404, nil)
		e.call("DELETE", "/api/v1/conversations/"+reply, bobTok, nil, 404, nil) // a status, not a conversation id
		e.call("GET", "/api/v1/conversations", e.token(bob, "read:accounts"), nil, 403, nil)
		e.call("POST", "/api/v1/conversations/"+dm+"/read", e.token(bob, "read"), nil, 403, nil)
	})
}

func TestConversationsPaging(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		alice, bob := e.user("alice"), e.user("bob")
		aliceTok, bobTok := e.token(alice), e.token(bob)
		var want []string // conversation ids, newest first
		for _, text := range []string{"@bob one", "@bob two", "@bob three"} {
			want = append([]string{e.dm(aliceTok, text, "")}, want...)
		}
		// Bob answers the oldest: it becomes the newest conversation.
		e.dm(bobTok, "@alice back to one", want[2])
		want = []string{want[2], want[0], want[1]}

		var got []string
		next := "/api/v1/conversations?limit=1"
		for range 5 {
			var page []conversationJSON
			r := e.call("GET", next, aliceTok, nil, 200, &page)
			if len(page) == 0 {
				if r.link("next") != "" {
					t.Errorf("an empty page links on: %s", r.header.Get("Link"))
				}
				break
			}
			if len(page) != 1 {
				t.Fatalf("limit=1 gave %d", len(page))
			}
			got = append(got, page[0].ID)
			next = parseLink(t, r, "next").String()
			if parseLink(t, r, "prev").Query().Get("min_id") != page[0].LastStatus.ID {
				t.Errorf("prev link %s, want min_id=%s", r.link("prev"), page[0].LastStatus.ID)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("pages gave %v, want %v", got, want)
		}
	})
}
