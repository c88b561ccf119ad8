package mastoapi_test

import (
	"testing"

	ap "github.com/guildhall/guildhall/activitypub"
)

// TestLocalTimelineInternalPosts: internal ("local", this council only) posts are part of the
// local timeline for signed-in local users, as in glitch-soc and Hometown, and never reach an
// anonymous caller, nor the federated or remote-only timelines.
func TestLocalTimelineInternalPosts(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		author, reader := e.user("author"), e.user("reader")
		ta, tr := e.token(author), e.token(reader)
		public := e.post(ta, "for everyone")
		var internal struct{ ID string }
		e.call("POST", "/api/v1/statuses", ta, jsonBody{"status": "staff only", "visibility": "local"}, 200, &internal)

		ids := func(path, token string) map[string]bool {
			var sts []struct{ ID string }
			e.call("GET", path, token, nil, 200, &sts)
			seen := map[string]bool{}
			for _, s := range sts {
				seen[s.ID] = true
			}
			return seen
		}
		cases := []struct {
			name, path, token     string
			wantPublic, wantLocal bool
		}{
			{"local signed in", "/api/v1/timelines/public?local=true", tr, true, true},
			{"local by the author", "/api/v1/timelines/public?local=true", ta, true, true},
			{"local anonymous", "/api/v1/timelines/public?local=true", "", true, false},
			{"federated signed in", "/api/v1/timelines/public", tr, true, false},
			{"federated anonymous", "/api/v1/timelines/public", "", true, false},
			{"remote only", "/api/v1/timelines/public?remote=true", tr, false, false},
		}
		for _, c := range cases {
			got := ids(c.path, c.token)
			if got[public] != c.wantPublic || got[internal.ID] != c.wantLocal {
				t.Errorf("%s: public post %v, internal post %v; want %v, %v", c.name, got[public], got[internal.ID], c.wantPublic, c.wantLocal)
			}
		}
	})
}

// TestRemoveFromFollowers: POST /api/v1/accounts/:id/remove_from_followers ends the follow of
// the given account, and the relationship it returns says so.
func TestRemoveFromFollowers(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		owner, fan := e.user("owner"), e.user("fan")
		to, tf := e.token(owner), e.token(fan)
		e.call("POST", "/api/v1/accounts/"+owner.Actor.ID+"/follow", tf, nil, 200, nil)
		var rel struct {
			FollowedBy bool `json:"followed_by"`
			Blocking   bool
		}
		e.call("POST", "/api/v1/accounts/"+fan.Actor.ID+"/remove_from_followers", to, nil, 200, &rel)
		if rel.FollowedBy || rel.Blocking {
			t.Errorf("relationship after removal = %+v", rel)
		}
		var followers []struct{ ID string }
		e.call("GET", "/api/v1/accounts/"+owner.Actor.ID+"/followers", to, nil, 200, &followers)
		if len(followers) != 0 {
			t.Errorf("followers after removal = %v", followers)
		}
	})
}

// TestDefaultPrivacy: update_credentials' source[privacy] sets the default visibility, which
// verify_credentials and preferences report and a status sent without a visibility gets; an
// internal default reads as "private" to apps (they know four values) but posts stay internal.
func TestDefaultPrivacy(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		acct := e.user("jo")
		tok := e.token(acct)
		e.call("PATCH", "/api/v1/accounts/update_credentials", tok, jsonBody{"source": map[string]any{"privacy": "everyone"}}, 422, nil)
		cases := []struct{ set, reported, posted string }{
			{"unlisted", "unlisted", "unlisted"},
			{"local", "private", "local"},
			{"public", "public", "public"},
		}
		for _, c := range cases {
			var cred struct{ Source struct{ Privacy string } }
			e.call("PATCH", "/api/v1/accounts/update_credentials", tok, jsonBody{"source": map[string]any{"privacy": c.set}}, 200, &cred)
			var prefs map[string]any
			e.call("GET", "/api/v1/preferences", tok, nil, 200, &prefs)
			var st struct{ ID, Visibility string }
			e.call("POST", "/api/v1/statuses", tok, jsonBody{"status": "default " + c.set}, 200, &st)
			stored, err := e.store.StatusByID(e.ctx, st.ID)
			if err != nil {
				t.Fatal(err)
			}
			if cred.Source.Privacy != c.reported || prefs["posting:default:visibility"] != c.reported || string(stored.Visibility) != c.posted {
				t.Errorf("default %s: source.privacy %q, preferences %v, posted %q; want %q, %q", c.set,
					cred.Source.Privacy, prefs["posting:default:visibility"], stored.Visibility, c.reported, c.posted)
			}
		}
	})
}

// TestInstanceDescription: what administrators save on the instance settings page is what the
// instance endpoints and /api/v1/instance/rules show.
func TestInstanceDescription(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		if err := e.svc.SetInstanceInfo(e.ctx, e.owner(), ap.InstanceInfo{Title: "Borsetshire", Description: "Staff only",
			ContactEmail: "digital@borsetshire.example", Rules: []string{"Be kind", "No resident data"}}, ""); err != nil {
			t.Fatal(err)
		}
		var v2 struct {
			Title, Description string
			Contact            struct{ Email string }
			Rules              []struct{ ID, Text string }
		}
		e.call("GET", "/api/v2/instance", "", nil, 200, &v2)
		var v1 struct{ Title, Email string }
		e.call("GET", "/api/v1/instance", "", nil, 200, &v1)
		var rules []struct{ ID, Text string }
		e.call("GET", "/api/v1/instance/rules", "", nil, 200, &rules)
		if v2.Title != "Borsetshire" || v2.Description != "Staff only" || v2.Contact.Email != "digital@borsetshire.example" ||
			len(v2.Rules) != 2 || v2.Rules[1].Text != "No resident data" || v2.Rules[1].ID != "2" {
			t.Errorf("v2 instance = %+v", v2)
		}
		if v1.Title != "Borsetshire" || v1.Email != "digital@borsetshire.example" || len(rules) != 2 || rules[0].Text != "Be kind" {
			t.Errorf("v1 instance = %+v, rules %+v", v1, rules)
		}
	})
}
