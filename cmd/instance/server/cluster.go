package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/ui/mastoapi"
)

// Bus topics of the cluster, besides the store's own change topics (storage.Topic…).
const (
	topicEvent  = "event"  // a streaming event, as wireEvent
	topicOutbox = "outbox" // deliveries are waiting; payload: the origin
)

// Bounds of the relay's queues. Streaming is best effort: when a queue is full (the database or
// the bus cannot keep up) events are dropped with a warning rather than slowing posting.
const (
	relayQueue    = 4096
	partsLifetime = 30 * time.Second // how long a half-received event waits for its other parts
)

// Bus is what the cluster needs from the store's LISTEN/NOTIFY (storage.Bus): publish, subscribe,
// and hear when messages may have been missed.
type Bus interface {
	Publish(ctx context.Context, topic, payload string) error
	Subscribe(topic string, fn func(payload string))
	OnResync(fn func())
	Close() error
}

// cluster connects the processes that share one PostgreSQL database. Each process hands its own
// domain events to its own streaming hub at once, as with SQLite, and also announces them on the
// bus by id; the other processes load what the ids name and hand it to their hubs, which filter
// by visibility exactly as for a local event. A process never relays its own messages back to
// itself (they carry its origin), so nothing is streamed twice.
type cluster struct {
	bus    Bus
	origin string
	log    *slog.Logger
	store  *storage.Store
	local  func(ctx context.Context, e activitypub.Event) // this process's hub
	wake   func()                                         // this process's delivery workers

	out  chan activitypub.Event
	in   chan string
	stop chan struct{}
	wg   sync.WaitGroup

	seq   uint64 // numbers this process's events, to reassemble split ones
	parts map[string]*partial
}

// wireEvent is an event on the bus: ids and flags only. An event whose recipients do not fit one
// NOTIFY is split into parts sharing ID; the receiver publishes it once all Total have arrived.
type wireEvent struct {
	Origin         string   `json:"o"`
	ID             uint64   `json:"i"`
	Part           int      `json:"k,omitempty"`
	Total          int      `json:"m,omitempty"`
	Type           string   `json:"t"`
	UserIDs        []string `json:"u,omitempty"`
	StatusID       string   `json:"s,omitempty"`
	NotificationID string   `json:"n,omitempty"`
	Public         bool     `json:"p,omitempty"`
	LocalPublic    bool     `json:"l,omitempty"`
	Tags           []string `json:"g,omitempty"`
}

type partial struct {
	ev      wireEvent
	got     int
	expires time.Time
}

func newOrigin() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// newCluster subscribes to the bus and starts the relay's two goroutines; close stops them.
func newCluster(bus Bus, st *storage.Store, log *slog.Logger, local func(context.Context, activitypub.Event), wake func()) *cluster {
	c := &cluster{
		bus: bus, origin: newOrigin(), log: log, store: st, local: local, wake: wake,
		out: make(chan activitypub.Event, relayQueue), in: make(chan string, relayQueue),
		stop: make(chan struct{}), parts: map[string]*partial{},
	}
	bus.Subscribe(topicEvent, func(p string) {
		select {
		case c.in <- p:
		default:
			c.log.Warn("cluster: incoming event queue full; event dropped")
		}
	})
	bus.Subscribe(topicOutbox, func(origin string) {
		if origin != c.origin {
			c.wake() // another process enqueued: help drain the queue
		}
	})
	c.wg.Add(2)
	go c.sendLoop()
	go c.receiveLoop()
	return c
}

// Publish announces a domain event to the other processes, without waiting for the database.
func (c *cluster) Publish(e activitypub.Event) {
	select {
	case c.out <- e:
	default:
		c.log.Warn("cluster: outgoing event queue full; event not relayed", "type", e.Type)
	}
}

func (c *cluster) close() {
	close(c.stop)
	c.wg.Wait()
}

func (c *cluster) sendLoop() {
	defer c.wg.Done()
	for {
		select {
		case <-c.stop:
			return
		case e := <-c.out:
			c.send(e)
		}
	}
}

func (c *cluster) send(e activitypub.Event) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if e.Type == activitypub.EventOutbox {
		if err := c.bus.Publish(ctx, topicOutbox, c.origin); err != nil {
			c.log.Warn("cluster: announcing the outbox", "err", err)
		}
		return
	}
	c.seq++
	w := wireEvent{Origin: c.origin, ID: c.seq, Type: e.Type, UserIDs: e.UserIDs, StatusID: e.StatusID,
		Public: e.Public, LocalPublic: e.LocalPublic, Tags: e.Tags}
	if e.Notification != nil {
		w.NotificationID = e.Notification.ID
	}
	msgs, err := splitEvent(w, storage.MaxBusPayload-len(topicEvent)-1)
	if err != nil {
		c.log.Warn("cluster: event not relayed", "type", e.Type, "err", err)
		return
	}
	for _, m := range msgs {
		if err := c.bus.Publish(ctx, topicEvent, m); err != nil {
			c.log.Warn("cluster: relaying an event", "type", e.Type, "err", err)
			return
		}
	}
}

// splitEvent encodes w in as few messages of at most max bytes as its recipients allow.
func splitEvent(w wireEvent, max int) ([]string, error) {
	b, err := json.Marshal(w)
	if err != nil {
		return nil, err
	}
	if len(b) <= max {
		return []string{string(b)}, nil
	}
	// Split the recipients into chunks; the ~30 bytes an id takes in JSON bound each chunk.
	base := w
	base.UserIDs = nil
	fixed, _ := json.Marshal(base)
	room := max - len(fixed) - 32 // the part numbers
	var chunks [][]string
	var cur []string
	size := 0
	for _, id := range w.UserIDs {
		n := len(id) + 3
		if n > room {
			return nil, fmt.Errorf("recipient id of %d bytes", len(id))
		}
		if size+n > room && len(cur) > 0 {
			chunks, cur, size = append(chunks, cur), nil, 0
		}
		cur, size = append(cur, id), size+n
	}
	if len(cur) > 0 {
		chunks = append(chunks, cur)
	}
	if len(chunks) < 2 {
		return nil, fmt.Errorf("event of %d bytes does not fit a message", len(b))
	}
	out := make([]string, len(chunks))
	for i, ch := range chunks {
		p := base
		p.UserIDs, p.Part, p.Total = ch, i+1, len(chunks)
		b, err := json.Marshal(p)
		if err != nil {
			return nil, err
		}
		out[i] = string(b)
	}
	return out, nil
}

func (c *cluster) receiveLoop() {
	defer c.wg.Done()
	sweep := time.NewTicker(partsLifetime)
	defer sweep.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-sweep.C:
			now := time.Now()
			for k, p := range c.parts {
				if now.After(p.expires) {
					delete(c.parts, k) // its sender died mid-way; the rest will not come
				}
			}
		case p := <-c.in:
			c.receive(p)
		}
	}
}

func (c *cluster) receive(payload string) {
	var w wireEvent
	if err := json.Unmarshal([]byte(payload), &w); err != nil {
		c.log.Warn("cluster: undecodable event", "err", err)
		return
	}
	if w.Origin == c.origin {
		return // published here already, straight to the hub
	}
	if w.Total > 1 {
		key := fmt.Sprintf("%s/%d", w.Origin, w.ID)
		p := c.parts[key]
		if p == nil {
			p = &partial{ev: w, expires: time.Now().Add(partsLifetime)}
			p.ev.UserIDs = nil
			c.parts[key] = p
		}
		p.ev.UserIDs = append(p.ev.UserIDs, w.UserIDs...)
		if p.got++; p.got < w.Total {
			return
		}
		delete(c.parts, key)
		w = p.ev
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	e := activitypub.Event{Type: w.Type, UserIDs: w.UserIDs, StatusID: w.StatusID,
		Public: w.Public, LocalPublic: w.LocalPublic, Tags: w.Tags}
	if w.NotificationID != "" {
		if len(w.UserIDs) != 1 {
			return
		}
		n, err := c.store.NotificationByID(ctx, w.UserIDs[0], w.NotificationID)
		if err != nil {
			if !activitypub.IsNotFound(err) { // a dismissed notification is simply not streamed
				c.log.Warn("cluster: loading a notification", "id", w.NotificationID, "err", err)
			}
			return
		}
		e.Notification = n
	}
	c.local(ctx, e)
}

// joinCluster, on a database several processes may share, opens the bus and connects to it the
// streaming relay, the delivery wake-ups and the invalidation of every in-memory cache that
// mirrors shared rows. The timed expiries of those caches stay as the fallback.
func (in *Instance) joinCluster(ctx context.Context) error {
	if !in.Store.Shared() {
		return nil
	}
	bus, err := in.Store.OpenBus(ctx, in.log)
	if err != nil {
		return fmt.Errorf("cluster: %w", err)
	}
	ev := events{fed: in.Fed, hub: in.API.Events(), web: in.Web.Events(), media: in.Media, log: in.log}
	in.cluster = newCluster(bus, in.Store, in.log, ev.local, in.Fed.Notify)
	ev.cluster = in.cluster
	in.Service.SetEvents(ev)

	policy := func(string) { in.Fed.Policy().Invalidate() }
	bus.Subscribe(storage.TopicPolicy, policy)
	bus.Subscribe(storage.TopicSetting, policy) // the federation mode is a setting
	bus.Subscribe(storage.TopicActor, func(string) { in.Fed.Resolver().ForgetKeys() })
	bus.Subscribe(storage.TopicToken, in.API.TokenRevoked)
	bus.Subscribe(storage.TopicGroup, func(string) { in.Groups.InvalidateIndex() })
	bus.OnResync(func() {
		in.log.Info("cluster: bus reconnected; dropping caches")
		in.Fed.Policy().Invalidate()
		in.Fed.Resolver().ForgetKeys()
		in.Groups.InvalidateIndex()
	})
	return nil
}

func (in *Instance) leaveCluster() {
	if in.cluster == nil {
		return
	}
	in.cluster.close()
	if err := in.cluster.bus.Close(); err != nil {
		in.log.Debug("cluster: closing the bus", "err", err)
	}
	in.cluster = nil
}

// rateCounter is the client API's request counter: the database's when processes share it, so
// the limit is one budget across all of them; nil (memory) otherwise.
func (in *Instance) rateCounter() mastoapi.RateCounter {
	if !in.Store.Shared() || in.Config.APIRateLimit == 0 {
		return nil // unlimited needs no counting, and SQLite has one process
	}
	return in.Store.Hit
}
