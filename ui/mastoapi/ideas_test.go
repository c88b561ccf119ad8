package mastoapi_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
)

type ideaJSON struct {
	ID              string   `json:"id"`
	URI             string   `json:"uri"`
	Title           string   `json:"title"`
	Content         string   `json:"content"`
	Status          string   `json:"status"`
	StatusReason    string   `json:"status_reason"`
	Votes           int      `json:"votes"`
	Voted           *bool    `json:"voted"`
	AdoptedBy       []string `json:"adopted_by"`
	GroupID         *string  `json:"group_id"`
	Local           bool     `json:"local"`
	CanChangeStatus bool     `json:"can_change_status"`
	CreatedAt       string   `json:"created_at"`
	History         []struct {
		Status string `json:"status"`
		Reason string `json:"reason"`
	} `json:"history"`
}

// staffToken gives acct an instance role and returns a fresh token for it.
func (e *env) staffToken(acct *ap.Account, role ap.Role) string {
	e.t.Helper()
	acct.User.Role, acct.User.Admin = role, role.Admin()
	if err := e.store.UpdateUser(e.ctx, &acct.User); err != nil {
		e.t.Fatal(err)
	}
	return e.token(acct)
}

func TestIdeaAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		alice, bob, mod := e.user("alice"), e.user("bob"), e.user("mo")
		ta, tb, tm := e.token(alice), e.token(bob), e.staffToken(mod, ap.RoleModerator)
		const base = "/api/guildhall/v1/ideas"

		// Bad input posts nothing.
		e.call("POST", base, ta, jsonBody{"content": "no title"}, 422, nil)
		e.call("POST", base, ta, jsonBody{"title": "T", "content": "x", "visibility": "direct"}, 422, nil)
		e.call("POST", base, "", jsonBody{"title": "T", "content": "x"}, 401, nil)
		var none []ideaJSON
		e.call("GET", base, ta, nil, 200, &none)
		if len(none) != 0 {
			t.Fatalf("bad input left ideas: %+v", none)
		}

		var idea ideaJSON
		e.call("POST", base, ta, jsonBody{"title": "Shared gritting rota", "content": "One rota for the county.", "visibility": "public"}, 200, &idea)
		if idea.Title != "Shared gritting rota" || idea.Status != "proposed" || idea.Votes != 0 || idea.AdoptedBy == nil ||
			!idea.Local || !idea.CanChangeStatus || idea.URI == "" || idea.CreatedAt == "" || idea.GroupID != nil {
			t.Fatalf("created %+v", idea)
		}
		var second ideaJSON
		e.call("POST", base, tb, jsonBody{"title": "Open data portal", "content": "Publish the budget.", "visibility": "public"}, 200, &second)

		// Who may change the status, and what bad changes answer; none of them changes anything.
		path := base + "/" + idea.ID + "/status"
		for _, tc := range []struct {
			name  string
			token string
			body  jsonBody
			code  int
		}{
			{"unknown status", ta, jsonBody{"status": "shelved"}, 422},
			{"declined without a reason", ta, jsonBody{"status": "declined"}, 422},
			{"declined with a blank reason", ta, jsonBody{"status": "declined", "reason": "  "}, 422},
			{"reason too long", ta, jsonBody{"status": "planned", "reason": strings.Repeat("x", 501)}, 422},
			{"not the author nor staff", tb, jsonBody{"status": "planned"}, 403},
			{"anonymous", "", jsonBody{"status": "planned"}, 401},
		} {
			t.Run(tc.name, func(t *testing.T) {
				e.call("POST", path, tc.token, tc.body, tc.code, nil)
				var got ideaJSON
				e.call("GET", base+"/"+idea.ID, ta, nil, 200, &got)
				if got.Status != "proposed" || len(got.History) != 0 || strings.Contains(got.Content, "Status:") {
					t.Fatalf("a refused change changed the idea: %+v", got)
				}
			})
		}
		e.call("POST", base+"/nope/status", ta, jsonBody{"status": "planned"}, 404, nil)

		var got ideaJSON
		e.call("POST", path, ta, jsonBody{"status": "under_review"}, 200, &got)
		e.call("POST", path, tm, jsonBody{"status": "declined", "reason": "No budget"}, 200, &got)
		if got.Status != "declined" || got.StatusReason != "No budget" || !strings.Contains(got.Content, "Status: Declined — No budget") ||
			strings.Contains(got.Content, "Under review") || len(got.History) != 2 || got.History[1].Reason != "No budget" {
			t.Fatalf("after the moderator declined it: %+v", got)
		}

		// The author edits the text (a Mastodon edit); the next change keeps the new text, with
		// one status line.
		e.call("PUT", "/api/v1/statuses/"+idea.ID, ta, jsonBody{"status": "One rota for the whole county."}, 200, nil)
		e.call("POST", path, ta, jsonBody{"status": "planned"}, 200, &got)
		if got.Content != "<p><strong>Status: Planned</strong></p><p>One rota for the whole county.</p>" || got.Title != "Shared gritting rota" {
			t.Fatalf("after an edit and a change the content is %q", got.Content)
		}
		e.call("POST", path, tm, jsonBody{"status": "declined", "reason": "No budget"}, 200, &got)
		if got.Content != "<p><strong>Status: Declined — No budget</strong></p><p>One rota for the whole county.</p>" {
			t.Fatalf("after the next change the content is %q", got.Content)
		}

		// Votes are favourites: one per person, undo allowed.
		for range 2 {
			e.call("POST", "/api/v1/statuses/"+second.ID+"/favourite", ta, nil, 200, nil)
		}
		e.call("GET", base+"/"+second.ID, ta, nil, 200, &got)
		if got.Votes != 1 || got.Voted == nil || !*got.Voted {
			t.Fatalf("after voting twice: votes %d voted %v", got.Votes, got.Voted)
		}
		var anon ideaJSON
		e.call("GET", base+"/"+second.ID, "", nil, 200, &anon)
		if anon.Voted != nil || anon.CanChangeStatus {
			t.Fatalf("anonymous view %+v", anon)
		}

		// Sorting and filtering.
		for _, tc := range []struct {
			query string
			want  []string
		}{
			{"", []string{second.ID, idea.ID}},
			{"?sort=newest", []string{second.ID, idea.ID}},
			{"?sort=votes", []string{second.ID, idea.ID}},
			{"?sort=status", []string{second.ID, idea.ID}},
			{"?status=declined", []string{idea.ID}},
			{"?status=proposed", []string{second.ID}},
			{"?status=planned", nil},
		} {
			var list []ideaJSON
			e.call("GET", base+tc.query, tb, nil, 200, &list)
			var ids []string
			for _, i := range list {
				ids = append(ids, i.ID)
			}
			if !slices.Equal(ids, tc.want) {
				t.Errorf("GET %s: %v, want %v", tc.query, ids, tc.want)
			}
		}
		e.call("POST", "/api/v1/statuses/"+second.ID+"/unfavourite", ta, nil, 200, nil)
		var list []ideaJSON
		e.call("GET", base+"?sort=votes", tb, nil, 200, &list)
		if len(list) != 2 || list[0].ID != second.ID || list[0].Votes != 0 {
			t.Fatalf("after the vote was undone: %+v", list)
		}
		e.call("GET", base+"?sort=best", tb, nil, 422, nil)
		e.call("GET", base+"?status=shelved", tb, nil, 422, nil)

		// A local idea is adopted by its status, not by "adopted here too".
		e.call("POST", base+"/"+second.ID+"/adopt", tm, nil, 422, nil)
		// A plain status is not an idea.
		var post struct{ ID string }
		e.call("POST", "/api/v1/statuses", ta, jsonBody{"status": "just a post"}, 200, &post)
		e.call("GET", base+"/"+post.ID, ta, nil, 404, nil)
	})
}

// TestRemoteIdeaAPI: an idea from another server reads the same, and only the staff adopt it.
func TestRemoteIdeaAPI(t *testing.T) {
	e := sqliteEnv(t)
	bob, mod := e.user("bob"), e.user("mo")
	tb, tm := e.token(bob), e.staffToken(mod, ap.RoleAdmin)
	now := time.Now().UTC().Truncate(time.Millisecond)
	carol := &ap.Actor{ID: "01HREMOTECAROL0000000000000", URI: "https://other.example/users/carol", Kind: ap.KindPerson,
		Username: "carol", Domain: "other.example", Inbox: "https://other.example/users/carol/inbox",
		FollowersURI: "https://other.example/users/carol/followers", PublicKeyID: "https://other.example/users/carol#main-key",
		PublicKeyPEM: "x", CreatedAt: now, UpdatedAt: now}
	if err := e.store.CreateActor(e.ctx, carol); err != nil {
		t.Fatal(err)
	}
	st := &ap.Status{ID: "01HREMOTEIDEA00000000000000", URI: "https://other.example/users/carol/statuses/1", ActorID: carol.ID,
		ObjectType: "Note", Kind: ap.KindIdea, Visibility: ap.Public, Title: "Four-day week", Content: "<p>Trial it</p>", CreatedAt: now}
	if err := e.store.CreateStatus(e.ctx, st); err != nil {
		t.Fatal(err)
	}
	const base = "/api/guildhall/v1/ideas/"
	var got ideaJSON
	e.call("GET", base+st.ID, tb, nil, 200, &got)
	if got.Title != "Four-day week" || got.Status != "proposed" || got.Local || got.CanChangeStatus || got.URI != st.URI {
		t.Fatalf("remote idea %+v", got)
	}
	e.call("POST", base+st.ID+"/status", tm, jsonBody{"status": "planned"}, 403, nil)
	e.call("POST", base+st.ID+"/adopt", tb, nil, 403, nil)
	for range 2 {
		e.call("POST", base+st.ID+"/adopt", tm, nil, 200, &got)
	}
	if host, _, _ := strings.Cut(e.svc.Host(), ":"); !slices.Equal(got.AdoptedBy, []string{host}) {
		t.Fatalf("adopted_by %v, want this instance once", got.AdoptedBy)
	}
}

// TestIdeaInGroupAPI: an idea posted in a group is listed with the group, and the group's
// moderators may change its status while other members may not.
func TestIdeaInGroupAPI(t *testing.T) {
	e := sqliteEnv(t)
	owner, bob, carol := e.user("owner"), e.user("bob"), e.user("carol")
	to, tb, tc := e.token(owner), e.token(bob), e.token(carol)
	var g struct{ ID string }
	e.call("POST", "/api/guildhall/v1/groups", to, jsonBody{"handle": "highways", "display_name": "Highways"}, 200, &g)
	const base = "/api/guildhall/v1/ideas"
	e.call("POST", base, tb, jsonBody{"title": "T", "content": "x", "group_id": "nope"}, 404, nil)
	var idea, loose ideaJSON
	e.call("POST", base, tb, jsonBody{"title": "Salt bins on every hill", "content": "Before January.", "group_id": g.ID}, 200, &idea)
	e.call("POST", base, tc, jsonBody{"title": "Not in a group", "content": "x"}, 200, &loose)
	if idea.GroupID == nil || *idea.GroupID != g.ID {
		t.Fatalf("group_id of the group's idea = %v, want %s", idea.GroupID, g.ID)
	}
	var list []ideaJSON
	e.call("GET", base+"?group_id="+g.ID, tc, nil, 200, &list)
	if len(list) != 1 || list[0].ID != idea.ID {
		t.Fatalf("ideas of the group: %+v", list)
	}
	e.call("POST", base+"/"+idea.ID+"/status", tc, jsonBody{"status": "planned"}, 403, nil)
	e.call("POST", base+"/"+loose.ID+"/status", to, jsonBody{"status": "planned"}, 403, nil)
	var got ideaJSON
	e.call("POST", base+"/"+idea.ID+"/status", to, jsonBody{"status": "planned"}, 200, &got)
	if got.Status != "planned" {
		t.Fatalf("after the group owner planned it: %+v", got)
	}
}
