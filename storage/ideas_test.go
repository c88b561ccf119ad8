package storage_test

import (
	"context"
	"slices"
	"testing"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/ideas"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// idea creates a status of kind idea by author, with favourites votes.
func (f *fixtures) idea(author *activitypub.Actor, title string, votes int) *activitypub.Status {
	f.t.Helper()
	st := f.newStatus(author, title)
	st.Kind, st.Title = activitypub.KindIdea, title
	must(f.t, f.s.CreateStatus(context.Background(), st))
	if votes > 0 {
		must(f.t, f.s.AdjustStatusCounts(context.Background(), st.ID, 0, 0, votes))
	}
	return st
}

func TestIdeaRowsHistoryAndAdoptions(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		ann := f.user("ann")
		st := f.idea(ann, "Shared gritting rota", 0)

		_, err := s.IdeaByStatus(ctx, st.ID)
		wantKind(t, err, activitypub.NotFound)
		row := &ideas.Idea{StatusID: st.ID, State: ideas.Proposed, Body: "<p>b</p>", CreatedAt: f.now, UpdatedAt: f.now}
		must(t, s.CreateIdea(ctx, row))
		wantKind(t, s.CreateIdea(ctx, row), activitypub.Conflict)
		row.State, row.Reason, row.DeclaredAdoptedBy = ideas.Declined, "no budget", []string{"b.test"}
		must(t, s.SaveIdea(ctx, row))
		got, err := s.IdeaByStatus(ctx, st.ID)
		must(t, err)
		if got.State != ideas.Declined || got.Reason != "no budget" || got.Body != "<p>b</p>" || !slices.Equal(got.DeclaredAdoptedBy, []string{"b.test"}) {
			t.Fatalf("idea read back %+v", got)
		}
		if err := s.SaveIdea(ctx, &ideas.Idea{StatusID: st.ID, State: "shelved", CreatedAt: f.now, UpdatedAt: f.now}); err == nil {
			t.Fatal("a state outside the lifecycle was stored")
		}

		for _, c := range []ideas.State{ideas.UnderReview, ideas.Declined} {
			must(t, s.AddIdeaChange(ctx, &ideas.Change{ID: f.id(), StatusID: st.ID, State: c, ActorID: ann.ID, CreatedAt: f.now}))
		}
		changes, err := s.IdeaChanges(ctx, st.ID)
		must(t, err)
		if len(changes) != 2 || changes[0].State != ideas.UnderReview || changes[1].State != ideas.Declined || changes[0].ActorID != ann.ID {
			t.Fatalf("history %+v", changes)
		}

		for _, tc := range []struct {
			domain string
			want   bool
		}{{"b.test", true}, {"c.test", true}, {"b.test", false}} {
			added, err := s.AddIdeaAdoption(ctx, &ideas.Adoption{StatusID: st.ID, Domain: tc.domain, ActivityURI: "https://" + tc.domain + "/x/" + f.id(), CreatedAt: f.now})
			must(t, err)
			if added != tc.want {
				t.Fatalf("adoption by %s: added = %v, want %v", tc.domain, added, tc.want)
			}
		}
		ads, err := s.IdeaAdoptions(ctx, st.ID)
		must(t, err)
		if len(ads) != 2 || ads[0].Domain != "b.test" || ads[1].Domain != "c.test" {
			t.Fatalf("adoptions %+v", ads)
		}
		other := f.idea(ann, "No row yet", 0)
		rows, err := s.IdeasByStatuses(ctx, []string{st.ID, other.ID})
		must(t, err)
		if len(rows) != 1 || rows[st.ID].State != ideas.Declined {
			t.Fatalf("IdeasByStatuses = %+v", rows)
		}
		byIdea, err := s.IdeaAdoptionsOf(ctx, []string{st.ID, other.ID})
		must(t, err)
		if len(byIdea[st.ID]) != 2 || len(byIdea[other.ID]) != 0 {
			t.Fatalf("IdeaAdoptionsOf = %+v", byIdea)
		}
	})
}

func TestListIdeas(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		ann := f.user("ann")
		grp := f.groupActor("roads", "", "")
		old := f.idea(ann, "Old", 5)
		mid := f.idea(ann, "Mid", 9)
		newer := f.idea(ann, "New", 1)
		post := f.status(ann, "not an idea")
		_ = post
		must(t, s.SetStatusGroup(ctx, mid.ID, grp.ID))
		must(t, s.SaveIdea(ctx, &ideas.Idea{StatusID: old.ID, State: ideas.Planned, CreatedAt: f.now, UpdatedAt: f.now}))
		must(t, s.SaveIdea(ctx, &ideas.Idea{StatusID: newer.ID, State: ideas.Declined, Reason: "r", CreatedAt: f.now, UpdatedAt: f.now}))
		remote := f.actor("bob", "b.test")
		rst := f.status(remote, "remote post")
		must(t, s.SetStatusKind(ctx, rst.ID, activitypub.KindIdea))

		for _, tc := range []struct {
			name string
			q    ideas.Query
			want []string
		}{
			{"newest", ideas.Query{Sort: ideas.ByNewest}, []string{rst.ID, newer.ID, mid.ID, old.ID}},
			{"newest paged", ideas.Query{Sort: ideas.ByNewest, MaxID: mid.ID}, []string{old.ID}},
			{"votes", ideas.Query{Sort: ideas.ByVotes}, []string{mid.ID, old.ID, newer.ID, rst.ID}},
			{"status", ideas.Query{Sort: ideas.ByStatus}, []string{rst.ID, mid.ID, old.ID, newer.ID}},
			{"proposed (no row)", ideas.Query{State: ideas.Proposed}, []string{rst.ID, mid.ID}},
			{"planned", ideas.Query{State: ideas.Planned}, []string{old.ID}},
			{"in a group", ideas.Query{GroupID: grp.ID}, []string{mid.ID}},
			{"limit", ideas.Query{Sort: ideas.ByVotes, Limit: 1}, []string{mid.ID}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := s.ListIdeas(ctx, tc.q)
				must(t, err)
				var ids []string
				for _, st := range got {
					ids = append(ids, st.ID)
				}
				if !slices.Equal(ids, tc.want) {
					t.Fatalf("ids = %v, want %v", ids, tc.want)
				}
			})
		}
		wantKind(t, s.SetStatusKind(ctx, "nope", activitypub.KindIdea), activitypub.NotFound)
		for _, tc := range []struct {
			group string
			want  map[ideas.State]int
		}{
			{"", map[ideas.State]int{ideas.Proposed: 2, ideas.Planned: 1, ideas.Declined: 1}},
			{grp.ID, map[ideas.State]int{ideas.Proposed: 1}},
		} {
			got, err := s.IdeaStateCounts(ctx, tc.group)
			must(t, err)
			if len(got) != len(tc.want) {
				t.Fatalf("counts in %q = %v, want %v", tc.group, got, tc.want)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Fatalf("counts in %q = %v, want %v", tc.group, got, tc.want)
				}
			}
		}
	})
}
