package accounts_test

import (
	"testing"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
)

// TestSetupTokenWorksOnce: the one-time set-up token makes the first owner once, and no token
// is issued once an administrator exists.
func TestSetupTokenWorksOnce(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *world) {
		acc, err := accounts.New(w.svc, w.store, nil)
		if err != nil {
			t.Fatal(err)
		}
		token, err := acc.PrepareSetup(w.ctx)
		if err != nil || token == "" {
			t.Fatalf("prepare: %q %v", token, err)
		}
		n := ap.NewUser{Username: "admin", Email: "admin@council.test", Password: "a long enough password"}
		bad := n
		bad.Password = "short"
		if _, err := acc.CompleteSetup(w.ctx, token, bad); ap.KindOf(err) != ap.Invalid {
			t.Fatalf("bad input: %v", err)
		}
		if _, err := acc.CompleteSetup(w.ctx, "wrong", n); ap.KindOf(err) != ap.Forbidden {
			t.Fatalf("wrong token: %v", err)
		}
		acct, err := acc.CompleteSetup(w.ctx, token, n)
		if err != nil || !acct.User.Admin {
			t.Fatalf("setup: %+v %v", acct, err)
		}
		n.Username, n.Email = "admin2", "admin2@council.test"
		if _, err := acc.CompleteSetup(w.ctx, token, n); ap.KindOf(err) != ap.Forbidden {
			t.Fatalf("token reused: %v", err)
		}
		if token, _ := acc.PrepareSetup(w.ctx); token != "" {
			t.Fatal("a setup token was issued although an admin exists")
		}
	})
}
