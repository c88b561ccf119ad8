package federation_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/storage"
)

// TestExpertiseFederates: role, team and skills set on a.test are published as PropertyValues of
// the actor; b.test lists the person in its directory once it knows them, and an Update of the
// profile changes that listing. A person who opts out of discovery drops out of b.test's directory.
func TestExpertiseFederates(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) *storage.Store) {
		c := newCluster(t, open, "a.test", "b.test")
		a, b := c.in["a.test"], c.in["b.test"]
		ctx := context.Background()
		alice := a.user(t, "alice", false)
		bob := b.user(t, "bob", false)
		if _, err := a.svc.UpdateProfile(ctx, alice, ap.ProfileInput{Expertise: &ap.Expertise{Role: "Planning officer",
			Team: "Development", Skills: []string{"GIS", "Planning law"}}}); err != nil {
			t.Fatal(err)
		}
		resp, body := c.get(t, alice.Actor.URI, asAccept)
		if resp.StatusCode != 200 || !strings.Contains(body, `{"name":"Skills","type":"PropertyValue","value":"GIS, Planning law"}`) {
			t.Fatalf("actor document (%d) lacks the Skills PropertyValue: %s", resp.StatusCode, body)
		}
		follow(t, c, b, bob, "alice", "a.test")
		listed := func(q ap.DirectoryQuery) []ap.DirectoryEntry {
			t.Helper()
			es, err := b.svc.Directory(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			return es
		}
		es := listed(ap.DirectoryQuery{Skill: "gis"})
		if len(es) != 1 || es[0].Actor.URI != alice.Actor.URI || es[0].Expertise.Role != "Planning officer" ||
			!slices.Equal(es[0].Expertise.Skills, []string{"GIS", "Planning law"}) {
			t.Fatalf("b.test's directory: %+v", es)
		}
		if _, err := a.svc.UpdateProfile(ctx, alice, ap.ProfileInput{Expertise: &ap.Expertise{Role: "Planning officer",
			Skills: []string{"Highways"}}}); err != nil {
			t.Fatal(err)
		}
		a.fed.Notify()
		c.settle(t)
		if es := listed(ap.DirectoryQuery{Skill: "gis"}); len(es) != 0 {
			t.Errorf("an old skill is still listed after the Update: %+v", es)
		}
		if es := listed(ap.DirectoryQuery{Skill: "highways", Scope: "remote"}); len(es) != 1 {
			t.Errorf("the new skill is not listed: %+v", es)
		}
		no := false
		if _, err := a.svc.UpdateProfile(ctx, alice, ap.ProfileInput{Discoverable: &no}); err != nil {
			t.Fatal(err)
		}
		a.fed.Notify()
		c.settle(t)
		if es := listed(ap.DirectoryQuery{Skill: "highways"}); len(es) != 0 {
			t.Errorf("listed after opting out of discovery: %+v", es)
		}
	})
}
