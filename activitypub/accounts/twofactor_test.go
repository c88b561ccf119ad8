package accounts_test

import (
	"strings"
	"testing"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
	"github.com/guildhall/guildhall/adapters/totp"
)

func (g *govWorld) code(secret string) string {
	g.t.Helper()
	c, err := totp.Code(secret, g.now())
	if err != nil {
		g.t.Fatal(err)
	}
	return c
}

// enrol turns two-factor sign-in on for acct and returns its secret and recovery codes.
func (g *govWorld) enrol(acct *ap.Account) (string, []string) {
	g.t.Helper()
	secret, url, err := g.acc.BeginTOTP(g.ctx, acct)
	if err != nil {
		g.t.Fatal(err)
	}
	if !strings.HasPrefix(url, "otpauth://totp/") {
		g.t.Errorf("url %s", url)
	}
	codes, err := g.acc.ConfirmTOTP(g.ctx, acct, g.code(secret))
	if err != nil {
		g.t.Fatal(err)
	}
	return secret, codes
}

func TestTwoFactorSignIn(t *testing.T) {
	eachGovWorld(t, func(t *testing.T, g *govWorld) {
		zoe := g.user("zoe")
		secret, _, err := g.acc.BeginTOTP(g.ctx, zoe)
		if err != nil {
			t.Fatal(err)
		}
		_, err = g.acc.ConfirmTOTP(g.ctx, zoe, "000000")
		wantKind(t, err, ap.Invalid, "confirming with a wrong code")
		if on, _, _ := g.acc.TOTPStatus(g.ctx, zoe); on {
			t.Fatal("two-factor on after a wrong confirmation code")
		}
		codes, err := g.acc.ConfirmTOTP(g.ctx, zoe, g.code(secret))
		if err != nil {
			t.Fatal(err)
		}
		if len(codes) != 10 {
			t.Fatalf("%d recovery codes", len(codes))
		}
		// Recovery codes are stored hashed: no row holds the code itself.
		for _, c := range codes {
			if err := g.store.TakeRecoveryCode(g.ctx, zoe.Actor.ID, c); !ap.IsNotFound(err) {
				t.Fatalf("recovery code stored in clear (or lookup broken): %v", err)
			}
		}

		// The one-step sign-in refuses: it would skip the second factor.
		_, _, _, err = g.acc.SignIn(g.ctx, "zoe", pw, "ip", "ua")
		wantKind(t, err, ap.Forbidden, "one-step sign-in with 2FA on")

		g.advance(30 * time.Second) // the enrolment code's step is spent
		step, err := g.acc.BeginSignIn(g.ctx, "zoe", pw, "ip", "ua")
		if err != nil {
			t.Fatal(err)
		}
		if step.Challenge == "" || step.Session != nil {
			t.Fatalf("step %+v: want a challenge and no session", step)
		}
		_, err = g.acc.CompleteSignIn(g.ctx, step.Challenge, "123456", "ua")
		wantKind(t, err, ap.Unauthorized, "wrong code")
		code := g.code(secret)
		done, err := g.acc.CompleteSignIn(g.ctx, step.Challenge, code, "ua")
		if err != nil {
			t.Fatalf("right code after a wrong one: %v", err)
		}
		if _, _, err := g.acc.SessionAccount(g.ctx, done.Token); err != nil {
			t.Fatalf("session: %v", err)
		}
		_, err = g.acc.CompleteSignIn(g.ctx, step.Challenge, code, "ua")
		wantKind(t, err, ap.Unauthorized, "challenge redeemed twice")

		// Replay: the same code, within its window, on a fresh challenge.
		step2, _ := g.acc.BeginSignIn(g.ctx, "zoe", pw, "ip", "ua")
		g.advance(10 * time.Second)
		_, err = g.acc.CompleteSignIn(g.ctx, step2.Challenge, code, "ua")
		wantKind(t, err, ap.Unauthorized, "replayed code")
		if !strings.Contains(err.Error(), "used already") {
			t.Errorf("replay refusal: %v", err)
		}
		g.advance(30 * time.Second)
		if _, err := g.acc.CompleteSignIn(g.ctx, step2.Challenge, g.code(secret), "ua"); err != nil {
			t.Fatalf("next step's code: %v", err)
		}

		// A recovery code works once.
		step3, _ := g.acc.BeginSignIn(g.ctx, "zoe", pw, "ip", "ua")
		if _, err := g.acc.CompleteSignIn(g.ctx, step3.Challenge, strings.ToUpper(codes[0]), "ua"); err != nil {
			t.Fatalf("recovery code: %v", err)
		}
		step4, _ := g.acc.BeginSignIn(g.ctx, "zoe", pw, "ip", "ua")
		_, err = g.acc.CompleteSignIn(g.ctx, step4.Challenge, codes[0], "ua")
		wantKind(t, err, ap.Unauthorized, "recovery code reused")
		if _, left, _ := g.acc.TOTPStatus(g.ctx, zoe); left != 9 {
			t.Errorf("%d recovery codes left, want 9", left)
		}

		// A challenge expires.
		step5, _ := g.acc.BeginSignIn(g.ctx, "zoe", pw, "ip", "ua")
		g.advance(6 * time.Minute)
		_, err = g.acc.CompleteSignIn(g.ctx, step5.Challenge, g.code(secret), "ua")
		wantKind(t, err, ap.Unauthorized, "expired challenge")

		// Turning it off needs a code.
		wantKind(t, g.acc.DisableTOTP(g.ctx, zoe, "000000"), ap.Unauthorized, "disable with wrong code")
		if err := g.acc.DisableTOTP(g.ctx, zoe, g.code(secret)); err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := g.acc.SignIn(g.ctx, "zoe", pw, "ip", "ua"); err != nil {
			t.Fatalf("sign-in after disabling: %v", err)
		}
	})
}

func TestTwoFactorRequiredForStaff(t *testing.T) {
	eachGovWorld(t, func(t *testing.T, g *govWorld) {
		g.enrol(g.owner)
		admin := g.staff("ada", ap.RoleAdmin)
		mod := g.staff("mo", ap.RoleModerator)
		member := g.user("mem")
		g.setPolicy(accounts.RegistrationPolicy{Mode: accounts.RegistrationClosed, StaffNeedTOTP: true})

		_, err := g.acc.PendingAccounts(g.ctx, admin, ap.Page{})
		wantKind(t, err, ap.Forbidden, "admin without 2FA")
		if !strings.Contains(err.Error(), "two-factor") {
			t.Errorf("refusal does not say why: %v", err)
		}
		_, err = g.acc.SuspendAccount(g.ctx, mod, member.Actor.ID, "")
		wantKind(t, err, ap.Forbidden, "moderator without 2FA")
		if _, err := g.acc.PendingAccounts(g.ctx, g.owner, ap.Page{}); err != nil {
			t.Fatalf("owner with 2FA: %v", err)
		}
		g.enrol(admin)
		if _, err := g.acc.PendingAccounts(g.ctx, admin, ap.Page{}); err != nil {
			t.Fatalf("admin after enrolling: %v", err)
		}
	})
}
