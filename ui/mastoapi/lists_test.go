package mastoapi_test

import (
	"net/url"
	"slices"
	"testing"

	"github.com/mattn/go-mastodon"
)

type listJSON struct {
	ID            string `json:"id"`
	Title         string `json:"title"`
	RepliesPolicy string `json:"replies_policy"`
	Exclusive     bool   `json:"exclusive"`
}

func idsOf[T any](items []T, id func(T) string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = id(it)
	}
	return out
}

func TestListsWithGoMastodon(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := e.ctx
		alice, _ := e.client("alice")
		aliceAcct, _ := e.svc.AccountByUsername(ctx, "alice")
		bob, carol, dave := e.user("bob"), e.user("carol"), e.user("dave")
		e.follow(aliceAcct, bob)
		e.follow(aliceAcct, dave)

		l, err := alice.CreateList(ctx, "Planning")
		if err != nil || l.Title != "Planning" {
			t.Fatalf("create: %+v %v", l, err)
		}
		if l, err = alice.RenameList(ctx, l.ID, "Planning team"); err != nil || l.Title != "Planning team" {
			t.Fatalf("rename: %+v %v", l, err)
		}
		if err := alice.AddToList(ctx, l.ID, mastodon.ID(bob.Actor.ID)); err != nil {
			t.Fatalf("add followed account: %v", err)
		}
		members, err := alice.GetListAccounts(ctx, l.ID)
		if err != nil || len(members) != 1 || string(members[0].ID) != bob.Actor.ID {
			t.Fatalf("members: %+v %v", members, err)
		}
		of, err := alice.GetAccountLists(ctx, mastodon.ID(bob.Actor.ID))
		if err != nil || len(of) != 1 || of[0].ID != l.ID {
			t.Fatalf("lists of bob: %+v %v", of, err)
		}
		all, err := alice.GetLists(ctx)
		if err != nil || len(all) != 1 {
			t.Fatalf("lists: %+v %v", all, err)
		}

		bobTok, carolTok, daveTok := e.token(bob), e.token(carol), e.token(dave)
		fromBob := e.post(bobTok, "Agenda for Thursday")
		e.post(carolTok, "Not in the list")
		fromDave := e.post(daveTok, "Followed but not listed")
		tl, err := alice.GetTimelineList(ctx, l.ID, nil)
		if err != nil || !slices.Equal(idsOf(tl, func(s *mastodon.Status) string { return string(s.ID) }), []string{fromBob}) {
			t.Fatalf("list timeline: %v %v", tl, err)
		}

		// Exclusive: bob's posts leave alice's home timeline, dave's stay.
		tok := e.token(aliceAcct)
		var upd listJSON
		e.call("PUT", "/api/v1/lists/"+string(l.ID), tok, jsonBody{"exclusive": true, "replies_policy": "none"}, 200, &upd)
		if !upd.Exclusive || upd.RepliesPolicy != "none" || upd.Title != "Planning team" {
			t.Fatalf("update = %+v", upd)
		}
		home, err := alice.GetTimelineHome(ctx, nil)
		homeIDs := idsOf(home, func(s *mastodon.Status) string { return string(s.ID) })
		if err != nil || slices.Contains(homeIDs, fromBob) || !slices.Contains(homeIDs, fromDave) {
			t.Fatalf("home with an exclusive list = %v %v", homeIDs, err)
		}
		e.call("PUT", "/api/v1/lists/"+string(l.ID), tok, formBody{"exclusive": {"false"}}, 200, &upd)
		if home, _ = alice.GetTimelineHome(ctx, nil); !slices.Contains(idsOf(home, func(s *mastodon.Status) string { return string(s.ID) }), fromBob) {
			t.Fatal("bob's post still missing from home once the list is not exclusive")
		}

		if err := alice.RemoveFromList(ctx, l.ID, mastodon.ID(bob.Actor.ID)); err != nil {
			t.Fatal(err)
		}
		if members, _ = alice.GetListAccounts(ctx, l.ID); len(members) != 0 {
			t.Fatalf("members after removal: %+v", members)
		}
		if err := alice.DeleteList(ctx, l.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := alice.GetList(ctx, l.ID); err == nil {
			t.Fatal("deleted list still readable")
		}
	})
}

func TestListRefusals(t *testing.T) {
	e := sqliteEnv(t)
	alice, mallory, bob, carol := e.user("alice"), e.user("mallory"), e.user("bob"), e.user("carol")
	e.follow(alice, bob)
	e.follow(alice, carol)
	tok, malTok := e.token(alice), e.token(mallory)
	var l listJSON
	e.call("POST", "/api/v1/lists", tok, formBody{"title": {"Staff"}, "replies_policy": {"followed"}}, 200, &l)
	if l.RepliesPolicy != "followed" || l.Exclusive {
		t.Fatalf("created = %+v", l)
	}
	stranger := e.user("stranger")
	path := "/api/v1/lists/" + l.ID
	cases := []struct {
		name, method, path, token string
		body                      any
		want                      int
	}{
		{"not followed", "POST", path + "/accounts", tok, jsonBody{"account_ids": []string{bob.Actor.ID, stranger.Actor.ID}}, 422},
		{"no accounts", "POST", path + "/accounts", tok, jsonBody{}, 422},
		{"blank title", "POST", "/api/v1/lists", tok, jsonBody{"title": " "}, 422},
		{"bad policy", "PUT", path, tok, jsonBody{"replies_policy": "everyone"}, 422},
		{"another's list", "GET", path, malTok, nil, 404},
		{"another's timeline", "GET", "/api/v1/timelines/list/" + l.ID, malTok, nil, 404},
		{"another's members", "GET", path + "/accounts", malTok, nil, 404},
		{"add to another's", "POST", path + "/accounts", malTok, jsonBody{"account_ids": []string{bob.Actor.ID}}, 404},
		{"delete another's", "DELETE", path, malTok, nil, 404},
		{"no token", "GET", "/api/v1/lists", "", nil, 401},
		{"read-only token", "POST", "/api/v1/lists", e.token(alice, "read"), jsonBody{"title": "x"}, 403},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.call(c.method, c.path, c.token, c.body, c.want, nil)
		})
	}
	// The refused add left nothing behind; then both followed accounts go in, paged by Link.
	var members []struct{ ID string }
	e.call("GET", path+"/accounts", tok, nil, 200, &members)
	if len(members) != 0 {
		t.Fatalf("members after a refused add = %+v", members)
	}
	e.call("POST", path+"/accounts", tok, formBody{"account_ids[]": {bob.Actor.ID, carol.Actor.ID}}, 200, nil)
	r := e.call("GET", path+"/accounts?limit=1", tok, nil, 200, &members)
	next := r.link("next")
	if len(members) != 1 || next == "" {
		t.Fatalf("first page = %+v, Link %q", members, r.header.Get("Link"))
	}
	first := members[0].ID
	if u, _ := url.Parse(next); u.Query().Get("max_id") != first {
		t.Fatalf("next = %s", next)
	}
	e.call("GET", next, tok, nil, 200, &members)
	if len(members) != 1 || members[0].ID == first {
		t.Fatalf("second page = %+v", members)
	}
	e.call("DELETE", path+"/accounts?account_ids[]="+bob.Actor.ID, tok, nil, 200, nil)
	e.call("GET", path+"/accounts", tok, nil, 200, &members)
	if len(members) != 1 || members[0].ID != carol.Actor.ID {
		t.Fatalf("after delete = %+v", members)
	}
}

func TestMarkers(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		tok := e.token(e.user("alice"))
		type mk struct {
			LastReadID string  `json:"last_read_id"`
			Version    *int    `json:"version"`
			UpdatedAt  *string `json:"updated_at"`
		}
		var got map[string]mk
		e.call("GET", "/api/v1/markers?timeline[]=home&timeline[]=notifications", tok, nil, 200, &got)
		if len(got) != 0 {
			t.Fatalf("markers before any = %+v", got)
		}
		steps := []struct {
			name string
			body any
			want map[string]string
		}{
			{"form home", formBody{"home[last_read_id]": {"01HOME1"}}, map[string]string{"home": "01HOME1"}},
			{"json both", jsonBody{"home": map[string]any{"last_read_id": "01HOME2"}, "notifications": map[string]any{"last_read_id": "01N1"}}, map[string]string{"home": "01HOME2", "notifications": "01N1"}},
			{"form notifications", formBody{"notifications[last_read_id]": {"01N2"}}, map[string]string{"notifications": "01N2"}},
		}
		for _, s := range steps {
			got = nil
			e.call("POST", "/api/v1/markers", tok, s.body, 200, &got)
			if len(got) != len(s.want) {
				t.Fatalf("%s: answer = %+v", s.name, got)
			}
			for k, v := range s.want {
				if got[k].LastReadID != v || got[k].Version == nil || got[k].UpdatedAt == nil {
					t.Fatalf("%s: %s = %+v", s.name, k, got[k])
				}
			}
		}
		e.call("GET", "/api/v1/markers?timeline[]=home&timeline[]=notifications", tok, nil, 200, &got)
		if got["home"].LastReadID != "01HOME2" || *got["home"].Version != 1 ||
			got["notifications"].LastReadID != "01N2" || *got["notifications"].Version != 1 {
			t.Fatalf("markers = %+v", got)
		}
		got = nil
		e.call("GET", "/api/v1/markers?timeline[]=notifications", tok, nil, 200, &got)
		if _, has := got["home"]; has || len(got) != 1 {
			t.Fatalf("asked for notifications only, got %+v", got)
		}
		e.call("POST", "/api/v1/markers", tok, jsonBody{}, 422, nil)
		e.call("POST", "/api/v1/markers", tok, formBody{"home[last_read_id]": {""}}, 422, nil)
	})
}
