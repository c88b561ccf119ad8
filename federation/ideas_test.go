package federation_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/ideas"
	"github.com/guildhall/guildhall/federation"
	"github.com/guildhall/guildhall/federation/httpsig"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// Ideas across three real instances: alice's idea lives on a.test; b.test and c.test follow her.

// ideaCluster starts a.test, b.test and c.test with the ideas area wired into federation.
func ideaCluster(t *testing.T, open func(testing.TB) *storage.Store) (*cluster, map[string]*ideas.Ideas) {
	t.Helper()
	areas := map[string]*ideas.Ideas{}
	c := newClusterWith(t, open, func(name string, o *federation.Options) {
		x, err := ideas.New(o.Service, o.Store.(*storage.Store), o.Groups, nil)
		if err != nil {
			t.Fatal(err)
		}
		o.Ideas, areas[name] = x, x
	}, "a.test", "b.test", "c.test")
	return c, areas
}

// ideaOn returns the view of the idea with uri on an instance, as viewer sees it.
func ideaOn(t *testing.T, in *instance, x *ideas.Ideas, viewer *ap.Account, uri string) *ideas.View {
	t.Helper()
	st := stored(t, in, uri)
	if st == nil {
		t.Fatalf("%s does not have %s", in.name, uri)
	}
	v, err := x.Get(context.Background(), ap.Viewer{Actor: &viewer.Actor}, st.ID)
	if err != nil {
		t.Fatalf("idea %s on %s: %v", uri, in.name, err)
	}
	return v
}

// postSigned delivers a raw activity to an instance's shared inbox, signed by a local actor of
// another instance with its real key.
func postSigned(t *testing.T, c *cluster, from *instance, actor *ap.Account, to string, doc map[string]any) int {
	t.Helper()
	body, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	key, err := from.svc.PrivateKey(context.Background(), actor.Actor.ID)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, "http://"+to+"/inbox", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/activity+json")
	if err := httpsig.Sign(req, body, actor.Actor.PublicKeyID, key, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Transport: &http.Transport{DialContext: c.net.DialContext}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestIdeaAcrossInstances(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) *storage.Store) {
		ctx := context.Background()
		c, x := ideaCluster(t, open)
		a, b, cc := c.in["a.test"], c.in["b.test"], c.in["c.test"]
		alice := a.user(t, "alice", false)
		bob := b.user(t, "bob", false)
		bOwner := ownerOf(t, b)
		carol := cc.user(t, "carol", false)
		follow(t, c, b, bob, "alice", "a.test")
		follow(t, c, cc, carol, "alice", "a.test")

		idea, err := x["a.test"].Create(ctx, alice, ideas.Input{Title: "Shared gritting rota",
			Content: "Neighbouring councils share one gritter rota.", Visibility: ap.Public})
		if err != nil {
			t.Fatal(err)
		}
		uri := idea.Status.URI
		c.settle(t)
		if v := ideaOn(t, b, x["b.test"], bob, uri); v.Idea.State != ideas.Proposed || v.Status.Title != "Shared gritting rota" {
			t.Fatalf("on b.test the new idea reads %+v %q", v.Idea, v.Status.Title)
		}

		// A status change on A is an Update B shows, with the status line and the state.
		if _, err := x["a.test"].SetStatus(ctx, alice, idea.Status.ID, ideas.Planned, ""); err != nil {
			t.Fatal(err)
		}
		c.settle(t)
		onB := ideaOn(t, b, x["b.test"], bob, uri)
		if onB.Idea.State != ideas.Planned || !strings.Contains(onB.Status.Content, "Status: Planned") {
			t.Fatalf("on b.test after the change: state %q, content %q", onB.Idea.State, onB.Status.Content)
		}
		if n := len(onB.Changes); n != 1 || onB.Changes[0].State != ideas.Planned {
			t.Fatalf("history on b.test: %+v", onB.Changes)
		}
		if strings.Contains(onB.Status.Content, "Shared gritting rota") {
			t.Errorf("b.test shows the title in the content too: %q", onB.Status.Content)
		}
		// What a server that knows nothing of ideas reads: the title, the status line, the body.
		resp, body := c.get(t, uri, "application/activity+json")
		var doc map[string]any
		if err := json.Unmarshal([]byte(body), &doc); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %v", uri, resp.StatusCode, err)
		}
		if got, _ := doc["content"].(string); got != "<p><strong>Shared gritting rota</strong></p><p><strong>Status: Planned</strong></p>"+
			"<p>Neighbouring councils share one gritter rota.</p>" || doc["ideaStatus"] != "planned" || doc["name"] != "Shared gritting rota" {
			t.Errorf("the idea's document: content %q, ideaStatus %v, name %v", got, doc["ideaStatus"], doc["name"])
		}

		// A vote from B counts on A.
		if _, err := b.svc.Favourite(ctx, bob, onB.Status.ID); err != nil {
			t.Fatal(err)
		}
		c.settle(t)
		if v := ideaOn(t, a, x["a.test"], alice, uri); v.Votes() != 1 {
			t.Fatalf("votes on a.test = %d, want 1 (bob's from b.test)", v.Votes())
		}

		// B's council adopts it too; A lists b.test, and C hears of it from A's Update.
		if _, err := x["b.test"].Adopt(ctx, bOwner, onB.Status.ID); err != nil {
			t.Fatal(err)
		}
		c.settle(t)
		for _, tc := range []struct {
			in     *instance
			viewer *ap.Account
		}{{a, alice}, {b, bob}, {cc, carol}} {
			if got := ideaOn(t, tc.in, x[tc.in.name], tc.viewer, uri).AdoptedBy; !slices.Equal(got, []string{"b.test"}) {
				t.Errorf("adopted_by on %s = %v, want [b.test]", tc.in.name, got)
			}
		}

		// Claims again, by the same council through another activity, change nothing.
		if _, err := x["b.test"].Adopt(ctx, bOwner, onB.Status.ID); err != nil {
			t.Fatal(err)
		}
		again := map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
			"id": bob.Actor.URI + "/adoptions/again", "type": "Announce", "actor": bob.Actor.URI, "object": uri,
			"to": []any{alice.Actor.URI}, "ideaAdoption": true}
		if code := postSigned(t, c, b, bob, "a.test", again); code != http.StatusAccepted {
			t.Fatalf("a repeated adoption answered %d", code)
		}
		c.settle(t)
		if got := ideaOn(t, a, x["a.test"], alice, uri).AdoptedBy; !slices.Equal(got, []string{"b.test"}) {
			t.Fatalf("after repeated claims adopted_by on a.test = %v", got)
		}

		// Adoption claims that do not come signed from the actor they name, on its own host,
		// are refused: carol's council cannot be made to adopt it by bob's server.
		for _, tc := range []struct {
			name string
			doc  map[string]any
		}{
			{"actor is not the signer", map[string]any{"id": carol.Actor.URI + "/adoptions/forged", "actor": carol.Actor.URI}},
			{"id on another host", map[string]any{"id": carol.Actor.URI + "/adoptions/forged2", "actor": bob.Actor.URI}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				doc := map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "type": "Announce",
					"object": uri, "to": []any{alice.Actor.URI}, "ideaAdoption": true}
				for k, v := range tc.doc {
					doc[k] = v
				}
				if code := postSigned(t, c, b, bob, "a.test", doc); code < 400 {
					t.Fatalf("a forged adoption answered %d", code)
				}
				if got := ideaOn(t, a, x["a.test"], alice, uri).AdoptedBy; !slices.Equal(got, []string{"b.test"}) {
					t.Fatalf("after a forged adoption adopted_by on a.test = %v", got)
				}
			})
		}

		// Updates of alice's idea by anyone else are refused and change nothing.
		for _, tc := range []struct {
			name   string
			object map[string]any
		}{
			{"attributed to the author", map[string]any{"id": uri, "type": "Note", "attributedTo": alice.Actor.URI,
				"content": "<p>Status: Adopted</p>", "ideaStatus": "adopted"}},
			{"attributed to the sender", map[string]any{"id": uri, "type": "Note", "attributedTo": bob.Actor.URI,
				"content": "<p>Status: Adopted</p>", "ideaStatus": "adopted"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				upd := map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
					"id": bob.Actor.URI + "#updates/" + strings.ReplaceAll(tc.name, " ", "-"), "type": "Update",
					"actor": bob.Actor.URI, "object": tc.object}
				if code := postSigned(t, c, b, bob, "a.test", upd); code != http.StatusForbidden {
					t.Fatalf("a forged Update answered %d, want 403", code)
				}
				v := ideaOn(t, a, x["a.test"], alice, uri)
				if v.Idea.State != ideas.Planned || strings.Contains(v.Status.Content, "Adopted") {
					t.Fatalf("the forged Update changed the idea: %q %q", v.Idea.State, v.Status.Content)
				}
			})
		}

		// Declined with a reason reaches B as such.
		if _, err := x["a.test"].SetStatus(ctx, alice, idea.Status.ID, ideas.Declined, "No budget this year"); err != nil {
			t.Fatal(err)
		}
		c.settle(t)
		onB = ideaOn(t, b, x["b.test"], bob, uri)
		if onB.Idea.State != ideas.Declined || onB.Idea.Reason != "No budget this year" ||
			!strings.Contains(onB.Status.Content, "Status: Declined — No budget this year") || strings.Contains(onB.Status.Content, "Planned") {
			t.Fatalf("declined on b.test: %+v %q", onB.Idea, onB.Status.Content)
		}
	})
}

func TestIdeasContextServed(t *testing.T) {
	c, _ := ideaCluster(t, storagetest.OpenSQLite)
	resp, body := c.get(t, "http://a.test/ns/ideas", "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"ideaStatus"`) || !strings.Contains(body, `"ideaAdoption"`) {
		t.Fatalf("GET /ns/ideas: %d %s", resp.StatusCode, body)
	}
}
