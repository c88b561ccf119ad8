package activitypub

import "context"

// Permission is one thing a role may do. The table below is the whole policy; docs/roles.md
// shows it to people and TestRolePermissions proves each line through the use cases.
type Permission string

// The permissions.
const (
	PermApproveAccounts  Permission = "approve_accounts"  // the sign-up queue
	PermCreateAccounts   Permission = "create_accounts"   // make an account directly (closed mode)
	PermCreateInvites    Permission = "create_invites"    // invitation links
	PermSuspendAccounts  Permission = "suspend_accounts"  // suspend and unsuspend
	PermDeleteAccounts   Permission = "delete_accounts"   // delete for good (federated Delete)
	PermAssignRoles      Permission = "assign_roles"      // up to, and not above, one's own role
	PermManageReports    Permission = "manage_reports"    // see and resolve reports
	PermViewAudit        Permission = "view_audit"        // read and export the audit log
	PermInstanceSettings Permission = "instance_settings" // registration mode, 2FA requirement, retention
	PermLegalHold        Permission = "legal_hold"        // place and lift legal holds
)

// permissions says which roles hold each permission.
var permissions = map[Permission][]Role{
	PermApproveAccounts:  {RoleOwner, RoleAdmin},
	PermCreateAccounts:   {RoleOwner, RoleAdmin},
	PermCreateInvites:    {RoleOwner, RoleAdmin, RoleGroupManager},
	PermSuspendAccounts:  {RoleOwner, RoleAdmin, RoleModerator},
	PermDeleteAccounts:   {RoleOwner, RoleAdmin},
	PermAssignRoles:      {RoleOwner, RoleAdmin},
	PermManageReports:    {RoleOwner, RoleAdmin, RoleModerator},
	PermViewAudit:        {RoleOwner, RoleAdmin},
	PermInstanceSettings: {RoleOwner, RoleAdmin},
	PermLegalHold:        {RoleOwner, RoleAdmin},
}

// AllPermissions lists the permissions in a stable order (for docs and tests).
func AllPermissions() []Permission {
	return []Permission{PermApproveAccounts, PermCreateAccounts, PermCreateInvites,
		PermSuspendAccounts, PermDeleteAccounts, PermAssignRoles, PermManageReports, PermViewAudit,
		PermInstanceSettings, PermLegalHold}
}

// Can reports whether role holds p.
func (r Role) Can(p Permission) bool {
	for _, have := range permissions[p] {
		if have == r {
			return true
		}
	}
	return false
}

// authorize refuses an actor who lacks p, and a staff account whose second factor the instance
// requires but which has not enrolled one.
func (s *Service) authorize(ctx context.Context, op string, by *Account, p Permission) error {
	if by == nil || !by.User.RoleOf().Can(p) {
		return E(op, Forbidden, "your role does not allow this")
	}
	need, err := s.staffNeedsTOTP(ctx, &by.User)
	if err != nil {
		return Wrap(op, err)
	}
	if need {
		return E(op, Forbidden, "this instance requires two-factor authentication for staff: set it up first")
	}
	return nil
}

// SetRole gives target a role. Nobody grants a role above their own, changes someone above
// them, or changes their own role; the last owner cannot be demoted (by anyone, through this).
func (s *Service) SetRole(ctx context.Context, by *Account, targetID string, role Role, reason string) error {
	const op = "activitypub.SetRole"
	if err := s.authorize(ctx, op, by, PermAssignRoles); err != nil {
		return err
	}
	if !role.Valid() {
		return E(op, Invalid, "unknown role "+string(role))
	}
	if targetID == by.Actor.ID {
		return E(op, Forbidden, "you cannot change your own role")
	}
	mine := by.User.RoleOf()
	return s.InTx(ctx, func(ctx context.Context) error {
		t, err := s.AccountByActorID(ctx, targetID)
		if err != nil {
			return Wrap(op, err)
		}
		if t.User.RoleOf().rank() > mine.rank() || role.rank() > mine.rank() {
			return E(op, Forbidden, "you cannot grant or change a role above your own")
		}
		old := t.User.RoleOf()
		t.User.Role, t.User.Admin = role, role.Admin()
		if err := s.store.UpdateUser(ctx, &t.User); err != nil {
			return Wrap(op, err)
		}
		return s.audit(ctx, by, "role."+string(old)+"->"+string(role), t, reason)
	})
}
