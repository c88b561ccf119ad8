package delivery

import (
	"math/rand/v2"
	"time"
)

// Backoff defaults: 30s, 1m, 2m, 4m ... doubling up to 12h between attempts, about 17 attempts
// before the four-day give-up. Mastodon and GoToSocial retry for a similar span, long enough to
// ride out a weekend outage at a council.
const (
	DefaultBackoffBase = 30 * time.Second
	DefaultBackoffCap  = 12 * time.Hour
	DefaultGiveUpAfter = 4 * 24 * time.Hour
)

// ExponentialBackoff returns the wait before attempt number attempt+1, given attempt (1-based)
// failed attempts: base·2^(attempt-1), capped, with ±25% jitter so deliveries that failed
// together (a host that went down) do not all come back at the same second.
func ExponentialBackoff(base, limit time.Duration) func(attempt int) time.Duration {
	return func(attempt int) time.Duration {
		if attempt < 1 {
			attempt = 1
		}
		d := base
		for i := 1; i < attempt && d < limit; i++ {
			d *= 2
		}
		if d > limit {
			d = limit
		}
		jitter := time.Duration(rand.Int64N(int64(d)/2+1)) - d/4
		return d + jitter
	}
}
