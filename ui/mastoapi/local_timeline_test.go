package mastoapi_test

import (
	"testing"
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
