package groups

import (
	"context"
	"sync"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
)

// IndexTTL is how long the index of local groups trusts what it read. Groups created by this
// process are seen at once (Create invalidates it), by another process sharing PostgreSQL within
// the bus's delay (InvalidateIndex), and by any other writer (the admin CLI on SQLite) within
// the TTL.
const IndexTTL = 5 * time.Second

// Ref names one local group: its actor id and ActivityPub id.
type Ref struct {
	ID  string
	URI string
}

// index is the set of local groups, so that relaying an incoming post, which names a handful of
// local actors (the addressee, its followers collection, mentions), loads only those that are
// groups rather than every one of them, on every Create, on instances that may have no groups.
// An entry for a group deleted meanwhile is harmless: its actor is loaded as before.
type index struct {
	load func(ctx context.Context) ([]Ref, error)
	ttl  time.Duration
	// now is the real clock, not the service's: a test that freezes domain time must not freeze
	// the cache too.
	now func() time.Time

	mu      sync.Mutex
	uris    map[string]bool
	ids     map[string]bool
	expires time.Time
}

func newIndex(load func(ctx context.Context) ([]Ref, error)) *index {
	return &index{load: load, ttl: IndexTTL, now: time.Now}
}

// current returns the sets of local group URIs and ids, reloading them once expired. The lock is
// held across the load so a burst of Creates after expiry reads the store once, not once each;
// the maps are never changed after they are published, so callers read them unlocked.
func (x *index) current(ctx context.Context) (uris, ids map[string]bool, err error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	now := x.now()
	if x.uris != nil && now.Before(x.expires) {
		return x.uris, x.ids, nil
	}
	refs, err := x.load(ctx)
	if err != nil {
		return nil, nil, err
	}
	uris, ids = make(map[string]bool, len(refs)), make(map[string]bool, len(refs))
	for _, r := range refs {
		uris[r.URI], ids[r.ID] = true, true
	}
	x.uris, x.ids, x.expires = uris, ids, now.Add(x.ttl)
	return uris, ids, nil
}

func (x *index) invalidate() {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.uris, x.ids = nil, nil
}

// InvalidateIndex drops the index of local groups, so the next relay reads the store: for
// another process's announcement that it created a group.
func (g *Groups) InvalidateIndex() { g.index.invalidate() }

// IsLocalGroupURI reports whether uri is, as far as the index knows, the id of a local group.
func (g *Groups) IsLocalGroupURI(ctx context.Context, uri string) (bool, error) {
	uris, _, err := g.index.current(ctx)
	if err != nil {
		return false, ap.Wrap("groups.IsLocalGroupURI", err)
	}
	return uris[uri], nil
}
