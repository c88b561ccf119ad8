package federation_test

import (
	"context"
	"strings"
	"testing"

	"github.com/guildhall/guildhall/activitypub/groups"
	"github.com/guildhall/guildhall/storage"
)

// TestGroupPartnersPostDocuments: a post in a partners group is served, as a document, only to
// its partners: a partner's signed fetch gets it, a non-partner's signed fetch and an anonymous
// GET get 404 (as for any post one may not see), and the author's outbox leaves it out for them
// while listing the author's other posts.
func TestGroupPartnersPostDocuments(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) *storage.Store) {
		c := newCluster(t, open, "a.test", "b.test", "c.test")
		a, b, cc := c.in["a.test"], c.in["b.test"], c.in["c.test"]
		ctx := context.Background()
		alice := a.user(t, "alice", false)
		g := newGroup(t, a, alice, "partners_only", groups.Open, groups.Partners)
		openGroup := newGroup(t, a, alice, "open_to_all", groups.Open, groups.Federated)
		if err := a.grp.AddPartner(ctx, "b.test"); err != nil {
			t.Fatal(err)
		}
		inPartners, err := a.grp.Post(ctx, alice, g.Actor.ID, groups.PostInput{Text: "Draft budget for partners"})
		if err != nil {
			t.Fatal(err)
		}
		inOpen, err := a.grp.Post(ctx, alice, openGroup.Actor.ID, groups.PostInput{Text: "Open meetup"})
		if err != nil {
			t.Fatal(err)
		}
		c.settle(t)

		for _, tc := range []struct {
			name string
			in   *instance
			want bool
		}{{"partner", b, true}, {"non-partner", cc, false}} {
			t.Run(tc.name, func(t *testing.T) {
				o, err := tc.in.fed.Resolver().FetchObject(ctx, inPartners.URI)
				if got := err == nil && o.ID == inPartners.URI; got != tc.want {
					t.Fatalf("signed fetch by %s: %v (err %v), want served %v", tc.in.name, got, err, tc.want)
				}
				if _, err := tc.in.fed.Resolver().FetchObject(ctx, inOpen.URI); err != nil {
					t.Fatalf("a post in a federated group refused to %s: %v", tc.in.name, err)
				}
			})
		}
		for _, uri := range []string{inPartners.URI, inPartners.URI + "/activity", inPartners.ContextURI} {
			if resp, _ := c.get(t, uri, "application/activity+json"); resp.StatusCode != 404 {
				t.Errorf("anonymous GET %s: %d, want 404", uri, resp.StatusCode)
			}
		}
		resp, body := c.get(t, alice.Actor.Outbox+"?page=true", "application/activity+json")
		if resp.StatusCode != 200 || strings.Contains(body, inPartners.URI) || !strings.Contains(body, inOpen.URI) {
			t.Fatalf("anonymous outbox page %d lists the partners post %v, the open one %v",
				resp.StatusCode, strings.Contains(body, inPartners.URI), strings.Contains(body, inOpen.URI))
		}
		if cc := resp.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "public") {
			t.Errorf("anonymous outbox Cache-Control %q", cc)
		}
	})
}
