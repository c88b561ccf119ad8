package activitypub

import (
	"context"
	"slices"
	"strconv"
	"time"
)

// RetentionStore finds what a retention policy would delete and keeps legal holds.
type RetentionStore interface {
	// RetentionCandidates lists local, undeleted statuses created before before whose author is
	// not under a legal hold, oldest first.
	RetentionCandidates(ctx context.Context, before time.Time, limit int) ([]*Status, error)
	SetLegalHold(ctx context.Context, actorID, reason, by string, at time.Time) error
	DeleteLegalHold(ctx context.Context, actorID string) error
	HasLegalHold(ctx context.Context, actorID string) (bool, error)
}

// maxRetentionBatch bounds one preview (and so one run).
const maxRetentionBatch = 1000

// RetentionPreview lists the posts a policy of "delete local posts older than maxAge" would delete
// now, at most 1000, oldest first. Nothing under a legal hold is listed.
func (s *Service) RetentionPreview(ctx context.Context, by *Account, maxAge time.Duration) ([]*Status, error) {
	const op = "activitypub.RetentionPreview"
	if err := s.authorize(ctx, op, by, PermInstanceSettings); err != nil {
		return nil, err
	}
	if maxAge < 24*time.Hour {
		return nil, E(op, Invalid, "retention must keep posts at least one day")
	}
	out, err := s.store.RetentionCandidates(ctx, s.Now().Add(-maxAge), maxRetentionBatch)
	return out, Wrap(op, err)
}

// ApplyRetention deletes exactly the previewed posts that still fall under the policy: a post
// put under legal hold, or already deleted, since the preview is skipped, and nothing outside the
// preview is touched. Each deletion federates as the author's own would, and the run is recorded
// in the audit log. It returns the ids deleted.
func (s *Service) ApplyRetention(ctx context.Context, by *Account, maxAge time.Duration, previewIDs []string) ([]string, error) {
	const op = "activitypub.ApplyRetention"
	still, err := s.RetentionPreview(ctx, by, maxAge)
	if err != nil {
		return nil, Wrap(op, err)
	}
	var deleted []string
	for _, st := range still {
		if !slices.Contains(previewIDs, st.ID) {
			continue
		}
		// Deleted as its author would, so the Delete federates from the author like any other.
		if _, err := s.DeleteStatus(ctx, &Account{Actor: Actor{ID: st.ActorID}}, st.ID); err != nil {
			return deleted, Wrap(op, err)
		}
		deleted = append(deleted, st.ID)
	}
	err = s.InTx(ctx, func(ctx context.Context) error {
		return s.auditOther(ctx, by, "retention.apply", "statuses", strconv.Itoa(len(deleted)),
			"older than "+maxAge.String())
	})
	return deleted, Wrap(op, err)
}

// SetLegalHold suspends retention and account deletion for an account until lifted.
func (s *Service) SetLegalHold(ctx context.Context, by *Account, actorID, reason string) error {
	const op = "activitypub.SetLegalHold"
	if err := s.authorize(ctx, op, by, PermLegalHold); err != nil {
		return err
	}
	return Wrap(op, s.InTx(ctx, func(ctx context.Context) error {
		t, err := s.AccountByActorID(ctx, actorID)
		if err != nil {
			return err
		}
		if err := s.store.SetLegalHold(ctx, actorID, reason, by.Actor.ID, s.Now()); err != nil {
			if KindOf(err) == Conflict {
				return E(op, Conflict, "this account is already under a legal hold")
			}
			return err
		}
		return s.audit(ctx, by, "legal_hold.set", t, reason)
	}))
}

// LiftLegalHold ends a legal hold.
func (s *Service) LiftLegalHold(ctx context.Context, by *Account, actorID, reason string) error {
	const op = "activitypub.LiftLegalHold"
	if err := s.authorize(ctx, op, by, PermLegalHold); err != nil {
		return err
	}
	return Wrap(op, s.InTx(ctx, func(ctx context.Context) error {
		t, err := s.AccountByActorID(ctx, actorID)
		if err != nil {
			return err
		}
		if err := s.store.DeleteLegalHold(ctx, actorID); err != nil {
			return err
		}
		return s.audit(ctx, by, "legal_hold.lift", t, reason)
	}))
}
