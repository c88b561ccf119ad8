// Package remote dereferences remote actors, keys and statuses: it fetches them (signed as the
// instance actor), checks that every document speaks only for its own origin, converts them to the
// domain and stores them through the domain service. It implements activitypub.Resolver for the
// domain and httpsig.KeyResolver for the inbox's signature verifier.
//
// The store is the source of truth, shared by every process; the in-memory key cache only saves a
// query on the hot path and expires quickly so a rotation seen by another process is picked up.
package remote

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/federation/content"
	"github.com/guildhall/guildhall/federation/fetch"
	"github.com/guildhall/guildhall/federation/httpsig"
)

// Store is the dereferencer's cache of what it fetched: actors, keys, statuses and the
// tombstones of deleted ones. storage.Store satisfies it.
type Store interface {
	ActorByURI(ctx context.Context, uri string) (*ap.Actor, error)
	ActorByKeyID(ctx context.Context, keyID string) (*ap.Actor, error)
	ActorByUsername(ctx context.Context, username, domain string) (*ap.Actor, error)
	StatusByURI(ctx context.Context, uri string) (*ap.Status, error)
	AddTombstone(ctx context.Context, uri string, at time.Time) error
	IsTombstoned(ctx context.Context, uri string) (bool, error)
}

// Options configures a Dereferencer. Service, Store and Fetcher are required.
type Options struct {
	Service *ap.Service
	Store   Store
	Fetcher *fetch.Fetcher
	// Sanitizer cleans remote HTML; nil builds one.
	Sanitizer *content.Sanitizer
	Logger    *slog.Logger
	// WebFingerScheme is the scheme WebFinger is queried with: "https", or "http" in
	// development federations. Empty means the scheme of the Service's own URLs.
	WebFingerScheme string
	// KeyCacheSize is the number of verified keys kept in memory; 0 means 1024, negative none.
	KeyCacheSize int
	// KeyCacheTTL bounds how long a cached key is trusted without asking the store; 0 means 5m.
	KeyCacheTTL time.Duration
	// Allowed reports whether federation policy lets us talk to a host (host[:port]). It is
	// checked before every fetch, WebFinger included, so a blocked domain never hears from us
	// and cannot feed us documents; nil allows every host.
	Allowed func(ctx context.Context, host string) (bool, error)
	// KeyFetchConcurrency, KeyFetchRate (per second) and KeyFetchBurst bound the key fetches
	// made to any one host; KeyNegativeTTL is how long a failed key fetch is remembered and not
	// repeated. Zero values take the Default… constants (RES-13).
	KeyFetchConcurrency int
	KeyFetchRate        float64
	KeyFetchBurst       int
	KeyNegativeTTL      time.Duration
}

// ErrDomainBlocked is returned, wrapped, for a fetch that federation policy refuses.
var ErrDomainBlocked = ap.E("remote", ap.Forbidden, "domain blocked by federation policy")

// Dereferencer fetches and stores remote actors, keys and statuses. It is safe for concurrent use.
type Dereferencer struct {
	svc      *ap.Service
	store    Store
	fetcher  *fetch.Fetcher
	sanitize *content.Sanitizer
	log      *slog.Logger
	wfScheme string
	keys     *keyCache
	limits   *keyFetchLimiter
	origins  *keyFetchLimiter // fetches that verify forwarded activities
	allowed  func(ctx context.Context, host string) (bool, error)

	signerMu sync.Mutex
	signer   *fetch.Signer
}

var (
	_ ap.Resolver         = (*Dereferencer)(nil)
	_ httpsig.KeyResolver = (*Dereferencer)(nil)
)

// New checks the options and returns a Dereferencer. Connect it to the service with
// Service.SetResolver.
func New(o Options) (*Dereferencer, error) {
	if o.Service == nil || o.Store == nil || o.Fetcher == nil {
		return nil, errors.New("remote: Service, Store and Fetcher are required")
	}
	if o.Sanitizer == nil {
		o.Sanitizer = content.NewSanitizer()
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.WebFingerScheme == "" {
		o.WebFingerScheme, _, _ = strings.Cut(o.Service.BaseURL(), "://")
	}
	if o.KeyCacheSize == 0 {
		o.KeyCacheSize = 1024
	}
	if o.KeyCacheTTL <= 0 {
		o.KeyCacheTTL = 5 * time.Minute
	}
	return &Dereferencer{
		svc: o.Service, store: o.Store, fetcher: o.Fetcher, sanitize: o.Sanitizer,
		log: o.Logger, wfScheme: o.WebFingerScheme, keys: newKeyCache(o.KeyCacheSize, o.KeyCacheTTL),
		limits:  newKeyFetchLimiter(o.KeyFetchConcurrency, o.KeyFetchRate, o.KeyFetchBurst, o.KeyNegativeTTL),
		origins: newKeyFetchLimiter(o.KeyFetchConcurrency, o.KeyFetchRate, o.KeyFetchBurst, o.KeyNegativeTTL),
		allowed: o.Allowed,
	}, nil
}

// instanceSigner returns the key every fetch is signed with: the instance actor's, so servers in
// authorized-fetch mode answer, and no user's identity leaks into background fetches.
func (d *Dereferencer) instanceSigner(ctx context.Context) (*fetch.Signer, error) {
	d.signerMu.Lock()
	defer d.signerMu.Unlock()
	if d.signer != nil {
		return d.signer, nil
	}
	a, err := d.svc.EnsureInstanceActor(ctx)
	if err != nil {
		return nil, fmt.Errorf("remote: instance actor: %w", err)
	}
	key, err := d.svc.PrivateKey(ctx, a.ID)
	if err != nil {
		return nil, fmt.Errorf("remote: instance actor key: %w", err)
	}
	d.signer = &fetch.Signer{KeyID: a.PublicKeyID, Key: key}
	return d.signer, nil
}

// checkHost refuses a host that federation policy does not allow.
func (d *Dereferencer) checkHost(ctx context.Context, host string) error {
	if d.allowed == nil {
		return nil
	}
	ok, err := d.allowed(ctx, host)
	if err != nil {
		return fmt.Errorf("remote: federation policy for %s: %w", host, err)
	}
	if !ok {
		return fmt.Errorf("remote: fetch from %s: %w", host, ErrDomainBlocked)
	}
	return nil
}

// get fetches a document signed as the instance actor.
func (d *Dereferencer) get(ctx context.Context, uri string) (*fetch.Document, error) {
	if u, err := url.Parse(uri); err == nil && u.Host != "" {
		if err := d.checkHost(ctx, u.Host); err != nil {
			return nil, err
		}
	}
	signer, err := d.instanceSigner(ctx)
	if err != nil {
		return nil, err
	}
	return d.fetcher.Get(ctx, uri, signer)
}

// stripFragment returns uri without its #fragment: the document a key id lives in.
func stripFragment(uri string) string {
	if i := strings.IndexByte(uri, '#'); i >= 0 {
		return uri[:i]
	}
	return uri
}

// ForgetKeys empties the verified-key cache, so every key is read from the store again. Call it
// when another process changed an actor (a rotated key, a deletion, a suspension): the store is
// the truth, and the cache would otherwise trust the old key for up to KeyCacheTTL.
func (d *Dereferencer) ForgetKeys() { d.keys.clear() }
