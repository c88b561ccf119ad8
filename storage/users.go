package storage

import (
	"context"

	"github.com/guildhall/guildhall/activitypub"
)

type userRow struct {
	ActorID      string `db:"actor_id"`
	Email        string `db:"email"`
	PasswordHash string `db:"password_hash"`
	Admin        bool   `db:"admin"`
	DisabledAt   *int64 `db:"disabled_at"`
	Locale       string `db:"locale"`
	CreatedAt    int64  `db:"created_at"`
	Role         string `db:"role"`
	Approved     bool   `db:"approved"`
	Confirmed    bool   `db:"email_confirmed"`
	Reason       string `db:"registration_reason"`
	InviteID     string `db:"invite_id"`
}

const userCols = `actor_id, email, password_hash, admin, disabled_at, locale, created_at, role,
	approved, email_confirmed, registration_reason, invite_id`

// userToRow keeps the admin column and the role agreeing. Code that predates roles sets the
// Admin flag alone, so the flag decides admin-or-not and the role refines it.
func userToRow(u *activitypub.User) *userRow {
	role := u.RoleOf()
	switch {
	case u.Admin && !role.Admin():
		role = activitypub.RoleAdmin
	case !u.Admin && role.Admin():
		role = activitypub.RoleMember
	}
	return &userRow{
		ActorID: u.ActorID, Email: u.Email, PasswordHash: u.PasswordHash, Admin: role.Admin(),
		DisabledAt: msPtr(u.DisabledAt), Locale: u.Locale, CreatedAt: ms(u.CreatedAt),
		Role: string(role), Approved: !u.Pending, Confirmed: !u.Unconfirmed, Reason: u.Reason,
		InviteID: u.InviteID,
	}
}

func (r *userRow) user() *activitypub.User {
	return &activitypub.User{
		ActorID: r.ActorID, Email: r.Email, PasswordHash: r.PasswordHash, Admin: r.Admin,
		DisabledAt: fromMSPtr(r.DisabledAt), Locale: r.Locale, CreatedAt: fromMS(r.CreatedAt),
		Registration: activitypub.Registration{Role: activitypub.Role(r.Role), Pending: !r.Approved,
			Unconfirmed: !r.Confirmed, Reason: r.Reason, InviteID: r.InviteID},
	}
}

// CreateUser inserts the sign-in side of a local person; its actor must exist. An email taken
// case-insensitively is a Conflict.
func (s *Store) CreateUser(ctx context.Context, u *activitypub.User) error {
	_, err := s.named(ctx, `INSERT INTO users (`+userCols+`) VALUES (:actor_id, :email,
		:password_hash, :admin, :disabled_at, :locale, :created_at, :role, :approved,
		:email_confirmed, :registration_reason, :invite_id)`, userToRow(u))
	return mapErr("storage.CreateUser", err)
}

// UpdateUser rewrites a user's email, password hash, role (and admin flag), disabled time,
// locale, approval and email confirmation.
func (s *Store) UpdateUser(ctx context.Context, u *activitypub.User) error {
	const op = "storage.UpdateUser"
	res, err := s.named(ctx, `UPDATE users SET email = :email, password_hash = :password_hash,
		admin = :admin, disabled_at = :disabled_at, locale = :locale, role = :role,
		approved = :approved, email_confirmed = :email_confirmed WHERE actor_id = :actor_id`, userToRow(u))
	if err != nil {
		return mapErr(op, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return mapErr(op, err)
	} else if n == 0 {
		return notFound(op, "user")
	}
	return nil
}

// UserByActorID finds the user of a local person.
func (s *Store) UserByActorID(ctx context.Context, actorID string) (*activitypub.User, error) {
	var r userRow
	if err := s.get(ctx, &r, `SELECT `+userCols+` FROM users WHERE actor_id = ?`, actorID); err != nil {
		return nil, mapErr("storage.UserByActorID", err, "user")
	}
	return r.user(), nil
}

// UserByLogin finds a user by case-insensitive email or local username. Both lookups use the
// lower(...) unique indexes; an email match wins over a username match.
func (s *Store) UserByLogin(ctx context.Context, login string) (*activitypub.User, error) {
	var r userRow
	err := s.get(ctx, &r, `SELECT u.actor_id, u.email, u.password_hash, u.admin, u.disabled_at,
			u.locale, u.created_at, u.role, u.approved, u.email_confirmed, u.registration_reason,
			u.invite_id
		FROM users u JOIN actors a ON a.id = u.actor_id
		WHERE lower(u.email) = lower(?) OR (lower(a.username) = lower(?) AND a.domain = '')
		ORDER BY CASE WHEN lower(u.email) = lower(?) THEN 0 ELSE 1 END
		LIMIT 1`, login, login, login)
	if err != nil {
		return nil, mapErr("storage.UserByLogin", err, "user")
	}
	return r.user(), nil
}

// CountAdmins counts administrators whose account is not disabled: the ones who can act.
func (s *Store) CountAdmins(ctx context.Context) (int, error) {
	var n int
	err := s.get(ctx, &n, `SELECT COUNT(*) FROM users WHERE admin = TRUE AND disabled_at IS NULL`)
	return n, mapErr("storage.CountAdmins", err)
}

// CountUsers counts every user, disabled ones included.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.get(ctx, &n, `SELECT COUNT(*) FROM users`)
	return n, mapErr("storage.CountUsers", err)
}
