package activitypub

import "context"

// Role is what a local person may do on the instance. The permission table is roles.go; the
// documentation of it is docs/roles.md.
type Role string

// The roles, most powerful first.
const (
	RoleOwner        Role = "owner"
	RoleAdmin        Role = "admin"
	RoleModerator    Role = "moderator"
	RoleGroupManager Role = "group_manager"
	RoleMember       Role = "member"
)

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool {
	switch r {
	case RoleOwner, RoleAdmin, RoleModerator, RoleGroupManager, RoleMember:
		return true
	}
	return false
}

// Admin reports whether r administers the instance (the old admin flag).
func (r Role) Admin() bool { return r == RoleOwner || r == RoleAdmin }

// Rank orders roles for "may not grant above yourself".
func (r Role) Rank() int {
	switch r {
	case RoleOwner:
		return 4
	case RoleAdmin:
		return 3
	case RoleModerator:
		return 2
	case RoleGroupManager:
		return 1
	}
	return 0
}

// Registration is the governance state of a user. The zero value is an ordinary, approved,
// confirmed member, which is what every account made before governance existed is.
type Registration struct {
	Role        Role // "" reads as admin or member after the Admin flag
	Pending     bool // signed up, awaiting an administrator's approval
	Unconfirmed bool // email address not confirmed yet
	Reason      string
	InviteID    string
}

// RoleOf returns the user's role, reading the old admin flag when no role is stored.
func (u *User) RoleOf() Role {
	switch {
	case u.Role.Valid():
		return u.Role
	case u.Admin:
		return RoleAdmin
	}
	return RoleMember
}

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

// StaffCheck is a further condition on staff actions that an area adds (the accounts area:
// staff must have enrolled a second factor when the instance requires it). It returns an error
// of kind Forbidden, saying why, when by may not act.
type StaffCheck func(ctx context.Context, by *User) error

// AddStaffCheck adds a condition Authorize applies to every staff action; set it up before
// serving, it is not safe to call concurrently with use cases.
func (s *Service) AddStaffCheck(fn StaffCheck) { s.staffChecks = append(s.staffChecks, fn) }

// Authorize refuses an actor who lacks p, or whom a staff check refuses. Every area checks its
// staff actions here, so one permission table governs them all.
func (s *Service) Authorize(ctx context.Context, op string, by *Account, p Permission) error {
	if by == nil || !by.User.RoleOf().Can(p) {
		return E(op, Forbidden, "your role does not allow this")
	}
	for _, check := range s.staffChecks {
		if err := check(ctx, &by.User); err != nil {
			return Wrap(op, err)
		}
	}
	return nil
}

// StaffTarget loads the account a staff action is about and refuses it when the target's role is
// not below the actor's: a moderator cannot suspend an administrator, nor anyone the owner.
func (s *Service) StaffTarget(ctx context.Context, op string, by *Account, id string) (*Account, error) {
	t, err := s.AccountByActorID(ctx, id)
	if err != nil {
		return nil, err
	}
	if t.Actor.ID == by.Actor.ID {
		return nil, E(op, Forbidden, "you cannot do this to your own account")
	}
	if t.User.RoleOf().Rank() >= by.User.RoleOf().Rank() {
		return nil, E(op, Forbidden, "you cannot act on an account whose role is not below yours")
	}
	return t, nil
}
