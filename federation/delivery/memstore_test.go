package delivery

import (
	"context"
	"crypto/rsa"
	"slices"
	"sort"
	"sync"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
)

// memStore is an in-memory Store for the worker's unit tests. The cross-instance tests in package
// federation run the same worker on real SQLite and PostgreSQL stores.
type memStore struct {
	mu          sync.Mutex
	actors      map[string]*ap.Actor // by id
	keys        map[string]*rsa.PrivateKey
	statuses    map[string]*ap.Status
	followers   map[string][]string // actor id → inboxes
	outbox      []*ap.OutboxItem
	expanded    map[string]bool
	deliveries  map[string]*memDelivery
	outboxReads int
}

type memDelivery struct {
	ap.Delivery
	leaseUntil time.Time
}

func newMemStore() *memStore {
	return &memStore{actors: map[string]*ap.Actor{}, keys: map[string]*rsa.PrivateKey{}, statuses: map[string]*ap.Status{},
		followers: map[string][]string{}, expanded: map[string]bool{}, deliveries: map[string]*memDelivery{}}
}

func notFound(op string) error { return ap.E(op, ap.NotFound, "not found") }

func (s *memStore) ActorByID(_ context.Context, id string) (*ap.Actor, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.actors[id]; ok {
		c := *a
		return &c, nil
	}
	return nil, notFound("ActorByID")
}

func (s *memStore) ActorByURI(_ context.Context, uri string) (*ap.Actor, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range s.actors {
		if a.URI == uri {
			c := *a
			return &c, nil
		}
	}
	return nil, notFound("ActorByURI")
}

func (s *memStore) StatusByID(_ context.Context, id string) (*ap.Status, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.statuses[id]; ok {
		c := *st
		return &c, nil
	}
	return nil, notFound("StatusByID")
}

func (s *memStore) FollowerInboxes(_ context.Context, actorID string) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.followers[actorID]), nil
}

func (s *memStore) PrivateKey(_ context.Context, actorID string) (*rsa.PrivateKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if k, ok := s.keys[actorID]; ok {
		return k, nil
	}
	return nil, notFound("PrivateKey")
}

func (s *memStore) Enqueue(_ context.Context, it *ap.OutboxItem) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outbox = append(s.outbox, it)
	return nil
}

func (s *memStore) PendingOutbox(_ context.Context, limit int) ([]*ap.OutboxItem, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*ap.OutboxItem
	for _, it := range s.outbox {
		if !s.expanded[it.ID] && len(out) < limit {
			out = append(out, it)
		}
	}
	return out, nil
}

func (s *memStore) OutboxItem(_ context.Context, id string) (*ap.OutboxItem, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outboxReads++
	for _, it := range s.outbox {
		if it.ID == id {
			return it, nil
		}
	}
	return nil, notFound("OutboxItem")
}

func (s *memStore) ExpandOutbox(_ context.Context, id string, ds []*ap.Delivery) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.expanded[id] {
		return ap.E("ExpandOutbox", ap.Conflict, "already expanded")
	}
	s.expanded[id] = true
	for _, d := range ds {
		s.deliveries[d.ID] = &memDelivery{Delivery: *d}
	}
	return nil
}

func (s *memStore) ClaimDeliveries(_ context.Context, now, leaseUntil time.Time, limit int, busy []string) ([]*ap.Delivery, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var due []*memDelivery
	for _, d := range s.deliveries {
		if d.State == ap.DeliveryPending && !d.NextAttemptAt.After(now) && !d.leaseUntil.After(now) && !slices.Contains(busy, d.Host) {
			due = append(due, d)
		}
	}
	sort.Slice(due, func(i, j int) bool { return due[i].ID < due[j].ID })
	var out []*ap.Delivery
	for _, d := range due {
		if len(out) == limit {
			break
		}
		d.leaseUntil = leaseUntil
		c := d.Delivery
		out = append(out, &c)
	}
	return out, nil
}

func (s *memStore) update(id string, fn func(d *memDelivery)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.deliveries[id]
	if !ok {
		return notFound("delivery")
	}
	d.Attempts++
	d.leaseUntil = time.Time{}
	fn(d)
	return nil
}

func (s *memStore) CompleteDelivery(_ context.Context, id string) error {
	return s.update(id, func(d *memDelivery) { d.State = ap.DeliveryDone })
}

func (s *memStore) RetryDelivery(_ context.Context, id string, next time.Time, lastErr string) error {
	return s.update(id, func(d *memDelivery) { d.NextAttemptAt, d.LastError = next, lastErr })
}

func (s *memStore) FailDelivery(_ context.Context, id string, lastErr string) error {
	return s.update(id, func(d *memDelivery) { d.State, d.LastError = ap.DeliveryFailed, lastErr })
}

func (s *memStore) CountDeliveries(_ context.Context, state string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, d := range s.deliveries {
		if d.State == state {
			n++
		}
	}
	return n, nil
}

// byInbox returns the deliveries to one inbox.
func (s *memStore) byInbox(inbox string) []ap.Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []ap.Delivery
	for _, d := range s.deliveries {
		if d.Inbox == inbox {
			out = append(out, d.Delivery)
		}
	}
	return out
}
