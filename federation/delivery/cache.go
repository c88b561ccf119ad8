package delivery

import "sync"

// bodyCache keeps rendered outbox records so an activity fanned out to a thousand inboxes is
// rendered once. Entries are evicted oldest first; an evicted record is simply rendered again.
type bodyCache struct {
	mu    sync.Mutex
	max   int
	m     map[string]*cacheEntry
	order []string
}

type cacheEntry struct {
	once sync.Once
	p    *prepared
	err  error
}

func newBodyCache(max int) *bodyCache {
	return &bodyCache{max: max, m: map[string]*cacheEntry{}}
}

// get returns the prepared record for id, building it once however many senders ask at the same
// time. A failed build is not kept, so the next attempt retries it.
func (c *bodyCache) get(id string, build func() (*prepared, error)) (*prepared, error) {
	c.mu.Lock()
	e := c.m[id]
	if e == nil {
		e = &cacheEntry{}
		c.m[id] = e
		c.order = append(c.order, id)
		for len(c.order) > c.max {
			delete(c.m, c.order[0])
			c.order = c.order[1:]
		}
	}
	c.mu.Unlock()
	e.once.Do(func() { e.p, e.err = build() })
	if e.err != nil {
		c.mu.Lock()
		if c.m[id] == e {
			delete(c.m, id)
		}
		c.mu.Unlock()
	}
	return e.p, e.err
}
