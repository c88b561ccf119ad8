package storage_test

import (
	"context"
	"slices"
	"testing"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

func TestReports(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		target := f.user("clerk")
		reporter := f.actor("troll", "remote.test")
		st := f.status(target, "minutes")

		r := &activitypub.Report{ID: f.id(), URI: "https://remote.test/flags/1", ReporterID: reporter.ID,
			TargetID: target.ID, StatusIDs: []string{st.ID}, Comment: "spam", Forwarded: true, CreatedAt: f.now}
		must(t, s.CreateReport(ctx, r))
		got, err := s.ReportByURI(ctx, r.URI)
		must(t, err)
		if got.ID != r.ID || got.ReporterID != reporter.ID || got.TargetID != target.ID || got.Comment != "spam" ||
			!got.Forwarded || !slices.Equal(got.StatusIDs, r.StatusIDs) || !got.CreatedAt.Equal(f.now) || got.ResolvedAt != nil {
			t.Fatalf("ReportByURI = %+v, want %+v", got, r)
		}

		tests := []struct {
			name string
			r    *activitypub.Report
			kind activitypub.Kind
		}{
			{"same Flag twice", &activitypub.Report{ID: f.id(), URI: r.URI, ReporterID: reporter.ID, TargetID: target.ID, CreatedAt: f.now}, activitypub.Conflict},
			{"local reports have no URI", &activitypub.Report{ID: f.id(), ReporterID: target.ID, TargetID: reporter.ID, CreatedAt: f.now}, activitypub.Other},
			{"another local report", &activitypub.Report{ID: f.id(), ReporterID: target.ID, TargetID: reporter.ID, CreatedAt: f.now}, activitypub.Other},
			{"unknown target", &activitypub.Report{ID: f.id(), ReporterID: reporter.ID, TargetID: "nobody", CreatedAt: f.now}, activitypub.Invalid},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				err := s.CreateReport(ctx, tc.r)
				if tc.kind == activitypub.Other {
					must(t, err)
					got, err := s.ReportByID(ctx, tc.r.ID)
					must(t, err)
					if got.URI != "" || len(got.StatusIDs) != 0 {
						t.Fatalf("local report = %+v", got)
					}
					return
				}
				wantKind(t, err, tc.kind)
			})
		}
		_, err = s.ReportByURI(ctx, "")
		wantKind(t, err, activitypub.NotFound)
	})
}

func TestAdminActorIDs(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		ids, err := s.AdminActorIDs(ctx)
		must(t, err)
		if len(ids) != 0 {
			t.Fatalf("no users yet, got admins %v", ids)
		}
		f.user("staff")
		var want []string
		for _, name := range []string{"ann", "bob", "gone"} {
			a := f.user(name)
			u, err := s.UserByActorID(ctx, a.ID)
			must(t, err)
			u.Admin = true
			if name == "gone" {
				u.DisabledAt = &f.now // a disabled admin cannot act on a report
			} else {
				want = append(want, a.ID)
			}
			must(t, s.UpdateUser(ctx, u))
		}
		ids, err = s.AdminActorIDs(ctx)
		must(t, err)
		if !slices.Equal(ids, want) {
			t.Fatalf("AdminActorIDs = %v, want %v", ids, want)
		}
	})
}
