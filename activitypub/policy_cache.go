package activitypub

import (
	"context"
	"sync"
	"time"
)

// DefaultPolicyTTL is how long a PolicyCache trusts what it read.
const DefaultPolicyTTL = 5 * time.Second

// PolicyCache answers FederationAllowed from a copy of the policies read at most TTL ago, for the
// hot paths (every inbox POST, every delivery, every fetch). Policies live in the database, shared
// by every process: a change made elsewhere (the admin CLI, another server process) is seen here
// within the TTL, and Invalidate makes a change made in this process seen at once.
type PolicyCache struct {
	svc *Service
	ttl time.Duration
	// now is the real clock, not the service's: a test that freezes domain time must not
	// freeze the cache too.
	now func() time.Time

	mu      sync.Mutex
	cur     *policies
	expires time.Time
}

// NewPolicyCache returns a cache over svc's policies; ttl <= 0 means DefaultPolicyTTL.
func NewPolicyCache(svc *Service, ttl time.Duration) *PolicyCache {
	if ttl <= 0 {
		ttl = DefaultPolicyTTL
	}
	return &PolicyCache{svc: svc, ttl: ttl, now: time.Now}
}

// Allowed is Service.FederationAllowed, served from the cache.
func (c *PolicyCache) Allowed(ctx context.Context, host string) (bool, error) {
	h, ok := NormalizeHost(host)
	if !ok {
		return false, nil
	}
	p, err := c.current(ctx)
	if err != nil {
		return false, Wrap("activitypub.PolicyCache.Allowed", err)
	}
	return p.allowed(h), nil
}

// Blocked is the negation of Allowed, in the shape the inbox's hook takes.
func (c *PolicyCache) Blocked(ctx context.Context, host string) (bool, error) {
	ok, err := c.Allowed(ctx, host)
	return !ok, err
}

// Invalidate drops the cached copy, so the next check reads the store.
func (c *PolicyCache) Invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cur = nil
}

// current returns the cached policies, reloading them once expired. The lock is held across the
// load so a burst of requests after expiry reads the store once, not once each.
func (c *PolicyCache) current(ctx context.Context) (*policies, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if c.cur != nil && now.Before(c.expires) {
		return c.cur, nil
	}
	p, err := c.svc.loadPolicies(ctx)
	if err != nil {
		return nil, err
	}
	c.cur, c.expires = p, now.Add(c.ttl)
	return p, nil
}
