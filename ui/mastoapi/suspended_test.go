package mastoapi_test

import (
	"testing"
	"time"
)

// TestSuspendedAuthorsVanish: once an administrator (or a domain block) suspends an account, its
// posts leave every timeline and single-status view, including through other people's boosts
// (security catalogue ORI-20, Mastodon CVE-2026-23961).
func TestSuspendedAuthorsVanish(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		author, booster, reader := e.user("author"), e.user("booster"), e.user("reader")
		ta, tb, tr := e.token(author), e.token(booster), e.token(reader)
		e.call("POST", "/api/v1/accounts/"+booster.Actor.ID+"/follow", tr, nil, 200, nil)
		post := e.post(ta, "soon suspended #budget")
		e.call("POST", "/api/v1/statuses/"+post+"/reblog", tb, nil, 200, nil)

		ids := func(path string) map[string]bool {
			var sts []struct {
				ID     string
				Reblog *struct{ ID string }
			}
			e.call("GET", path, tr, nil, 200, &sts)
			seen := map[string]bool{}
			for _, s := range sts {
				seen[s.ID] = true
				if s.Reblog != nil {
					seen[s.Reblog.ID] = true
				}
			}
			return seen
		}
		for _, path := range []string{"/api/v1/timelines/home", "/api/v1/timelines/public", "/api/v1/timelines/tag/budget"} {
			if !ids(path)[post] {
				t.Fatalf("%s lacks the post before suspension", path)
			}
		}

		now := time.Now()
		a, err := e.store.ActorByID(e.ctx, author.Actor.ID)
		if err != nil {
			t.Fatal(err)
		}
		a.SuspendedAt = &now
		if err := e.store.UpdateActor(e.ctx, a); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/api/v1/timelines/home", "/api/v1/timelines/public", "/api/v1/timelines/tag/budget", "/api/v1/accounts/" + booster.Actor.ID + "/statuses"} {
			if ids(path)[post] {
				t.Errorf("%s still shows the suspended author's post", path)
			}
		}
		e.call("GET", "/api/v1/statuses/"+post, tr, nil, 404, nil)
	})
}
