package federation_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/groups"
	"github.com/guildhall/guildhall/federation/fedtest"
	"github.com/guildhall/guildhall/federation/httpsig"
	"github.com/guildhall/guildhall/storage"
)

// mastodonFollower is a server that knows nothing of groups, as Mastodon: one Person whose
// inbox records what it is sent (signatures verified), and nothing else.
type mastodonFollower struct {
	id, keyID string
	inbox     *fedtest.Inbox
	keys      *fedtest.Keys
}

func newMastodonFollower(t *testing.T, c *cluster, host string) (*mastodonFollower, func(*http.Request, []byte)) {
	t.Helper()
	key, err := httpsig.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	pemText, err := httpsig.EncodePublicKeyPEM(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	id := "http://" + host + "/users/mallory"
	keys := fedtest.NewKeys()
	in := fedtest.NewInbox(keys, fedtest.InboxOptions{Host: host})
	t.Cleanup(in.Close)
	actor := map[string]any{
		"@context": []any{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"},
		"id":       id, "type": "Person", "preferredUsername": "mallory",
		"inbox": id + "/inbox", "outbox": id + "/outbox", "followers": id + "/followers",
		"endpoints": map[string]any{"sharedInbox": "http://" + host + "/inbox"},
		"publicKey": map[string]any{"id": id + "#main-key", "owner": id, "publicKeyPem": pemText},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			in.Server.Config.Handler.ServeHTTP(w, r)
			return
		}
		if r.URL.Path != "/users/mallory" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/activity+json")
		_ = json.NewEncoder(w).Encode(actor)
	}))
	t.Cleanup(srv.Close)
	c.net.Set(host, srv.Listener.Addr().String())
	m := &mastodonFollower{id: id, keyID: id + "#main-key", inbox: in, keys: keys}
	sign := func(req *http.Request, body []byte) {
		if err := httpsig.Sign(req, body, m.keyID, key, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	return m, sign
}

func TestMastodonFollowerSeesGroupPostsAsBoosts(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) *storage.Store) {
		c := newCluster(t, open, "a.test", "b.test")
		a, b := c.in["a.test"], c.in["b.test"]
		ctx := context.Background()
		alice := a.user(t, "alice", false)
		bob := b.user(t, "bob", false)
		g := newGroup(t, a, alice, "web_managers", groups.Open, groups.Federated)
		m, sign := newMastodonFollower(t, c, "masto.test")
		pub, err := httpsig.ParsePublicKeyPEM(g.Actor.PublicKeyPEM)
		if err != nil {
			t.Fatal(err)
		}
		m.keys.Add(g.Actor.PublicKeyID, g.Actor.URI, pub)

		// mallory follows the group the way Mastodon follows an account.
		body, _ := json.Marshal(map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
			"id": m.id + "#follows/1", "type": "Follow", "actor": m.id, "object": g.Actor.URI})
		req, _ := http.NewRequest(http.MethodPost, g.Actor.Inbox, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/activity+json")
		sign(req, body)
		client := &http.Client{Transport: &http.Transport{DialContext: c.net.DialContext}}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			t.Fatalf("Follow answered %d", resp.StatusCode)
		}
		follow(t, c, b, bob, "web_managers", "a.test")

		p := post(t, b, bob, "Cookie banner guidance @web_managers@a.test", ap.Public)
		c.settle(t)
		var boost map[string]any
		for _, r := range m.inbox.Accepted() {
			if r.Doc["type"] == "Announce" && r.Doc["object"] == p.URI && r.Doc["actor"] == g.Actor.URI {
				boost = r.Doc
			}
		}
		if boost == nil {
			t.Fatalf("the Mastodon follower got no plain Announce of %s from the group; got %d deliveries", p.URI, len(m.inbox.Accepted()))
		}
		if to, _ := boost["to"].([]any); len(to) == 0 || to[0] != ap.PublicAudience {
			t.Fatalf("the boost is not public: %v", boost["to"])
		}

		// A moderator removes the post: Mastodon hears Undo{Announce} of that very boost.
		onA := stored(t, a, p.URI)
		if err := a.grp.RemovePost(ctx, alice, g.Actor.ID, onA.ID); err != nil {
			t.Fatal(err)
		}
		c.settle(t)
		undone := false
		for _, r := range m.inbox.Accepted() {
			inner, _ := r.Doc["object"].(map[string]any)
			if r.Doc["type"] == "Undo" && inner != nil && inner["type"] == "Announce" && inner["id"] == boost["id"] {
				undone = true
			}
		}
		if !undone {
			t.Fatal("the Mastodon follower was not sent Undo{Announce} of the removed post's boost")
		}
	})
}
