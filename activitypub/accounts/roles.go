package accounts

import (
	"context"

	"github.com/guildhall/guildhall/activitypub"
)

// SetRole gives target a role. Nobody grants a role above their own, changes someone above
// them, or changes their own role; the last owner cannot be demoted (by anyone, through this).
func (s *Accounts) SetRole(ctx context.Context, by *activitypub.Account, targetID string, role activitypub.Role, reason string) error {
	const op = "activitypub.SetRole"
	if err := s.svc.Authorize(ctx, op, by, activitypub.PermAssignRoles); err != nil {
		return err
	}
	if !role.Valid() {
		return activitypub.E(op, activitypub.Invalid, "unknown role "+string(role))
	}
	if targetID == by.Actor.ID {
		return activitypub.E(op, activitypub.Forbidden, "you cannot change your own role")
	}
	mine := by.User.RoleOf()
	return s.svc.InTx(ctx, func(ctx context.Context) error {
		t, err := s.svc.AccountByActorID(ctx, targetID)
		if err != nil {
			return activitypub.Wrap(op, err)
		}
		if t.User.RoleOf().Rank() > mine.Rank() || role.Rank() > mine.Rank() {
			return activitypub.E(op, activitypub.Forbidden, "you cannot grant or change a role above your own")
		}
		old := t.User.RoleOf()
		t.User.Role, t.User.Admin = role, role.Admin()
		if err := s.store.UpdateUser(ctx, &t.User); err != nil {
			return activitypub.Wrap(op, err)
		}
		return s.svc.Audit(ctx, by, "role."+string(old)+"->"+string(role), t, reason)
	})
}
