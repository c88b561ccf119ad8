package moderation_test

import (
	"slices"
	"testing"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/moderation"
)

// remoteStatus stores a public status by a remote actor, as an inbound Create would.
func (g *govWorld) remoteStatus(a *ap.Actor, text string) *ap.Status {
	g.t.Helper()
	st := &ap.Status{ID: g.svc.NewID(), URI: a.URI + "/statuses/" + g.svc.NewID(), ActorID: a.ID,
		Content: "<p>" + text + "</p>", Visibility: ap.Public, CreatedAt: g.svc.Now()}
	if err := g.store.CreateStatus(g.ctx, st); err != nil {
		g.t.Fatal(err)
	}
	return st
}

func (g *govWorld) moderator(name string) *ap.Account {
	g.t.Helper()
	a := g.user(name)
	if err := g.acc.SetRole(g.ctx, g.owner, a.Actor.ID, ap.RoleModerator, "test"); err != nil {
		g.t.Fatal(err)
	}
	acct, err := g.svc.AccountByActorID(g.ctx, a.Actor.ID)
	if err != nil {
		g.t.Fatal(err)
	}
	return acct
}

func (g *govWorld) audited(action string) bool {
	g.t.Helper()
	log, err := g.mod.AuditLog(g.ctx, g.owner, ap.Page{Limit: 100})
	if err != nil {
		g.t.Fatal(err)
	}
	return slices.ContainsFunc(log, func(e *ap.AuditEntry) bool { return e.Action == action })
}

func (g *govWorld) outboxHas(typ string) bool {
	g.t.Helper()
	return slices.ContainsFunc(g.outbox(), func(it *ap.OutboxItem) bool { return it.Activity.Type == typ })
}

// TestReportActions: each action on a report does what the moderation queue promises, records
// itself in the audit log, and (but for forward) closes the report; acting twice is refused.
func TestReportActions(t *testing.T) {
	cases := []struct {
		action moderation.Action
		remote bool // the reported account is on another server
		check  func(t *testing.T, g *govWorld, target *ap.Actor, st *ap.Status)
		open   bool // the report stays open
	}{
		{action: moderation.ActionDismiss, check: func(t *testing.T, g *govWorld, target *ap.Actor, st *ap.Status) {
			if got, _ := g.store.StatusByID(g.ctx, st.ID); got.DeletedAt != nil {
				t.Error("dismiss deleted the post")
			}
		}},
		{action: moderation.ActionWarn, check: func(t *testing.T, g *govWorld, target *ap.Actor, st *ap.Status) {
			acct, _ := g.svc.AccountByActorID(g.ctx, target.ID)
			ws, err := g.mod.MyWarnings(g.ctx, acct, ap.Page{})
			if err != nil || len(ws) != 1 || ws[0].Action != moderation.ActionWarn || ws[0].Text != "be kind" {
				t.Errorf("warnings = %+v, %v", ws, err)
			}
		}},
		{action: moderation.ActionLimit, check: func(t *testing.T, g *govWorld, target *ap.Actor, st *ap.Status) {
			pub, err := g.store.PublicTimeline(g.ctx, true, true, ap.Page{Limit: 40})
			if err != nil {
				t.Fatal(err)
			}
			if slices.ContainsFunc(pub, func(s *ap.Status) bool { return s.ActorID == target.ID }) {
				t.Error("a limited account's post is still in the public timeline")
			}
			if on, _ := g.mod.AccountLimited(g.ctx, target.ID); !on {
				t.Error("account not limited")
			}
		}},
		{action: moderation.ActionDeletePosts, check: func(t *testing.T, g *govWorld, target *ap.Actor, st *ap.Status) {
			if got, _ := g.store.StatusByID(g.ctx, st.ID); got.DeletedAt == nil {
				t.Error("the reported post was not deleted")
			}
			if !g.outboxHas("Delete") {
				t.Error("no Delete federated for the local post")
			}
		}},
		{action: moderation.ActionDeletePosts, remote: true, check: func(t *testing.T, g *govWorld, target *ap.Actor, st *ap.Status) {
			if got, _ := g.store.StatusByID(g.ctx, st.ID); got.DeletedAt == nil {
				t.Error("the reported remote post was not removed")
			}
			if g.outboxHas("Delete") {
				t.Error("a Delete was federated for another server's post")
			}
		}},
		{action: moderation.ActionSuspend, check: func(t *testing.T, g *govWorld, target *ap.Actor, st *ap.Status) {
			acct, _ := g.svc.AccountByActorID(g.ctx, target.ID)
			if acct.User.DisabledAt == nil && acct.Actor.SuspendedAt == nil {
				t.Error("account not suspended")
			}
			if !g.audited("account.suspend") {
				t.Error("no account.suspend entry")
			}
		}},
		{action: moderation.ActionForward, remote: true, open: true, check: func(t *testing.T, g *govWorld, target *ap.Actor, st *ap.Status) {
			if !g.outboxHas("Flag") {
				t.Error("no Flag queued")
			}
		}},
		{action: moderation.ActionBlockDomain, remote: true, check: func(t *testing.T, g *govWorld, target *ap.Actor, st *ap.Status) {
			if ok, _ := g.svc.FederationAllowed(g.ctx, target.Domain); ok {
				t.Error("the domain is still allowed")
			}
		}},
	}
	for _, tc := range cases {
		name := string(tc.action)
		if tc.remote {
			name += "/remote"
		}
		t.Run(name, func(t *testing.T) {
			eachGovWorld(t, func(t *testing.T, g *govWorld) {
				mod, reporter := g.moderator("mo"), g.user("reporter")
				var target *ap.Actor
				var st *ap.Status
				if tc.remote {
					target = g.remote("troll", "far.example")
					st = g.remoteStatus(target, "rude words")
				} else {
					a := g.user("troll")
					target, st = &a.Actor, g.post(a, "rude words", ap.Public)
				}
				r, err := g.mod.FileReport(g.ctx, reporter, moderation.ReportInput{TargetID: target.ID, StatusIDs: []string{st.ID}, Comment: "rude"})
				if err != nil {
					t.Fatal(err)
				}
				by := mod
				if tc.action == moderation.ActionBlockDomain {
					// Blocking a server is an administrator's call, not a moderator's.
					_, err := g.mod.ActOnReport(g.ctx, mod, r.ID, moderation.ReportAction{Action: tc.action, Note: "be kind"})
					wantKind(t, err, ap.Forbidden, "moderator blocks a domain")
					by = g.owner
				}
				got, err := g.mod.ActOnReport(g.ctx, by, r.ID, moderation.ReportAction{Action: tc.action, Note: "be kind"})
				if err != nil {
					t.Fatal(err)
				}
				if (got.ResolvedAt == nil) != tc.open {
					t.Errorf("resolved = %v, want open %v", got.ResolvedAt, tc.open)
				}
				if !g.audited("report." + string(tc.action)) {
					t.Errorf("no report.%s audit entry", tc.action)
				}
				tc.check(t, g, target, st)
				if !tc.open {
					_, err = g.mod.ActOnReport(g.ctx, by, r.ID, moderation.ReportAction{Action: moderation.ActionDismiss})
					wantKind(t, err, ap.Conflict, "acting on a closed report")
				}
			})
		})
	}
}

// TestReportActionRefusals: a member cannot act on reports, unknown actions and posts outside
// the report are refused, and nothing is changed by a refusal.
func TestReportActionRefusals(t *testing.T) {
	eachGovWorld(t, func(t *testing.T, g *govWorld) {
		member, troll := g.user("member"), g.user("troll")
		st, other := g.post(troll, "rude", ap.Public), g.post(troll, "fine", ap.Public)
		r, err := g.mod.FileReport(g.ctx, member, moderation.ReportInput{TargetID: troll.Actor.ID, StatusIDs: []string{st.ID}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = g.mod.ActOnReport(g.ctx, member, r.ID, moderation.ReportAction{Action: moderation.ActionWarn})
		wantKind(t, err, ap.Forbidden, "member acts")
		_, err = g.mod.ActOnReport(g.ctx, g.owner, r.ID, moderation.ReportAction{Action: "ban"})
		wantKind(t, err, ap.Invalid, "unknown action")
		_, err = g.mod.ActOnReport(g.ctx, g.owner, r.ID, moderation.ReportAction{Action: moderation.ActionDeletePosts, StatusIDs: []string{st.ID, other.ID}})
		wantKind(t, err, ap.Invalid, "a post outside the report")
		if got, _ := g.store.StatusByID(g.ctx, st.ID); got.DeletedAt != nil {
			t.Error("a refused delete_posts still deleted the reported post")
		}
		_, err = g.mod.ActOnReport(g.ctx, g.owner, r.ID, moderation.ReportAction{Action: moderation.ActionForward})
		wantKind(t, err, ap.Invalid, "forward a report about a local account")
		g.advance(time.Second)
		if rep, _ := g.mod.Report(g.ctx, g.owner, r.ID); rep.ResolvedAt != nil {
			t.Error("a refused action closed the report")
		}
	})
}
