package mastoapi

import (
	"strconv"
	"sync"
	"time"
)

// limiter counts requests per key in fixed windows. It lives in one process: with several
// server processes each enforces its own budget, which is good enough against runaway clients.
type limiter struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	start  time.Time
	counts map[string]int
}

func newLimiter(limit int, window time.Duration) *limiter {
	return &limiter{limit: limit, window: window, counts: map[string]int{}}
}

// hit counts one request for key and reports the headers to send and whether it is allowed.
func (l *limiter) hit(key string, now time.Time) (headers [3]string, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ws := now.Truncate(l.window); !ws.Equal(l.start) {
		l.start, l.counts = ws, map[string]int{} // a new window forgets the old one entirely
	}
	l.counts[key]++
	n := l.counts[key]
	remaining := max(l.limit-n, 0)
	reset := l.start.Add(l.window).UTC().Format(timeFormat)
	return [3]string{strconv.Itoa(l.limit), strconv.Itoa(remaining), reset}, n <= l.limit
}
