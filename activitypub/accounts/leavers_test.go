package accounts_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	ap "github.com/guildhall/guildhall/activitypub"
)

func TestSuspendEndsAccessAtOnce(t *testing.T) {
	eachGovWorld(t, func(t *testing.T, g *govWorld) {
		zoe := g.user("zoe")
		_, sess, _, err := g.acc.SignIn(g.ctx, "zoe", pw, "ip", "ua")
		if err != nil {
			t.Fatal(err)
		}
		tok, _, err := g.acc.IssueToken(g.ctx, zoe.Actor.ID, "", []string{"read"})
		if err != nil {
			t.Fatal(err)
		}
		mod := g.staff("mo", ap.RoleModerator)
		if _, err := g.acc.SuspendAccount(g.ctx, mod, zoe.Actor.ID, "left the council"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := g.acc.SessionAccount(g.ctx, sess); err == nil {
			t.Error("session still valid after suspension")
		}
		if _, _, err := g.acc.TokenAccount(g.ctx, tok); err == nil {
			t.Error("token still valid after suspension")
		}
		if n, _ := g.store.CountUsers(g.ctx); n == 0 {
			t.Fatal("no users")
		}
		// The token is revoked, not merely refused while suspended: lifting the suspension does
		// not bring it back.
		if _, err := g.acc.UnsuspendAccount(g.ctx, mod, zoe.Actor.ID, "rehired"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := g.acc.TokenAccount(g.ctx, tok); err == nil {
			t.Error("token came back after unsuspension")
		}
		if _, _, err := g.acc.SessionAccount(g.ctx, sess); err == nil {
			t.Error("session came back after unsuspension")
		}
		if _, _, _, err := g.acc.SignIn(g.ctx, "zoe", pw, "ip", "ua"); err != nil {
			t.Errorf("sign-in after unsuspension: %v", err)
		}
		log, _ := g.mod.AuditLog(g.ctx, g.owner, ap.Page{})
		if len(log) < 2 || log[0].Action != "account.unsuspend" || log[1].Action != "account.suspend" || log[1].Reason != "left the council" || log[1].ActorName != "mo" {
			t.Errorf("audit %+v %+v", log[0], log[1])
		}
	})
}

func TestDeleteAccountFederatesDelete(t *testing.T) {
	eachGovWorld(t, func(t *testing.T, g *govWorld) {
		zoe := g.user("zoe")
		fan := g.remote("fan", "elsewhere.test")
		if err := g.store.CreateFollow(g.ctx, &ap.Follow{ID: g.svc.NewID(), URI: fan.URI + "#f", FollowerID: fan.ID,
			FolloweeID: zoe.Actor.ID, State: ap.FollowAccepted, CreatedAt: g.svc.Now()}); err != nil {
			t.Fatal(err)
		}
		_, sess, _, _ := g.acc.SignIn(g.ctx, "zoe", pw, "ip", "ua")
		before := len(g.outbox())
		if err := g.acc.DeleteAccount(g.ctx, g.owner, zoe.Actor.ID, "leaver"); err != nil {
			t.Fatal(err)
		}
		items := g.outbox()
		if len(items) != before+1 {
			t.Fatalf("outbox grew by %d, want 1", len(items)-before)
		}
		a := items[len(items)-1].Activity
		if a.Type != "Delete" || a.Object != zoe.Actor.URI || a.Actor != zoe.Actor.URI || !contains(a.Cc, zoe.Actor.FollowersURI) {
			t.Errorf("activity %+v", a)
		}
		if _, _, err := g.acc.SessionAccount(g.ctx, sess); err == nil {
			t.Error("session survived deletion")
		}
		got, _ := g.store.ActorByID(g.ctx, zoe.Actor.ID)
		if got.DeletedAt == nil || got.DisplayName != "" {
			t.Errorf("actor after deletion %+v", got)
		}
		wantKind(t, g.acc.DeleteAccount(g.ctx, g.owner, zoe.Actor.ID, ""), ap.Gone, "deleting twice")
		// The username stays taken, so nobody inherits the old identity's followers.
		_, err := g.acc.CreateAccount(g.ctx, g.owner, ap.NewUser{Username: "zoe", Email: "new@council.test", Password: pw}, "")
		wantKind(t, err, ap.Conflict, "re-using a deleted username")
	})
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	eachGovWorld(t, func(t *testing.T, g *govWorld) {
		zoe := g.user("zoe")
		if _, err := g.acc.SuspendAccount(g.ctx, g.owner, zoe.Actor.ID, "=HYPERLINK(\"http://evil.test\")"); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{`UPDATE audit_log SET reason = 'nothing happened'`, `DELETE FROM audit_log`} {
			if _, err := g.store.DB().ExecContext(g.ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: %v; want the database to refuse", q, err)
			}
		}
		var buf bytes.Buffer
		if err := g.mod.ExportAuditCSV(g.ctx, g.owner, &buf); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) < 2 || rows[0][4] != "action" {
			t.Fatalf("csv %q", rows)
		}
		var found bool
		for _, r := range rows[1:] {
			if r[4] == "account.suspend" {
				found = true
				if r[3] != "owner" || r[7] != "zoe" || r[8] != `'=HYPERLINK("http://evil.test")` {
					t.Errorf("row %q (reason must be defused against spreadsheet formulas)", r)
				}
			}
		}
		if !found {
			t.Errorf("suspension not exported: %q", rows)
		}
		member := g.user("mem")
		wantKind(t, g.mod.ExportAuditCSV(g.ctx, member, &buf), ap.Forbidden, "member exports audit")
	})
}
