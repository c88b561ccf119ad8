package accounts

import (
	"context"
	"time"

	"github.com/guildhall/guildhall/activitypub"
)

// SelfServiceStore lists and ends a user's own ways in: browser sessions and app tokens. Kept
// apart from Store, as the kernel keeps PolicyStore: a store without it offers no such pages.
type SelfServiceStore interface {
	// UserSessions lists a user's sessions that have not expired at now, most recently seen first.
	UserSessions(ctx context.Context, userID string, now time.Time) ([]*activitypub.Session, error)
	// UserApps lists the apps holding live tokens of a user, with when each was last used.
	UserApps(ctx context.Context, userID string) ([]*AuthorisedApp, error)
	// RevokeUserAppTokens revokes every live token of a user for one app; it reports how many.
	RevokeUserAppTokens(ctx context.Context, userID, appID string, at time.Time) (int64, error)
}

// AuthorisedApp is an app someone let into their account, as their settings page shows it.
type AuthorisedApp struct {
	AppID, Name, Website string
	Scopes               []string
	AuthorisedAt         time.Time
	LastUsedAt           *time.Time
}

func (s *Accounts) selfService(op string) (SelfServiceStore, error) {
	ss, ok := s.store.(SelfServiceStore)
	if !ok {
		return nil, activitypub.E(op, activitypub.NotFound, "this store does not list sessions and apps")
	}
	return ss, nil
}

// ChangePassword sets a new password after checking the current one, and ends every other
// session and every app token: whoever knew the old password is out. The session the change is
// made from (keepSession, the hash of its id) stays signed in.
func (s *Accounts) ChangePassword(ctx context.Context, acct *activitypub.Account, current, next, keepSession string) error {
	const op = "accounts.ChangePassword"
	u, err := s.store.UserByActorID(ctx, acct.Actor.ID)
	if err != nil {
		return activitypub.Wrap(op, err)
	}
	if u.PasswordHash == "" {
		return activitypub.E(op, activitypub.Invalid, "this account signs in through your organisation, which keeps its password")
	}
	if ok, err := s.passwords.Verify(u.PasswordHash, current); err != nil {
		return activitypub.Wrap(op, err)
	} else if !ok {
		return activitypub.E(op, activitypub.Unauthorized, "your current password is not right")
	}
	if err := (activitypub.NewUser{Username: "x", Email: "x@x.x", Password: next}).Validate(); err != nil {
		return activitypub.Wrap(op, err)
	}
	hash, err := s.passwords.Hash(next)
	if err != nil {
		return activitypub.Wrap(op, err)
	}
	return activitypub.Wrap(op, s.svc.InTx(ctx, func(ctx context.Context) error {
		u.PasswordHash = hash
		if err := s.store.UpdateUser(ctx, u); err != nil {
			return err
		}
		return s.endOtherAccess(ctx, op, acct.Actor.ID, keepSession)
	}))
}

// endOtherAccess ends every session but one and revokes every app token of a user.
func (s *Accounts) endOtherAccess(ctx context.Context, op, userID, keepSession string) error {
	ss, err := s.selfService(op)
	if err != nil {
		return err
	}
	sessions, err := ss.UserSessions(ctx, userID, time.Time{})
	if err != nil {
		return err
	}
	for _, se := range sessions {
		if se.IDHash != keepSession {
			if err := s.store.DeleteSession(ctx, se.IDHash); err != nil {
				return err
			}
		}
	}
	apps, err := ss.UserApps(ctx, userID)
	if err != nil {
		return err
	}
	for _, a := range apps {
		if _, err := ss.RevokeUserAppTokens(ctx, userID, a.AppID, s.svc.Now()); err != nil {
			return err
		}
	}
	return nil
}

// Sessions lists acct's signed-in browsers.
func (s *Accounts) Sessions(ctx context.Context, acct *activitypub.Account) ([]*activitypub.Session, error) {
	const op = "accounts.Sessions"
	ss, err := s.selfService(op)
	if err != nil {
		return nil, err
	}
	list, err := ss.UserSessions(ctx, acct.Actor.ID, s.svc.Now())
	return list, activitypub.Wrap(op, err)
}

// RevokeSession signs one of acct's browsers out. A session that is not theirs is NotFound, so
// the form cannot be used to probe other people's sessions.
func (s *Accounts) RevokeSession(ctx context.Context, acct *activitypub.Account, idHash string) error {
	const op = "accounts.RevokeSession"
	se, err := s.store.SessionByHash(ctx, idHash)
	if err != nil || se.UserID != acct.Actor.ID {
		return activitypub.E(op, activitypub.NotFound, "no such session")
	}
	return activitypub.Wrap(op, s.store.DeleteSession(ctx, idHash))
}

// AuthorisedApps lists the apps acct let in.
func (s *Accounts) AuthorisedApps(ctx context.Context, acct *activitypub.Account) ([]*AuthorisedApp, error) {
	const op = "accounts.AuthorisedApps"
	ss, err := s.selfService(op)
	if err != nil {
		return nil, err
	}
	list, err := ss.UserApps(ctx, acct.Actor.ID)
	return list, activitypub.Wrap(op, err)
}

// RevokeApp takes away an app's access to acct: every token it holds stops working at once.
func (s *Accounts) RevokeApp(ctx context.Context, acct *activitypub.Account, appID string) error {
	const op = "accounts.RevokeApp"
	ss, err := s.selfService(op)
	if err != nil {
		return err
	}
	n, err := ss.RevokeUserAppTokens(ctx, acct.Actor.ID, appID, s.svc.Now())
	if err != nil {
		return activitypub.Wrap(op, err)
	}
	if n == 0 {
		return activitypub.E(op, activitypub.NotFound, "that app has no access to your account")
	}
	return nil
}
