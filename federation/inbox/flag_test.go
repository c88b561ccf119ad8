package inbox_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gorilla/mux"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/federation/inbox"
	"github.com/guildhall/guildhall/storage"
)

// useRealPolicy remounts the inbox with the domain-block hook federation.New passes, minus the
// cache, so a policy change in a test applies to the very next request.
func (e *env) useRealPolicy() {
	h := must(inbox.New(inbox.Options{Service: e.svc, Store: e.store, Resolver: e.deref, Logger: noLog(),
		DomainBlocked: func(ctx context.Context, host string) (bool, error) {
			ok, err := e.svc.FederationAllowed(ctx, host)
			return !ok, err
		}}))
	r := mux.NewRouter()
	h.Routes(r)
	srv := httptest.NewServer(r)
	e.t.Cleanup(srv.Close)
	e.inbox, e.client = srv, srv.Client()
}

func flag(a *remoteActor, id, content string, objects ...string) map[string]any {
	return map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": id, "type": "Flag",
		"actor": a.ID, "object": objects, "content": content}
}

func (e *env) reportByURI(uri string) *ap.Report {
	r, err := e.store.ReportByURI(ctxb(), uri)
	if ap.IsNotFound(err) {
		return nil
	}
	return must(r, err)
}

func TestFlagFilesAReportAndTellsAdmins(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s, "remote.test", "evil.test")
		e.useRealPolicy()
		ctx := ctxb()
		admin := must(e.svc.CreateLocalUser(ctx, ap.NewUser{Username: "boss", Email: "boss@council.example",
			Password: "correct horse battery", Admin: true}))
		clerk := e.localUser("clerk", false)
		other := e.localUser("other", false)
		minutes := must(e.svc.Post(ctx, clerk, ap.PostInput{Text: "Minutes of the meeting"}))
		elsewhere := must(e.svc.Post(ctx, other, ap.PostInput{Text: "Not the clerk's"}))
		bob := e.remote("remote.test").addActor(t, "bob")
		mallory := e.remote("evil.test").addActor(t, "mallory")

		id := e.remote("remote.test").url("/flags/1")
		e.expect(http.StatusAccepted, "/inbox", bob, flag(bob, id, "Spam, repeatedly",
			clerk.Actor.URI, minutes.URI, elsewhere.URI))
		r := e.reportByURI(id)
		if r == nil {
			t.Fatal("no report stored")
		}
		from := must(e.store.ActorByURI(ctx, bob.ID))
		if r.ReporterID != from.ID || r.TargetID != clerk.Actor.ID || r.Comment != "Spam, repeatedly" ||
			len(r.StatusIDs) != 1 || r.StatusIDs[0] != minutes.ID {
			t.Fatalf("report = %+v; want bob reporting clerk for %s only", r, minutes.ID)
		}
		if n := e.notifications(admin, ap.NotifyReport); n != 1 {
			t.Fatalf("admin has %d report notifications, want 1", n)
		}
		if n := e.notifications(clerk, ap.NotifyReport); n != 0 {
			t.Fatalf("the reported account was told of the report (%d notifications)", n)
		}
		// Redelivered: one report, one notification.
		e.expect(http.StatusAccepted, "/inbox", bob, flag(bob, id, "Spam, repeatedly", clerk.Actor.URI))
		if n := e.notifications(admin, ap.NotifyReport); n != 1 {
			t.Fatalf("after redelivery the admin has %d report notifications, want 1", n)
		}

		refused := []struct {
			name   string
			path   string
			signer *remoteActor
			body   map[string]any
			code   int
		}{
			{"ORI-14 actor is not the signer", "/inbox", mallory,
				flag(bob, e.remote("remote.test").url("/flags/2"), "framed", clerk.Actor.URI), http.StatusUnauthorized},
			{"ORI-14 remote object named", "/inbox", bob,
				flag(bob, e.remote("remote.test").url("/flags/3"), "", clerk.Actor.URI, e.remote("evil.test").url("/notes/1")), http.StatusUnprocessableEntity},
			{"ORI-14 object is not the inbox owner", "/users/other/inbox", bob,
				flag(bob, e.remote("remote.test").url("/flags/4"), "", clerk.Actor.URI), http.StatusUnprocessableEntity},
			{"no local account named", "/inbox", bob,
				flag(bob, e.remote("remote.test").url("/flags/5"), "", minutes.URI), http.StatusAccepted},
		}
		for _, tc := range refused {
			t.Run(tc.name, func(t *testing.T) {
				e.expect(tc.code, tc.path, tc.signer, tc.body)
				if r := e.reportByURI(tc.body["id"].(string)); r != nil {
					t.Fatalf("report stored: %+v", r)
				}
			})
		}
		if n := e.notifications(admin, ap.NotifyReport); n != 1 {
			t.Fatalf("refused Flags notified the admin: %d notifications", n)
		}
	})
}

// TestInboxFollowsDomainPolicy drives the inbox through the stored policies: SIG-22 (a blocked
// domain, or a subdomain of one, is refused before its key is fetched) and allowlist mode.
func TestInboxFollowsDomainPolicy(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s, "remote.test", "social.remote.test", "evil.test", "social.evil.test", "stranger.test")
		e.useRealPolicy()
		ctx := ctxb()
		e.localUser("clerk", false)
		actors := map[string]*remoteActor{}
		for h, r := range e.remotes {
			actors[h] = r.addActor(t, "someone")
		}
		must(e.svc.BlockDomain(ctx, "evil.test", "abuse"))
		n := 0
		send := func(host string, want int) {
			t.Helper()
			n++
			before := e.remote(host).hits.Load()
			a := actors[host]
			obj := note(fmt.Sprintf("%s/statuses/%d", a.ID, n), a.ID, "<p>hello</p>", []string{public}, nil, nil)
			e.expect(want, "/inbox", a, create(a, obj))
			if want == http.StatusForbidden && e.remote(host).hits.Load() != before {
				t.Fatalf("%s: fetched from a refused domain", host)
			}
		}
		t.Run("blocklist", func(t *testing.T) {
			send("evil.test", http.StatusForbidden)
			send("social.evil.test", http.StatusForbidden) // the block covers subdomains
			send("stranger.test", http.StatusAccepted)
			send("remote.test", http.StatusAccepted)
		})
		t.Run("allowlist", func(t *testing.T) {
			mustOK(t, e.svc.SetFederationMode(ctx, ap.FederationAllowlist))
			must(e.svc.AllowDomain(ctx, "remote.test", "partner council"))
			send("remote.test", http.StatusAccepted)
			send("social.remote.test", http.StatusAccepted) // the allow covers subdomains
			send("stranger.test", http.StatusForbidden)
			send("evil.test", http.StatusForbidden)
		})
	})
}
