package storage_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// TestInBatchTxIsolatesFailures runs many concurrent InBatchTx callers, some of which fail (an
// error after writing, a unique violation, a panic) or are cancelled before their turn: the
// others' writes are committed, the failed ones' are absent, and each caller hears its own outcome.
// A plain transaction holds the writer while the callers arrive, so on SQLite they queue and are
// committed in shared batches (the outcome must be the same however they are grouped).
func TestInBatchTxIsolatesFailures(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		must(t, s.SetSetting(ctx, "taken", "before"))
		errBoom := errors.New("boom")
		const n = 40
		type outcome int
		const (
			ok outcome = iota
			fails
			conflicts
			panics
			cancelled
		)
		kind := func(i int) outcome {
			switch i % 8 {
			case 1:
				return fails
			case 3:
				return conflicts
			case 5:
				return panics
			case 7:
				return cancelled
			}
			return ok
		}
		release := make(chan struct{})
		holding := make(chan struct{})
		var hold sync.WaitGroup
		hold.Go(func() {
			must(t, s.InTx(ctx, func(ctx context.Context) error {
				close(holding)
				<-release
				return s.SetSetting(ctx, "held", "yes")
			}))
		})
		<-holding

		errs := make([]error, n)
		panicked := make([]any, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				cctx := ctx
				if kind(i) == cancelled {
					c, cancel := context.WithCancel(ctx)
					cancel()
					cctx = c
				}
				defer func() { panicked[i] = recover() }()
				errs[i] = s.InBatchTx(cctx, func(ctx context.Context) error {
					key := fmt.Sprintf("k%02d", i)
					// A nested InTx joins the batch's transaction and the caller's savepoint.
					if err := s.InTx(ctx, func(ctx context.Context) error { return s.SetSetting(ctx, key, "a") }); err != nil {
						return err
					}
					if err := s.SetSetting(ctx, key+"b", "b"); err != nil {
						return err
					}
					switch kind(i) {
					case fails:
						return errBoom
					case conflicts:
						// A foreign-key violation: the statement fails inside the transaction.
						return s.CreateUser(ctx, &activitypub.User{ActorID: "no-such-actor-" + key,
							Email: key + "@council.test", PasswordHash: "hash", Locale: "en", CreatedAt: time.Now()})
					case panics:
						panic("fn panicked")
					}
					return nil
				})
			})
		}
		time.Sleep(20 * time.Millisecond) // let the callers queue; correctness does not depend on it
		close(release)
		hold.Wait()
		wg.Wait()

		for i := range n {
			key := fmt.Sprintf("k%02d", i)
			_, getErr := s.Setting(ctx, key)
			_, getErrB := s.Setting(ctx, key+"b")
			switch kind(i) {
			case ok:
				if errs[i] != nil || panicked[i] != nil {
					t.Errorf("caller %d: err %v, panic %v; want success", i, errs[i], panicked[i])
				}
				if getErr != nil || getErrB != nil {
					t.Errorf("caller %d committed but its writes are missing: %v, %v", i, getErr, getErrB)
				}
				continue
			case fails:
				if !errors.Is(errs[i], errBoom) {
					t.Errorf("caller %d: err %v, want its own error", i, errs[i])
				}
			case conflicts:
				if errs[i] == nil || errors.Is(errs[i], errBoom) {
					t.Errorf("caller %d: err %v, want the constraint violation", i, errs[i])
				}
			case panics:
				if panicked[i] != "fn panicked" {
					t.Errorf("caller %d: panic %v, want fn's panic re-raised in the caller", i, panicked[i])
				}
			case cancelled:
				if !errors.Is(errs[i], context.Canceled) {
					t.Errorf("caller %d: err %v, want context.Canceled", i, errs[i])
				}
			}
			if !activitypub.IsNotFound(getErr) || !activitypub.IsNotFound(getErrB) {
				t.Errorf("caller %d failed but left writes behind: %v, %v", i, getErr, getErrB)
			}
		}
		if v, err := s.Setting(ctx, "held"); err != nil || v != "yes" {
			t.Errorf("held = %q, %v", v, err)
		}
	})
}
