package storage_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// Several processes asking at once to run the same housekeeping: one run per period.
func TestClaimRunOncePerPeriod(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		next := now.Add(time.Hour)
		var mu sync.Mutex
		won := 0
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				ok, err := s.ClaimRun(ctx, "maintenance", now, next)
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					won++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if won != 1 {
			t.Fatalf("%d claimers won the first run, want 1", won)
		}
		tests := []struct {
			name string
			at   time.Time
			job  string
			want bool
		}{
			{"within the period", now.Add(30 * time.Minute), "maintenance", false},
			{"another job", now, "analyze", true},
			{"next period", next, "maintenance", true},
			{"next period again", next, "maintenance", false},
		}
		for _, tc := range tests {
			ok, err := s.ClaimRun(ctx, tc.job, tc.at, tc.at.Add(time.Hour))
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if ok != tc.want {
				t.Errorf("%s: claimed %v, want %v", tc.name, ok, tc.want)
			}
		}
	})
}
