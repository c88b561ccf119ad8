package streaming

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/guildhall/guildhall/activitypub"
)

func TestUserStream(t *testing.T) {
	w := newWorld(t, nil)
	ann, secret := w.user("ann")
	bob, _ := w.user("bob")
	w.follow(ann, bob)
	s := w.dial(secret, "")
	s.subscribe("subscribe", "user")

	// A followed account posts: an update on ["user"] whose payload is a JSON string.
	st := w.post(bob, "hello guild", activitypub.Public)
	m := s.until(is("update", st.ID, "user"))[0]
	var payload map[string]string
	if err := json.Unmarshal([]byte(m.Payload), &payload); err != nil || payload["viewer"] != "ann" {
		t.Fatalf("payload %q is not the status rendered for ann (%v)", m.Payload, err)
	}

	// A mention: a notification on the same stream.
	mention := w.post(bob, "@ann have a look", activitypub.Public)
	seen := s.until(func(m got) bool { return m.Event == "notification" })
	n := seen[len(seen)-1]
	var np map[string]string
	_ = json.Unmarshal([]byte(n.Payload), &np)
	if np["type"] != "mention" || np["status"] != mention.ID || !slices.Equal(n.Stream, []string{"user"}) {
		t.Fatalf("notification %+v", n)
	}

	// A delete: the bare id.
	if _, err := w.svc.DeleteStatus(w.ctx, bob, st.ID); err != nil {
		t.Fatal(err)
	}
	s.until(is("delete", st.ID, "user"))

	// An edit: status.update.
	if _, err := w.svc.EditStatus(w.ctx, bob, mention.ID, activitypub.EditInput{Text: "@ann have another look"}); err != nil {
		t.Fatal(err)
	}
	s.until(is("status.update", mention.ID, "user"))

	// Unsubscribed, the user stream stays quiet; public:local is the witness that events flow.
	s.subscribe("unsubscribe", "user")
	s.subscribe("subscribe", "public:local")
	w.post(bob, "first after unsubscribing", activitypub.Public)
	second := w.post(bob, "second after unsubscribing", activitypub.Public)
	for _, m := range s.until(is("update", second.ID, "public:local")) {
		if slices.Contains(m.Stream, "user") {
			t.Fatalf("user stream after unsubscribe: %+v", m)
		}
	}
}

func TestNotificationStream(t *testing.T) {
	w := newWorld(t, nil)
	ann, secret := w.user("ann")
	bob, _ := w.user("bob")
	w.follow(ann, bob)
	s := w.dial(secret, "stream=user:notification")
	w.post(bob, "no mention", activitypub.Public)
	mention := w.post(bob, "@ann ping", activitypub.Public)
	m := s.next() // the first status is not a notification, so it never arrives here
	if m.Event != "notification" || !slices.Equal(m.Stream, []string{"user:notification"}) || !strings.Contains(m.Payload, mention.ID) {
		t.Fatalf("got %+v", m)
	}
}

func TestPublicStreams(t *testing.T) {
	w := newWorld(t, nil)
	carol, secret := w.user("carol") // follows nobody
	bob, _ := w.user("bob")
	dave, _ := w.user("dave")
	s := w.dial(secret, "")
	s.subscribe("subscribe", "public:local")
	s.subscribe("subscribe", "hashtag", "tag", "Guild")
	s.subscribe("subscribe", "hashtag:local", "tag", "local")

	private := w.post(bob, "#guild followers only", activitypub.Private)
	direct := w.post(bob, "@dave #guild just us", activitypub.Direct)
	unlisted := w.post(bob, "#guild quietly", activitypub.Unlisted)
	plain := w.post(bob, "no tag", activitypub.Public)
	tagged := w.post(bob, "about the #guild", activitypub.Public)
	localTag := w.post(bob, "#local news", activitypub.Public)
	// The streams of one event come in any order: a later post marks the end of the batch.
	end := w.post(dave, "end of batch", activitypub.Public)

	var got []string
	for _, m := range s.until(is("update", end.ID, "public:local")) {
		if m.id() != end.ID {
			got = append(got, m.id()+" "+strings.Join(m.Stream, " "))
		}
	}
	want := []string{
		plain.ID + " public:local",
		tagged.ID + " public:local", tagged.ID + " hashtag Guild",
		localTag.ID + " public:local", localTag.ID + " hashtag:local local",
	}
	// Compare as sets; nothing else may come.
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("public streams got\n%v\nwant\n%v\n(private %s, direct %s, unlisted %s)", got, want, private.ID, direct.ID, unlisted.ID)
	}

	// A blocked author's posts stay out of the blocker's public streams.
	if _, err := w.svc.Block(w.ctx, carol, bob.Actor.ID); err != nil {
		t.Fatal(err)
	}
	hidden := w.post(bob, "after the block", activitypub.Public)
	witness := w.post(dave, "dave speaks", activitypub.Public)
	for _, m := range s.until(is("update", witness.ID, "public:local")) {
		if m.id() == hidden.ID {
			t.Fatalf("blocked author reached the public stream: %+v", m)
		}
	}
}

func TestDirectStream(t *testing.T) {
	w := newWorld(t, nil)
	_, secret := w.user("ann")
	bob, _ := w.user("bob")
	s := w.dial(secret, "stream=direct")
	w.post(bob, "public, not for the direct stream", activitypub.Public)
	dm := w.post(bob, "@ann just us", activitypub.Direct)
	if m := s.next(); m.Event != "update" || m.id() != dm.ID || !slices.Equal(m.Stream, []string{"direct"}) {
		t.Fatalf("got %+v", m)
	}
}

func TestLegacyQueryStream(t *testing.T) {
	w := newWorld(t, nil)
	ann, secret := w.user("ann")
	bob, _ := w.user("bob")
	w.follow(ann, bob)
	s := w.dial(secret, "stream=user")
	st := w.post(bob, "hello", activitypub.Public)
	s.until(is("update", st.ID, "user"))

	tag := w.dial(secret, "stream=hashtag&tag=news")
	other := w.post(bob, "#other", activitypub.Public)
	news := w.post(bob, "#news", activitypub.Public)
	if m := tag.next(); m.id() != news.ID || !slices.Equal(m.Stream, []string{"hashtag", "news"}) {
		t.Fatalf("got %+v, want %s only (not %s)", m, news.ID, other.ID)
	}
}

func TestListStream(t *testing.T) {
	var owner, member string
	w := newWorld(t, func(o *Options) {
		o.ListMembership = func(_ context.Context, id string) (string, []string, error) {
			if id != "7" {
				return "", nil, activitypub.E("test", activitypub.NotFound, "no list")
			}
			return owner, []string{member}, nil
		}
	})
	ann, secret := w.user("ann")
	bob, _ := w.user("bob")
	dave, _ := w.user("dave")
	owner, member = ann.Actor.ID, bob.Actor.ID
	w.follow(ann, bob)
	w.follow(ann, dave)
	s := w.dial(secret, "")
	s.send(map[string]string{"type": "subscribe", "stream": "list", "list": "8"})
	if m := s.next(); m.Error != "List not found" {
		t.Fatalf("someone else's list: %+v", m)
	}
	s.subscribe("subscribe", "list", "list", "7")
	w.post(dave, "not on the list", activitypub.Public)
	st := w.post(bob, "on the list", activitypub.Public)
	if m := s.next(); m.id() != st.ID || !slices.Equal(m.Stream, []string{"list", "7"}) {
		t.Fatalf("got %+v", m)
	}
}
