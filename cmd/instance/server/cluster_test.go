package server

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
	"github.com/guildhall/guildhall/adapters/password"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// bound keeps a broken relay from hanging a test; it is not a speed requirement.
const bound = 10 * time.Second

// node is one server process of a cluster, on its own HTTP listener.
type node struct {
	in  *Instance
	srv *httptest.Server
}

// twoNodes starts two instances of one host on one PostgreSQL schema and one media directory,
// as two processes behind a load balancer would run.
func twoNodes(t *testing.T, rateLimit int) [2]*node {
	t.Helper()
	cfg := Defaults()
	cfg.Host = "hall.test"
	cfg.InsecureHTTP = true
	cfg.DB = storagetest.PostgresDSN(t)
	cfg.MediaDir = filepath.Join(t.TempDir(), "media")
	cfg.APIRateLimit = rateLimit
	var out [2]*node
	for i := range out {
		in, err := New(context.Background(), cfg, Options{Passwords: password.Argon2id{Time: 1, Memory: 1024, Threads: 1, KeyLen: 32}})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(in.Handler)
		t.Cleanup(func() {
			in.API.Close()
			srv.Close()
			in.Close()
		})
		out[i] = &node{in: in, srv: srv}
	}
	return out
}

// user creates a local user and returns an access token.
func (n *node) user(t *testing.T, name string) (*activitypub.Account, string) {
	t.Helper()
	ctx := context.Background()
	acct, err := n.in.Service.CreateLocalUser(ctx, activitypub.NewUser{Username: name, Email: name + "@hall.test", Password: "a long enough password"})
	if err != nil {
		t.Fatal(err)
	}
	secret, _, err := n.in.Accounts.IssueToken(ctx, acct.User.ActorID, "", []string{"read", "write", "follow"})
	if err != nil {
		t.Fatal(err)
	}
	return acct, secret
}

func (n *node) call(t *testing.T, token, method, path string, form url.Values) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, n.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

// post publishes a status and returns its id.
func (n *node) post(t *testing.T, token string, form url.Values) string {
	t.Helper()
	res := n.call(t, token, http.MethodPost, "/api/v1/statuses", form)
	var st struct{ ID string }
	if err := json.NewDecoder(res.Body).Decode(&st); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("post: %d %v", res.StatusCode, err)
	}
	return st.ID
}

// streamEvent is one event as a Mastodon client receives it.
type streamEvent struct {
	Event   string   `json:"event"`
	Payload string   `json:"payload"`
	Stream  []string `json:"stream"`
}

// wsStream opens a WebSocket stream and returns its events; it waits until the hub counts it.
func (n *node) wsStream(t *testing.T, token, stream string) <-chan streamEvent {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	u := "ws" + strings.TrimPrefix(n.srv.URL, "http") + "/api/v1/streaming?stream=" + stream + "&access_token=" + token
	before := n.connections()
	c, _, err := websocket.Dial(ctx, u, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", stream, err)
	}
	t.Cleanup(func() { c.CloseNow() })
	ch := make(chan streamEvent, 16)
	go func() {
		for {
			_, data, err := c.Read(ctx)
			if err != nil {
				return
			}
			var ev streamEvent
			if json.Unmarshal(data, &ev) == nil {
				ch <- ev
			}
		}
	}()
	deadline := time.Now().Add(bound)
	for n.connections() == before {
		if time.Now().After(deadline) {
			t.Fatal("the hub never counted the stream")
		}
		time.Sleep(10 * time.Millisecond)
	}
	return ch
}

// sseStream opens a Server-Sent Events stream; the hub has registered it once the first comment
// line arrives.
func (n *node) sseStream(t *testing.T, token, path string) <-chan streamEvent {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, n.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("SSE %s: %v %v", path, res, err)
	}
	r := bufio.NewReader(res.Body)
	if line, err := r.ReadString('\n'); err != nil || !strings.HasPrefix(line, ":") {
		t.Fatalf("SSE %s opened with %q, %v", path, line, err)
	}
	ch := make(chan streamEvent, 16)
	go func() {
		defer res.Body.Close()
		var ev streamEvent
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimRight(line, "\n")
			switch {
			case strings.HasPrefix(line, "event: "):
				ev.Event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.Payload = strings.TrimPrefix(line, "data: ")
			case line == "" && ev.Event != "":
				ch <- ev
				ev = streamEvent{}
			}
		}
	}()
	return ch
}

func (n *node) connections() int {
	return n.in.API.Events().(interface{ Connections() int }).Connections()
}

// next returns the next event of ch, failing after bound.
func next(t *testing.T, ch <-chan streamEvent, what string) streamEvent {
	t.Helper()
	select {
	case ev := <-ch:
		return ev
	case <-time.After(bound):
		t.Fatalf("no event: %s", what)
		return streamEvent{}
	}
}

func payloadID(t *testing.T, ev streamEvent) string {
	t.Helper()
	if ev.Event == "delete" {
		return ev.Payload
	}
	var p struct{ ID string }
	if err := json.Unmarshal([]byte(ev.Payload), &p); err != nil {
		t.Fatalf("%s payload %q: %v", ev.Event, ev.Payload, err)
	}
	return p.ID
}

// A user streaming from one process hears what happens through the other: a followee's post
// (WebSocket, user stream), a notification, a delete; a public post reaches an SSE public
// stream on the other process; the process that produced an event streams it once, not twice;
// and a followers-only post does not reach a stranger's public stream.
func TestStreamingAcrossProcesses(t *testing.T) {
	nodes := twoNodes(t, 300)
	one, two := nodes[0], nodes[1]
	ann, annTok := one.user(t, "ann")
	bob, bobTok := two.user(t, "bob")
	_, carlTok := one.user(t, "carl")
	ctx := context.Background()
	annHome := one.wsStream(t, annTok, "user")
	carlPublic := one.sseStream(t, carlTok, "/api/v1/streaming/public")
	bobHome := two.wsStream(t, bobTok, "user")

	// Ann follows bob through process one; bob hears of it on process two.
	if _, err := one.in.Service.Follow(ctx, ann, bob.Actor.ID, true, false); err != nil {
		t.Fatal(err)
	}
	if ev := next(t, bobHome, "the follow notification"); ev.Event != "notification" || !strings.Contains(ev.Payload, `"type":"follow"`) {
		t.Fatalf("bob heard %+v, want a follow notification", ev)
	}

	id := two.post(t, bobTok, url.Values{"status": {"posted through process two"}, "visibility": {"public"}})
	if ev := next(t, annHome, "bob's post on ann's home stream"); ev.Event != "update" || payloadID(t, ev) != id {
		t.Fatalf("ann heard %s %s, want update %s", ev.Event, ev.Payload, id)
	}
	if ev := next(t, carlPublic, "bob's post on carl's public SSE stream"); ev.Event != "update" || payloadID(t, ev) != id {
		t.Fatalf("carl heard %+v, want update %s", ev, id)
	}
	if ev := next(t, bobHome, "bob's own post on his home stream"); ev.Event != "update" || payloadID(t, ev) != id {
		t.Fatalf("bob heard %+v", ev)
	}

	// Ann favourites it through process one: bob, on process two, gets the notification.
	if res := one.call(t, annTok, http.MethodPost, "/api/v1/statuses/"+id+"/favourite", nil); res.StatusCode != http.StatusOK {
		t.Fatalf("favourite: %d", res.StatusCode)
	}
	if ev := next(t, bobHome, "the favourite notification"); ev.Event != "notification" || !strings.Contains(ev.Payload, `"favourite"`) {
		t.Fatalf("bob heard %+v, want a favourite notification", ev)
	}

	// A followers-only post reaches ann's home but not carl's public stream; the public post
	// after it is the next thing carl hears, so nothing was streamed to him in between.
	private := two.post(t, bobTok, url.Values{"status": {"followers only"}, "visibility": {"private"}})
	if ev := next(t, annHome, "the followers-only post"); payloadID(t, ev) != private {
		t.Fatalf("ann heard %+v, want %s", ev, private)
	}
	if res := two.call(t, bobTok, http.MethodDelete, "/api/v1/statuses/"+id, nil); res.StatusCode != http.StatusOK {
		t.Fatalf("delete: %d", res.StatusCode)
	}
	if ev := next(t, annHome, "the delete"); ev.Event != "delete" || ev.Payload != id {
		t.Fatalf("ann heard %+v, want delete %s", ev, id)
	}
	if ev := next(t, carlPublic, "the delete on the public stream"); ev.Event != "delete" || ev.Payload != id {
		t.Fatalf("carl heard %+v, want delete %s", ev, id)
	}
	// Bob's own stream: the private post, then the delete, each once (he is on the process that
	// produced them, which must not also relay them to itself).
	for _, want := range []string{private, id} {
		if ev := next(t, bobHome, "bob's own events"); payloadID(t, ev) != want {
			t.Fatalf("bob heard %+v, want %s (an event streamed twice?)", ev, want)
		}
	}
	last := two.post(t, bobTok, url.Values{"status": {"the end"}, "visibility": {"public"}})
	if ev := next(t, bobHome, "bob's last post"); payloadID(t, ev) != last {
		t.Fatalf("bob heard %+v, want %s (an event streamed twice?)", ev, last)
	}
	if ev := next(t, carlPublic, "bob's last post on the public stream"); payloadID(t, ev) != last {
		t.Fatalf("carl heard %+v, want %s", ev, last)
	}
}

// An event for more recipients than one NOTIFY can carry arrives whole, once.
func TestSplitEventReassembles(t *testing.T) {
	var ids []string
	for i := range 1000 {
		ids = append(ids, fmt.Sprintf("01JTESTRECIPIENT%010d", i))
	}
	w := wireEvent{Origin: "o", ID: 7, Type: "update", UserIDs: ids, StatusID: "s", Public: true}
	msgs, err := splitEvent(w, 7900)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) < 2 {
		t.Fatalf("%d messages for 1000 recipients", len(msgs))
	}
	var got []activitypub.Event
	c := &cluster{origin: "other", parts: map[string]*partial{},
		local: func(_ context.Context, e activitypub.Event) { got = append(got, e) }}
	for _, m := range msgs {
		if len(m) > 7900 {
			t.Fatalf("message of %d bytes", len(m))
		}
		c.receive(m)
	}
	if len(got) != 1 || len(got[0].UserIDs) != 1000 || got[0].UserIDs[999] != ids[999] || !got[0].Public {
		t.Fatalf("reassembled %d events (%+v)", len(got), got)
	}
	// Its own messages a process ignores.
	c.origin = "o"
	for _, m := range msgs {
		c.receive(m)
	}
	if len(got) != 1 {
		t.Fatal("a process relayed its own event to itself")
	}
}

// The client API's budget is one across processes: requests alternating between them are
// refused once the total reaches the limit.
func TestRateLimitSharedAcrossProcesses(t *testing.T) {
	const limit = 20
	nodes := twoNodes(t, limit)
	_, tok := nodes[0].user(t, "ann")
	for i := 1; i <= limit+2; i++ {
		res := nodes[i%2].call(t, tok, http.MethodGet, "/api/v1/accounts/verify_credentials", nil)
		_, _ = io.Copy(io.Discard, res.Body)
		want := http.StatusOK
		if i > limit {
			want = http.StatusTooManyRequests
		}
		if res.StatusCode != want {
			t.Fatalf("request %d (process %d): %d, want %d", i, i%2+1, res.StatusCode, want)
		}
		if rem := res.Header.Get("X-RateLimit-Remaining"); rem != fmt.Sprint(max(limit-i, 0)) {
			t.Fatalf("request %d: X-RateLimit-Remaining %s, want %d", i, rem, max(limit-i, 0))
		}
	}
}

// A domain block made through one process (or the CLI: any writer of the database) reaches the
// other's policy cache through the bus, long before the cache's own expiry.
func TestPolicyChangeReachesOtherProcess(t *testing.T) {
	nodes := twoNodes(t, 300)
	ctx := context.Background()
	other := nodes[1].in.Fed.Policy()
	if ok, err := other.Allowed(ctx, "spam.test"); err != nil || !ok {
		t.Fatalf("before the block: allowed=%v, %v", ok, err)
	}
	// The cache is warm now and would trust it for activitypub.DefaultPolicyTTL.
	if _, err := nodes[0].in.Service.BlockDomain(ctx, "spam.test", "spam"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(activitypub.DefaultPolicyTTL / 2)
	for {
		ok, err := other.Allowed(ctx, "spam.test")
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the other process still federates with a blocked domain: no invalidation arrived")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A token revoked through one process stops working on the other at once: its cached
// resolution is forgotten and its open streams are closed, rather than after the token cache's
// 5 s and the streams' 30 s heartbeat.
func TestRevocationReachesOtherProcess(t *testing.T) {
	nodes := twoNodes(t, 300)
	_, tok := nodes[0].user(t, "ann")
	other := nodes[1]
	other.wsStream(t, tok, "user")
	if res := other.call(t, tok, http.MethodGet, "/api/v1/accounts/verify_credentials", nil); res.StatusCode != http.StatusOK {
		t.Fatalf("before revocation: %d", res.StatusCode)
	}
	// The other process has the token cached now.
	if err := nodes[0].in.Store.RevokeToken(context.Background(), accounts.HashSecret(tok), time.Now()); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(authCacheWindow / 2)
	for other.call(t, tok, http.MethodGet, "/api/v1/accounts/verify_credentials", nil).StatusCode != http.StatusUnauthorized {
		if time.Now().After(deadline) {
			t.Fatal("the revoked token still works on the other process")
		}
		time.Sleep(10 * time.Millisecond)
	}
	deadlineStream := time.Now().Add(bound)
	for other.connections() != 0 {
		if time.Now().After(deadlineStream) {
			t.Fatal("the revoked token's stream stayed open on the other process")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// authCacheWindow is mastoapi's token cache lifetime, which the revocation must beat.
const authCacheWindow = 5 * time.Second
