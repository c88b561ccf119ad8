package moderation_test

import (
	"slices"
	"testing"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
)

func TestRetentionDeletesExactlyThePreviewAndNothingHeld(t *testing.T) {
	eachGovWorld(t, func(t *testing.T, g *govWorld) {
		alice, bob := g.user("alice"), g.user("bob")
		oldBob := g.post(bob, "old bob", ap.Public)
		oldAlice := g.post(alice, "old alice", ap.Public)
		g.advance(400 * 24 * time.Hour)
		newBob := g.post(bob, "new bob", ap.Public)
		if err := g.mod.SetLegalHold(g.ctx, g.owner, alice.Actor.ID, "FOI 2026/118"); err != nil {
			t.Fatal(err)
		}
		wantKind(t, g.mod.SetLegalHold(g.ctx, g.owner, alice.Actor.ID, ""), ap.Conflict, "hold twice")

		const year = 365 * 24 * time.Hour
		preview, err := g.mod.RetentionPreview(g.ctx, g.owner, year)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, st := range preview {
			ids = append(ids, st.ID)
		}
		if !slices.Equal(ids, []string{oldBob.ID}) {
			t.Fatalf("preview %v, want only bob's old post %s (alice is held, the new post is young)", ids, oldBob.ID)
		}
		// A post that ages into the policy after the preview is not deleted by this run.
		g.advance(30 * 24 * time.Hour)
		older := g.post(bob, "older now", ap.Public)
		_ = older
		g.advance(year)
		deleted, err := g.mod.ApplyRetention(g.ctx, g.owner, year, ids)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(deleted, []string{oldBob.ID}) {
			t.Fatalf("deleted %v, want exactly the preview %v", deleted, ids)
		}
		for _, tc := range []struct {
			st   *ap.Status
			gone bool
		}{{oldBob, true}, {oldAlice, false}, {newBob, false}, {older, false}} {
			got, err := g.store.StatusByID(g.ctx, tc.st.ID)
			if err != nil {
				t.Fatal(err)
			}
			if (got.DeletedAt != nil) != tc.gone {
				t.Errorf("%q deleted=%v, want %v", tc.st.Content, got.DeletedAt != nil, tc.gone)
			}
		}
		// A held account cannot be deleted either, until the hold is lifted.
		wantKind(t, g.acc.DeleteAccount(g.ctx, g.owner, alice.Actor.ID, "leaver"), ap.Conflict, "delete held account")
		if err := g.mod.LiftLegalHold(g.ctx, g.owner, alice.Actor.ID, "FOI closed"); err != nil {
			t.Fatal(err)
		}
		if err := g.acc.DeleteAccount(g.ctx, g.owner, alice.Actor.ID, "leaver"); err != nil {
			t.Fatal(err)
		}
		log, _ := g.mod.AuditLog(g.ctx, g.owner, ap.Page{Limit: 10})
		var actions []string
		for _, e := range log {
			actions = append(actions, e.Action)
		}
		for _, want := range []string{"legal_hold.set", "retention.apply", "legal_hold.lift", "account.delete"} {
			if !slices.Contains(actions, want) {
				t.Errorf("audit log %v lacks %s", actions, want)
			}
		}
		_, err = g.mod.RetentionPreview(g.ctx, g.owner, time.Hour)
		wantKind(t, err, ap.Invalid, "retention under a day")
		_, err = g.mod.RetentionPreview(g.ctx, g.user("mem"), year)
		wantKind(t, err, ap.Forbidden, "member previews retention")
	})
}

// TestRetentionKeepsAcceptedAnswers: an answered question and its accepted answer survive a
// retention run however old they are; an unanswered old question and other old replies do not.
func TestRetentionKeepsAcceptedAnswers(t *testing.T) {
	eachGovWorld(t, func(t *testing.T, g *govWorld) {
		alice, bob := g.user("alice"), g.user("bob")
		question := g.post(alice, "how do we grit the hill?", ap.Public)
		answer, err := g.svc.Post(g.ctx, bob, ap.PostInput{Text: "with the small gritter", Visibility: ap.Public, InReplyToID: question.ID})
		if err != nil {
			t.Fatal(err)
		}
		other, err := g.svc.Post(g.ctx, bob, ap.PostInput{Text: "no idea", Visibility: ap.Public, InReplyToID: question.ID})
		if err != nil {
			t.Fatal(err)
		}
		unanswered := g.post(alice, "who has the keys?", ap.Public)
		question.AcceptedAnswerID = answer.ID // as the questions area records an acceptance
		if err := g.store.UpdateStatus(g.ctx, question); err != nil {
			t.Fatal(err)
		}
		g.advance(3 * 365 * 24 * time.Hour)
		preview, err := g.mod.RetentionPreview(g.ctx, g.owner, 365*24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, st := range preview {
			ids = append(ids, st.ID)
		}
		slices.Sort(ids)
		want := []string{other.ID, unanswered.ID}
		slices.Sort(want)
		if !slices.Equal(ids, want) {
			t.Fatalf("preview %v, want only the other reply and the unanswered question %v", ids, want)
		}
	})
}
