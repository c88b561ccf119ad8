package mastoapi

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"
)

// RateCounter counts one request for key in the fixed window starting at windowStart and returns
// the requests counted in that window so far, this one included. storage.Store.Hit is one: its
// counters live in the database, so every process sharing it counts against one budget.
type RateCounter func(ctx context.Context, key string, windowStart time.Time) (int, error)

// limiter counts requests per key in fixed windows: in this process's memory, or, with a shared
// counter, in the database so that N processes behind one load balancer enforce one budget.
type limiter struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	start  time.Time
	counts map[string]int

	shared RateCounter // nil: count in memory only
	log    *slog.Logger
}

func newLimiter(limit int, window time.Duration, shared RateCounter, log *slog.Logger) *limiter {
	return &limiter{limit: limit, window: window, counts: map[string]int{}, shared: shared, log: log}
}

// hit counts one request for key and reports the headers to send and whether it is allowed.
// When the shared counter fails (the database is unreachable) the request is counted here
// instead: the limit then holds per process until the database is back, and nobody is refused
// because of our own fault.
func (l *limiter) hit(ctx context.Context, key string, now time.Time) (headers [3]string, ok bool) {
	ws := now.Truncate(l.window)
	n := 0
	if l.shared != nil {
		var err error
		if n, err = l.shared(ctx, "api:"+key, ws); err != nil {
			l.log.WarnContext(ctx, "rate limit: shared counter failed; counting in this process", "err", err)
			n = 0
		}
	}
	if n == 0 {
		n = l.local(key, ws)
	}
	remaining := max(l.limit-n, 0)
	reset := ws.Add(l.window).UTC().Format(timeFormat)
	return [3]string{strconv.Itoa(l.limit), strconv.Itoa(remaining), reset}, n <= l.limit
}

func (l *limiter) local(key string, ws time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !ws.Equal(l.start) {
		l.start, l.counts = ws, map[string]int{} // a new window forgets the old one entirely
	}
	l.counts[key]++
	return l.counts[key]
}
