package federation_test

import (
	"context"
	"strings"
	"testing"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/moderation"
	"github.com/guildhall/guildhall/storage"
)

func ownerOf(t *testing.T, in *instance) *ap.Account {
	t.Helper()
	ctx := context.Background()
	tok, err := in.acc.PrepareSetup(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a, err := in.acc.CompleteSetup(ctx, tok, ap.NewUser{Username: "owner", Email: "owner@" + in.name + ".example", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestReportForwardedAsFlag: a report about a remote account, forwarded, arrives at the
// account's server as a Flag from the reporting instance (not the reporter) and lands in the
// moderators' queue there, naming the reported post.
func TestReportForwardedAsFlag(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) *storage.Store) {
		c := newCluster(t, open, "a.test", "b.test")
		a, b := c.in["a.test"], c.in["b.test"]
		ctx := context.Background()
		alice := a.user(t, "alice", false)
		bob := b.user(t, "bob", false)
		bOwner := ownerOf(t, b)
		bobOnA := follow(t, c, a, alice, "bob", "b.test")
		st := post(t, b, bob, "something that breaks the rules", ap.Public)
		c.settle(t)
		onA := stored(t, a, st.URI)
		if onA == nil {
			t.Fatal("bob's post did not reach a.test")
		}

		// Not forwarded: stays on a.test.
		if _, err := a.mod.FileReport(ctx, alice, moderation.ReportInput{TargetID: bobOnA.ID, Comment: "kept here"}); err != nil {
			t.Fatal(err)
		}
		rep, err := a.mod.FileReport(ctx, alice, moderation.ReportInput{TargetID: bobOnA.ID, StatusIDs: []string{onA.ID},
			Comment: "please look at this", Forward: true})
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Forwarded {
			t.Error("report not marked forwarded")
		}
		c.settle(t)

		queue, err := b.mod.Reports(ctx, bOwner, moderation.ReportFilter{}, ap.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if len(queue) != 1 {
			t.Fatalf("b.test's queue has %d reports, want exactly the forwarded one", len(queue))
		}
		got := queue[0]
		if got.TargetID != bob.Actor.ID || got.Comment != "please look at this" || len(got.StatusIDs) != 1 || got.StatusIDs[0] != st.ID {
			t.Errorf("received report %+v", got)
		}
		reporter, err := b.store.ActorByID(ctx, got.ReporterID)
		if err != nil {
			t.Fatal(err)
		}
		if reporter.URI != "http://a.test/actor" {
			t.Errorf("report comes from %s; want a.test's instance actor, not the reporter", reporter.URI)
		}
		if got.URI == "" {
			t.Error("a received Flag keeps its activity id")
		}
		// Moderators on b.test were notified.
		ns, err := b.store.Notifications(ctx, bOwner.Actor.ID, ap.NotificationFilter{}, ap.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if len(ns) != 1 || ns[0].Type != ap.NotifyReport {
			t.Errorf("notifications %+v", ns)
		}
	})
}

// TestDeletedAccountFederates: deleting an account sends Delete of the actor to the servers of
// its followers, which then treat it as gone.
func TestDeletedAccountFederates(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) *storage.Store) {
		c := newCluster(t, open, "a.test", "b.test")
		a, b := c.in["a.test"], c.in["b.test"]
		ctx := context.Background()
		aOwner := ownerOf(t, a)
		alice := a.user(t, "alice", false)
		bob := b.user(t, "bob", false)
		aliceOnB := follow(t, c, b, bob, "alice", "a.test")
		if err := a.acc.DeleteAccount(ctx, aOwner, alice.Actor.ID, "left the council"); err != nil {
			t.Fatal(err)
		}
		c.settle(t)
		deadline := time.Now().Add(10 * time.Second)
		for {
			got, err := b.store.ActorByID(ctx, aliceOnB.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.DeletedAt != nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("b.test still has alice as a live account")
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}

// TestExportImportRestoresFollows: a person's follows exported on one server (Mastodon's
// following_accounts.csv) and imported on another are followed again from there.
func TestExportImportRestoresFollows(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) *storage.Store) {
		c := newCluster(t, open, "a.test", "b.test", "c.test")
		a, b, cc := c.in["a.test"], c.in["b.test"], c.in["c.test"]
		ctx := context.Background()
		alice := a.user(t, "alice", false)
		a.user(t, "neighbour", false)
		b.user(t, "bob", false)
		follow(t, c, a, alice, "bob", "b.test")
		neighbour, err := a.store.ActorByUsername(ctx, "neighbour", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.svc.Follow(ctx, alice, neighbour.ID, false, true); err != nil {
			t.Fatal(err)
		}
		var csvOut strings.Builder
		if err := a.acc.ExportFollowingCSV(ctx, alice, &csvOut); err != nil {
			t.Fatal(err)
		}
		exported := csvOut.String()
		if !strings.Contains(exported, "bob@b.test,true,false") || !strings.Contains(exported, "neighbour@a.test,false,true") {
			t.Fatalf("export:\n%s", exported)
		}

		moved := cc.user(t, "alice", false)
		res, err := cc.acc.ImportFollowingCSV(ctx, moved, strings.NewReader(exported+"ghost@nowhere.test,true,false,\n"))
		if err != nil {
			t.Fatal(err)
		}
		if res.Followed != 2 || len(res.Failed) != 1 || res.Failed[0].Address != "ghost@nowhere.test" {
			t.Fatalf("import %+v", res)
		}
		c.settle(t)
		for _, who := range []struct{ user, host string }{{"bob", "b.test"}, {"neighbour", "a.test"}} {
			target, err := cc.store.ActorByUsername(ctx, who.user, who.host)
			if err != nil {
				t.Fatal(err)
			}
			rel, err := cc.svc.Relationship(ctx, moved.Actor.ID, target.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !rel.Following {
				t.Errorf("%s@%s not followed after import: %+v", who.user, who.host, rel)
			}
		}
		// The other side sees the new follower.
		bob, _ := b.store.ActorByUsername(ctx, "bob", "")
		fs, _ := b.store.Followers(ctx, bob.ID, ap.Page{})
		if len(fs) != 2 {
			t.Errorf("bob has %d followers, want 2 (alice on a.test and on c.test)", len(fs))
		}
		_, err = cc.acc.ImportFollowingCSV(ctx, moved, strings.NewReader("this is not\"a csv"))
		if ap.KindOf(err) != ap.Invalid {
			t.Errorf("garbage import: %v", err)
		}
	})
}
