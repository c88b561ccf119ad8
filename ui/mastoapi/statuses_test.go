package mastoapi_test

import (
	"strings"
	"testing"
)

type statusJSON struct {
	ID          string  `json:"id"`
	Content     string  `json:"content"`
	Text        *string `json:"text"`
	Visibility  string  `json:"visibility"`
	LocalOnly   bool    `json:"local_only"`
	Sensitive   bool    `json:"sensitive"`
	SpoilerText string  `json:"spoiler_text"`
	Language    *string `json:"language"`
	InReplyToID *string `json:"in_reply_to_id"`
	EditedAt    *string `json:"edited_at"`
	Bookmarked  *bool   `json:"bookmarked"`
	Pinned      *bool   `json:"pinned"`
	Reblog      *statusJSON
	Account     struct{ ID, Acct string }
}

func TestCreateStatusEncodings(t *testing.T) {
	e := sqliteEnv(t)
	tok := e.token(e.user("alice"))
	bodies := map[string]any{
		"json":      jsonBody{"status": "Bins are collected on Tuesday", "visibility": "unlisted", "sensitive": true, "spoiler_text": "bins", "language": "en"},
		"form":      formBody{"status": {"Bins are collected on Tuesday"}, "visibility": {"unlisted"}, "sensitive": {"true"}, "spoiler_text": {"bins"}, "language": {"en"}},
		"multipart": multiBody{"status": {"Bins are collected on Tuesday"}, "visibility": {"unlisted"}, "sensitive": {"1"}, "spoiler_text": {"bins"}, "language": {"en"}},
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			var st statusJSON
			e.call("POST", "/api/v1/statuses", tok, body, 200, &st)
			if st.Content != "<p>Bins are collected on Tuesday</p>" || st.Visibility != "unlisted" || !st.Sensitive ||
				st.SpoilerText != "bins" || st.Language == nil || *st.Language != "en" || st.Account.Acct != "alice" {
				t.Fatalf("status = %+v", st)
			}
		})
	}
	t.Run("local only", func(t *testing.T) {
		for _, body := range []any{jsonBody{"status": "staff only", "visibility": "local"}, formBody{"status": {"staff only"}, "local_only": {"true"}}} {
			var st statusJSON
			e.call("POST", "/api/v1/statuses", tok, body, 200, &st)
			if !st.LocalOnly || st.Visibility != "public" {
				t.Fatalf("local-only status = %+v", st)
			}
		}
	})
}

func TestStatusRefusalsChangeNothing(t *testing.T) {
	e := sqliteEnv(t)
	alice := e.user("alice")
	rw, ro := e.token(alice), e.token(alice, "read")
	before := e.countStatuses(alice.Actor.ID)
	cases := []struct {
		name   string
		method string
		path   string
		token  string
		body   any
		want   int
	}{
		{"read token cannot post", "POST", "/api/v1/statuses", ro, jsonBody{"status": "hi"}, 403},
		{"no token", "POST", "/api/v1/statuses", "", jsonBody{"status": "hi"}, 401},
		{"bad token", "POST", "/api/v1/statuses", "nonsense", jsonBody{"status": "hi"}, 401},
		{"too long", "POST", "/api/v1/statuses", rw, jsonBody{"status": strings.Repeat("a", 5001)}, 422},
		{"empty", "POST", "/api/v1/statuses", rw, jsonBody{"status": "  "}, 422},
		{"bad visibility", "POST", "/api/v1/statuses", rw, jsonBody{"status": "hi", "visibility": "everyone"}, 422},
		{"unknown parent", "POST", "/api/v1/statuses", rw, jsonBody{"status": "hi", "in_reply_to_id": "01NOPE"}, 404},
		{"unknown status", "GET", "/api/v1/statuses/01NOPE", rw, nil, 404},
		{"unknown account", "GET", "/api/v1/accounts/01NOPE", rw, nil, 404},
		{"favourite unknown", "POST", "/api/v1/statuses/01NOPE/favourite", rw, nil, 404},
		{"read token cannot favourite", "POST", "/api/v1/statuses/01NOPE/favourite", ro, nil, 403},
		{"unknown api route", "GET", "/api/v1/nothing/here", rw, nil, 404},
		{"list timeline", "GET", "/api/v1/timelines/list/1", rw, nil, 404},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.call(tc.method, tc.path, tc.token, tc.body, tc.want, nil)
			var body map[string]any
			r.decode(t, &body)
			if msg, _ := body["error"].(string); msg == "" {
				t.Fatalf("no error message: %s", r.body)
			}
			if tc.want == 403 && body["error"] != "This action is outside the authorized scopes" {
				t.Fatalf("scope error = %s", r.body)
			}
		})
	}
	if after := e.countStatuses(alice.Actor.ID); after != before {
		t.Fatalf("refused requests created statuses: %d → %d", before, after)
	}
}

func TestIdempotencyKey(t *testing.T) {
	e := sqliteEnv(t)
	alice := e.user("alice")
	tok := e.token(alice)
	var a, b, c statusJSON
	r := e.do("POST", "/api/v1/statuses", tok, jsonBody{"status": "once"}, "Idempotency-Key", "k1")
	r.decode(t, &a)
	e.do("POST", "/api/v1/statuses", tok, jsonBody{"status": "once"}, "Idempotency-Key", "k1").decode(t, &b)
	e.do("POST", "/api/v1/statuses", tok, jsonBody{"status": "once"}, "Idempotency-Key", "k2").decode(t, &c)
	if a.ID == "" || a.ID != b.ID || c.ID == a.ID {
		t.Fatalf("ids %q %q %q: a retry must return the first status, another key a new one", a.ID, b.ID, c.ID)
	}
	if n := e.countStatuses(alice.Actor.ID); n != 2 {
		t.Fatalf("%d statuses, want 2", n)
	}
}

func TestEditDeleteHistorySource(t *testing.T) {
	e := sqliteEnv(t)
	tok := e.token(e.user("alice"))
	id := e.post(tok, "first version")
	var edited statusJSON
	e.call("PUT", "/api/v1/statuses/"+id, tok, formBody{"status": {"second version"}, "spoiler_text": {"cw"}}, 200, &edited)
	if edited.Content != "<p>second version</p>" || edited.EditedAt == nil || edited.SpoilerText != "cw" {
		t.Fatalf("edited = %+v", edited)
	}
	var hist []struct{ Content string }
	e.call("GET", "/api/v1/statuses/"+id+"/history", tok, nil, 200, &hist)
	if len(hist) != 2 || hist[0].Content != "<p>first version</p>" || hist[1].Content != "<p>second version</p>" {
		t.Fatalf("history = %+v", hist)
	}
	var src struct {
		ID, Text    string
		SpoilerText string `json:"spoiler_text"`
	}
	e.call("GET", "/api/v1/statuses/"+id+"/source", tok, nil, 200, &src)
	if src.Text != "second version" || src.SpoilerText != "cw" {
		t.Fatalf("source = %+v", src)
	}
	var b statusJSON
	e.call("POST", "/api/v1/statuses/"+id+"/bookmark", tok, nil, 200, &b)
	if b.Bookmarked == nil || !*b.Bookmarked {
		t.Fatalf("bookmark = %+v", b)
	}
	e.call("POST", "/api/v1/statuses/"+id+"/pin", tok, nil, 200, &b)
	if b.Pinned == nil || !*b.Pinned {
		t.Fatalf("pin = %+v", b)
	}
	var deleted statusJSON
	e.call("DELETE", "/api/v1/statuses/"+id, tok, nil, 200, &deleted)
	if deleted.Text == nil || *deleted.Text != "second version" {
		t.Fatalf("delete must return the source text: %+v", deleted)
	}
	e.call("GET", "/api/v1/statuses/"+id, tok, nil, 404, nil)
	e.call("DELETE", "/api/v1/statuses/"+id, tok, nil, 404, nil)
}

// TestEntityShapes checks the fields clients crash without are present and never null.
func TestEntityShapes(t *testing.T) {
	e := sqliteEnv(t)
	tok := e.token(e.user("alice"))
	id := e.post(tok, "shape")
	var st map[string]any
	e.call("GET", "/api/v1/statuses/"+id, tok, nil, 200, &st)
	for _, k := range []string{"media_attachments", "mentions", "tags", "emojis", "filtered"} {
		if _, ok := st[k].([]any); !ok {
			t.Errorf("status.%s = %#v, want an array", k, st[k])
		}
	}
	for _, k := range []string{"id", "uri", "created_at", "content", "visibility", "spoiler_text"} {
		if _, ok := st[k].(string); !ok {
			t.Errorf("status.%s = %#v, want a string", k, st[k])
		}
	}
	for _, k := range []string{"in_reply_to_id", "in_reply_to_account_id", "reblog", "poll", "card", "url", "edited_at"} {
		if _, ok := st[k]; !ok {
			t.Errorf("status.%s missing", k)
		}
	}
	if ts := st["created_at"].(string); len(ts) != len("2006-01-02T15:04:05.000Z") || !strings.HasSuffix(ts, "Z") {
		t.Errorf("created_at = %q", ts)
	}
	acct := st["account"].(map[string]any)
	for _, k := range []string{"id", "username", "acct", "display_name", "created_at", "note", "url", "avatar", "avatar_static", "header", "header_static"} {
		if _, ok := acct[k].(string); !ok {
			t.Errorf("account.%s = %#v, want a string", k, acct[k])
		}
	}
	for _, k := range []string{"emojis", "fields", "roles"} {
		if _, ok := acct[k].([]any); !ok {
			t.Errorf("account.%s = %#v, want an array", k, acct[k])
		}
	}
	r := e.do("GET", strings.TrimPrefix(acct["avatar"].(string), e.base), "", nil)
	if r.status != 200 || r.header.Get("Content-Type") != "image/png" {
		t.Errorf("default avatar: %d %s", r.status, r.header.Get("Content-Type"))
	}
	var rels []map[string]any
	e.call("GET", "/api/v1/accounts/relationships?id[]="+acct["id"].(string), tok, nil, 200, &rels)
	if len(rels) != 1 {
		t.Fatalf("relationships = %v", rels)
	}
	for _, k := range []string{"id", "following", "followed_by", "blocking", "muting", "muting_notifications", "requested", "showing_reblogs", "domain_blocking", "notifying", "blocked_by", "endorsed", "note", "requested_by"} {
		if _, ok := rels[0][k]; !ok {
			t.Errorf("relationship.%s missing", k)
		}
	}
	var search map[string]any
	e.call("GET", "/api/v2/search?q=zzz&type=accounts", tok, nil, 200, &search)
	for _, k := range []string{"accounts", "statuses", "hashtags"} {
		if _, ok := search[k].([]any); !ok {
			t.Errorf("search.%s = %#v", k, search[k])
		}
	}
	var ctxt map[string]any
	e.call("GET", "/api/v1/statuses/"+id+"/context", tok, nil, 200, &ctxt)
	for _, k := range []string{"ancestors", "descendants"} {
		if _, ok := ctxt[k].([]any); !ok {
			t.Errorf("context.%s = %#v", k, ctxt[k])
		}
	}
}
