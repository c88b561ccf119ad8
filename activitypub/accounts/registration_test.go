package accounts_test

import (
	"strings"
	"testing"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
)

const pw = "a long enough password"

func TestRegistrationClosed(t *testing.T) {
	eachGovWorld(t, func(t *testing.T, g *govWorld) {
		before := g.users()
		_, err := g.acc.Register(g.ctx, accounts.SignUp{Username: "zoe", Email: "zoe@devon.gov.uk", Password: pw})
		wantKind(t, err, ap.Forbidden, "sign-up on a closed instance")
		if !strings.Contains(err.Error(), "closed") {
			t.Errorf("refusal does not say why: %v", err)
		}
		if g.users() != before {
			t.Error("an account was created")
		}
		// The way in: an administrator creates the account, recorded in the audit log.
		acct, err := g.acc.CreateAccount(g.ctx, g.owner, ap.NewUser{Username: "zoe", Email: "zoe@devon.gov.uk", Password: pw}, "new starter")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := g.acc.SignIn(g.ctx, "zoe", pw, "ip", "ua"); err != nil {
			t.Fatalf("created account cannot sign in: %v", err)
		}
		log, _ := g.mod.AuditLog(g.ctx, g.owner, ap.Page{})
		if len(log) == 0 || log[0].Action != "account.create" || log[0].TargetID != acct.Actor.ID || log[0].Reason != "new starter" {
			t.Errorf("audit log %+v", log)
		}
	})
}

func TestRegistrationApproval(t *testing.T) {
	eachGovWorld(t, func(t *testing.T, g *govWorld) {
		g.setPolicy(accounts.RegistrationPolicy{Mode: accounts.RegistrationApproval})
		res, err := g.acc.Register(g.ctx, accounts.SignUp{Username: "zoe", Email: "zoe@devon.gov.uk", Password: pw, Reason: "I run the libraries team"})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Pending || res.Unconfirmed {
			t.Fatalf("result %+v; want pending", res)
		}
		_, _, _, err = g.acc.SignIn(g.ctx, "zoe", pw, "ip", "ua")
		wantKind(t, err, ap.Forbidden, "sign-in while pending")
		if !strings.Contains(err.Error(), "approval") {
			t.Errorf("refusal does not say why: %v", err)
		}
		queue, err := g.acc.PendingAccounts(g.ctx, g.owner, ap.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if len(queue) != 1 || queue[0].Actor.ID != res.Account.Actor.ID || queue[0].User.Reason != "I run the libraries team" {
			t.Fatalf("queue %+v", queue)
		}
		if _, err := g.acc.ApproveAccount(g.ctx, g.owner, res.Account.Actor.ID, "known to HR"); err != nil {
			t.Fatal(err)
		}
		m := g.smtp.Next(t)
		if m.To != "zoe@devon.gov.uk" || !strings.Contains(m.Subject, "approved") {
			t.Errorf("approval notice %q to %q", m.Subject, m.To)
		}
		if _, _, _, err := g.acc.SignIn(g.ctx, "zoe", pw, "ip", "ua"); err != nil {
			t.Fatalf("approved account cannot sign in: %v", err)
		}
		if q, _ := g.acc.PendingAccounts(g.ctx, g.owner, ap.Page{}); len(q) != 0 {
			t.Errorf("queue still has %d", len(q))
		}
		_, err = g.acc.ApproveAccount(g.ctx, g.owner, res.Account.Actor.ID, "")
		wantKind(t, err, ap.Conflict, "approving twice")

		// Reject: the account goes, the decision stays in the log.
		res2, err := g.acc.Register(g.ctx, accounts.SignUp{Username: "spam", Email: "spam@example.test", Password: pw})
		if err != nil {
			t.Fatal(err)
		}
		before := g.users()
		if err := g.acc.RejectAccount(g.ctx, g.owner, res2.Account.Actor.ID, "not staff"); err != nil {
			t.Fatal(err)
		}
		if g.users() != before-1 {
			t.Error("rejected account still there")
		}
		if m := g.smtp.Next(t); m.To != "spam@example.test" || !strings.Contains(m.Subject, "not accepted") {
			t.Errorf("rejection notice %q to %q", m.Subject, m.To)
		}
		log, _ := g.mod.AuditLog(g.ctx, g.owner, ap.Page{})
		if log[0].Action != "account.reject" || log[0].TargetName != "spam" || log[0].Reason != "not staff" || log[0].ActorName != "owner" {
			t.Errorf("audit %+v", log[0])
		}
		// Members cannot see or work the queue.
		member := g.user("member")
		_, err = g.acc.PendingAccounts(g.ctx, member, ap.Page{})
		wantKind(t, err, ap.Forbidden, "member reads queue")
	})
}

func TestRegistrationOpenToDomains(t *testing.T) {
	eachGovWorld(t, func(t *testing.T, g *govWorld) {
		err := g.acc.SetRegistrationPolicy(g.ctx, g.owner, accounts.RegistrationPolicy{Mode: accounts.RegistrationOpen}, "")
		wantKind(t, err, ap.Invalid, "open without domains")
		g.setPolicy(accounts.RegistrationPolicy{Mode: accounts.RegistrationOpen, Domains: []string{"@Devon.gov.uk", "torbay.gov.uk"}})

		before := g.users()
		for _, email := range []string{"zoe@gmail.test", "zoe@devon.gov.uk.evil.test", "zoe@notdevon.gov.uk"} {
			_, err := g.acc.Register(g.ctx, accounts.SignUp{Username: "zoe", Email: email, Password: pw})
			wantKind(t, err, ap.Forbidden, "sign-up from "+email)
			if !strings.Contains(err.Error(), "devon.gov.uk") {
				t.Errorf("refusal does not name the allowed domains: %v", err)
			}
		}
		if g.users() != before || g.smtp.Count() != 0 {
			t.Fatal("a refused sign-up created an account or sent mail")
		}
		res, err := g.acc.Register(g.ctx, accounts.SignUp{Username: "zoe", Email: "Zoe@DEVON.gov.uk", Password: pw})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Unconfirmed || res.Pending || res.MailErr != nil {
			t.Fatalf("result %+v", res)
		}
		_, _, _, err = g.acc.SignIn(g.ctx, "zoe", pw, "ip", "ua")
		wantKind(t, err, ap.Forbidden, "sign-in before confirming")
		m := g.smtp.Next(t)
		if m.To != "Zoe@DEVON.gov.uk" {
			t.Errorf("mail to %q", m.To)
		}
		tok := tokenOf(t, m.Link(t, "https://council.test/auth/confirm?token="))
		_, err = g.acc.ConfirmEmail(g.ctx, tok+"x")
		wantKind(t, err, ap.Invalid, "tampered confirmation token")
		if _, err := g.acc.ConfirmEmail(g.ctx, tok); err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := g.acc.SignIn(g.ctx, "zoe", pw, "ip", "ua"); err != nil {
			t.Fatalf("confirmed account cannot sign in: %v", err)
		}
		_, err = g.acc.ConfirmEmail(g.ctx, tok)
		wantKind(t, err, ap.Invalid, "confirmation link used twice")

		// An expired link does not work; a new one can be asked for.
		_, err = g.acc.Register(g.ctx, accounts.SignUp{Username: "tom", Email: "tom@torbay.gov.uk", Password: pw})
		if err != nil {
			t.Fatal(err)
		}
		old := tokenOf(t, g.smtp.Next(t).Link(t, "/auth/confirm"))
		g.advance(49 * time.Hour)
		_, err = g.acc.ConfirmEmail(g.ctx, old)
		wantKind(t, err, ap.Invalid, "expired confirmation link")
		if err := g.acc.ResendConfirmation(g.ctx, "tom@torbay.gov.uk"); err != nil {
			t.Fatal(err)
		}
		if _, err := g.acc.ConfirmEmail(g.ctx, tokenOf(t, g.smtp.Next(t).Link(t, "/auth/confirm"))); err != nil {
			t.Fatal(err)
		}
	})
}

func TestInvites(t *testing.T) {
	eachGovWorld(t, func(t *testing.T, g *govWorld) {
		g.setPolicy(accounts.RegistrationPolicy{Mode: accounts.RegistrationInvite})
		before := g.users()
		_, err := g.acc.Register(g.ctx, accounts.SignUp{Username: "zoe", Email: "zoe@x.test", Password: pw})
		wantKind(t, err, ap.Forbidden, "sign-up without invitation")

		single, _, err := g.acc.CreateInvite(g.ctx, g.owner, 1, 7*24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if link := g.acc.InviteLink(single); !strings.HasPrefix(link, "https://council.test/auth/signup?token=") {
			t.Errorf("link %s", link)
		}
		for _, tampered := range []string{single[:len(single)-1] + flipChar(single[len(single)-1]), single + "a", "", "x"} {
			if tampered == "" {
				continue
			}
			_, err := g.acc.Register(g.ctx, accounts.SignUp{Username: "zoe", Email: "zoe@x.test", Password: pw, InviteCode: tampered})
			wantKind(t, err, ap.Invalid, "tampered invitation "+tampered)
		}
		if g.users() != before {
			t.Fatal("refused sign-ups created accounts")
		}
		res, err := g.acc.Register(g.ctx, accounts.SignUp{Username: "zoe", Email: "zoe@x.test", Password: pw, InviteCode: single})
		if err != nil {
			t.Fatal(err)
		}
		if res.Pending || res.Unconfirmed || res.Account.User.InviteID == "" {
			t.Errorf("invited account %+v", res)
		}
		_, err = g.acc.Register(g.ctx, accounts.SignUp{Username: "zed", Email: "zed@x.test", Password: pw, InviteCode: single})
		wantKind(t, err, ap.Forbidden, "single-use invitation used twice")
		if !strings.Contains(err.Error(), "used up") {
			t.Errorf("refusal: %v", err)
		}

		multi, _, err := g.acc.CreateInvite(g.ctx, g.owner, 2, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []string{"ann", "bob"} {
			if _, err := g.acc.Register(g.ctx, accounts.SignUp{Username: n, Email: n + "@x.test", Password: pw, InviteCode: multi}); err != nil {
				t.Fatalf("%s: %v", n, err)
			}
		}
		_, err = g.acc.Register(g.ctx, accounts.SignUp{Username: "cat", Email: "cat@x.test", Password: pw, InviteCode: multi})
		wantKind(t, err, ap.Forbidden, "third use of a two-use invitation")

		expiring, _, _ := g.acc.CreateInvite(g.ctx, g.owner, 0, time.Hour)
		g.advance(time.Hour)
		_, err = g.acc.Register(g.ctx, accounts.SignUp{Username: "dan", Email: "dan@x.test", Password: pw, InviteCode: expiring})
		wantKind(t, err, ap.Forbidden, "expired invitation")
		if !strings.Contains(err.Error(), "expired") {
			t.Errorf("refusal: %v", err)
		}
		// A failed sign-up does not spend a use: the bad password is refused before the invitation is counted.
		fresh, inv, _ := g.acc.CreateInvite(g.ctx, g.owner, 1, time.Hour)
		_, err = g.acc.Register(g.ctx, accounts.SignUp{Username: "eve", Email: "eve@x.test", Password: "short", InviteCode: fresh})
		wantKind(t, err, ap.Invalid, "short password")
		_, err = g.acc.Register(g.ctx, accounts.SignUp{Username: "zoe", Email: "other@x.test", Password: pw, InviteCode: fresh})
		wantKind(t, err, ap.Conflict, "taken username")
		if got, _ := g.store.InviteByHash(g.ctx, inv.CodeHash); got.Uses != 0 {
			t.Errorf("failed sign-ups spent %d uses", got.Uses)
		}
		if g.users() != before+3 {
			t.Errorf("users %d, want %d", g.users(), before+3)
		}
		if err := g.acc.RevokeInvite(g.ctx, g.owner, inv.ID); err != nil {
			t.Fatal(err)
		}
		_, err = g.acc.Register(g.ctx, accounts.SignUp{Username: "eve", Email: "eve@x.test", Password: pw, InviteCode: fresh})
		wantKind(t, err, ap.Forbidden, "withdrawn invitation")
	})
}

func flipChar(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

func TestPasswordReset(t *testing.T) {
	eachGovWorld(t, func(t *testing.T, g *govWorld) {
		g.user("zoe")
		_, sessTok, _, err := g.acc.SignIn(g.ctx, "zoe", pw, "ip", "ua")
		if err != nil {
			t.Fatal(err)
		}
		if err := g.acc.RequestPasswordReset(g.ctx, "nobody@council.test"); err != nil {
			t.Fatalf("unknown address should look the same: %v", err)
		}
		if err := g.acc.RequestPasswordReset(g.ctx, "zoe@council.test"); err != nil {
			t.Fatal(err)
		}
		m := g.smtp.Next(t)
		if m.To != "zoe@council.test" || g.smtp.Count() != 1 {
			t.Fatalf("mail to %q, %d sent (unknown address must get none)", m.To, g.smtp.Count())
		}
		tok := tokenOf(t, m.Link(t, "/auth/reset"))
		_, err = g.acc.ResetPassword(g.ctx, tok, "short")
		wantKind(t, err, ap.Invalid, "short new password")
		if _, err := g.acc.ResetPassword(g.ctx, tok, "a brand new passphrase"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := g.acc.SessionAccount(g.ctx, sessTok); err == nil {
			t.Error("the old session survived a password reset")
		}
		if _, _, _, err := g.acc.SignIn(g.ctx, "zoe", pw, "ip", "ua"); err == nil {
			t.Error("old password still works")
		}
		if _, _, _, err := g.acc.SignIn(g.ctx, "zoe", "a brand new passphrase", "ip", "ua"); err != nil {
			t.Fatal(err)
		}
		_, err = g.acc.ResetPassword(g.ctx, tok, "another new passphrase")
		wantKind(t, err, ap.Invalid, "reset link used twice")
	})
}
