package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/guildhall/guildhall/activitypub"
)

// liveHub carries domain events to the pages open in browsers, over server-sent events. It sends
// each new post as the same HTML the page itself renders, so the script only inserts it and no
// markup is duplicated in JavaScript.
type liveHub struct {
	mu   sync.Mutex
	subs map[*liveSub]struct{}
}

type liveSub struct {
	userID string
	stream string
	ch     chan activitypub.Event
}

// liveBuffer is how many events may wait for one page; a page further behind misses some, which
// the next reload shows anyway.
const liveBuffer = 32

func newLiveHub() *liveHub { return &liveHub{subs: map[*liveSub]struct{}{}} }

// Events is the hub as the domain's Events port; the server fans events out to it.
func (h *Handler) Events() activitypub.Events { return h.live }

// Publish implements activitypub.Events. It never blocks: a full page buffer drops the event.
func (l *liveHub) Publish(_ context.Context, e activitypub.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for s := range l.subs {
		if !s.wants(e) {
			continue
		}
		select {
		case s.ch <- e:
		default:
		}
	}
}

func (s *liveSub) wants(e activitypub.Event) bool {
	mine := slices.Contains(e.UserIDs, s.userID)
	switch e.Type {
	case "update":
		switch s.stream {
		case "home":
			return mine
		case "local":
			return e.LocalPublic
		case "federated":
			return e.Public
		}
	case "notification":
		return mine
	}
	return false
}

func (l *liveHub) subscribe(userID, stream string) *liveSub {
	s := &liveSub{userID: userID, stream: stream, ch: make(chan activitypub.Event, liveBuffer)}
	l.mu.Lock()
	l.subs[s] = struct{}{}
	l.mu.Unlock()
	return s
}

func (l *liveHub) unsubscribe(s *liveSub) {
	l.mu.Lock()
	delete(l.subs, s)
	l.mu.Unlock()
}

// livePing keeps idle connections open through proxies.
const livePing = 25 * time.Second

// liveStream is the event stream a timeline page's script opens: "post" events carry a new post's
// HTML, "unread" events the notification count.
func (h *Handler) liveStream(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	acct := AccountFrom(ctx)
	if acct == nil {
		return activitypub.E("web.live", activitypub.Unauthorized, "sign in to see new posts")
	}
	stream := r.URL.Query().Get("stream")
	if stream != "home" && stream != "local" && stream != "federated" {
		return activitypub.E("web.live", activitypub.Invalid, "stream must be home, local or federated")
	}
	rc := http.NewResponseController(w)
	sub := h.live.subscribe(acct.Actor.ID, stream)
	defer h.live.unsubscribe(sub)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if _, err := fmt.Fprint(w, "retry: 5000\n: connected\n\n"); err != nil {
		return nil
	}
	_ = rc.Flush()
	ping := time.NewTicker(livePing)
	defer ping.Stop()
	csrf := sessionFrom(ctx).CSRFToken
	for {
		var msg []byte
		select {
		case <-ctx.Done():
			return nil
		case <-ping.C:
			msg = []byte(": ping\n\n")
		case e := <-sub.ch:
			var err error
			if msg, err = h.liveMessage(ctx, acct, csrf, stream, e); err != nil {
				h.log.WarnContext(ctx, "web: live event", "err", err)
				continue
			}
		}
		if msg == nil {
			continue
		}
		if _, err := w.Write(msg); err != nil {
			return nil // the page went away
		}
		if err := rc.Flush(); err != nil {
			return nil
		}
	}
}

// liveMessage renders one event for one page, applying visibility exactly as the page does.
func (h *Handler) liveMessage(ctx context.Context, acct *activitypub.Account, csrf, stream string, e activitypub.Event) ([]byte, error) {
	if e.Type == "notification" {
		return sse("unread", map[string]int{"count": h.unreadCount(ctx, acct)})
	}
	st, err := h.svc.GetStatus(ctx, viewerOf(acct), e.StatusID)
	if activitypub.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	ret := map[string]string{"home": "/", "local": "/local", "federated": "/federated"}[stream]
	ps, err := presenter{h: h, viewer: acct, csrf: csrf, ret: ret, now: time.Now()}.posts(ctx, []*activitypub.Status{st})
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	var buf bytes.Buffer
	if err := h.pages["timeline"].ExecuteTemplate(&buf, "post", postArgs{CSRF: csrf, Return: ret, P: ps[0]}); err != nil {
		return nil, fmt.Errorf("render live post: %w", err)
	}
	name := ps[0].Author.Name
	if ps[0].BoostedBy != nil {
		name = ps[0].BoostedBy.Name
	}
	return sse("post", map[string]string{"id": ps[0].ID, "author": name, "html": buf.String()})
}

func sse(event string, data any) ([]byte, error) {
	b, err := json.Marshal(data)
	if err != nil {
		return nil, err
	}
	return []byte("event: " + event + "\ndata: " + string(b) + "\n\n"), nil
}
