package mastoapi_test

import (
	"sort"
	"testing"

	"github.com/mattn/go-mastodon"
)

// client is a go-mastodon client acting with a fresh token of name.
func (e *env) client(name string) (*mastodon.Client, mastodon.ID) {
	e.t.Helper()
	acct, err := e.svc.AccountByUsername(e.ctx, name)
	if err != nil {
		acct = e.user(name)
	}
	return mastodon.NewClient(&mastodon.Config{Server: e.base, AccessToken: e.token(acct)}), mastodon.ID(acct.Actor.ID)
}

// TestSocialFlowWithGoMastodon: follow, post, reply, favourite, boost, home, notifications,
// delete, all through a third-party client library.
func TestSocialFlowWithGoMastodon(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		alice, aliceID := e.client("alice")
		bob, bobID := e.client("bob")
		ctx := e.ctx

		rel, err := alice.AccountFollow(ctx, bobID)
		if err != nil || !rel.Following {
			t.Fatalf("follow: %+v %v", rel, err)
		}
		hello, err := bob.PostStatus(ctx, &mastodon.Toot{Status: "Hello from the planning team #planning"})
		if err != nil {
			t.Fatal(err)
		}
		if len(hello.Tags) != 1 || hello.Tags[0].Name != "planning" || hello.Account.ID != bobID {
			t.Fatalf("post = %+v", hello)
		}
		home, err := alice.GetTimelineHome(ctx, nil)
		if err != nil || len(home) != 1 || home[0].ID != hello.ID {
			t.Fatalf("alice's home = %v, %v", home, err)
		}

		reply, err := alice.PostStatus(ctx, &mastodon.Toot{Status: "@bob thanks!", InReplyToID: hello.ID})
		if err != nil {
			t.Fatal(err)
		}
		if reply.InReplyToID != string(hello.ID) || len(reply.Mentions) != 1 || reply.Mentions[0].ID != bobID {
			t.Fatalf("reply = %+v", reply)
		}
		fav, err := alice.Favourite(ctx, hello.ID)
		if err != nil || fav.Favourited != true || fav.FavouritesCount != 1 {
			t.Fatalf("favourite = %+v, %v", fav, err)
		}
		boost, err := alice.Reblog(ctx, hello.ID)
		if err != nil {
			t.Fatal(err)
		}
		if boost.Reblog == nil || boost.Reblog.ID != hello.ID || boost.Reblog.Reblogged != true || boost.Account.ID != aliceID {
			t.Fatalf("reblog = %+v", boost)
		}
		ctxt, err := bob.GetStatusContext(ctx, hello.ID)
		if err != nil || len(ctxt.Descendants) != 1 || ctxt.Ancestors == nil {
			t.Fatalf("context = %+v, %v", ctxt, err)
		}

		ns, err := bob.GetNotifications(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		var types []string
		for _, n := range ns {
			types = append(types, n.Type)
			if n.Account.ID != aliceID {
				t.Errorf("notification %s from %s", n.Type, n.Account.ID)
			}
		}
		sort.Strings(types)
		if want := []string{"favourite", "follow", "mention", "reblog"}; !equal(types, want) {
			t.Fatalf("bob's notifications = %v, want %v", types, want)
		}

		if err := alice.DeleteStatus(ctx, reply.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := alice.GetStatus(ctx, reply.ID); err == nil {
			t.Fatal("deleted status still readable")
		}
	})
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
