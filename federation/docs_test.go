package federation_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

const asAccept = `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`

func TestDocuments(t *testing.T) {
	for _, e := range storagetest.Engines() {
		t.Run(e.Name, func(t *testing.T) { testDocuments(t, e.Open) })
	}
}

func testDocuments(t *testing.T, open func(testing.TB) *storage.Store) {
	c := newCluster(t, open, "a.test")
	a := c.in["a.test"]
	a.user(t, "alice", false)
	tests := []struct {
		name        string
		url, accept string
		code        int
		ctype       string
		want        []string // substrings of the body
		location    string
	}{
		{"webfinger acct", "http://a.test/.well-known/webfinger?resource=acct:alice@a.test", "", 200, "application/jrd+json",
			[]string{`"subject":"acct:alice@a.test"`, `"rel":"self","type":"application/activity+json","href":"http://a.test/users/alice"`,
				`"rel":"http://webfinger.net/rel/profile-page"`}, ""},
		{"webfinger by actor URL", "http://a.test/.well-known/webfinger?resource=http://a.test/users/alice", "", 200, "application/jrd+json",
			[]string{`"subject":"acct:alice@a.test"`}, ""},
		{"webfinger other domain", "http://a.test/.well-known/webfinger?resource=acct:alice@b.test", "", 404, "", nil, ""},
		{"webfinger unknown user", "http://a.test/.well-known/webfinger?resource=acct:nobody@a.test", "", 404, "", nil, ""},
		{"webfinger no resource", "http://a.test/.well-known/webfinger", "", 400, "", nil, ""},
		{"webfinger instance (FEP-d556)", "http://a.test/.well-known/webfinger?resource=http://a.test/", "", 200, "application/jrd+json",
			[]string{`"href":"http://a.test/actor"`}, ""},
		{"webfinger instance acct", "http://a.test/.well-known/webfinger?resource=acct:a.test@a.test", "", 200, "application/jrd+json",
			[]string{`"href":"http://a.test/actor"`, `"rel":"https://www.w3.org/ns/activitystreams#Application"`}, ""},
		{"host-meta", "http://a.test/.well-known/host-meta", "", 200, "application/xrd+xml",
			[]string{`template="http://a.test/.well-known/webfinger?resource={uri}"`}, ""},
		{"nodeinfo links", "http://a.test/.well-known/nodeinfo", "", 200, "application/json",
			[]string{`"href":"http://a.test/nodeinfo/2.1"`, `"rel":"https://www.w3.org/ns/activitystreams#Application","href":"http://a.test/actor"`}, ""},
		{"actor as activity+json", "http://a.test/users/alice", "application/activity+json", 200, "application/activity+json",
			[]string{`"type":"Person"`, `"preferredUsername":"alice"`, `"publicKeyPem":"-----BEGIN PUBLIC KEY-----`,
				`"sharedInbox":"http://a.test/inbox"`, `"https://w3id.org/security/v1"`}, ""},
		{"actor as ld+json", "http://a.test/users/alice", asAccept, 200, "application/activity+json", []string{`"id":"http://a.test/users/alice"`}, ""},
		{"actor for a browser", "http://a.test/users/alice", "text/html,application/xhtml+xml", 303, "", nil, "http://a.test/@alice"},
		{"unknown actor", "http://a.test/users/nobody", "application/activity+json", 404, "", nil, ""},
		{"instance actor", "http://a.test/actor", "application/activity+json", 200, "application/activity+json",
			[]string{`"type":"Application"`, `"id":"http://a.test/actor"`, `"inbox":"http://a.test/actor/inbox"`}, ""},
		{"instance actor not under /users", "http://a.test/users/a.test", "application/activity+json", 404, "", nil, ""},
		{"followers collection", "http://a.test/users/alice/followers", "application/activity+json", 200, "application/activity+json",
			[]string{`"type":"OrderedCollection"`, `"totalItems":0`, `"first":"http://a.test/users/alice/followers?page=true"`}, ""},
		{"outbox collection", "http://a.test/users/alice/outbox", "application/activity+json", 200, "application/activity+json",
			[]string{`"type":"OrderedCollection"`}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := c.get(t, tt.url, tt.accept)
			if resp.StatusCode != tt.code {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.code, body)
			}
			if tt.ctype != "" && !strings.HasPrefix(resp.Header.Get("Content-Type"), tt.ctype) {
				t.Errorf("Content-Type %q, want %s", resp.Header.Get("Content-Type"), tt.ctype)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("body lacks %s:\n%s", w, body)
				}
			}
			if tt.location != "" && resp.Header.Get("Location") != tt.location {
				t.Errorf("Location %q, want %q", resp.Header.Get("Location"), tt.location)
			}
			if strings.HasPrefix(tt.url, "http://a.test/users/") && resp.StatusCode != 404 && resp.Header.Get("Vary") != "Accept" {
				t.Errorf("Vary %q, want Accept", resp.Header.Get("Vary"))
			}
			if tt.ctype == "application/activity+json" {
				var m map[string]any
				if err := json.Unmarshal([]byte(body), &m); err != nil {
					t.Fatalf("not JSON: %v", err)
				}
			}
		})
	}
}
