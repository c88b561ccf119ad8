package activitypub

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"log/slog"
	"net/url"
	"strings"
	"time"
)

// PasswordHasher hashes and checks passwords; the domain does not pick the algorithm.
type PasswordHasher interface {
	Hash(password string) (string, error)
	// Verify reports whether password matches hash. A malformed hash is an error.
	Verify(hash, password string) (bool, error)
}

// Options configures a Service. Host and Store are required.
type Options struct {
	// Host is the public host (and port if any) used in every ActivityPub id.
	Host string
	// Scheme is "https" or, in development and tests, "http".
	Scheme    string
	Store     Store
	Passwords PasswordHasher
	Logger    *slog.Logger
	// Now is the clock; tests freeze it.
	Now func() time.Time
	// NewKey makes an actor's key pair; RSA-2048 unless a test supplies pre-made keys.
	NewKey func() (*rsa.PrivateKey, error)
	// Renderer turns local text into HTML; required for posting.
	Renderer Renderer
	// Events hears about new statuses and notifications (streaming); optional.
	Events Events
}

// Service holds the use cases of Guildhall. Every surface (web UI, Mastodon API, inbox, CLI) goes
// through it, so the rules live in one place.
type Service struct {
	host        string
	scheme      string
	store       Store
	passwords   PasswordHasher
	log         *slog.Logger
	now         func() time.Time
	newKey      func() (*rsa.PrivateKey, error)
	ids         IDs
	render      Renderer
	events      Events
	resolver    Resolver
	onPost      []PostListener
	onDelete    []PostListener // a local author deleted a post (area.go)
	onEdit      []PostListener // a local author edited a post
	staffChecks []StaffCheck   // conditions areas add to Authorize (roles.go)
}

// NewService checks the options and returns a Service.
func NewService(o Options) (*Service, error) {
	const op = "activitypub.NewService"
	if o.Host == "" || strings.ContainsAny(o.Host, "/ @") {
		return nil, E(op, Invalid, "host must be a domain name with an optional port")
	}
	if o.Store == nil {
		return nil, E(op, Invalid, "store is required")
	}
	if o.Scheme == "" {
		o.Scheme = "https"
	}
	if o.Scheme != "https" && o.Scheme != "http" {
		return nil, E(op, Invalid, "scheme must be http or https")
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.NewKey == nil {
		o.NewKey = func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) }
	}
	return &Service{
		host: o.Host, scheme: o.Scheme, store: o.Store, passwords: o.Passwords,
		log: o.Logger, now: o.Now, newKey: o.NewKey, render: o.Renderer, events: o.Events,
	}, nil
}

// SetResolver connects the federation layer, which is built after the service because it needs
// the service itself. Without a resolver, remote names that are not already known stay unresolved.
func (s *Service) SetResolver(r Resolver) { s.resolver = r }

// SetEvents connects a listener for domain events (the streaming API).
func (s *Service) SetEvents(e Events) { s.events = e }

type pendingEventsKey struct{}

// InTx runs fn in a store transaction and publishes the events fn raised only once it commits, so
// a streaming client never hears of a row it cannot read yet, or of one rolled back. Area
// packages run their own stores' writes through it: nested calls join the outer transaction.
func (s *Service) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.publishAfter(ctx, s.store.InTx, fn)
}

// inBatchTx is InTx for writes independent of every other caller's (a new post, an inbound
// activity): the store may commit them together with other callers' (group commit on SQLite's
// single writer), still returning only once they are durable.
func (s *Service) inBatchTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.publishAfter(ctx, s.store.InBatchTx, fn)
}

// publishAfter runs fn through tx and publishes the events fn raised once tx has committed.
func (s *Service) publishAfter(ctx context.Context, tx func(context.Context, func(context.Context) error) error, fn func(ctx context.Context) error) error {
	if _, nested := ctx.Value(pendingEventsKey{}).(*[]Event); nested {
		return tx(ctx, fn)
	}
	var pending []Event
	err := tx(context.WithValue(ctx, pendingEventsKey{}, &pending), fn)
	if err == nil {
		for _, e := range pending {
			s.publish(ctx, e)
		}
	}
	return err
}

// publish hands an event to the listener, or queues it when a transaction is open.
func (s *Service) publish(ctx context.Context, e Event) {
	if pending, ok := ctx.Value(pendingEventsKey{}).(*[]Event); ok {
		*pending = append(*pending, e)
		return
	}
	if s.events != nil {
		s.events.Publish(ctx, e)
	}
}

// Host is the public host of this instance.
func (s *Service) Host() string { return s.host }

// Domain is the host without a port: the part of a handle after the @.
func (s *Service) Domain() string {
	if h, _, ok := strings.Cut(s.host, ":"); ok && !strings.Contains(s.host, "]") {
		return h
	}
	return s.host
}

// BaseURL is scheme://host, with no trailing slash.
func (s *Service) BaseURL() string { return s.scheme + "://" + s.host }

// Renderer returns the post renderer the service was built with, nil when it has none.
func (s *Service) Renderer() Renderer { return s.render }

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.now().UTC() }

// NewID returns a fresh time-ordered id.
func (s *Service) NewID() string { return s.ids.New(s.now()) }

// ActorURI is the ActivityPub id of a local actor by username.
func (s *Service) ActorURI(username string) string {
	return s.BaseURL() + "/users/" + url.PathEscape(strings.ToLower(username))
}

// InstanceActorURI is the id of the server's own actor.
func (s *Service) InstanceActorURI() string { return s.BaseURL() + "/actor" }

// SharedInbox is the instance-wide inbox.
func (s *Service) SharedInbox() string { return s.BaseURL() + "/inbox" }

// StatusURI is the id of a local status.
func (s *Service) StatusURI(username, statusID string) string {
	return s.ActorURI(username) + "/statuses/" + statusID
}

// ProfileURL is the human page of a local actor.
func (s *Service) ProfileURL(username string) string {
	return s.BaseURL() + "/@" + strings.ToLower(username)
}

// IsLocalURI reports whether uri belongs to this instance.
func (s *Service) IsLocalURI(uri string) bool {
	u, err := url.Parse(uri)
	return err == nil && strings.EqualFold(u.Host, s.host)
}
