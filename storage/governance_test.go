package storage_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

func TestGovernanceStore(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		a := f.user("ann")

		t.Run("invite uses are counted to the limit, atomically", func(t *testing.T) {
			exp := f.now.Add(time.Hour)
			inv := &accounts.Invite{ID: "inv1", CodeHash: "h1", CreatedBy: a.ID, MaxUses: 2, ExpiresAt: &exp, CreatedAt: f.now}
			must(t, s.CreateInvite(ctx, inv))
			must(t, s.UseInvite(ctx, "inv1", f.now))
			must(t, s.UseInvite(ctx, "inv1", f.now))
			if err := s.UseInvite(ctx, "inv1", f.now); !activitypub.IsNotFound(err) {
				t.Errorf("third use: %v", err)
			}
			unlimited := &accounts.Invite{ID: "inv2", CodeHash: "h2", CreatedBy: a.ID, ExpiresAt: &exp, CreatedAt: f.now}
			must(t, s.CreateInvite(ctx, unlimited))
			if err := s.UseInvite(ctx, "inv2", exp); !activitypub.IsNotFound(err) {
				t.Errorf("use at expiry: %v", err)
			}
			must(t, s.RevokeInvite(ctx, "inv2", f.now))
			if err := s.UseInvite(ctx, "inv2", f.now); !activitypub.IsNotFound(err) {
				t.Errorf("use after revoke: %v", err)
			}
			got, err := s.InviteByHash(ctx, "h1")
			must(t, err)
			if got.Uses != 2 || got.MaxUses != 2 {
				t.Errorf("invite %+v", got)
			}
		})

		t.Run("a TOTP step is accepted once", func(t *testing.T) {
			must(t, s.SetTOTP(ctx, &accounts.TOTPState{UserID: a.ID, Secret: "S", LastStep: 10}))
			must(t, s.AdvanceTOTPStep(ctx, a.ID, 11))
			for _, step := range []int64{11, 10} {
				if err := s.AdvanceTOTPStep(ctx, a.ID, step); activitypub.KindOf(err) != activitypub.Conflict {
					t.Errorf("step %d again: %v", step, err)
				}
			}
		})

		t.Run("one-time tokens are taken once", func(t *testing.T) {
			must(t, s.CreateAccountToken(ctx, &accounts.AccountToken{Hash: "t1", UserID: a.ID, Purpose: "reset", ExpiresAt: f.now, CreatedAt: f.now}))
			if _, err := s.TakeAccountToken(ctx, "t1", "confirm"); !activitypub.IsNotFound(err) {
				t.Errorf("token taken for another purpose: %v", err)
			}
			got, err := s.TakeAccountToken(ctx, "t1", "reset")
			if err != nil || got.UserID != a.ID {
				t.Fatalf("take: %+v %v", got, err)
			}
			if _, err := s.TakeAccountToken(ctx, "t1", "reset"); !activitypub.IsNotFound(err) {
				t.Errorf("taken twice: %v", err)
			}
			must(t, s.CreateAccountToken(ctx, &accounts.AccountToken{Hash: "old", UserID: a.ID, Purpose: "confirm", ExpiresAt: f.now, CreatedAt: f.now}))
			must(t, s.CreateAccountToken(ctx, &accounts.AccountToken{Hash: "new", UserID: a.ID, Purpose: "confirm", ExpiresAt: f.now.Add(time.Hour), CreatedAt: f.now}))
			if n, err := s.DeleteExpiredAccountTokens(ctx, f.now.Add(time.Minute)); err != nil || n != 1 {
				t.Errorf("DeleteExpiredAccountTokens = %d, %v; want 1", n, err)
			}
			if _, err := s.TakeAccountToken(ctx, "new", "confirm"); err != nil {
				t.Errorf("live token removed: %v", err)
			}
		})

		t.Run("moderators hear about reports", func(t *testing.T) {
			m := f.user("mod")
			u, err := s.UserByActorID(ctx, m.ID)
			must(t, err)
			u.Role = activitypub.RoleModerator
			must(t, s.UpdateUser(ctx, u))
			ids, err := s.AdminActorIDs(ctx)
			must(t, err)
			if len(ids) != 1 || ids[0] != m.ID {
				t.Errorf("AdminActorIDs = %v", ids)
			}
			got, _ := s.UserByActorID(ctx, m.ID)
			if got.Role != activitypub.RoleModerator || got.Admin {
				t.Errorf("user %+v", got)
			}
		})

		t.Run("the audit log refuses UPDATE and DELETE", func(t *testing.T) {
			must(t, s.AppendAudit(ctx, &activitypub.AuditEntry{ID: "a1", ActorID: a.ID, ActorName: "ann", Action: "x", CreatedAt: f.now}))
			for _, q := range []string{`UPDATE audit_log SET action = 'y'`, `DELETE FROM audit_log WHERE id = 'a1'`} {
				if _, err := s.DB().ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
					t.Errorf("%s: %v", q, err)
				}
			}
			log, err := s.AuditLog(ctx, activitypub.Page{})
			must(t, err)
			if len(log) != 1 || log[0].Action != "x" {
				t.Errorf("log %+v", log)
			}
		})
	})
}
