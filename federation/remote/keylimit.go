package remote

import (
	"errors"
	"net"
	"net/url"
	"strings"
	"sync"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/federation/as2"
	"github.com/guildhall/guildhall/federation/fetch"
)

// ErrKeyFetchLimited: a key fetch was not made because its host already has as many key fetches
// in flight, or as many recent ones, as we allow (RES-13). The request should be retried later.
var ErrKeyFetchLimited = errors.New("remote: too many key fetches to this host; retry later")

// Key fetch limits applied when Options leave them zero.
const (
	DefaultKeyFetchConcurrency = 4
	DefaultKeyFetchRate        = 5.0 // fetches per second per host, sustained
	DefaultKeyFetchBurst       = 50
	DefaultKeyNegativeTTL      = 5 * time.Minute
	// maxLimiterEntries bounds the per-host and negative tables (RES-16): past it, entries
	// that carry no information (idle hosts with full buckets, expired negatives) are dropped,
	// and if that is not enough the negatives are forgotten altogether.
	maxLimiterEntries = 20000
)

// keyFetchLimiter bounds the key fetches any one remote host can make us perform, however many
// distinct key ids its requests carry: a concurrency cap and a token bucket per host, plus a
// negative cache of key ids whose fetch failed. Without it a flood of requests signed by random
// key ids on a victim host turns us into an amplifier against it (RES-13). It is per process;
// another process has its own budget, which only multiplies the bound by the process count.
type keyFetchLimiter struct {
	mu          sync.Mutex
	concurrency int
	rate        float64
	burst       float64
	negTTL      time.Duration
	hosts       map[string]*hostBudget
	negative    map[string]time.Time // key id → until when its failure is remembered
}

type hostBudget struct {
	inFlight int
	tokens   float64
	at       time.Time // when tokens was last brought up to date
}

func newKeyFetchLimiter(concurrency int, rate float64, burst int, negTTL time.Duration) *keyFetchLimiter {
	if concurrency <= 0 {
		concurrency = DefaultKeyFetchConcurrency
	}
	if rate <= 0 {
		rate = DefaultKeyFetchRate
	}
	if burst <= 0 {
		burst = DefaultKeyFetchBurst
	}
	if negTTL <= 0 {
		negTTL = DefaultKeyNegativeTTL
	}
	return &keyFetchLimiter{concurrency: concurrency, rate: rate, burst: float64(burst), negTTL: negTTL,
		hosts: map[string]*hostBudget{}, negative: map[string]time.Time{}}
}

// failedRecently reports whether keyID's last fetch failed less than the negative TTL ago.
func (l *keyFetchLimiter) failedRecently(keyID string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	until, ok := l.negative[keyID]
	if ok && now.After(until) {
		delete(l.negative, keyID)
		return false
	}
	return ok
}

// failed remembers that fetching keyID failed on the remote's side.
func (l *keyFetchLimiter) failed(keyID string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.negative) >= maxLimiterEntries {
		l.pruneLocked(now)
		if len(l.negative) >= maxLimiterEntries {
			clear(l.negative)
		}
	}
	l.negative[keyID] = now.Add(l.negTTL)
}

// acquire takes a fetch slot for host, or fails at once with ErrKeyFetchLimited: waiting would
// hold an inbox request for the attacker. The returned release must be called after the fetch.
func (l *keyFetchLimiter) acquire(host string, now time.Time) (release func(), err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.hosts[host]
	if !ok {
		if len(l.hosts) >= maxLimiterEntries {
			l.pruneLocked(now)
		}
		b = &hostBudget{tokens: l.burst, at: now}
		l.hosts[host] = b
	}
	if d := now.Sub(b.at); d > 0 {
		b.tokens = min(l.burst, b.tokens+d.Seconds()*l.rate)
		b.at = now
	}
	if b.inFlight >= l.concurrency || b.tokens < 1 {
		return nil, ErrKeyFetchLimited
	}
	b.tokens--
	b.inFlight++
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		b.inFlight--
	}, nil
}

// pruneLocked drops entries that say nothing: expired negatives and idle hosts whose bucket has
// refilled.
func (l *keyFetchLimiter) pruneLocked(now time.Time) {
	for k, until := range l.negative {
		if now.After(until) {
			delete(l.negative, k)
		}
	}
	for h, b := range l.hosts {
		if b.inFlight == 0 && b.tokens+now.Sub(b.at).Seconds()*l.rate >= l.burst {
			delete(l.hosts, h)
		}
	}
}

// keyHost is the host (with port) a key id's fetch goes to, the unit the limits apply to.
func keyHost(keyID string) string {
	u, err := url.Parse(keyID)
	if err != nil {
		return keyID
	}
	return strings.ToLower(u.Host)
}

// remoteFault reports whether a key fetch failed because of the remote (an answer, a refused
// document, an unreachable host) rather than our database: only those are remembered.
func remoteFault(err error) bool {
	var (
		ue *url.Error
		ne net.Error
		se *fetch.StatusError
		pe *as2.ParseError
	)
	switch {
	case errors.As(err, &ue), errors.As(err, &ne), errors.As(err, &se), errors.As(err, &pe),
		errors.Is(err, ErrKeyRefused), errors.Is(err, fetch.ErrForbiddenAddress),
		errors.Is(err, fetch.ErrForbiddenScheme), errors.Is(err, fetch.ErrTooManyRedirects),
		errors.Is(err, fetch.ErrTooLarge), errors.Is(err, fetch.ErrContentType), errors.Is(err, fetch.ErrIDMismatch):
		return true
	}
	k := ap.KindOf(err)
	return k == ap.Gone || k == ap.Invalid || k == ap.Forbidden
}
