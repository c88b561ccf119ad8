package moderation

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/guildhall/guildhall/activitypub"
)

// RetentionStore finds what a retention policy would delete and keeps legal holds.
type RetentionStore interface {
	// RetentionCandidates lists local, undeleted statuses created before before whose author is
	// not under a legal hold, oldest first, leaving out answered questions (Status.AcceptedAnswerID
	// set) and the accepted answers of live questions.
	RetentionCandidates(ctx context.Context, before time.Time, limit int) ([]*activitypub.Status, error)
	SetLegalHold(ctx context.Context, actorID, reason, by string, at time.Time) error
	DeleteLegalHold(ctx context.Context, actorID string) error
	HasLegalHold(ctx context.Context, actorID string) (bool, error)
}

// maxRetentionBatch bounds one preview (and so one run).
const maxRetentionBatch = 1000

// RetentionPreview lists the posts a policy of "delete local posts older than maxAge" would delete
// now, at most 1000, oldest first. Nothing under a legal hold is listed.
func (s *Moderation) RetentionPreview(ctx context.Context, by *activitypub.Account, maxAge time.Duration) ([]*activitypub.Status, error) {
	const op = "activitypub.RetentionPreview"
	if err := s.svc.Authorize(ctx, op, by, activitypub.PermInstanceSettings); err != nil {
		return nil, err
	}
	if maxAge < 24*time.Hour {
		return nil, activitypub.E(op, activitypub.Invalid, "retention must keep posts at least one day")
	}
	out, err := s.store.RetentionCandidates(ctx, s.svc.Now().Add(-maxAge), maxRetentionBatch)
	return out, activitypub.Wrap(op, err)
}

// ApplyRetention deletes exactly the previewed posts that still fall under the policy: a post
// put under legal hold, or already deleted, since the preview is skipped, and nothing outside the
// preview is touched. Each deletion federates as the author's own would, and the run is recorded
// in the audit log. It returns the ids deleted.
func (s *Moderation) ApplyRetention(ctx context.Context, by *activitypub.Account, maxAge time.Duration, previewIDs []string) ([]string, error) {
	const op = "activitypub.ApplyRetention"
	still, err := s.RetentionPreview(ctx, by, maxAge)
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	var deleted []string
	for _, st := range still {
		if !slices.Contains(previewIDs, st.ID) {
			continue
		}
		// Deleted as its author would, so the Delete federates from the author like any other.
		if _, err := s.svc.DeleteStatus(ctx, &activitypub.Account{Actor: activitypub.Actor{ID: st.ActorID}}, st.ID); err != nil {
			return deleted, activitypub.Wrap(op, err)
		}
		deleted = append(deleted, st.ID)
	}
	err = s.svc.InTx(ctx, func(ctx context.Context) error {
		return s.svc.AuditOther(ctx, by, "retention.apply", "statuses", strconv.Itoa(len(deleted)),
			"older than "+maxAge.String())
	})
	return deleted, activitypub.Wrap(op, err)
}

// SetLegalHold suspends retention and account deletion for an account until lifted.
func (s *Moderation) SetLegalHold(ctx context.Context, by *activitypub.Account, actorID, reason string) error {
	const op = "activitypub.SetLegalHold"
	if err := s.svc.Authorize(ctx, op, by, activitypub.PermLegalHold); err != nil {
		return err
	}
	return activitypub.Wrap(op, s.svc.InTx(ctx, func(ctx context.Context) error {
		t, err := s.svc.AccountByActorID(ctx, actorID)
		if err != nil {
			return err
		}
		if err := s.store.SetLegalHold(ctx, actorID, reason, by.Actor.ID, s.svc.Now()); err != nil {
			if activitypub.KindOf(err) == activitypub.Conflict {
				return activitypub.E(op, activitypub.Conflict, "this account is already under a legal hold")
			}
			return err
		}
		return s.svc.Audit(ctx, by, "legal_hold.set", t, reason)
	}))
}

// LiftLegalHold ends a legal hold.
func (s *Moderation) LiftLegalHold(ctx context.Context, by *activitypub.Account, actorID, reason string) error {
	const op = "activitypub.LiftLegalHold"
	if err := s.svc.Authorize(ctx, op, by, activitypub.PermLegalHold); err != nil {
		return err
	}
	return activitypub.Wrap(op, s.svc.InTx(ctx, func(ctx context.Context) error {
		t, err := s.svc.AccountByActorID(ctx, actorID)
		if err != nil {
			return err
		}
		if err := s.store.DeleteLegalHold(ctx, actorID); err != nil {
			return err
		}
		return s.svc.Audit(ctx, by, "legal_hold.lift", t, reason)
	}))
}
