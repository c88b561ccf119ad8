package delivery

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/federation/as2"
	"github.com/guildhall/guildhall/federation/fedtest"
	"github.com/guildhall/guildhall/federation/fetch"
)

const alice = "http://a.test/users/alice"

// fixture is a local actor alice on a.test with a store, her key known to fake inboxes, and a
// worker delivering for her.
type fixture struct {
	t     *testing.T
	store *memStore
	keys  *fedtest.Keys
	now   func() time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	s := newMemStore()
	s.actors["alice"] = &ap.Actor{ID: "alice", URI: alice, Kind: ap.KindPerson, Username: "alice", Inbox: alice + "/inbox",
		Outbox: alice + "/outbox", SharedInbox: "http://a.test/inbox", FollowersURI: alice + "/followers",
		PublicKeyID: alice + "#main-key", PublicKeyPEM: "unused", URL: "http://a.test/@alice"}
	s.actors["carol"] = &ap.Actor{ID: "carol", URI: "http://a.test/users/carol", Username: "carol", Inbox: "http://a.test/users/carol/inbox"}
	s.keys["alice"] = key
	keys := fedtest.NewKeys()
	keys.Add(alice+"#main-key", alice, &key.PublicKey)
	return &fixture{t: t, store: s, keys: keys, now: time.Now}
}

// remote adds a remote actor whose shared inbox is the fake inbox in.
func (f *fixture) remote(id string, in *fedtest.Inbox, shared bool) *ap.Actor {
	base := "http://" + in.Addr()
	a := &ap.Actor{ID: id, URI: base + "/users/" + id, Username: id, Domain: in.Addr(), Inbox: base + "/users/" + id + "/inbox"}
	if shared {
		a.SharedInbox = base + "/inbox"
	}
	f.store.actors[id] = a
	return a
}

func (f *fixture) inbox(o fedtest.InboxOptions) *fedtest.Inbox {
	in := fedtest.NewInbox(f.keys, o)
	f.t.Cleanup(in.Close)
	return in
}

func (f *fixture) worker(mod func(o *Options)) *Worker {
	f.t.Helper()
	o := Options{Store: f.store, Keys: f.store, Poster: fetch.NewFetcher(fetch.Options{AllowPrivateNetworks: true, Timeout: 5 * time.Second}),
		BaseURL: "http://a.test", Domain: "a.test", Logger: slog.New(slog.DiscardHandler), Poll: 10 * time.Millisecond,
		Timeout: 2 * time.Second, Lease: 10 * time.Second, Backoff: func(int) time.Duration { return 20 * time.Millisecond },
		Now: func() time.Time { return f.now() }}
	if mod != nil {
		mod(&o)
	}
	w, err := New(o)
	if err != nil {
		f.t.Fatal(err)
	}
	return w
}

// run runs w until the test ends and checks that Run returns promptly on cancel.
func (f *fixture) run(w *Worker) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	f.t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				f.t.Errorf("Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			f.t.Error("Run did not stop after cancel")
		}
	})
}

var outboxSeq int

func (f *fixture) enqueue(a ap.Activity) *ap.OutboxItem {
	outboxSeq++
	a.ActorID, a.Actor = "alice", alice
	if a.Published.IsZero() {
		a.Published = time.Now()
	}
	it := &ap.OutboxItem{ID: fmt.Sprintf("ob%06d", outboxSeq), ActorID: "alice", Activity: a, CreatedAt: time.Now()}
	if err := f.store.Enqueue(context.Background(), it); err != nil {
		f.t.Fatal(err)
	}
	return it
}

func (f *fixture) status(id string, vis ap.Visibility) *ap.Status {
	st := &ap.Status{ID: id, URI: alice + "/statuses/" + id, URL: "http://a.test/@alice/" + id, ActorID: "alice",
		ObjectType: "Note", Visibility: vis, Local: true, Content: "<p>bins collected on Tuesday</p>", CreatedAt: time.Now()}
	f.store.statuses[id] = st
	return st
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestFanOutCreate(t *testing.T) {
	f := newFixture(t)
	b, c, d := f.inbox(fedtest.InboxOptions{}), f.inbox(fedtest.InboxOptions{}), f.inbox(fedtest.InboxOptions{})
	bob := f.remote("bob", b, true)
	f.remote("bert", b, true) // a second follower on b: still one delivery to b's shared inbox
	dave := f.remote("dave", d, false)
	f.store.followers["alice"] = []string{"http://" + b.Addr() + "/inbox", "http://" + c.Addr() + "/inbox"}
	st := f.status("s1", ap.Public)
	st.Mentions = []ap.Mention{{ActorID: "dave", URI: dave.URI, Username: "dave", Domain: d.Addr()},
		{ActorID: "carol", URI: "http://a.test/users/carol", Username: "carol"}}
	f.enqueue(ap.Activity{ID: st.URI + "/activity", Type: "Create", Object: st.URI, StatusID: st.ID,
		To: []string{as2.Public}, Cc: []string{alice + "/followers", dave.URI, "http://a.test/users/carol", bob.URI}})
	w := f.worker(nil)
	f.run(w)
	w.Notify()
	for _, in := range []*fedtest.Inbox{b, c, d} {
		if !in.WaitAccepted(1, 10*time.Second) {
			t.Fatalf("%s got nothing; rejected: %v", in.Host, in.Rejected())
		}
	}
	time.Sleep(50 * time.Millisecond) // nothing more should arrive
	tests := []struct {
		name string
		in   *fedtest.Inbox
		path string
	}{{"follower host with two followers", b, "/inbox"}, {"follower host", c, "/inbox"}, {"mentioned, personal inbox only", d, "/users/dave/inbox"}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.in.Got()
			if len(got) != 1 {
				t.Fatalf("got %d requests, want 1", len(got))
			}
			r := got[0]
			if r.Path != tt.path || r.KeyID != alice+"#main-key" || r.Owner != alice {
				t.Errorf("path %s key %s owner %s", r.Path, r.KeyID, r.Owner)
			}
			if r.Doc["type"] != "Create" || r.Doc["id"] != st.URI+"/activity" {
				t.Errorf("doc %v", r.Doc)
			}
			obj, _ := r.Doc["object"].(map[string]any)
			if obj["type"] != "Note" || obj["content"] != st.Content || obj["attributedTo"] != alice {
				t.Errorf("object %v", obj)
			}
		})
	}
	if n, _ := f.store.CountDeliveries(context.Background(), ap.DeliveryDone); n != 3 {
		t.Errorf("%d deliveries done, want 3", n)
	}
	if f.store.outboxReads != 1 {
		t.Errorf("outbox record read %d times, want 1 (render once per record)", f.store.outboxReads)
	}
}

func TestOutcomes(t *testing.T) {
	tests := []struct {
		name      string
		respond   func(n int) int
		wantState string
		wantTries int
	}{
		{"accepted", nil, ap.DeliveryDone, 1},
		{"5xx then accepted", func(n int) int { return map[bool]int{true: 503, false: 202}[n < 2] }, ap.DeliveryDone, 3},
		{"429 retried", func(n int) int { return map[bool]int{true: 429, false: 200}[n < 1] }, ap.DeliveryDone, 2},
		{"401 retried (key not fetched yet)", func(n int) int { return map[bool]int{true: 401, false: 200}[n < 1] }, ap.DeliveryDone, 2},
		{"410 fails at once", func(int) int { return 410 }, ap.DeliveryFailed, 1},
		{"403 fails at once", func(int) int { return 403 }, ap.DeliveryFailed, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			in := f.inbox(fedtest.InboxOptions{Respond: tt.respond})
			bob := f.remote("bob", in, true)
			f.enqueue(ap.Activity{ID: alice + "#likes/1", Type: "Like", Object: bob.URI + "/statuses/1", To: []string{bob.URI}})
			f.run(f.worker(nil))
			waitFor(t, "a final state", func() bool {
				ds := f.store.byInbox("http://" + in.Addr() + "/inbox")
				return len(ds) == 1 && ds[0].State != ap.DeliveryPending
			})
			d := f.store.byInbox("http://" + in.Addr() + "/inbox")[0]
			if d.State != tt.wantState || d.Attempts != tt.wantTries || len(in.Got()) != tt.wantTries {
				t.Errorf("state %s after %d attempts (%d requests), want %s after %d", d.State, d.Attempts, len(in.Got()), tt.wantState, tt.wantTries)
			}
		})
	}
}

func TestGiveUpAfterDays(t *testing.T) {
	f := newFixture(t)
	in := f.inbox(fedtest.InboxOptions{Respond: func(int) int { return 503 }})
	bob := f.remote("bob", in, true)
	// The clock jumps twelve hours at each failure, so four days pass in eight attempts.
	var mu sync.Mutex
	clock := time.Now()
	f.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	f.enqueue(ap.Activity{ID: alice + "#follows/1", Type: "Follow", Object: bob.URI, To: []string{bob.URI}})
	f.run(f.worker(func(o *Options) {
		o.Backoff = func(int) time.Duration { mu.Lock(); defer mu.Unlock(); clock = clock.Add(12 * time.Hour); return 0 }
	}))
	waitFor(t, "give-up", func() bool {
		ds := f.store.byInbox("http://" + in.Addr() + "/inbox")
		return len(ds) == 1 && ds[0].State == ap.DeliveryFailed
	})
	if n := len(in.Got()); n != 9 {
		t.Errorf("%d attempts before giving up, want 9 (eight 12-hour waits)", n)
	}
}

func TestHostDownThenBack(t *testing.T) {
	f := newFixture(t)
	in := f.inbox(fedtest.InboxOptions{})
	addr := in.Addr()
	bob := f.remote("bob", in, true)
	in.Close() // the host goes down before we post
	f.enqueue(ap.Activity{ID: alice + "#follows/1", Type: "Follow", Object: bob.URI, To: []string{bob.URI}})
	f.run(f.worker(nil))
	waitFor(t, "a failed attempt", func() bool {
		ds := f.store.byInbox("http://" + addr + "/inbox")
		return len(ds) == 1 && ds[0].Attempts >= 2 && ds[0].State == ap.DeliveryPending
	})
	back := fedtest.NewInbox(f.keys, fedtest.InboxOptions{Listener: listenOn(t, addr)})
	t.Cleanup(back.Close)
	if !back.WaitAccepted(1, 10*time.Second) {
		t.Fatalf("the host came back but got nothing; rejected: %v", back.Rejected())
	}
	if back.Got()[0].Doc["type"] != "Follow" {
		t.Errorf("got %v", back.Got()[0].Doc)
	}
}

func TestSlowHostDoesNotDelayOthers(t *testing.T) {
	f := newFixture(t)
	slow := f.inbox(fedtest.InboxOptions{Delay: 300 * time.Millisecond})
	fast := f.inbox(fedtest.InboxOptions{})
	f.remote("bob", slow, true)
	f.remote("fay", fast, true)
	slowInbox := "http://" + slow.Addr() + "/inbox"
	const n = 12
	for i := range n {
		// Twelve activities to the slow host, queued first.
		f.enqueue(ap.Activity{ID: fmt.Sprintf("%s#likes/%d", alice, i), Type: "Like", Object: "http://x/1", Inboxes: []string{slowInbox}})
	}
	f.enqueue(ap.Activity{ID: alice + "#likes/fast", Type: "Like", Object: "http://x/1", Inboxes: []string{"http://" + fast.Addr() + "/inbox"}})
	f.run(f.worker(func(o *Options) { o.PerHost = 3 }))
	if !fast.WaitAccepted(1, 10*time.Second) {
		t.Fatal("fast host got nothing")
	}
	// Order, not speed: the fast host was served while the slow one still had most of its queue
	// (twelve at three at a time, each held 300 ms), so it did not wait behind it.
	if got := len(slow.Accepted()); got >= n-3 {
		t.Errorf("fast host served only after the slow host had %d of %d", got, n)
	}
	if !slow.WaitAccepted(n, 10*time.Second) {
		t.Fatalf("slow host got %d of %d", len(slow.Accepted()), n)
	}
	if m := slow.MaxInFlight(); m > 3 {
		t.Errorf("%d requests in flight to one host, limit 3", m)
	}
}

func TestDeletedBeforeDelivery(t *testing.T) {
	f := newFixture(t)
	in := f.inbox(fedtest.InboxOptions{})
	bob := f.remote("bob", in, true)
	st := f.status("s1", ap.Public)
	now := time.Now()
	st.DeletedAt = &now
	f.enqueue(ap.Activity{ID: st.URI + "/activity", Type: "Create", Object: st.URI, StatusID: st.ID, To: []string{bob.URI}})
	f.enqueue(ap.Activity{ID: st.URI + "#delete", Type: "Delete", Object: st.URI, StatusID: st.ID, To: []string{bob.URI}})
	f.run(f.worker(nil))
	if !in.WaitAccepted(1, 5*time.Second) {
		t.Fatal("Delete not delivered")
	}
	waitFor(t, "both final", func() bool {
		n, _ := f.store.CountDeliveries(context.Background(), ap.DeliveryPending)
		return n == 0
	})
	got := in.Got()
	if len(got) != 1 || got[0].Doc["type"] != "Delete" {
		t.Fatalf("got %d requests, first %v; want only the Delete", len(got), got[0].Doc)
	}
	if obj, _ := got[0].Doc["object"].(map[string]any); obj["type"] != "Tombstone" {
		t.Errorf("Delete object %v", got[0].Doc["object"])
	}
}

func TestRecipients(t *testing.T) {
	f := newFixture(t)
	in := f.inbox(fedtest.InboxOptions{})
	bob := f.remote("bob", in, true)
	f.store.actors["eve"] = &ap.Actor{ID: "eve", URI: "http://e.test/users/eve", Domain: "e.test", Inbox: "http://e.test/users/eve/inbox"}
	f.store.followers["alice"] = []string{"http://f.test/inbox", "http://a.test/inbox"}
	w := f.worker(nil)
	tests := []struct {
		name string
		act  ap.Activity
		want []string
	}{
		{"public alone reaches no one", ap.Activity{To: []string{as2.Public}}, nil},
		{"followers", ap.Activity{To: []string{as2.Public}, Cc: []string{alice + "/followers"}}, []string{"http://f.test/inbox"}},
		{"remote actor prefers shared inbox", ap.Activity{To: []string{bob.URI}}, []string{"http://" + in.Addr() + "/inbox"}},
		{"no shared inbox", ap.Activity{To: []string{"http://e.test/users/eve"}}, []string{"http://e.test/users/eve/inbox"}},
		{"local actors skipped", ap.Activity{To: []string{"http://a.test/users/carol", alice}}, nil},
		{"unknown remote skipped", ap.Activity{To: []string{"http://z.test/users/zed"}}, nil},
		{"explicit inboxes, deduplicated", ap.Activity{To: []string{"http://e.test/users/eve"}, Inboxes: []string{"http://e.test/users/eve/inbox", "http://g.test/inbox"}},
			[]string{"http://e.test/users/eve/inbox", "http://g.test/inbox"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := w.Recipients(context.Background(), &ap.OutboxItem{ID: "x", ActorID: "alice", Activity: tt.act})
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		status   int
		err      error
		ok, fail bool
	}{
		{200, nil, true, false}, {202, nil, true, false},
		{301, &fetch.StatusError{Code: 301}, false, false},
		{400, &fetch.StatusError{Code: 400}, false, true}, {401, &fetch.StatusError{Code: 401}, false, false},
		{404, &fetch.StatusError{Code: 404}, false, true}, {408, &fetch.StatusError{Code: 408}, false, false},
		{410, &fetch.StatusError{Code: 410}, false, true}, {422, &fetch.StatusError{Code: 422}, false, true},
		{429, &fetch.StatusError{Code: 429}, false, false}, {500, &fetch.StatusError{Code: 500}, false, false},
		{503, &fetch.StatusError{Code: 503}, false, false},
		{0, errors.New("connection refused"), false, false},
		{0, fmt.Errorf("dial: %w", fetch.ErrForbiddenAddress), false, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d %v", tt.status, tt.err), func(t *testing.T) {
			oc := classify(tt.status, tt.err)
			if oc.ok != tt.ok || oc.fail != tt.fail {
				t.Errorf("ok=%v fail=%v, want ok=%v fail=%v", oc.ok, oc.fail, tt.ok, tt.fail)
			}
		})
	}
}

func TestExponentialBackoff(t *testing.T) {
	b := ExponentialBackoff(30*time.Second, 12*time.Hour)
	tests := []struct {
		attempt int
		base    time.Duration
	}{{0, 30 * time.Second}, {1, 30 * time.Second}, {2, time.Minute}, {3, 2 * time.Minute}, {8, 64 * time.Minute}, {30, 12 * time.Hour}}
	for _, tt := range tests {
		for range 50 {
			d := b(tt.attempt)
			if d < tt.base*3/4 || d > tt.base*5/4 {
				t.Fatalf("attempt %d: %s outside %s ±25%%", tt.attempt, d, tt.base)
			}
		}
	}
	var total time.Duration
	n := 0
	for total < DefaultGiveUpAfter {
		n++
		total += ExponentialBackoff(DefaultBackoffBase, DefaultBackoffCap)(n)
	}
	if n < 12 || n > 25 {
		t.Errorf("%d attempts in four days", n)
	}
}

func TestNewValidates(t *testing.T) {
	s := newMemStore()
	p := fetch.NewFetcher(fetch.Options{})
	tests := []struct {
		name string
		o    Options
	}{
		{"no store", Options{Keys: s, Poster: p, BaseURL: "http://a.test"}},
		{"no keys", Options{Store: s, Poster: p, BaseURL: "http://a.test"}},
		{"no poster", Options{Store: s, Keys: s, BaseURL: "http://a.test"}},
		{"relative base", Options{Store: s, Keys: s, Poster: p, BaseURL: "a.test"}},
		{"lease shorter than requests", Options{Store: s, Keys: s, Poster: p, BaseURL: "http://a.test", Timeout: time.Minute, Lease: time.Minute}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.o); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

// TestNotifyDeliversWithoutWaitingForThePoll: after the domain enqueues, Notify alone must get
// the activity sent; the poll is an hour away here. (A wake-up once went to the sender loop, which
// had nothing to send, and the expander slept until the next poll.)
func TestNotifyDeliversWithoutWaitingForThePoll(t *testing.T) {
	f := newFixture(t)
	in := f.inbox(fedtest.InboxOptions{})
	bob := f.remote("bob", in, true)
	w := f.worker(func(o *Options) { o.Poll = time.Hour })
	f.run(w)
	for i := 1; i <= 5; i++ {
		f.enqueue(ap.Activity{ID: fmt.Sprintf("%s#likes/notify-%d", alice, i), Type: "Like", Object: "http://x/1", To: []string{bob.URI}})
		w.Notify()
		// The bound only stops a broken build from hanging; it is far beyond any real delivery.
		if !in.WaitAccepted(i, 30*time.Second) {
			t.Fatalf("delivery %d waited for the poll", i)
		}
	}
}
