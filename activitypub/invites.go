package activitypub

import (
	"context"
	"time"
)

// Bounds of an invitation.
const (
	maxInviteUses = 1000
	maxInviteLife = 90 * 24 * time.Hour
)

// CreateInvite makes an invitation link good for maxUses sign-ups (0: unlimited) until life has
// passed (0: the longest allowed). It returns the code for the link; only its hash is stored, so
// a code that was altered, or never issued, matches nothing.
func (s *Service) CreateInvite(ctx context.Context, by *Account, maxUses int, life time.Duration) (string, *Invite, error) {
	const op = "activitypub.CreateInvite"
	if err := s.authorize(ctx, op, by, PermCreateInvites); err != nil {
		return "", nil, err
	}
	if maxUses < 0 || maxUses > maxInviteUses {
		return "", nil, E(op, Invalid, "an invitation can be used 1 to 1000 times (0 for no limit)")
	}
	if life < 0 || life > maxInviteLife {
		return "", nil, E(op, Invalid, "an invitation can last at most 90 days")
	}
	if life == 0 {
		life = maxInviteLife
	}
	code := NewSecret()
	now := s.Now()
	exp := now.Add(life)
	inv := &Invite{ID: s.NewID(), CodeHash: HashSecret(code), CreatedBy: by.Actor.ID,
		MaxUses: maxUses, ExpiresAt: &exp, CreatedAt: now}
	err := s.InTx(ctx, func(ctx context.Context) error {
		if err := s.govStore().CreateInvite(ctx, inv); err != nil {
			return err
		}
		return s.auditOther(ctx, by, "invite.create", "invite", inv.ID, "")
	})
	if err != nil {
		return "", nil, Wrap(op, err)
	}
	return code, inv, nil
}

// InviteLink is the sign-up page for an invitation code.
func (s *Service) InviteLink(code string) string { return s.authLink("/auth/signup", code) }

// liveInvite finds the invitation behind a code and checks it can still be used. Using it is
// counted later, atomically, with the account it creates.
func (s *Service) liveInvite(ctx context.Context, code string) (*Invite, error) {
	const op = "activitypub.Invite"
	inv, err := s.govStore().InviteByHash(ctx, HashSecret(code))
	if IsNotFound(err) {
		return nil, E(op, Invalid, "this invitation link is not valid: check it was copied whole")
	}
	if err != nil {
		return nil, Wrap(op, err)
	}
	switch {
	case inv.RevokedAt != nil:
		return nil, E(op, Forbidden, "this invitation was withdrawn")
	case inv.ExpiresAt != nil && !s.Now().Before(*inv.ExpiresAt):
		return nil, E(op, Forbidden, "this invitation has expired")
	case inv.MaxUses > 0 && inv.Uses >= inv.MaxUses:
		return nil, E(op, Forbidden, "this invitation has been used up")
	}
	return inv, nil
}

// CheckInvite says whether an invitation code can be used now (for the sign-up page).
func (s *Service) CheckInvite(ctx context.Context, code string) error {
	_, err := s.liveInvite(ctx, code)
	return err
}

// RevokeInvite withdraws an invitation; only its maker or an administrator may.
func (s *Service) RevokeInvite(ctx context.Context, by *Account, id string) error {
	const op = "activitypub.RevokeInvite"
	if err := s.authorize(ctx, op, by, PermCreateInvites); err != nil {
		return err
	}
	return Wrap(op, s.InTx(ctx, func(ctx context.Context) error {
		mine, err := s.govStore().Invites(ctx, by.Actor.ID)
		if err != nil {
			return err
		}
		owned := false
		for _, inv := range mine {
			owned = owned || inv.ID == id
		}
		if !owned && !by.User.RoleOf().Admin() {
			return E(op, NotFound, "no such invitation")
		}
		if err := s.govStore().RevokeInvite(ctx, id, s.Now()); err != nil {
			return err
		}
		return s.auditOther(ctx, by, "invite.revoke", "invite", id, "")
	}))
}
