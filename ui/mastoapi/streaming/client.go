package streaming

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
)

const (
	// deliverTimeout bounds rendering and writing one event, so a stuck socket or database ends
	// the connection instead of holding it open forever.
	deliverTimeout = 15 * time.Second
	// pingTimeout is how long a client has to answer a heartbeat.
	pingTimeout = 10 * time.Second
)

// transport is how events leave: a WebSocket or a Server-Sent Events response.
type transport interface {
	send(ctx context.Context, streams []string, event, payload string) error
	ping(ctx context.Context) error
}

// client is one streaming connection: who is listening, with which token, to which streams.
type client struct {
	hub       *Hub
	secret    string // kept to check the token again at each heartbeat
	tokenHash string
	scopes    []string
	actorID   string
	acct      atomic.Pointer[activitypub.Account] // refreshed at each heartbeat
	queue     chan *envelope
	ctx       context.Context
	cancel    context.CancelCauseFunc
	slow      atomic.Bool

	mu   sync.Mutex
	subs map[string]stream
}

func newClient(h *Hub, secret string, tok *activitypub.OAuthToken, acct *activitypub.Account) *client {
	ctx, cancel := context.WithCancelCause(h.ctx)
	c := &client{
		hub: h, secret: secret, tokenHash: tok.TokenHash, scopes: tok.Scopes, actorID: acct.Actor.ID,
		queue: make(chan *envelope, h.opts.Buffer), ctx: ctx, cancel: cancel, subs: map[string]stream{},
	}
	c.acct.Store(acct)
	return c
}

// stop ends the connection; the first cause wins and decides the close code.
func (c *client) stop(cause error) { c.cancel(cause) }

// offer queues an event without blocking. A full queue means the client reads slower than
// events arrive; it is cut off (it reconnects and reloads its timeline) rather than allowed to
// hold the publisher or grow memory without bound.
func (c *client) offer(env *envelope) {
	select {
	case c.queue <- env:
	default:
		if c.slow.CompareAndSwap(false, true) {
			c.hub.log.Warn("streaming: disconnecting a client that cannot keep up",
				"user", c.acct.Load().Actor.Username, "buffer", cap(c.queue))
			c.stop(errSlow)
		}
	}
}

// streamError is a refused subscription, reported to the client as {"error":…,"status":…}.
type streamError struct {
	msg    string
	status int
}

func (e *streamError) Error() string { return e.msg }

// subscribe adds a stream after checking the token's scope and, for a list, its owner.
func (c *client) subscribe(ctx context.Context, s stream) *streamError {
	if !accounts.ScopeGranted(c.scopes, s.scope()) {
		return &streamError{"Access token does not have the required scopes", 401}
	}
	if s.name == streamList {
		if c.hub.opts.ListMembership == nil {
			return &streamError{"List streams are not supported", 404}
		}
		owner, _, err := c.hub.opts.ListMembership(ctx, s.arg)
		if err != nil || owner != c.actorID {
			return &streamError{"List not found", 404}
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.subs[s.key()] = s
	return nil
}

func (c *client) unsubscribe(s stream) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.subs, s.key())
}

func (c *client) subscriptions() []stream {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]stream, 0, len(c.subs))
	for _, s := range c.subs {
		out = append(out, s)
	}
	return out
}

// interested is the publisher's cheap first filter, with no database access: it keeps events
// that cannot match any subscription out of the queue. match decides for real.
func (c *client) interested(e *envelope) bool {
	home := slices.Contains(e.UserIDs, c.actorID)
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.subs {
		switch {
		case e.Type == "notification":
			if home && (s.name == streamUser || s.name == streamNotification) {
				return true
			}
		case s.name == streamNotification:
		case e.Type == "update" && (s.name == streamUser || s.name == streamList || s.name == streamDirect):
			if home {
				return true
			}
		case e.Type == "update":
			if e.Public || e.LocalPublic {
				return true
			}
		default: // status.update and delete name no audience: decided once the status is loaded
			return true
		}
	}
	return false
}

// run delivers queued events and keeps the heartbeat until the connection ends; it returns why.
func (c *client) run(t transport) error {
	tick := time.NewTicker(c.hub.opts.Heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-c.ctx.Done():
			return context.Cause(c.ctx)
		case env := <-c.queue:
			if err := c.deliver(t, env); err != nil {
				return err
			}
		case <-tick.C:
			if err := c.heartbeat(t); err != nil {
				return err
			}
		}
	}
}

// heartbeat pings the client and checks the token again, so a token revoked by another process
// (or a user disabled meanwhile) ends the stream within one interval.
func (c *client) heartbeat(t transport) error {
	ctx, cancel := context.WithTimeout(c.ctx, pingTimeout)
	defer cancel()
	_, acct, err := c.hub.tokens.TokenAccount(ctx, c.secret)
	switch {
	case activitypub.KindOf(err) == activitypub.Unauthorized || (err == nil && acct == nil):
		return errRevoked
	case err != nil:
		// A database hiccup is not the client's fault: keep streaming, check again next time.
		c.hub.log.Warn("streaming: checking a token", "err", err)
	default:
		c.acct.Store(acct)
	}
	return t.ping(ctx)
}

// deliver sends one event on every subscribed stream it matches, rendered for this viewer.
func (c *client) deliver(t transport, env *envelope) error {
	ctx, cancel := context.WithTimeout(c.ctx, deliverTimeout)
	defer cancel()
	viewer := c.acct.Load()
	streams := c.match(ctx, viewer, env)
	if len(streams) == 0 {
		return nil
	}
	payload, ok := c.payload(ctx, viewer, env)
	if !ok {
		return nil
	}
	for _, s := range streams {
		if err := t.send(ctx, s.names(), env.Type, payload); err != nil {
			return err
		}
	}
	return nil
}

// payload renders the event for viewer: a JSON entity, or for a delete the bare status id.
func (c *client) payload(ctx context.Context, viewer *activitypub.Account, env *envelope) (string, bool) {
	var (
		b   []byte
		err error
	)
	switch env.Type {
	case "delete":
		return env.StatusID, true
	case "notification":
		b, err = c.hub.opts.RenderNotification(ctx, viewer, env.Notification)
	default:
		b, err = c.hub.opts.RenderStatus(ctx, viewer, env.StatusID)
	}
	if err != nil {
		if k := activitypub.KindOf(err); k != activitypub.NotFound && k != activitypub.Forbidden && !errors.Is(err, context.Canceled) {
			c.hub.log.Warn("streaming: rendering an event", "event", env.Type, "status", env.StatusID, "err", err)
		}
		return "", false
	}
	return string(b), true
}
