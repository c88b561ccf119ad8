package activitypub

import (
	"context"
	"time"
)

// staffTarget loads the account a staff action is about and refuses it when the target's role is
// not below the actor's: a moderator cannot suspend an administrator, nor anyone the owner.
func (s *Service) staffTarget(ctx context.Context, op string, by *Account, id string) (*Account, error) {
	t, err := s.AccountByActorID(ctx, id)
	if err != nil {
		return nil, err
	}
	if t.Actor.ID == by.Actor.ID {
		return nil, E(op, Forbidden, "you cannot do this to your own account")
	}
	if t.User.RoleOf().rank() >= by.User.RoleOf().rank() {
		return nil, E(op, Forbidden, "you cannot act on an account whose role is not below yours")
	}
	return t, nil
}

// SuspendAccount locks a person out at once: the account is marked suspended, and every
// browser session and API token it has ends in the same transaction.
func (s *Service) SuspendAccount(ctx context.Context, by *Account, id, reason string) (*Account, error) {
	const op = "activitypub.SuspendAccount"
	if err := s.authorize(ctx, op, by, PermSuspendAccounts); err != nil {
		return nil, err
	}
	var t *Account
	err := s.InTx(ctx, func(ctx context.Context) error {
		var err error
		if t, err = s.staffTarget(ctx, op, by, id); err != nil {
			return err
		}
		if t.Actor.SuspendedAt != nil {
			return E(op, Conflict, "this account is already suspended")
		}
		now := s.Now()
		t.Actor.SuspendedAt = &now
		if err := s.store.UpdateActor(ctx, &t.Actor); err != nil {
			return err
		}
		if err := s.endAllAccess(ctx, t.Actor.ID); err != nil {
			return err
		}
		return s.audit(ctx, by, "account.suspend", t, reason)
	})
	if err != nil {
		return nil, Wrap(op, err)
	}
	return t, nil
}

// UnsuspendAccount lifts a suspension; the person signs in again (old sessions stay ended).
func (s *Service) UnsuspendAccount(ctx context.Context, by *Account, id, reason string) (*Account, error) {
	const op = "activitypub.UnsuspendAccount"
	if err := s.authorize(ctx, op, by, PermSuspendAccounts); err != nil {
		return nil, err
	}
	var t *Account
	err := s.InTx(ctx, func(ctx context.Context) error {
		var err error
		if t, err = s.staffTarget(ctx, op, by, id); err != nil {
			return err
		}
		if t.Actor.SuspendedAt == nil || t.Actor.DeletedAt != nil {
			return E(op, Conflict, "this account is not suspended")
		}
		t.Actor.SuspendedAt = nil
		if err := s.store.UpdateActor(ctx, &t.Actor); err != nil {
			return err
		}
		return s.audit(ctx, by, "account.unsuspend", t, reason)
	})
	if err != nil {
		return nil, Wrap(op, err)
	}
	return t, nil
}

// DeleteAccount removes a person for good: access ends, the profile is emptied, the actor is
// marked deleted (its documents answer 410), and a Delete of the actor goes to every server
// that follows it. The actor row and key stay, so the Delete can be signed and the username is
// never given to someone else.
func (s *Service) DeleteAccount(ctx context.Context, by *Account, id, reason string) error {
	const op = "activitypub.DeleteAccount"
	if err := s.authorize(ctx, op, by, PermDeleteAccounts); err != nil {
		return err
	}
	return Wrap(op, s.InTx(ctx, func(ctx context.Context) error {
		t, err := s.staffTarget(ctx, op, by, id)
		if err != nil {
			return err
		}
		if t.Actor.DeletedAt != nil {
			return E(op, Gone, "this account was deleted already")
		}
		if held, err := s.store.HasLegalHold(ctx, t.Actor.ID); err != nil || held {
			if held {
				err = E(op, Conflict, "this account is under a legal hold: lift the hold before deleting it")
			}
			return err
		}
		if err := s.audit(ctx, by, "account.delete", t, reason); err != nil {
			return err
		}
		return s.deleteLocalActor(ctx, t)
	}))
}

func (s *Service) deleteLocalActor(ctx context.Context, t *Account) error {
	now := s.Now()
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
	return s.enqueue(ctx, a, Activity{ID: a.URI + "#delete-" + now.Format(time.RFC3339), Type: "Delete",
		Object: a.URI, To: []string{PublicAudience}, Cc: []string{a.FollowersURI}})
}
