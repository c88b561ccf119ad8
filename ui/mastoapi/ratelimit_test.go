package mastoapi

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"
)

// The limiter counts with the shared counter when it has one, and in memory when it has none
// or when the shared counter fails; a new window starts the count again.
func TestLimiterCounts(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 1, 0, 0, time.UTC)
	window := 5 * time.Minute
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	var shared map[string]int
	counter := func(_ context.Context, key string, ws time.Time) (int, error) {
		shared[key+ws.String()]++
		return shared[key+ws.String()], nil
	}
	failing := func(context.Context, string, time.Time) (int, error) { return 0, errors.New("database down") }
	tests := []struct {
		name    string
		counter RateCounter
		// hits made elsewhere (another process) before ours, through the shared counter
		elsewhere int
		want      []bool
	}{
		{"in memory", nil, 0, []bool{true, true, true, false}},
		{"shared, alone", counter, 0, []bool{true, true, true, false}},
		{"shared, another process used two", counter, 2, []bool{true, false, false}},
		{"shared counter failing: counted here", failing, 0, []bool{true, true, true, false}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			shared = map[string]int{}
			l := newLimiter(3, window, tc.counter, quiet)
			for range tc.elsewhere {
				_, _ = counter(context.Background(), "api:k", now.Truncate(window))
			}
			for i, want := range tc.want {
				hdr, ok := l.hit(context.Background(), "k", now)
				if ok != want {
					t.Fatalf("hit %d: allowed=%v, want %v (headers %v)", i+1, ok, want, hdr)
				}
			}
			// The next window starts afresh.
			if _, ok := l.hit(context.Background(), "k", now.Add(window)); !ok {
				t.Fatal("the next window was refused")
			}
		})
	}
}
