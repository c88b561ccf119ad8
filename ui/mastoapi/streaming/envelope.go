package streaming

import (
	"context"
	"sync"
	"time"

	"github.com/guildhall/guildhall/activitypub"
)

// loadTimeout bounds the one status lookup an event needs.
const loadTimeout = 10 * time.Second

// envelope is one published event as the connections share it: the status it concerns is loaded
// at most once, lazily, by whichever connection needs it first, never by the publisher.
type envelope struct {
	activitypub.Event
	hub *Hub

	once   sync.Once
	status *activitypub.Status
	orig   *activitypub.Status // the boosted status, when status is a boost
	err    error
}

func newEnvelope(h *Hub, e activitypub.Event) *envelope { return &envelope{Event: e, hub: h} }

// load returns the status of the event (a tombstone, for a delete) and, for a boost, the original.
// It uses the hub's context, not the caller's, because the result is shared: one connection going
// away must not spoil the lookup for the others.
func (e *envelope) load() (st, orig *activitypub.Status, err error) {
	e.once.Do(func() {
		ctx, cancel := context.WithTimeout(e.hub.ctx, loadTimeout)
		defer cancel()
		e.status, e.orig, e.err = e.hub.svc.EventStatus(ctx, e.StatusID)
	})
	return e.status, e.orig, e.err
}
