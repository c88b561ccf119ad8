package streaming

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/coder/websocket"
)

// maxClientMessage bounds what a client may send: subscribe requests are tiny.
const maxClientMessage = 4096

// serveWebSocket is GET /api/v1/streaming with an Upgrade: the multiplexed socket.
//
// Origins are not checked (InsecureSkipVerify): Elk and Phanpy run on their own origins and
// connect cross-origin by design. That is safe because this endpoint authenticates only with an
// access token the page must present explicitly (query or Sec-WebSocket-Protocol), never with
// cookies or other ambient credentials, so a hostile page cannot ride on a visitor's login: it
// would need the token itself, which would already give it the whole API.
func (h *Hub) serveWebSocket(w http.ResponseWriter, r *http.Request) {
	secret, protocol := credentials(r)
	tok, acct, herr := h.authenticate(r.Context(), secret)
	if herr != nil {
		writeError(w, herr)
		return
	}
	c := newClient(h, secret, tok, acct)
	defer c.stop(nil)
	if name := r.URL.Query().Get("stream"); name != "" {
		if herr := subscribeFirst(r.Context(), c, name, r.URL.Query()); herr != nil {
			writeError(w, herr)
			return
		}
	}
	if !h.add(c) {
		writeError(w, &httpError{http.StatusServiceUnavailable, "Server shutting down"})
		return
	}
	defer h.remove(c)
	opts := &websocket.AcceptOptions{InsecureSkipVerify: true}
	if protocol != "" {
		opts.Subprotocols = []string{protocol}
	}
	conn, err := websocket.Accept(w, r, opts)
	if err != nil {
		return // Accept has answered the request
	}
	conn.SetReadLimit(maxClientMessage)
	t := &wsTransport{conn: conn}
	go t.readLoop(c)
	reason := c.run(t)
	code, text := closeCode(reason)
	c.stop(reason) // wakes the reader's error path, if it is still waiting
	_ = conn.Close(code, text)
}

// closeCode turns why a stream ended into a WebSocket close code.
func closeCode(reason error) (websocket.StatusCode, string) {
	switch {
	case errors.Is(reason, errShutdown):
		return websocket.StatusGoingAway, "server shutting down"
	case errors.Is(reason, errRevoked):
		return websocket.StatusPolicyViolation, "access token revoked"
	case errors.Is(reason, errSlow):
		return websocket.StatusTryAgainLater, "client too slow"
	}
	return websocket.StatusNormalClosure, ""
}

type wsTransport struct{ conn *websocket.Conn }

// message is what the server sends; Stream is always an array (masto.js requires it).
type message struct {
	Stream  []string `json:"stream"`
	Event   string   `json:"event"`
	Payload string   `json:"payload"`
}

func (t *wsTransport) send(ctx context.Context, streams []string, event, payload string) error {
	b, err := json.Marshal(message{Stream: streams, Event: event, Payload: payload})
	if err != nil {
		return err
	}
	return t.conn.Write(ctx, websocket.MessageText, b)
}

func (t *wsTransport) ping(ctx context.Context) error { return t.conn.Ping(ctx) }

// request is what a client sends: {"type":"subscribe","stream":"hashtag","tag":"go"}.
type request struct {
	Type   string `json:"type"`
	Stream string `json:"stream"`
	Tag    string `json:"tag"`
	List   string `json:"list"`
}

// readLoop handles subscribe and unsubscribe requests until the socket closes. It reads with a
// context of its own, not the client's: coder/websocket drops the connection when a read's
// context ends, and stopping a client must leave the socket open long enough to send the close
// code that says why.
func (t *wsTransport) readLoop(c *client) {
	for {
		_, data, err := t.conn.Read(context.Background())
		if err != nil {
			c.stop(err)
			return
		}
		var req request
		if json.Unmarshal(data, &req) != nil {
			continue // Mastodon ignores what it cannot parse
		}
		s, perr := parseStream(req.Stream, req.Tag, req.List)
		switch {
		case req.Type != "subscribe" && req.Type != "unsubscribe":
			continue
		case perr != nil:
			t.sendError(c.ctx, perr)
		case req.Type == "unsubscribe":
			c.unsubscribe(s)
		default:
			if err := c.subscribe(c.ctx, s); err != nil {
				t.sendError(c.ctx, err)
			}
		}
	}
}

// sendError reports a refused request the way Mastodon's streaming server does.
func (t *wsTransport) sendError(ctx context.Context, e *streamError) {
	b, _ := json.Marshal(map[string]any{"error": e.msg, "status": e.status})
	_ = t.conn.Write(ctx, websocket.MessageText, b)
}
