package streaming

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
)

func TestRevokedTokenClosesStreams(t *testing.T) {
	tests := []struct {
		name      string
		heartbeat time.Duration
		notify    bool // call TokenRevoked, as the OAuth revoke endpoint does
	}{
		{name: "TokenRevoked", heartbeat: time.Hour, notify: true},
		{name: "noticed at heartbeat", heartbeat: 50 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, func(o *Options) { o.Heartbeat = tt.heartbeat })
			ann, secret := w.user("ann")
			other := w.token(ann)
			s := w.dial(secret, "stream=user")
			keep := w.dial(other, "stream=user")
			hash := accounts.HashSecret(secret)
			if err := w.store.RevokeToken(w.ctx, hash, time.Now()); err != nil {
				t.Fatal(err)
			}
			if tt.notify {
				w.hub.TokenRevoked(hash)
			}
			if code := s.closed(); code != websocket.StatusPolicyViolation {
				t.Fatalf("close code %d, want %d", code, websocket.StatusPolicyViolation)
			}
			// The user's other token keeps streaming.
			st := w.post(ann, "still here", activitypub.Public)
			keep.until(is("update", st.ID, "user"))
		})
	}
}

func TestSlowClientIsDisconnected(t *testing.T) {
	// A large rendering for the slow reader fills the socket's kernel buffers after a few events,
	// so its writes stall and its small queue overflows.
	big := strings.Repeat("x", 1<<20)
	w := newWorld(t, func(o *Options) {
		o.Buffer = DefaultBuffer
		o.RenderStatus = func(ctx context.Context, v *activitypub.Account, id string) ([]byte, error) {
			if v.Actor.Username == "slow" {
				return json.Marshal(map[string]string{"id": id, "pad": big})
			}
			return testRenderStatus(ctx, v, id)
		}
	})
	slow, slowSecret := w.user("slow")
	fast, fastSecret := w.user("fast")
	bob, _ := w.user("bob")
	w.follow(slow, bob)
	w.follow(fast, bob)
	stalled := w.dial(slowSecret, "stream=user") // never read until the end
	reader := w.dial(fastSecret, "stream=user")
	// The reader keeps up: a goroutine reads every message as it comes and records update ids.
	received := make(chan string, 4096)
	go func() {
		for {
			_, b, err := reader.c.Read(context.Background())
			if err != nil {
				close(received)
				return
			}
			var m got
			if json.Unmarshal(b, &m) == nil && m.Event == "update" {
				var p struct{ ID string }
				_ = json.Unmarshal([]byte(m.Payload), &p)
				received <- p.ID
			}
		}
	}()

	done := make(chan struct{})
	var last *activitypub.Status
	readerLost := false
	go func() {
		defer close(done)
		// Keep posting until the hub gives up on the slow client; every Post must return. The
		// reader is waited for after each post, so it is never more than one event behind however
		// loaded the machine is: only the stalled client can fall behind.
		for i := 0; i < 2000 && w.hub.Connections() > 1; i++ {
			st, err := w.svc.Post(w.ctx, bob, activitypub.PostInput{Text: "post", Visibility: activitypub.Public})
			if err != nil {
				t.Error(err)
				return
			}
			last = st
			seen := false
			for id := range received {
				if id == st.ID {
					seen = true
					break
				}
			}
			if !seen {
				readerLost = true
				return
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("posting blocked behind a slow streaming client")
	}
	if readerLost {
		t.Fatal("the reader that kept up was disconnected")
	}
	// The hub drops the slow client from its own goroutine: give it a moment after the last post.
	for deadline := time.Now().Add(10 * time.Second); w.hub.Connections() > 1 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if n := w.hub.Connections(); n != 1 {
		t.Fatalf("connections %d, want only the reader left", n)
	}
	if !strings.Contains(w.logs.String(), "cannot keep up") {
		t.Errorf("no log line for the disconnection:\n%s", w.logs.String())
	}
	// The stalled client finds its socket closed once it reads what was already sent.
	stalled.c.SetReadLimit(4 << 20)
	stalled.closed()
	// The reader that kept up got every post (waited for above) and is still connected.
	if last == nil {
		t.Fatal("nothing was posted")
	}
}

func TestCloseEndsStreams(t *testing.T) {
	w := newWorld(t, nil)
	_, secret := w.user("ann")
	s := w.dial(secret, "stream=user")
	// Read while the hub closes, as a live client would, so the close handshake completes.
	codes := make(chan websocket.StatusCode, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		_, _, err := s.c.Read(ctx)
		codes <- websocket.CloseStatus(err)
	}()
	w.hub.Close()
	if code := <-codes; code != websocket.StatusGoingAway {
		t.Fatalf("close code %d, want %d", code, websocket.StatusGoingAway)
	}
	if n := w.hub.Connections(); n != 0 {
		t.Fatalf("connections after Close: %d", n)
	}
	_, resp, err := websocket.Dial(w.ctx, w.wsURL("?access_token="+secret), nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("dial after Close: %v %v", resp, err)
	}
}
