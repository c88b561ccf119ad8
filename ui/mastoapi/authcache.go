package mastoapi

import (
	"net/http"
	"sync"
	"time"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
)

// Bounds of the token cache. Five seconds keeps a client's burst of reads (a timeline, its
// notifications, its markers) to one token lookup while a revocation made by another server
// process is honoured within that time (docs/decisions.md, "Token cache").
const (
	authCacheTTL  = 5 * time.Second
	authCacheSize = 10_000
)

// authCache remembers, per token hash, what a bearer token resolved to, so that reads do not pay
// three queries (token, actor, user) each. Only safe requests (GET, HEAD) use it: a request that
// changes something always resolves its token afresh, so nothing is ever written from a cached
// copy, and it forgets the caller's entries so that a read that follows sees the change (the
// counters of verify_credentials, a new display name). Revocation through /oauth/revoke forgets
// the token at once in this process.
type authCache struct {
	mu      sync.Mutex
	entries map[string]authEntry // token hash → resolution
}

type authEntry struct {
	token   *activitypub.OAuthToken
	account *activitypub.Account
	expires time.Time
}

func newAuthCache() *authCache { return &authCache{entries: map[string]authEntry{}} }

func (c *authCache) get(hash string, now time.Time) (authEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[hash]
	if !ok {
		return authEntry{}, false
	}
	if !now.Before(e.expires) {
		delete(c.entries, hash)
		return authEntry{}, false
	}
	return e, true
}

func (c *authCache) put(hash string, e authEntry, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= authCacheSize {
		for k, old := range c.entries {
			if !now.Before(old.expires) {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= authCacheSize {
			clear(c.entries) // many live tokens at once: start over rather than track recency
		}
	}
	c.entries[hash] = e
}

// forgetToken drops one token, e.g. when it is revoked.
func (c *authCache) forgetToken(hash string) {
	c.mu.Lock()
	delete(c.entries, hash)
	c.mu.Unlock()
}

// forgetUser drops every token of a user, whose account just changed.
func (c *authCache) forgetUser(userID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.entries {
		if e.token.UserID == userID {
			delete(c.entries, k)
		}
	}
}

// tokenAccount resolves a bearer token like Service.TokenAccount, from the cache when the request
// is safe and the entry fresh. Failures are never cached: a token issued a moment ago works at once.
func (h *Handler) tokenAccount(r *http.Request, secret string) (*activitypub.OAuthToken, *activitypub.Account, error) {
	safe := r.Method == http.MethodGet || r.Method == http.MethodHead
	hash := accounts.HashSecret(secret)
	now := h.svc.Now()
	if safe {
		if e, ok := h.auth.get(hash, now); ok {
			// Copies, so that a handler assigning to its call's account cannot touch the entry.
			t := *e.token
			if e.account == nil {
				return &t, nil, nil
			}
			a := *e.account
			return &t, &a, nil
		}
	}
	t, acct, err := h.accounts.TokenAccount(r.Context(), secret)
	if err != nil {
		return nil, nil, err
	}
	if safe {
		e := authEntry{token: new(*t), expires: now.Add(authCacheTTL)}
		if acct != nil {
			e.account = new(*acct)
		}
		h.auth.put(hash, e, now)
	}
	return t, acct, nil
}

// forgetAfterWrite drops the caller's cached tokens once a request that may have changed their
// account is done, so that the next read loads it afresh.
func (h *Handler) forgetAfterWrite(r *http.Request, c *call) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead && c.token != nil && c.token.UserID != "" {
		h.auth.forgetUser(c.token.UserID)
	}
}
