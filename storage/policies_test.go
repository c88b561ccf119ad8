package storage_test

import (
	"context"
	"slices"
	"testing"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

func TestDomainPolicies(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		list, err := s.DomainPolicies(ctx)
		must(t, err)
		if len(list) != 0 {
			t.Fatalf("fresh store has policies %v", list)
		}
		must(t, s.SetDomainPolicy(ctx, activitypub.DomainPolicy{Domain: "spam.example", Policy: "block", Reason: "spam", CreatedAt: f.now}))
		must(t, s.SetDomainPolicy(ctx, activitypub.DomainPolicy{Domain: "council.example", Policy: "allow", CreatedAt: f.now}))
		// An upsert replaces the policy, reason and time.
		later := f.now.Add(3e9)
		must(t, s.SetDomainPolicy(ctx, activitypub.DomainPolicy{Domain: "spam.example", Policy: "allow", Reason: "appealed", CreatedAt: later}))
		p, err := s.DomainPolicy(ctx, "spam.example")
		must(t, err)
		if p.Policy != "allow" || p.Reason != "appealed" || !p.CreatedAt.Equal(later) {
			t.Fatalf("after upsert: %+v", p)
		}
		list, err = s.DomainPolicies(ctx)
		must(t, err)
		if len(list) != 2 || list[0].Domain != "council.example" || list[1].Domain != "spam.example" {
			t.Fatalf("DomainPolicies = %+v, want council.example then spam.example", list)
		}
		err = s.SetDomainPolicy(ctx, activitypub.DomainPolicy{Domain: "x.example", Policy: "limit", CreatedAt: f.now})
		if err == nil {
			t.Fatal("a policy other than allow or block was stored")
		}
		must(t, s.DeleteDomainPolicy(ctx, "spam.example"))
		wantKind(t, s.DeleteDomainPolicy(ctx, "spam.example"), activitypub.NotFound)
		_, err = s.DomainPolicy(ctx, "spam.example")
		wantKind(t, err, activitypub.NotFound)
	})
}

func TestActorsAndFollowsOfDomain(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		alice := f.user("alice")
		apex := f.actor("apex", "bad.example")
		sub := f.actor("sub", "social.bad.example")
		port := f.actor("port", "bad.example:8443")
		near := f.actor("near", "notbad.example") // shares a suffix but is not a subdomain
		f.actor("under", "bad_example")           // LIKE's _ must not match the dot
		other := f.actor("other", "good.example")
		follow := func(from, to *activitypub.Actor) *activitypub.Follow {
			fl := &activitypub.Follow{ID: f.id(), FollowerID: from.ID, FolloweeID: to.ID, State: activitypub.FollowAccepted, CreatedAt: f.now}
			must(t, s.CreateFollow(ctx, fl))
			return fl
		}
		out := follow(alice, sub)
		in := follow(apex, alice)
		fine := f.actor("fine", "fine.example")
		third := follow(alice, fine)

		tests := []struct {
			domain string
			actors []string
			follow []string
		}{
			{"bad.example", []string{apex.ID, sub.ID, port.ID}, []string{out.ID, in.ID}},
			{"social.bad.example", []string{sub.ID}, []string{out.ID}},
			{"example", []string{apex.ID, sub.ID, port.ID, near.ID, other.ID, fine.ID}, []string{out.ID, in.ID, third.ID}},
			{"unknown.example", nil, nil},
		}
		for _, tc := range tests {
			t.Run(tc.domain, func(t *testing.T) {
				actors, err := s.RemoteActorsOfDomain(ctx, tc.domain)
				must(t, err)
				var ids []string
				for _, a := range actors {
					ids = append(ids, a.ID)
				}
				slices.Sort(tc.actors)
				if !slices.Equal(ids, tc.actors) {
					t.Errorf("RemoteActorsOfDomain = %v, want %v", ids, tc.actors)
				}
				follows, err := s.FollowsOfDomain(ctx, tc.domain)
				must(t, err)
				ids = nil
				for _, fl := range follows {
					ids = append(ids, fl.ID)
				}
				slices.Sort(tc.follow)
				if !slices.Equal(ids, tc.follow) {
					t.Errorf("FollowsOfDomain = %v, want %v", ids, tc.follow)
				}
			})
		}
	})
}
