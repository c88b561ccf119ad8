package accounts

import (
	"context"
	"time"

	"github.com/guildhall/guildhall/activitypub"
)

// Bounds of an invitation.
const (
	maxInviteUses = 1000
	maxInviteLife = 90 * 24 * time.Hour
)

// CreateInvite makes an invitation link good for maxUses sign-ups (0: unlimited) until life has
// passed (0: the longest allowed). It returns the code for the link; only its hash is stored, so
// a code that was altered, or never issued, matches nothing.
func (s *Accounts) CreateInvite(ctx context.Context, by *activitypub.Account, maxUses int, life time.Duration) (string, *Invite, error) {
	const op = "activitypub.CreateInvite"
	if err := s.svc.Authorize(ctx, op, by, activitypub.PermCreateInvites); err != nil {
		return "", nil, err
	}
	if maxUses < 0 || maxUses > maxInviteUses {
		return "", nil, activitypub.E(op, activitypub.Invalid, "an invitation can be used 1 to 1000 times (0 for no limit)")
	}
	if life < 0 || life > maxInviteLife {
		return "", nil, activitypub.E(op, activitypub.Invalid, "an invitation can last at most 90 days")
	}
	if life == 0 {
		life = maxInviteLife
	}
	code := NewSecret()
	now := s.svc.Now()
	exp := now.Add(life)
	inv := &Invite{ID: s.svc.NewID(), CodeHash: HashSecret(code), CreatedBy: by.Actor.ID,
		MaxUses: maxUses, ExpiresAt: &exp, CreatedAt: now}
	err := s.svc.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateInvite(ctx, inv); err != nil {
			return err
		}
		return s.svc.AuditOther(ctx, by, "invite.create", "invite", inv.ID, "")
	})
	if err != nil {
		return "", nil, activitypub.Wrap(op, err)
	}
	return code, inv, nil
}

// InviteLink is the sign-up page for an invitation code.
func (s *Accounts) InviteLink(code string) string { return s.authLink("/auth/signup", code) }

// liveInvite finds the invitation behind a code and checks it can still be used. Using it is
// counted later, atomically, with the account it creates.
func (s *Accounts) liveInvite(ctx context.Context, code string) (*Invite, error) {
	const op = "activitypub.Invite"
	inv, err := s.store.InviteByHash(ctx, HashSecret(code))
	if activitypub.IsNotFound(err) {
		return nil, activitypub.E(op, activitypub.Invalid, "this invitation link is not valid: check it was copied whole")
	}
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	switch {
	case inv.RevokedAt != nil:
		return nil, activitypub.E(op, activitypub.Forbidden, "this invitation was withdrawn")
	case inv.ExpiresAt != nil && !s.svc.Now().Before(*inv.ExpiresAt):
		return nil, activitypub.E(op, activitypub.Forbidden, "this invitation has expired")
	case inv.MaxUses > 0 && inv.Uses >= inv.MaxUses:
		return nil, activitypub.E(op, activitypub.Forbidden, "this invitation has been used up")
	}
	return inv, nil
}

// CheckInvite says whether an invitation code can be used now (for the sign-up page).
func (s *Accounts) CheckInvite(ctx context.Context, code string) error {
	_, err := s.liveInvite(ctx, code)
	return err
}

// RevokeInvite withdraws an invitation; only its maker or an administrator may.
func (s *Accounts) RevokeInvite(ctx context.Context, by *activitypub.Account, id string) error {
	const op = "activitypub.RevokeInvite"
	if err := s.svc.Authorize(ctx, op, by, activitypub.PermCreateInvites); err != nil {
		return err
	}
	return activitypub.Wrap(op, s.svc.InTx(ctx, func(ctx context.Context) error {
		mine, err := s.store.Invites(ctx, by.Actor.ID)
		if err != nil {
			return err
		}
		owned := false
		for _, inv := range mine {
			owned = owned || inv.ID == id
		}
		if !owned && !by.User.RoleOf().Admin() {
			return activitypub.E(op, activitypub.NotFound, "no such invitation")
		}
		if err := s.store.RevokeInvite(ctx, id, s.svc.Now()); err != nil {
			return err
		}
		return s.svc.AuditOther(ctx, by, "invite.revoke", "invite", id, "")
	}))
}
