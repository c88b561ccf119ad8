package accounts_test

import (
	"strings"
	"testing"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
	"github.com/guildhall/guildhall/activitypub/moderation"
)

// rolesTable is docs/roles.md, written out again: the test checks the code against the document,
// not against itself.
var rolesTable = map[ap.Permission]string{
	// owner admin moderator group_manager member
	ap.PermApproveAccounts:  "yyNNN",
	ap.PermCreateAccounts:   "yyNNN",
	ap.PermCreateInvites:    "yyNyN",
	ap.PermSuspendAccounts:  "yyyNN",
	ap.PermDeleteAccounts:   "yyNNN",
	ap.PermAssignRoles:      "yyNNN",
	ap.PermManageReports:    "yyyNN",
	ap.PermViewAudit:        "yyNNN",
	ap.PermInstanceSettings: "yyNNN",
	ap.PermLegalHold:        "yyNNN",
}

var roleOrder = []ap.Role{ap.RoleOwner, ap.RoleAdmin, ap.RoleModerator, ap.RoleGroupManager, ap.RoleMember}

func TestRolePermissions(t *testing.T) {
	eachGovWorld(t, func(t *testing.T, g *govWorld) {
		n := 0
		fresh := func() *ap.Account { n++; return g.user("target" + string(rune('a'+n%26)) + strings.Repeat("x", n/26)) }
		actions := map[ap.Permission]func(by *ap.Account) error{
			ap.PermApproveAccounts: func(by *ap.Account) error {
				_, err := g.acc.PendingAccounts(g.ctx, by, ap.Page{})
				return err
			},
			ap.PermCreateAccounts: func(by *ap.Account) error {
				n++
				name := "made" + string(rune('a'+n%26)) + strings.Repeat("x", n/26)
				_, err := g.acc.CreateAccount(g.ctx, by, ap.NewUser{Username: name, Email: name + "@council.test", Password: pw}, "")
				return err
			},
			ap.PermCreateInvites: func(by *ap.Account) error {
				_, _, err := g.acc.CreateInvite(g.ctx, by, 1, time.Hour)
				return err
			},
			ap.PermSuspendAccounts: func(by *ap.Account) error {
				_, err := g.acc.SuspendAccount(g.ctx, by, fresh().Actor.ID, "")
				return err
			},
			ap.PermDeleteAccounts: func(by *ap.Account) error {
				return g.acc.DeleteAccount(g.ctx, by, fresh().Actor.ID, "")
			},
			ap.PermAssignRoles: func(by *ap.Account) error {
				return g.acc.SetRole(g.ctx, by, fresh().Actor.ID, ap.RoleGroupManager, "")
			},
			ap.PermManageReports: func(by *ap.Account) error {
				_, err := g.mod.Reports(g.ctx, by, moderation.ReportFilter{}, ap.Page{})
				return err
			},
			ap.PermViewAudit: func(by *ap.Account) error {
				_, err := g.mod.AuditLog(g.ctx, by, ap.Page{})
				return err
			},
			ap.PermLegalHold: func(by *ap.Account) error {
				return g.mod.SetLegalHold(g.ctx, by, fresh().Actor.ID, "FOI request")
			},
			ap.PermInstanceSettings: func(by *ap.Account) error {
				return g.acc.SetRegistrationPolicy(g.ctx, by, accounts.RegistrationPolicy{Mode: accounts.RegistrationApproval}, "")
			},
		}
		if len(actions) != len(ap.AllPermissions()) || len(rolesTable) != len(ap.AllPermissions()) {
			t.Fatal("a permission has no test action or no line in the table")
		}
		people := map[ap.Role]*ap.Account{ap.RoleOwner: g.owner}
		for _, r := range roleOrder[1:] {
			people[r] = g.staff("as_"+string(r), r)
		}
		for _, p := range ap.AllPermissions() {
			for i, r := range roleOrder {
				want := rolesTable[p][i] == 'y'
				err := actions[p](people[r])
				if want && err != nil {
					t.Errorf("%s may %s (docs/roles.md) but was refused: %v", r, p, err)
				}
				if !want && ap.KindOf(err) != ap.Forbidden {
					t.Errorf("%s may not %s (docs/roles.md) but got %v", r, p, err)
				}
				if got := r.Can(p); got != want {
					t.Errorf("Role(%s).Can(%s) = %v, docs say %v", r, p, got, want)
				}
			}
		}
	})
}

func TestRoleRanks(t *testing.T) {
	eachGovWorld(t, func(t *testing.T, g *govWorld) {
		admin := g.staff("ada", ap.RoleAdmin)
		mod := g.staff("mo", ap.RoleModerator)
		other := g.staff("ad2", ap.RoleAdmin)
		for _, tc := range []struct {
			name string
			err  error
		}{
			{"admin makes someone owner", g.acc.SetRole(g.ctx, admin, mod.Actor.ID, ap.RoleOwner, "")},
			{"admin demotes the owner", g.acc.SetRole(g.ctx, admin, g.owner.Actor.ID, ap.RoleMember, "")},
			{"admin changes own role", g.acc.SetRole(g.ctx, admin, admin.Actor.ID, ap.RoleOwner, "")},
			{"moderator suspends an admin", func() error { _, err := g.acc.SuspendAccount(g.ctx, mod, admin.Actor.ID, ""); return err }()},
			{"admin suspends another admin", func() error { _, err := g.acc.SuspendAccount(g.ctx, admin, other.Actor.ID, ""); return err }()},
			{"admin deletes the owner", g.acc.DeleteAccount(g.ctx, admin, g.owner.Actor.ID, "")},
		} {
			if ap.KindOf(tc.err) != ap.Forbidden {
				t.Errorf("%s: %v, want Forbidden", tc.name, tc.err)
			}
		}
		if err := g.acc.SetRole(g.ctx, g.owner, admin.Actor.ID, ap.Role("superuser"), ""); ap.KindOf(err) != ap.Invalid {
			t.Errorf("unknown role: %v", err)
		}
	})
}
