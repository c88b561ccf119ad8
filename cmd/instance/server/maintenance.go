package server

import (
	"context"
	"time"
)

// maintenanceEvery is how often housekeeping runs. Every process tries; of the processes that
// share a database one claims each period's run (storage.ClaimRun), so it runs once, and when
// that process dies its period's run is lost but the next period's is claimed by another.
const maintenanceEvery = time.Hour

// maintain removes what has outlived its use: expired sessions, old rate-limit windows, inbox
// de-duplication ids older than any sender's retry window, uploads never attached to a post, and
// the media of deleted posts that the delete event did not already remove.
func (in *Instance) maintain(ctx context.Context) {
	now := time.Now()
	steps := []struct {
		name string
		run  func() error
	}{
		{"expired sessions", func() error { _, err := in.Store.DeleteExpiredSessions(ctx, now); return err }},
		{"old rate-limit windows", func() error { return in.Store.DeleteOldHits(ctx, now.Add(-24*time.Hour)) }},
		// Senders retry for days (Mastodon: about a week); remember ids a little longer.
		{"old seen activities", func() error { _, err := in.Store.ForgetSeenActivities(ctx, now.Add(-10*24*time.Hour)); return err }},
		{"unattached media", func() error { _, err := in.Media.CleanUnattached(ctx, now.Add(-24*time.Hour), 500); return err }},
		{"media of deleted posts", func() error { _, err := in.Media.CleanDeletedStatusMedia(ctx, "", 500); return err }},
	}
	for _, s := range steps {
		if err := s.run(); err != nil && ctx.Err() == nil {
			in.log.Error("maintenance failed", "step", s.name, "err", err)
		}
	}
}

// runMaintenance runs maintain at start-up (after a short delay, to keep start-up fast) and then
// every maintenanceEvery until ctx ends.
func (in *Instance) runMaintenance(ctx context.Context) {
	t := time.NewTimer(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			now := time.Now()
			ok, err := in.Store.ClaimRun(ctx, "maintenance", now, now.Add(maintenanceEvery))
			if err != nil && ctx.Err() == nil {
				in.log.Error("maintenance: claiming the run", "err", err)
			}
			if ok {
				in.maintain(ctx)
			}
			t.Reset(maintenanceEvery)
		}
	}
}
