package remote

import (
	"container/list"
	"sync"
	"time"

	"github.com/guildhall/guildhall/federation/httpsig"
)

// keyCache is a small LRU of verified keys with a TTL. Entries are only ever keys the store
// already holds, so losing the cache loses nothing but a query.
type keyCache struct {
	mu    sync.Mutex
	size  int
	ttl   time.Duration
	order *list.List // front = most recently used
	items map[string]*list.Element
}

type keyEntry struct {
	keyID   string
	key     httpsig.Key
	expires time.Time
}

func newKeyCache(size int, ttl time.Duration) *keyCache {
	return &keyCache{size: size, ttl: ttl, order: list.New(), items: map[string]*list.Element{}}
}

func (c *keyCache) get(keyID string, now time.Time) (httpsig.Key, bool) {
	if c.size <= 0 {
		return httpsig.Key{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[keyID]
	if !ok {
		return httpsig.Key{}, false
	}
	e := el.Value.(*keyEntry)
	if now.After(e.expires) {
		c.order.Remove(el)
		delete(c.items, keyID)
		return httpsig.Key{}, false
	}
	c.order.MoveToFront(el)
	return e.key, true
}

func (c *keyCache) put(keyID string, key httpsig.Key, now time.Time) {
	if c.size <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[keyID]; ok {
		el.Value = &keyEntry{keyID: keyID, key: key, expires: now.Add(c.ttl)}
		c.order.MoveToFront(el)
		return
	}
	c.items[keyID] = c.order.PushFront(&keyEntry{keyID: keyID, key: key, expires: now.Add(c.ttl)})
	for c.order.Len() > c.size {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*keyEntry).keyID)
	}
}

func (c *keyCache) drop(keyID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[keyID]; ok {
		c.order.Remove(el)
		delete(c.items, keyID)
	}
}

func (c *keyCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.order.Init()
	clear(c.items)
}
