package streaming

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// errPeerGone ends an event stream whose HTTP request ended.
var errPeerGone = errors.New("client went away")

// serveSSE is the Server-Sent Events form of one stream (GET /api/v1/streaming/user...), still
// used by some older clients. The token comes from the Authorization header or access_token.
func (h *Hub) serveSSE(w http.ResponseWriter, r *http.Request, name string) {
	secret, _ := credentials(r)
	if r.Header.Get("Sec-WebSocket-Protocol") != "" && r.Header.Get("Authorization") == "" && r.URL.Query().Get("access_token") == "" {
		secret = "" // a subprotocol means nothing outside a WebSocket handshake
	}
	tok, acct, herr := h.authenticate(r.Context(), secret)
	if herr != nil {
		writeError(w, herr)
		return
	}
	c := newClient(h, secret, tok, acct)
	defer c.stop(nil)
	if herr := subscribeFirst(r.Context(), c, name, r.URL.Query()); herr != nil {
		writeError(w, herr)
		return
	}
	if !h.add(c) {
		writeError(w, &httpError{http.StatusServiceUnavailable, "Server shutting down"})
		return
	}
	defer h.remove(c)
	stop := context.AfterFunc(r.Context(), func() { c.stop(errPeerGone) })
	defer stop()

	hd := w.Header()
	hd.Set("Content-Type", "text/event-stream")
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Accel-Buffering", "no") // nginx would otherwise hold events back
	hd.Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(http.StatusOK)
	t := &sseTransport{w: w, rc: http.NewResponseController(w)}
	if t.write(":)\n\n") != nil {
		return
	}
	_ = c.run(t)
}

// sseTransport writes events as text/event-stream. Writes come from the client's run loop only,
// but the mutex keeps that true should anything else ever write.
type sseTransport struct {
	mu sync.Mutex
	w  io.Writer
	rc *http.ResponseController
}

func (t *sseTransport) send(_ context.Context, _ []string, event, payload string) error {
	// One stream per response, so the stream name is implied; payload lines become data lines.
	var b strings.Builder
	fmt.Fprintf(&b, "event: %s\n", event)
	for line := range strings.SplitSeq(payload, "\n") {
		fmt.Fprintf(&b, "data: %s\n", line)
	}
	b.WriteString("\n")
	return t.write(b.String())
}

// ping writes a comment line, which keeps proxies from timing the idle response out.
func (t *sseTransport) ping(context.Context) error { return t.write(":thump\n\n") }

// write sends and flushes s. The deadline replaces any server-wide WriteTimeout, which would
// otherwise cut every long-lived stream; it still ends a client that stopped reading.
func (t *sseTransport) write(s string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	_ = t.rc.SetWriteDeadline(time.Now().Add(deliverTimeout))
	if _, err := io.WriteString(t.w, s); err != nil {
		return err
	}
	return t.rc.Flush()
}
