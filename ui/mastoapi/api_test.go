package mastoapi_test

import (
	"net/http"
	"strings"
	"testing"

	ap "github.com/guildhall/guildhall/activitypub"
)

func TestCORS(t *testing.T) {
	e := sqliteEnv(t)
	for _, path := range []string{"/api/v1/statuses", "/api/v1/apps", "/oauth/token", "/oauth/revoke", "/.well-known/oauth-authorization-server", "/api/v1/unknown"} {
		t.Run(path, func(t *testing.T) {
			req, _ := http.NewRequest("OPTIONS", e.base+path, nil)
			req.Header.Set("Origin", "https://elk.zone")
			req.Header.Set("Access-Control-Request-Method", "POST")
			req.Header.Set("Access-Control-Request-Headers", "authorization, content-type, idempotency-key")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode >= 300 || res.Header.Get("Access-Control-Allow-Origin") != "*" {
				t.Fatalf("preflight %d, allow-origin %q", res.StatusCode, res.Header.Get("Access-Control-Allow-Origin"))
			}
			allowed := strings.ToLower(res.Header.Get("Access-Control-Allow-Headers"))
			for _, h := range []string{"authorization", "content-type", "idempotency-key"} {
				if !strings.Contains(allowed, h) {
					t.Errorf("preflight does not allow %s", h)
				}
			}
		})
	}
	r := e.do("GET", "/api/v1/timelines/home", "", nil)
	if r.status != 401 || r.header.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(r.header.Get("Access-Control-Expose-Headers"), "Link") {
		t.Fatalf("error response lacks CORS: %d %v", r.status, r.header)
	}
	if r.header.Get("X-RateLimit-Limit") == "" || r.header.Get("X-RateLimit-Remaining") == "" || r.header.Get("X-RateLimit-Reset") == "" {
		t.Fatalf("no rate limit headers: %v", r.header)
	}
}

func TestInstanceAndEmptyEndpoints(t *testing.T) {
	e := sqliteEnv(t)
	tok := e.token(e.user("alice"))
	var v2 struct {
		Domain        string
		Version       string
		Configuration struct {
			URLs     struct{ Streaming string }
			Statuses struct {
				MaxCharacters            int `json:"max_characters"`
				MaxMediaAttachments      int `json:"max_media_attachments"`
				CharactersReservedPerURL int `json:"characters_reserved_per_url"`
			}
		}
		Rules []any
	}
	e.call("GET", "/api/v2/instance", "", nil, 200, &v2)
	if !strings.HasPrefix(v2.Version, "4.3.0") || !strings.HasPrefix(v2.Configuration.URLs.Streaming, "ws://") ||
		v2.Configuration.Statuses.MaxCharacters != 5000 || v2.Configuration.Statuses.CharactersReservedPerURL != 23 || v2.Rules == nil {
		t.Fatalf("v2 instance = %+v", v2)
	}
	var v1 struct {
		URI     string
		Version string
		URLs    struct {
			StreamingAPI string `json:"streaming_api"`
		}
		Stats struct {
			UserCount int `json:"user_count"`
		}
	}
	e.call("GET", "/api/v1/instance", "", nil, 200, &v1)
	if v1.URI == "" || v1.Version == "" || v1.URLs.StreamingAPI == "" || v1.Stats.UserCount != 1 {
		t.Fatalf("v1 instance = %+v", v1)
	}
	for _, path := range []string{"/api/v1/trends/tags", "/api/v1/suggestions", "/api/v1/followed_tags", "/api/v1/scheduled_statuses",
		"/api/v1/filters", "/api/v2/filters", "/api/v1/custom_emojis", "/api/v1/announcements", "/api/v1/conversations",
		"/api/v1/instance/rules", "/api/v1/instance/peers", "/api/v1/lists", "/api/v1/bookmarks", "/api/v1/favourites",
		"/api/v1/blocks", "/api/v1/mutes", "/api/v1/follow_requests"} {
		r := e.call("GET", path, tok, nil, 200, nil)
		if strings.TrimSpace(string(r.body)) != "[]" {
			t.Errorf("%s = %s, want []", path, r.body)
		}
	}
	r := e.call("GET", "/api/v1/markers?timeline[]=home", tok, nil, 200, nil)
	if strings.TrimSpace(string(r.body)) != "{}" {
		t.Errorf("markers = %s", r.body)
	}
	var prefs map[string]any
	e.call("GET", "/api/v1/preferences", tok, nil, 200, &prefs)
	if prefs["posting:default:visibility"] != "public" {
		t.Errorf("preferences = %v", prefs)
	}
}

func TestUpdateCredentials(t *testing.T) {
	e := sqliteEnv(t)
	tok := e.token(e.user("alice"))
	var a struct {
		DisplayName string `json:"display_name"`
		Note        string
		Locked      bool
		Bot         bool
		Fields      []struct{ Name, Value string }
		Source      struct {
			Note   string
			Fields []struct{ Name, Value string }
		}
	}
	e.call("PATCH", "/api/v1/accounts/update_credentials", tok, multiBody{
		"display_name": {"Alice Smith"}, "note": {"Planning officer, #planning"}, "locked": {"true"}, "bot": {"false"},
		"fields_attributes[0][name]": {"Team"}, "fields_attributes[0][value]": {"Planning"},
		"fields_attributes[1][name]": {"Site"}, "fields_attributes[1][value]": {"https://council.test"},
	}, 200, &a)
	if a.DisplayName != "Alice Smith" || !strings.Contains(a.Note, "Planning officer") || !a.Locked || len(a.Fields) != 2 ||
		a.Source.Note != "Planning officer, #planning" || a.Source.Fields[1].Value != "https://council.test" || !strings.Contains(a.Fields[1].Value, "<a ") {
		t.Fatalf("updated = %+v", a)
	}
	e.call("PATCH", "/api/v1/accounts/update_credentials", tok, jsonBody{"display_name": strings.Repeat("x", 101)}, 422, nil)
	e.call("PATCH", "/api/v1/accounts/update_credentials", e.token(mustAccount(t, e, "alice"), "read"), jsonBody{"bot": true}, 403, nil)
	var after struct {
		DisplayName string `json:"display_name"`
		Bot         bool
	}
	e.call("GET", "/api/v1/accounts/verify_credentials", tok, nil, 200, &after)
	if after.DisplayName != "Alice Smith" || after.Bot {
		t.Fatalf("refused updates changed the profile: %+v", after)
	}
}

func TestSearchAndLookup(t *testing.T) {
	e := sqliteEnv(t)
	alice := e.user("alice")
	tok := e.token(e.user("bob"))
	host := e.svc.Domain()
	for _, q := range []string{"@alice@" + host, "alice@" + host, e.svc.ActorURI("alice"), e.svc.ProfileURL("alice")} {
		var res struct{ Accounts []struct{ ID, Acct string } }
		e.call("GET", "/api/v2/search?resolve=true&q="+q, tok, nil, 200, &res)
		if len(res.Accounts) != 1 || res.Accounts[0].ID != alice.Actor.ID || res.Accounts[0].Acct != "alice" {
			t.Errorf("search %q = %+v", q, res)
		}
	}
	var acct struct{ ID string }
	e.call("GET", "/api/v1/accounts/lookup?acct=alice", tok, nil, 200, &acct)
	if acct.ID != alice.Actor.ID {
		t.Fatalf("lookup = %+v", acct)
	}
	e.call("GET", "/api/v1/accounts/lookup?acct=nobody", tok, nil, 404, nil)
	var found []struct{ ID string }
	e.call("GET", "/api/v1/accounts/search?q=ali", tok, nil, 200, &found)
	if len(found) != 1 || found[0].ID != alice.Actor.ID {
		t.Fatalf("accounts/search = %+v", found)
	}
}

func mustAccount(t testing.TB, e *env, name string) *ap.Account {
	t.Helper()
	a, err := e.svc.AccountByUsername(e.ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
