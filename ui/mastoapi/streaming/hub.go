package streaming

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/mux"

	"github.com/guildhall/guildhall/activitypub"
)

// Defaults for Options.
const (
	DefaultHeartbeat = 30 * time.Second
	DefaultBuffer    = 64
)

// Tokens resolves an access token to its account (the accounts area does).
type Tokens interface {
	TokenAccount(ctx context.Context, secret string) (*activitypub.OAuthToken, *activitypub.Account, error)
}

// Options configures a Hub. Service, Tokens, RenderStatus and RenderNotification are required.
type Options struct {
	Service *activitypub.Service
	// Tokens checks the access token a connection presents, at connection and at each heartbeat.
	Tokens Tokens
	// Logger receives disconnections of slow clients and render failures; slog.Default() when nil.
	Logger *slog.Logger
	// RenderStatus returns the Mastodon Status JSON of statusID as viewer sees it. It must apply
	// visibility itself too (the Hub also checks Service.CanSee first); an error of kind NotFound
	// or Forbidden skips the event silently.
	RenderStatus func(ctx context.Context, viewer *activitypub.Account, statusID string) ([]byte, error)
	// RenderNotification returns the Mastodon Notification JSON of n for viewer (its recipient).
	RenderNotification func(ctx context.Context, viewer *activitypub.Account, n *activitypub.Notification) ([]byte, error)
	// ListMembership, when set, enables the "list" stream: it returns the owner of a list and the
	// actor ids of its members. Without it, subscribing to a list is refused.
	ListMembership func(ctx context.Context, listID string) (ownerID string, memberIDs []string, err error)
	// Heartbeat is how often each connection is pinged and its token checked again, so a token
	// revoked by another process closes its streams within one interval; 30s when zero.
	Heartbeat time.Duration
	// Buffer is how many events may wait for one connection; when a client falls that far behind
	// it is disconnected rather than allowed to slow the publisher. 64 when zero.
	Buffer int
}

// Hub fans domain events out to streaming connections. Build it with New, hand it to
// Service.SetEvents, mount it with Routes (or as an http.Handler), and Close it on shutdown.
type Hub struct {
	svc    *activitypub.Service
	tokens Tokens
	log    *slog.Logger
	opts   Options
	router *mux.Router

	// ctx is cancelled by Close; every connection derives from it.
	ctx    context.Context
	cancel context.CancelCauseFunc
	wg     sync.WaitGroup

	mu      sync.RWMutex
	clients map[*client]struct{}
	byToken map[string]map[*client]struct{} // token hash → its connections, for TokenRevoked
	closed  bool
}

var _ activitypub.Events = (*Hub)(nil)

// Reasons a connection ends, turned into close codes by the transports.
var (
	errShutdown = errors.New("server shutting down")
	errRevoked  = errors.New("access token revoked")
	errSlow     = errors.New("client too slow")
)

// New checks the options and returns a Hub.
func New(o Options) (*Hub, error) {
	if o.Service == nil || o.Tokens == nil || o.RenderStatus == nil || o.RenderNotification == nil {
		return nil, errors.New("streaming.New: Service, Tokens, RenderStatus and RenderNotification are required")
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Heartbeat <= 0 {
		o.Heartbeat = DefaultHeartbeat
	}
	if o.Buffer <= 0 {
		o.Buffer = DefaultBuffer
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	h := &Hub{
		svc: o.Service, tokens: o.Tokens, log: o.Logger, opts: o, ctx: ctx, cancel: cancel,
		clients: map[*client]struct{}{}, byToken: map[string]map[*client]struct{}{},
	}
	h.router = mux.NewRouter()
	h.Routes(h.router)
	return h, nil
}

// ServeHTTP serves the streaming routes, so the Hub can be mounted as a plain handler under
// /api/v1/streaming (mastoapi.Options.Streaming does that).
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.router.ServeHTTP(w, r) }

// Publish offers e to every interested connection without waiting for any of them: the work that
// touches the database (visibility, rendering) happens on each connection's own goroutine, and a
// connection whose buffer is full is disconnected. Posting is never slowed by a client.
func (h *Hub) Publish(_ context.Context, e activitypub.Event) {
	env := newEnvelope(h, e)
	h.mu.RLock()
	defer h.mu.RUnlock()
	for c := range h.clients {
		if c.interested(env) {
			c.offer(env)
		}
	}
}

// TokenRevoked closes every stream opened with the token whose hash (accounts.HashSecret) is
// given. The OAuth revoke endpoint calls it; other processes notice at their next heartbeat.
func (h *Hub) TokenRevoked(tokenHash string) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for c := range h.byToken[tokenHash] {
		c.stop(errRevoked)
	}
}

// Connections is the number of open streams, for metrics and tests.
func (h *Hub) Connections() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.clients)
}

// Close ends every stream (WebSocket close code 1001) and waits for their handlers to return,
// which takes up to the close handshake's 5 s timeout when a client does not answer.
// http.Server.Shutdown does not wait for hijacked connections, so call Close alongside it.
// Connections attempted afterwards are refused with 503.
func (h *Hub) Close() {
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
	h.cancel(errShutdown)
	h.wg.Wait()
}

// add registers a connection; it fails once the hub is closed.
func (h *Hub) add(c *client) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	h.wg.Add(1)
	h.clients[c] = struct{}{}
	if h.byToken[c.tokenHash] == nil {
		h.byToken[c.tokenHash] = map[*client]struct{}{}
	}
	h.byToken[c.tokenHash][c] = struct{}{}
	return true
}

func (h *Hub) remove(c *client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.clients, c)
	delete(h.byToken[c.tokenHash], c)
	if len(h.byToken[c.tokenHash]) == 0 {
		delete(h.byToken, c.tokenHash)
	}
	h.wg.Done()
}
