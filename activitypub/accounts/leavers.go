package accounts

import (
	"context"
	"time"

	"github.com/guildhall/guildhall/activitypub"
)

// SuspendAccount locks a person out at once: the account is marked suspended, and every
// browser session and API token it has ends in the same transaction.
func (s *Accounts) SuspendAccount(ctx context.Context, by *activitypub.Account, id, reason string) (*activitypub.Account, error) {
	const op = "activitypub.SuspendAccount"
	if err := s.svc.Authorize(ctx, op, by, activitypub.PermSuspendAccounts); err != nil {
		return nil, err
	}
	var t *activitypub.Account
	err := s.svc.InTx(ctx, func(ctx context.Context) error {
		var err error
		if t, err = s.svc.StaffTarget(ctx, op, by, id); err != nil {
			return err
		}
		if t.Actor.SuspendedAt != nil {
			return activitypub.E(op, activitypub.Conflict, "this account is already suspended")
		}
		now := s.svc.Now()
		t.Actor.SuspendedAt = &now
		if err := s.store.UpdateActor(ctx, &t.Actor); err != nil {
			return err
		}
		if err := s.endAllAccess(ctx, t.Actor.ID); err != nil {
			return err
		}
		return s.svc.Audit(ctx, by, "account.suspend", t, reason)
	})
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	return t, nil
}

// UnsuspendAccount lifts a suspension; the person signs in again (old sessions stay ended).
func (s *Accounts) UnsuspendAccount(ctx context.Context, by *activitypub.Account, id, reason string) (*activitypub.Account, error) {
	const op = "activitypub.UnsuspendAccount"
	if err := s.svc.Authorize(ctx, op, by, activitypub.PermSuspendAccounts); err != nil {
		return nil, err
	}
	var t *activitypub.Account
	err := s.svc.InTx(ctx, func(ctx context.Context) error {
		var err error
		if t, err = s.svc.StaffTarget(ctx, op, by, id); err != nil {
			return err
		}
		if t.Actor.SuspendedAt == nil || t.Actor.DeletedAt != nil {
			return activitypub.E(op, activitypub.Conflict, "this account is not suspended")
		}
		t.Actor.SuspendedAt = nil
		if err := s.store.UpdateActor(ctx, &t.Actor); err != nil {
			return err
		}
		return s.svc.Audit(ctx, by, "account.unsuspend", t, reason)
	})
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	return t, nil
}

// DeleteAccount removes a person for good: access ends, the profile is emptied, the actor is
// marked deleted (its documents answer 410), and a Delete of the actor goes to every server
// that follows it. The actor row and key stay, so the Delete can be signed and the username is
// never given to someone else.
func (s *Accounts) DeleteAccount(ctx context.Context, by *activitypub.Account, id, reason string) error {
	const op = "activitypub.DeleteAccount"
	if err := s.svc.Authorize(ctx, op, by, activitypub.PermDeleteAccounts); err != nil {
		return err
	}
	return activitypub.Wrap(op, s.svc.InTx(ctx, func(ctx context.Context) error {
		t, err := s.svc.StaffTarget(ctx, op, by, id)
		if err != nil {
			return err
		}
		if t.Actor.DeletedAt != nil {
			return activitypub.E(op, activitypub.Gone, "this account was deleted already")
		}
		if held, err := s.store.HasLegalHold(ctx, t.Actor.ID); err != nil || held {
			if held {
				err = activitypub.E(op, activitypub.Conflict, "this account is under a legal hold: lift the hold before deleting it")
			}
			return err
		}
		if err := s.svc.Audit(ctx, by, "account.delete", t, reason); err != nil {
			return err
		}
		return s.deleteLocalActor(ctx, t)
	}))
}

func (s *Accounts) deleteLocalActor(ctx context.Context, t *activitypub.Account) error {
	now := s.svc.Now()
	a := &t.Actor
	a.DeletedAt, a.SuspendedAt = &now, &now
	a.DisplayName, a.Summary, a.SummarySource, a.AvatarURL, a.HeaderURL, a.Fields = "", "", "", "", "", nil
	a.Discoverable, a.Indexable = false, false
	if err := s.store.UpdateActor(ctx, a); err != nil {
		return err
	}
	t.User.DisabledAt = &now
	if err := s.store.UpdateUser(ctx, &t.User); err != nil {
		return err
	}
	if err := s.endAllAccess(ctx, a.ID); err != nil {
		return err
	}
	return s.svc.Enqueue(ctx, a, activitypub.Activity{ID: a.URI + "#delete-" + now.Format(time.RFC3339), Type: "Delete",
		Object: a.URI, To: []string{activitypub.PublicAudience}, Cc: []string{a.FollowersURI}})
}
