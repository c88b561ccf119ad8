package activitypub_test

import (
	"strings"
	"testing"

	ap "github.com/guildhall/guildhall/activitypub"
)

func TestPostReachesHomesNotificationsAndOutbox(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *world) {
		author, follower, mentioned, other := w.user("author"), w.user("follower"), w.user("mentioned"), w.user("other")
		w.follow(follower, author)
		tests := []struct {
			vis                             ap.Visibility
			inFollowerHome, inMentionedHome bool
			federates                       bool
		}{
			{ap.Public, true, false, true},
			{ap.Unlisted, true, false, true},
			{ap.Private, true, true, true},
			{ap.Direct, false, true, true},
			{ap.LocalOnly, true, false, false},
		}
		for _, tc := range tests {
			t.Run(string(tc.vis), func(t *testing.T) {
				before := len(w.outbox())
				st := w.post(author, "note for @mentioned #Budget", tc.vis)
				if !contains(w.home(author), st.ID) {
					t.Error("not in the author's own home")
				}
				if got := contains(w.home(follower), st.ID); got != tc.inFollowerHome {
					t.Errorf("in follower's home = %v, want %v", got, tc.inFollowerHome)
				}
				if got := contains(w.home(mentioned), st.ID); got != tc.inMentionedHome {
					t.Errorf("in mentioned user's home = %v, want %v", got, tc.inMentionedHome)
				}
				if contains(w.home(other), st.ID) {
					t.Error("in a stranger's home")
				}
				ns, err := w.svc.Notifications(w.ctx, mentioned, ap.NotificationFilter{}, ap.Page{})
				if err != nil {
					t.Fatal(err)
				}
				if len(ns) == 0 || ns[0].Type != ap.NotifyMention || ns[0].StatusID != st.ID {
					t.Errorf("mentioned user's newest notification = %+v", ns)
				}
				if len(st.Tags) != 1 || st.Tags[0] != "budget" {
					t.Errorf("tags = %q", st.Tags)
				}
				if !strings.Contains(st.Content, `class="u-url mention"`) {
					t.Errorf("mention not linked: %s", st.Content)
				}
				queued := w.outbox()[before:]
				if tc.federates != (len(queued) == 1) {
					t.Fatalf("outbox grew by %d, federates = %v", len(queued), tc.federates)
				}
				if tc.federates && (queued[0].Activity.Type != "Create" || queued[0].Activity.StatusID != st.ID) {
					t.Errorf("queued %+v", queued[0].Activity)
				}
			})
		}
	})
}

func TestPostAddressingMatchesMastodon(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *world) {
		author := w.user("author")
		bob := w.remote("bob", "remote.test")
		tests := []struct {
			vis    ap.Visibility
			to, cc []string
		}{
			{ap.Public, []string{ap.PublicAudience}, []string{author.Actor.FollowersURI, bob.URI}},
			{ap.Unlisted, []string{author.Actor.FollowersURI}, []string{ap.PublicAudience, bob.URI}},
			{ap.Private, []string{author.Actor.FollowersURI}, []string{bob.URI}},
			{ap.Direct, []string{bob.URI}, nil},
		}
		for _, tc := range tests {
			before := len(w.outbox())
			w.post(author, "hi @bob@remote.test", tc.vis)
			a := w.outbox()[before].Activity
			if strings.Join(a.To, " ") != strings.Join(tc.to, " ") || strings.Join(a.Cc, " ") != strings.Join(tc.cc, " ") {
				t.Errorf("%s: to %q cc %q, want to %q cc %q", tc.vis, a.To, a.Cc, tc.to, tc.cc)
			}
		}
	})
}

func TestBadPostsChangeNothing(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *world) {
		author := w.user("author")
		tests := []struct {
			name string
			in   ap.PostInput
		}{
			{"empty", ap.PostInput{Text: "   "}},
			{"too long", ap.PostInput{Text: strings.Repeat("x", ap.MaxStatusChars+1)}},
			{"bad visibility", ap.PostInput{Text: "x", Visibility: "everyone"}},
			{"question without title", ap.PostInput{Text: "x", Kind: ap.KindQuestion}},
			{"reply to unknown", ap.PostInput{Text: "x", InReplyToID: "01NOTREAL"}},
		}
		for _, tc := range tests {
			if _, err := w.svc.Post(w.ctx, author, tc.in); err == nil {
				t.Errorf("%s: accepted", tc.name)
			} else if k := ap.KindOf(err); k != ap.Invalid && k != ap.NotFound {
				t.Errorf("%s: kind %v (%v)", tc.name, k, err)
			}
		}
		if n := len(w.home(author)); n != 0 {
			t.Fatalf("refused posts left %d timeline rows", n)
		}
		if n := len(w.outbox()); n != 0 {
			t.Fatalf("refused posts left %d outbox rows", n)
		}
	})
}

func TestThreadEditDelete(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *world) {
		a, b := w.user("alice"), w.user("bob")
		root := w.post(a, "root", ap.Public)
		reply, err := w.svc.Post(w.ctx, b, ap.PostInput{Text: "reply", InReplyToID: root.ID})
		if err != nil {
			t.Fatal(err)
		}
		anc, desc, err := w.svc.Thread(w.ctx, ap.Viewer{Actor: &a.Actor}, reply.ID)
		if err != nil || len(anc) != 1 || anc[0].ID != root.ID || len(desc) != 0 {
			t.Fatalf("thread of reply: %v %v %v", anc, desc, err)
		}
		got, _ := w.svc.GetStatus(w.ctx, ap.Viewer{}, root.ID)
		if got.RepliesCount != 1 {
			t.Fatalf("replies count = %d", got.RepliesCount)
		}
		if _, err := w.svc.EditStatus(w.ctx, b, root.ID, ap.EditInput{Text: "hijack"}); !ap.IsNotFound(err) {
			t.Fatalf("edit by another account: %v", err)
		}
		edited, err := w.svc.EditStatus(w.ctx, a, root.ID, ap.EditInput{Text: "root, edited"})
		if err != nil || !strings.Contains(edited.Content, "edited") || edited.EditedAt == nil {
			t.Fatalf("edit: %v %+v", err, edited)
		}
		hist, _, err := w.svc.StatusHistory(w.ctx, ap.Viewer{}, root.ID)
		if err != nil || len(hist) != 1 || !strings.Contains(hist[0].Content, "root") {
			t.Fatalf("history: %v %+v", err, hist)
		}
		deleted, err := w.svc.DeleteStatus(w.ctx, a, root.ID)
		if err != nil || deleted.Source != "root, edited" {
			t.Fatalf("delete: %v (source %q)", err, deleted.Source)
		}
		if _, err := w.svc.GetStatus(w.ctx, ap.Viewer{}, root.ID); !ap.IsNotFound(err) {
			t.Fatalf("deleted status still readable: %v", err)
		}
		if contains(w.home(a), root.ID) {
			t.Fatal("deleted status still in home")
		}
	})
}
