package storage_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/preferences"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// dm creates a direct status by author to the mentioned actors in thread ("" for none).
func (f *fixtures) dm(author *activitypub.Actor, thread string, to ...*activitypub.Actor) *activitypub.Status {
	f.t.Helper()
	st := f.newStatus(author, "psst")
	st.Visibility, st.ContextURI = activitypub.Direct, thread
	for _, a := range to {
		st.Mentions = append(st.Mentions, activitypub.Mention{ActorID: a.ID, URI: a.URI, Username: a.Username, Domain: a.Domain})
	}
	if err := f.s.CreateStatus(context.Background(), st); err != nil {
		f.t.Fatalf("CreateStatus: %v", err)
	}
	return st
}

func conversationIDs(t *testing.T, s *storage.Store, viewer *activitypub.Actor, p activitypub.Page) []string {
	t.Helper()
	cs, err := s.Conversations(context.Background(), viewer.ID, p)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range cs {
		ids = append(ids, c.LastStatusID)
	}
	return ids
}

func TestConversationsPaging(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		f := newFixtures(t, s)
		alice, bob := f.user("alice"), f.user("bob")
		var lastIDs []string
		for i := range 8 {
			thread := "https://local.test/contexts/" + string(rune('a'+i))
			f.dm(bob, thread, alice)
			lastIDs = append(lastIDs, f.dm(alice, thread, bob).ID) // the last status of each
		}
		f.status(bob, "public, never a conversation")
		checkPages(t, lastIDs, func(p activitypub.Page) ([]string, error) {
			return conversationIDs(t, s, alice, p), nil
		})
	})
}

func TestConversationSummaries(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		alice, bob, carol := f.user("alice"), f.user("bob"), f.user("carol")
		dave := f.actor("dave", "remote.test")
		const thread = "https://local.test/contexts/1"

		first := f.dm(bob, thread, alice, carol)
		reply := f.dm(alice, thread, bob, carol)
		aside := f.dm(bob, thread, alice) // carol is not mentioned: not hers
		remote := f.dm(dave, "", alice)   // no context: its own thread
		f.dm(bob, "https://local.test/contexts/2", carol)

		get := func(viewer *activitypub.Actor) []*preferences.ConversationSummary {
			t.Helper()
			cs, err := s.Conversations(ctx, viewer.ID, activitypub.Page{Limit: 40})
			if err != nil {
				t.Fatal(err)
			}
			return cs
		}
		cs := get(alice)
		if len(cs) != 2 || cs[0].Thread != remote.URI || cs[1].Thread != thread {
			t.Fatalf("alice's conversations = %+v", cs)
		}
		want := preferences.ConversationSummary{ID: first.ID, Thread: thread, LastStatusID: aside.ID,
			LastOtherID: aside.ID, LastOwnID: reply.ID}
		if *cs[1] != want {
			t.Errorf("summary = %+v, want %+v", *cs[1], want)
		}
		if cs := get(carol); len(cs) != 2 || cs[1].LastStatusID != reply.ID || cs[1].ID != first.ID {
			t.Errorf("carol sees %+v, want the thread up to alice's reply", cs)
		}

		parts, err := s.ConversationParticipants(ctx, alice.ID, []string{thread, remote.URI})
		if err != nil {
			t.Fatal(err)
		}
		if got := parts[thread]; !slices.Equal(got, []string{bob.ID, carol.ID}) {
			t.Errorf("participants = %v, want bob and carol", got)
		}
		if got := parts[remote.URI]; !slices.Equal(got, []string{dave.ID}) {
			t.Errorf("remote participants = %v, want dave", got)
		}

		// By id: the first status only, and only for someone involved.
		if c, err := s.ConversationByID(ctx, alice.ID, first.ID); err != nil || c.Thread != thread {
			t.Errorf("ConversationByID = %+v, %v", c, err)
		}
		for _, tc := range []struct {
			name       string
			viewer, id string
		}{
			{"not the first status", alice.ID, reply.ID},
			{"someone not involved", dave.ID, first.ID},
			{"unknown id", alice.ID, f.id()},
		} {
			_, err := s.ConversationByID(ctx, tc.viewer, tc.id)
			if activitypub.KindOf(err) != activitypub.NotFound {
				t.Errorf("%s: error %v, want NotFound", tc.name, err)
			}
		}

		// Read and hide marks only move forward; a newer status brings a hidden thread back.
		must(t, s.MarkConversationRead(ctx, alice.ID, thread, aside.ID, f.now))
		must(t, s.MarkConversationRead(ctx, alice.ID, thread, first.ID, f.now))
		if cs := get(alice); cs[1].ReadID != aside.ID {
			t.Errorf("read id = %q, want %q", cs[1].ReadID, aside.ID)
		}
		must(t, s.HideConversation(ctx, alice.ID, thread, aside.ID, f.now))
		must(t, s.HideConversation(ctx, alice.ID, thread, first.ID, f.now))
		if cs := get(alice); len(cs) != 1 || cs[0].Thread != remote.URI {
			t.Errorf("after hiding: %+v", cs)
		}
		if c, err := s.ConversationByID(ctx, alice.ID, first.ID); err != nil || c.ReadID != aside.ID {
			t.Errorf("a hidden conversation is still found by id: %+v, %v", c, err)
		}
		back := f.dm(bob, thread, alice)
		if cs := get(alice); len(cs) != 2 || cs[0].LastStatusID != back.ID {
			t.Errorf("after a new message: %+v", cs)
		}

		// Deleting the last status falls back to the one before; deleting every one ends it.
		must(t, s.MarkStatusDeleted(ctx, back.ID, f.now))
		if cs := get(alice); len(cs) != 1 {
			t.Errorf("hidden up to aside, back deleted: %+v", cs)
		}
		must(t, s.MarkStatusDeleted(ctx, remote.ID, f.now))
		if cs := get(alice); len(cs) != 0 {
			t.Errorf("with every status deleted: %+v", cs)
		}

		// Blocks hide the blocked side's statuses, either way round.
		must(t, s.CreateBlock(ctx, &activitypub.Block{ID: f.id(), ActorID: carol.ID, TargetID: bob.ID, CreatedAt: time.Now()}))
		if cs := get(carol); len(cs) != 1 || cs[0].LastStatusID != reply.ID {
			t.Errorf("carol blocks bob: %+v, want only the thread with alice's reply", cs)
		}
	})
}
