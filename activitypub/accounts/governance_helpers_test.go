package accounts_test

import (
	"net/url"
	"sync"
	"testing"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
	"github.com/guildhall/guildhall/activitypub/aptest"
	"github.com/guildhall/guildhall/activitypub/moderation"
	"github.com/guildhall/guildhall/adapters/mail"
	"github.com/guildhall/guildhall/adapters/mail/mailtest"
	"github.com/guildhall/guildhall/adapters/totp"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// govWorld is a world with a real SMTP server, the TOTP adapter and a clock the test moves.
type govWorld struct {
	*world
	smtp  *mailtest.Server
	mu    sync.Mutex
	clock time.Time
	owner *ap.Account
	acc   *accounts.Accounts
	mod   *moderation.Moderation
}

func newGovWorld(t *testing.T, st *storage.Store) *govWorld {
	t.Helper()
	g := &govWorld{clock: time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC), smtp: mailtest.Start(t, "", "")}
	svc := aptest.NewService(t, st, g.now)
	m, err := mail.New(mail.Options{URL: g.smtp.URL, From: "Guildhall <noreply@council.test>"})
	if err != nil {
		t.Fatal(err)
	}
	acc, err := accounts.New(svc, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	mod, err := moderation.New(svc, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	g.acc, g.mod = acc, mod
	acc.SetMailer(m)
	acc.SetTOTP(totp.TOTP{})
	g.world = &world{t: t, ctx: t.Context(), svc: svc, store: st}
	tok, err := acc.PrepareSetup(g.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if g.owner, err = acc.CompleteSetup(g.ctx, tok, ap.NewUser{Username: "owner", Email: "owner@council.test", Password: "a long enough password"}); err != nil {
		t.Fatal(err)
	}
	return g
}

func eachGovWorld(t *testing.T, fn func(t *testing.T, g *govWorld)) {
	storagetest.ForEach(t, func(t *testing.T, st *storage.Store) { fn(t, newGovWorld(t, st)) })
}

func (g *govWorld) now() time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.clock
}

func (g *govWorld) advance(d time.Duration) {
	g.mu.Lock()
	g.clock = g.clock.Add(d)
	g.mu.Unlock()
}

// token reads the token parameter of a mailed link.
func tokenOf(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	tok := u.Query().Get("token")
	if tok == "" {
		t.Fatalf("no token in %s", link)
	}
	return tok
}

func (g *govWorld) users() int {
	g.t.Helper()
	n, err := g.store.CountUsers(g.ctx)
	if err != nil {
		g.t.Fatal(err)
	}
	return n
}

func (g *govWorld) setPolicy(p accounts.RegistrationPolicy) {
	g.t.Helper()
	if err := g.acc.SetRegistrationPolicy(g.ctx, g.owner, p, "test"); err != nil {
		g.t.Fatal(err)
	}
}

// staff makes an account with a role.
func (g *govWorld) staff(name string, role ap.Role) *ap.Account {
	g.t.Helper()
	a := g.user(name)
	if role != ap.RoleMember {
		if err := g.acc.SetRole(g.ctx, g.owner, a.Actor.ID, role, "test"); err != nil {
			g.t.Fatal(err)
		}
	}
	acct, err := g.svc.AccountByActorID(g.ctx, a.Actor.ID)
	if err != nil {
		g.t.Fatal(err)
	}
	return acct
}

func wantKind(t *testing.T, err error, kind ap.Kind, what string) {
	t.Helper()
	if ap.KindOf(err) != kind {
		t.Fatalf("%s: got %v (%s), want %s", what, err, ap.KindOf(err), kind)
	}
}
