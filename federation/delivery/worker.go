package delivery

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/federation/as2"
	"github.com/guildhall/guildhall/federation/fetch"
)

// Store is what delivery needs from storage: the queue and a few lookups.
type Store interface {
	ap.OutboxStore
	ActorByID(ctx context.Context, id string) (*ap.Actor, error)
	ActorByURI(ctx context.Context, uri string) (*ap.Actor, error)
	StatusByID(ctx context.Context, id string) (*ap.Status, error)
	FollowerInboxes(ctx context.Context, actorID string) ([]string, error)
}

// Poster POSTs a signed activity; *fetch.Fetcher is one.
type Poster interface {
	Post(ctx context.Context, inbox string, body []byte, signer fetch.Signer) (int, error)
}

// Keys gives the signing key of a local actor; *activitypub.Service is one.
type Keys interface {
	PrivateKey(ctx context.Context, actorID string) (*rsa.PrivateKey, error)
}

// Options configures a Worker. Store, Keys, Poster and BaseURL are required.
type Options struct {
	Store  Store
	Keys   Keys
	Poster Poster
	// BaseURL is scheme://host of this instance; URIs under it are local and never delivered to.
	BaseURL string
	// Domain is the host without port, for rendering local mentions (@user@domain).
	Domain string
	Logger *slog.Logger
	// Concurrency bounds requests in flight in all (default 128: a delivery mostly waits on the
	// remote, and at 32 the wait, not the signing, capped fan-out); PerHost bounds them per host
	// (default 4), so one slow server can hold at most PerHost workers.
	Concurrency, PerHost int
	// Timeout bounds one POST (default 30s).
	Timeout time.Duration
	// Lease is how long a claimed delivery is ours before another worker may take it (default
	// 5m). It must comfortably exceed Timeout.
	Lease time.Duration
	// Poll is how often the queue is checked without a Notify (default 1s): other processes
	// may enqueue, and retries fall due with nobody to wake us.
	Poll time.Duration
	// Backoff gives the wait after a failed attempt (default ExponentialBackoff(30s, 12h)).
	Backoff func(attempt int) time.Duration
	// GiveUpAfter is how long after its creation a failing delivery is abandoned (default 4 days).
	GiveUpAfter time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
	// NewID makes delivery ids (time-ordered ULIDs by default).
	NewID func() string
	// Extensions add extension terms (the ideas area's) to the notes and activities sent.
	Extensions []as2.Extension
	// Batch is how many outbox records the expander reads at once (default 100).
	Batch int
	// HostAllowed reports whether federation policy lets us deliver to a host (host[:port]).
	// Inboxes on refused hosts are left out when the outbox is expanded, so no delivery to a
	// blocked domain is ever queued; nil allows every host.
	HostAllowed func(ctx context.Context, host string) (bool, error)
}

// Worker expands the outbox and delivers. Create it with New and start it with Run.
type Worker struct {
	o      Options
	log    *slog.Logger
	render as2.Renderer
	wake   chan struct{} // Notify → expander
	claim  chan struct{} // expander → dispatcher
	cache  *bodyCache
	ids    ap.IDs
	// baseHost is our host[:port]; URIs on it are local.
	baseHost string
}

// New checks the options and returns a Worker.
func New(o Options) (*Worker, error) {
	switch {
	case o.Store == nil:
		return nil, errors.New("delivery: Store is required")
	case o.Keys == nil:
		return nil, errors.New("delivery: Keys is required")
	case o.Poster == nil:
		return nil, errors.New("delivery: Poster is required")
	case o.BaseURL == "":
		return nil, errors.New("delivery: BaseURL is required")
	}
	base, err := url.Parse(o.BaseURL)
	if err != nil || base.Host == "" {
		return nil, fmt.Errorf("delivery: BaseURL %q is not an absolute URL", o.BaseURL)
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 128
	}
	if o.PerHost <= 0 {
		o.PerHost = 4
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.Lease <= 0 {
		o.Lease = 5 * time.Minute
	}
	if o.Lease < 2*o.Timeout {
		return nil, fmt.Errorf("delivery: Lease %s must be at least twice Timeout %s", o.Lease, o.Timeout)
	}
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	if o.Backoff == nil {
		o.Backoff = ExponentialBackoff(DefaultBackoffBase, DefaultBackoffCap)
	}
	if o.GiveUpAfter <= 0 {
		o.GiveUpAfter = DefaultGiveUpAfter
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Batch <= 0 {
		o.Batch = 100
	}
	w := &Worker{
		o: o, log: o.Logger.With("component", "delivery"),
		render: as2.Renderer{BaseURL: o.BaseURL, Domain: o.Domain},
		wake:   make(chan struct{}, 1), claim: make(chan struct{}, 1),
		cache: newBodyCache(1024), baseHost: base.Host,
	}
	if w.o.NewID == nil {
		w.o.NewID = w.newID
	}
	return w, nil
}

func (w *Worker) newID() string { return w.ids.New(w.o.Now()) }

// Notify tells the worker that something was enqueued, so it expands and sends at once instead of
// at the next poll. It never blocks.
func (w *Worker) Notify() { poke(w.wake) }

func poke(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// Run expands and delivers until ctx is cancelled. Requests in flight then get a short grace
// period to finish; whatever is left keeps its lease, which expires, so the next run sends it.
func (w *Worker) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); w.expandLoop(ctx) }()
	go func() { defer wg.Done(); w.dispatchLoop(ctx) }()
	wg.Wait()
	return nil
}
