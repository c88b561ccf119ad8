package storage_test

import (
	"context"
	"testing"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/groups"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// groupActor creates an actor of kind Group.
func (f *fixtures) groupActor(username, domain, summary string) *activitypub.Actor {
	f.t.Helper()
	a := f.actor(username, "")
	if domain != "" {
		a = f.actor(username, domain)
	}
	a.Kind, a.Summary = activitypub.KindGroup, summary
	must(f.t, f.s.UpdateActor(context.Background(), a))
	return a
}

func TestGroupSettingsAndDirectory(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		web := f.groupActor("web_managers", "", "<p>Websites and cookie banners</p>")
		roads := f.groupActor("highways", "", "<p>Drainage and gritting</p>")
		remote := f.groupActor("drainage", "lemmy.example", "<p>Gullies</p>")
		f.user("ann")

		set := &groups.Settings{ActorID: web.ID, Rules: "Be kind", Membership: groups.Approval, Reach: groups.Partners,
			CreatedAt: f.now, UpdatedAt: f.now}
		must(t, s.CreateGroupSettings(ctx, set))
		wantKind(t, s.CreateGroupSettings(ctx, set), activitypub.Conflict)
		bad := &groups.Settings{ActorID: roads.ID, Membership: "secret", Reach: groups.Federated, CreatedAt: f.now, UpdatedAt: f.now}
		if err := s.CreateGroupSettings(ctx, bad); err == nil {
			t.Fatal("a membership mode other than open, approval or invite was stored")
		}
		set.Rules, set.Reach = "Be kinder", groups.Internal
		must(t, s.UpdateGroupSettings(ctx, set))
		got, err := s.GroupSettings(ctx, web.ID)
		must(t, err)
		if got.Rules != "Be kinder" || got.Reach != groups.Internal || got.Membership != groups.Approval {
			t.Fatalf("settings read back %+v", got)
		}
		_, err = s.GroupSettings(ctx, roads.ID)
		wantKind(t, err, activitypub.NotFound)

		for _, tc := range []struct {
			query  string
			remote bool
			want   []string
		}{
			{"", false, []string{roads.ID, web.ID}},
			{"COOKIE", false, []string{web.ID}},
			{"gritting", false, []string{roads.ID}},
			{"100%", false, nil},
			{"", true, []string{remote.ID}},
		} {
			list := s.LocalGroups
			if tc.remote {
				list = s.RemoteGroups
			}
			as, err := list(ctx, tc.query, activitypub.Page{Limit: 10})
			must(t, err)
			var ids []string
			for _, a := range as {
				ids = append(ids, a.ID)
			}
			if len(ids) != len(tc.want) || (len(ids) > 0 && ids[0] != tc.want[0]) {
				t.Errorf("directory %q remote=%v: %v, want %v", tc.query, tc.remote, ids, tc.want)
			}
		}
	})
}

func TestGroupRolesPartnersAndPosts(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		g := f.groupActor("web_managers", "", "")
		ann, bob := f.user("ann"), f.actor("bob", "b.example")

		must(t, s.SetGroupRole(ctx, &groups.RoleHolder{GroupID: g.ID, ActorID: ann.ID, Role: groups.Owner, CreatedAt: f.now}))
		must(t, s.SetGroupRole(ctx, &groups.RoleHolder{GroupID: g.ID, ActorID: bob.ID, Role: groups.Moderator, CreatedAt: f.now.Add(1e6)}))
		must(t, s.SetGroupRole(ctx, &groups.RoleHolder{GroupID: g.ID, ActorID: bob.ID, Role: groups.Owner, CreatedAt: f.now}))
		roles, err := s.GroupRoles(ctx, g.ID)
		must(t, err)
		if len(roles) != 2 || roles[1].ActorID != bob.ID || roles[1].Role != groups.Owner {
			t.Fatalf("roles %+v, want ann then bob, bob now owner", roles)
		}
		must(t, s.DeleteGroupRole(ctx, g.ID, bob.ID))
		if roles, _ = s.GroupRoles(ctx, g.ID); len(roles) != 1 {
			t.Fatalf("after removal: %+v", roles)
		}

		must(t, s.AddPartnerDomain(ctx, "Council-B.example", f.now))
		must(t, s.AddPartnerDomain(ctx, "council-b.example", f.now))
		must(t, s.AddPartnerDomain(ctx, "a.example", f.now))
		ps, err := s.PartnerDomains(ctx)
		must(t, err)
		if len(ps) != 2 || ps[0] != "a.example" || ps[1] != "council-b.example" {
			t.Fatalf("partners %v", ps)
		}
		must(t, s.DeletePartnerDomain(ctx, "A.EXAMPLE"))
		if ps, _ = s.PartnerDomains(ctx); len(ps) != 1 {
			t.Fatalf("after removal: %v", ps)
		}

		st1, st2 := f.status(bob, "one"), f.status(bob, "two")
		p := &groups.Post{GroupID: g.ID, StatusID: st1.ID, CreateURI: st1.URI + "/activity", CreatedAt: f.now}
		fresh, err := s.AddGroupPost(ctx, p)
		must(t, err)
		again, err := s.AddGroupPost(ctx, p)
		must(t, err)
		if !fresh || again {
			t.Fatalf("AddGroupPost fresh=%v then %v, want true then false", fresh, again)
		}
		_, err = s.AddGroupPost(ctx, &groups.Post{GroupID: g.ID, StatusID: st2.ID, CreatedAt: f.now})
		must(t, err)
		p.Pinned, p.Locked = true, true
		must(t, s.UpdateGroupPost(ctx, p))
		pinned, err := s.GroupPosts(ctx, g.ID, true, activitypub.Page{Limit: 10})
		must(t, err)
		if len(pinned) != 1 || pinned[0].StatusID != st1.ID || !pinned[0].Locked {
			t.Fatalf("pinned posts %+v", pinned)
		}
		removed := f.now
		p.RemovedAt = &removed
		must(t, s.UpdateGroupPost(ctx, p))
		all, err := s.GroupPosts(ctx, g.ID, false, activitypub.Page{Limit: 10})
		must(t, err)
		if len(all) != 1 || all[0].StatusID != st2.ID {
			t.Fatalf("posts after a removal %+v, want only the second", all)
		}
		by, err := s.GroupPostsByStatus(ctx, st1.ID)
		must(t, err)
		if len(by) != 1 || by[0].RemovedAt == nil {
			t.Fatalf("GroupPostsByStatus %+v", by)
		}
		must(t, s.SetStatusGroup(ctx, st2.ID, g.ID))
		st, err := s.StatusByID(ctx, st2.ID)
		must(t, err)
		if st.GroupID != g.ID {
			t.Fatalf("status group %q", st.GroupID)
		}
	})
}
