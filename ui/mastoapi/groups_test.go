package mastoapi_test

import (
	"testing"
)

type groupJSON struct {
	ID           string `json:"id"`
	Handle       string `json:"handle"`
	Membership   string `json:"membership"`
	Reach        string `json:"reach"`
	Rules        string `json:"rules"`
	MembersCount int    `json:"members_count"`
	Moderators   []struct {
		ID string `json:"id"`
	} `json:"moderators"`
}

func TestGroupAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		alice, bob, carol := e.user("alice"), e.user("bob"), e.user("carol")
		ta, tb, tc := e.token(alice), e.token(bob), e.token(carol)
		const base = "/api/guildhall/v1/groups"

		e.call("POST", base, ta, jsonBody{"handle": "web_managers", "display_name": "Web managers", "membership": "secret"}, 422, nil)
		e.call("POST", base, "", jsonBody{"handle": "web_managers"}, 401, nil)
		var g groupJSON
		e.call("POST", base, ta, jsonBody{"handle": "web_managers", "display_name": "Web managers",
			"description": "Websites, cookie banners", "rules": "Be kind", "membership": "approval"}, 200, &g)
		if g.Handle != "web_managers" || g.Membership != "approval" || g.Reach != "federated" || len(g.Moderators) != 1 || g.Moderators[0].ID != alice.Actor.ID {
			t.Fatalf("created %+v", g)
		}
		e.call("POST", base, tb, jsonBody{"handle": "Web_Managers", "display_name": "Again"}, 422, nil)

		// The group is an account with group: true; following it from a Mastodon app asks to join.
		var acct struct {
			Group  bool `json:"group"`
			Locked bool `json:"locked"`
		}
		e.call("GET", "/api/v1/accounts/"+g.ID, tb, nil, 200, &acct)
		if !acct.Group || !acct.Locked {
			t.Fatalf("group account %+v, want group and locked", acct)
		}
		var rel struct{ Following, Requested bool }
		e.call("POST", "/api/v1/accounts/"+g.ID+"/follow", tb, nil, 200, &rel)
		if rel.Following || !rel.Requested {
			t.Fatalf("following an approval group: %+v, want requested", rel)
		}
		var reqs []struct{ ID string }
		e.call("GET", base+"/"+g.ID+"/requests", tb, nil, 403, nil)
		e.call("GET", base+"/"+g.ID+"/requests", ta, nil, 200, &reqs)
		if len(reqs) != 1 || reqs[0].ID != bob.Actor.ID {
			t.Fatalf("requests %+v", reqs)
		}
		e.call("POST", base+"/"+g.ID+"/requests/"+bob.Actor.ID+"/approve", ta, nil, 200, &g)
		if g.MembersCount != 1 {
			t.Fatalf("members after approval: %d", g.MembersCount)
		}

		// Members are listed to members only.
		var members []struct{ ID string }
		e.call("GET", base+"/"+g.ID+"/members", tb, nil, 200, &members)
		if len(members) != 1 || members[0].ID != bob.Actor.ID {
			t.Fatalf("members %+v", members)
		}
		e.call("GET", base+"/"+g.ID+"/members", tc, nil, 403, nil)

		// A member posts in the group; it shows in the group and, boosted by the group, in home.
		var st struct{ ID string }
		e.call("POST", base+"/"+g.ID+"/statuses", tb, jsonBody{"status": "Accessibility statements due"}, 200, &st)
		e.call("POST", base+"/"+g.ID+"/statuses", tc, jsonBody{"status": "Not a member"}, 403, nil)
		var posts []struct{ ID string }
		e.call("GET", base+"/"+g.ID+"/statuses", tc, nil, 200, &posts)
		if len(posts) != 1 || posts[0].ID != st.ID {
			t.Fatalf("group posts %+v, want the member's", posts)
		}
		var home []struct {
			Account struct{ ID string }
			Reblog  *struct{ ID string }
		}
		e.call("GET", "/api/v1/timelines/home", tb, nil, 200, &home)
		boosted := false
		for _, h := range home {
			boosted = boosted || (h.Account.ID == g.ID && h.Reblog != nil && h.Reblog.ID == st.ID)
		}
		if !boosted {
			t.Fatalf("the member's home has no boost of the post by the group: %+v", home)
		}

		// A post made in any client that mentions the group is the group's too.
		var mentioned struct{ ID string }
		e.call("POST", "/api/v1/statuses", tb, jsonBody{"status": "@web_managers minutes attached"}, 200, &mentioned)
		e.call("GET", base+"/"+g.ID+"/statuses", tc, nil, 200, &posts)
		if len(posts) != 2 || posts[0].ID != mentioned.ID {
			t.Fatalf("group posts %+v, want the mentioning post first", posts)
		}
		e.call("DELETE", base+"/"+g.ID+"/statuses/"+mentioned.ID, ta, nil, 200, nil)

		// Moderation: only moderators; a removed post leaves the group.
		e.call("PATCH", base+"/"+g.ID, tb, jsonBody{"rules": "Mine now"}, 403, nil)
		e.call("PATCH", base+"/"+g.ID, ta, jsonBody{"rules": "Be kind; cite sources"}, 200, &g)
		if g.Rules != "Be kind; cite sources" {
			t.Fatalf("rules %q", g.Rules)
		}
		e.call("POST", base+"/"+g.ID+"/statuses/"+st.ID+"/pin", tb, nil, 403, nil)
		e.call("POST", base+"/"+g.ID+"/statuses/"+st.ID+"/pin", ta, nil, 200, nil)
		e.call("POST", base+"/"+g.ID+"/statuses/"+st.ID+"/lock", ta, nil, 200, nil)
		e.call("DELETE", base+"/"+g.ID+"/statuses/"+st.ID, ta, nil, 200, nil)
		e.call("GET", base+"/"+g.ID+"/statuses", tc, nil, 200, &posts)
		if len(posts) != 0 {
			t.Fatalf("removed post still listed: %+v", posts)
		}
		e.call("PUT", base+"/"+g.ID+"/moderators/"+carol.Actor.ID, tb, nil, 403, nil)
		e.call("PUT", base+"/"+g.ID+"/moderators/"+carol.Actor.ID, ta, nil, 200, &g)
		if len(g.Moderators) != 2 {
			t.Fatalf("moderators %+v", g.Moderators)
		}
		e.call("PUT", base+"/"+g.ID+"/bans/"+bob.Actor.ID, tc, nil, 200, nil)
		e.call("POST", base+"/"+g.ID+"/statuses", tb, jsonBody{"status": "Banned now"}, 403, nil)

		var dir []groupJSON
		e.call("GET", base+"?q=cookie", tc, nil, 200, &dir)
		if len(dir) != 1 || dir[0].ID != g.ID {
			t.Fatalf("directory %+v", dir)
		}
		e.call("GET", base+"?q=nothing-like-it", tc, nil, 200, &dir)
		if len(dir) != 0 {
			t.Fatalf("directory for no match %+v", dir)
		}
	})
}

// TestGroupInviteAPI: moderators invite and withdraw; an invitation-only group refuses the
// uninvited (403) and takes the invited at once; a member can be removed without a ban.
func TestGroupInviteAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		alice, bob, carol := e.user("alice"), e.user("bob"), e.user("carol")
		ta, tb, tc := e.token(alice), e.token(bob), e.token(carol)
		const base = "/api/guildhall/v1/groups"
		var g groupJSON
		e.call("POST", base, ta, jsonBody{"handle": "safeguarding", "display_name": "Safeguarding", "membership": "invite"}, 200, &g)
		e.call("POST", base+"/"+g.ID+"/join", tb, nil, 403, nil)

		e.call("PUT", base+"/"+g.ID+"/invites/"+bob.Actor.ID, tb, nil, 403, nil)
		e.call("PUT", base+"/"+g.ID+"/invites/"+bob.Actor.ID, ta, nil, 200, nil)
		e.call("PUT", base+"/"+g.ID+"/invites/"+carol.Actor.ID, ta, nil, 200, nil)
		var invited []struct{ ID string }
		e.call("GET", base+"/"+g.ID+"/invites", ta, nil, 200, &invited)
		if len(invited) != 2 {
			t.Fatalf("invitations %+v, want bob and carol", invited)
		}
		e.call("GET", base+"/"+g.ID+"/invites", tb, nil, 403, nil)
		var rel struct{ Following, Requested bool }
		e.call("POST", base+"/"+g.ID+"/join", tb, nil, 200, &rel)
		if !rel.Following {
			t.Fatalf("an invited join: %+v, want a member at once", rel)
		}
		e.call("PUT", base+"/"+g.ID+"/invites/"+bob.Actor.ID, ta, nil, 422, nil) // already a member
		e.call("DELETE", base+"/"+g.ID+"/invites/"+carol.Actor.ID, ta, nil, 200, nil)
		e.call("POST", base+"/"+g.ID+"/join", tc, nil, 403, nil)

		e.call("DELETE", base+"/"+g.ID+"/members/"+bob.Actor.ID, ta, nil, 200, &g)
		if g.MembersCount != 0 {
			t.Fatalf("members after removal: %d", g.MembersCount)
		}
		e.call("POST", base+"/"+g.ID+"/join", tb, nil, 403, nil) // the invitation was used up
	})
}
