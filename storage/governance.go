package storage

import (
	"context"
	"time"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
)

// PendingUsers lists users awaiting approval, newest first.
func (s *Store) PendingUsers(ctx context.Context, p activitypub.Page) ([]*activitypub.User, error) {
	return s.ListUsers(ctx, accounts.UserFilter{Pending: true}, p)
}

// ListUsers lists users, newest first by actor id, optionally only one role or only pending ones.
func (s *Store) ListUsers(ctx context.Context, f accounts.UserFilter, p activitypub.Page) ([]*activitypub.User, error) {
	k := pageBy("actor_id", p)
	where, args := `WHERE 1 = 1`, []any{}
	if f.Pending {
		where += ` AND approved = FALSE`
	}
	if f.Role != "" {
		where += ` AND role = ?`
		args = append(args, string(f.Role))
	}
	var rows []userRow
	if err := s.sel(ctx, &rows, `SELECT `+userCols+` FROM users `+where+k.cond+k.tail, append(args, k.args...)...); err != nil {
		return nil, mapErr("storage.ListUsers", err)
	}
	out := make([]*activitypub.User, 0, len(rows))
	for i := range order(k, rows) {
		out = append(out, rows[i].user())
	}
	return out, nil
}

// DeleteActor removes an actor row; its user, sessions, tokens and the rest go by cascade.
func (s *Store) DeleteActor(ctx context.Context, id string) error {
	const op = "storage.DeleteActor"
	n, err := s.execN(ctx, `DELETE FROM actors WHERE id = ?`, id)
	if err != nil {
		return mapErr(op, err)
	}
	if n == 0 {
		return notFound(op, "account")
	}
	return nil
}

type inviteRow struct {
	ID        string `db:"id"`
	CodeHash  string `db:"code_hash"`
	CreatedBy string `db:"created_by"`
	MaxUses   int    `db:"max_uses"`
	Uses      int    `db:"uses"`
	ExpiresAt *int64 `db:"expires_at"`
	CreatedAt int64  `db:"created_at"`
	RevokedAt *int64 `db:"revoked_at"`
}

const inviteCols = `id, code_hash, created_by, max_uses, uses, expires_at, created_at, revoked_at`

func (r *inviteRow) invite() *accounts.Invite {
	return &accounts.Invite{ID: r.ID, CodeHash: r.CodeHash, CreatedBy: r.CreatedBy,
		MaxUses: r.MaxUses, Uses: r.Uses, ExpiresAt: fromMSPtr(r.ExpiresAt),
		CreatedAt: fromMS(r.CreatedAt), RevokedAt: fromMSPtr(r.RevokedAt)}
}

// CreateInvite stores an invitation by the hash of its code.
func (s *Store) CreateInvite(ctx context.Context, inv *accounts.Invite) error {
	_, err := s.named(ctx, `INSERT INTO invites (`+inviteCols+`) VALUES (:id, :code_hash,
		:created_by, :max_uses, :uses, :expires_at, :created_at, :revoked_at)`, &inviteRow{
		ID: inv.ID, CodeHash: inv.CodeHash, CreatedBy: inv.CreatedBy, MaxUses: inv.MaxUses,
		Uses: inv.Uses, ExpiresAt: msPtr(inv.ExpiresAt), CreatedAt: ms(inv.CreatedAt),
		RevokedAt: msPtr(inv.RevokedAt)})
	return mapErr("storage.CreateInvite", err)
}

// InviteByHash finds an invitation by the hash of its code.
func (s *Store) InviteByHash(ctx context.Context, codeHash string) (*accounts.Invite, error) {
	var r inviteRow
	if err := s.get(ctx, &r, `SELECT `+inviteCols+` FROM invites WHERE code_hash = ?`, codeHash); err != nil {
		return nil, mapErr("storage.InviteByHash", err, "invite")
	}
	return r.invite(), nil
}

// UseInvite counts a use in one conditional UPDATE, so two sign-ups racing for the last use of
// an invitation cannot both get it.
func (s *Store) UseInvite(ctx context.Context, id string, now time.Time) error {
	const op = "storage.UseInvite"
	n, err := s.execN(ctx, `UPDATE invites SET uses = uses + 1 WHERE id = ? AND revoked_at IS NULL
		AND (expires_at IS NULL OR expires_at > ?) AND (max_uses = 0 OR uses < max_uses)`, id, ms(now))
	if err != nil {
		return mapErr(op, err)
	}
	if n == 0 {
		return notFound(op, "usable invite")
	}
	return nil
}

// RevokeInvite withdraws an invitation.
func (s *Store) RevokeInvite(ctx context.Context, id string, at time.Time) error {
	const op = "storage.RevokeInvite"
	n, err := s.execN(ctx, `UPDATE invites SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?`, ms(at), id)
	if err != nil {
		return mapErr(op, err)
	}
	if n == 0 {
		return notFound(op, "invite")
	}
	return nil
}

// Invites lists the invitations one person made, newest first.
func (s *Store) Invites(ctx context.Context, createdBy string) ([]*accounts.Invite, error) {
	var rows []inviteRow
	if err := s.sel(ctx, &rows, `SELECT `+inviteCols+` FROM invites WHERE created_by = ?
		ORDER BY id DESC LIMIT 1000`, createdBy); err != nil {
		return nil, mapErr("storage.Invites", err)
	}
	out := make([]*accounts.Invite, len(rows))
	for i := range rows {
		out[i] = rows[i].invite()
	}
	return out, nil
}

type accountTokenRow struct {
	Hash      string `db:"token_hash"`
	UserID    string `db:"user_id"`
	Purpose   string `db:"purpose"`
	ExpiresAt int64  `db:"expires_at"`
	CreatedAt int64  `db:"created_at"`
}

// CreateAccountToken stores a one-time token by its hash.
func (s *Store) CreateAccountToken(ctx context.Context, t *accounts.AccountToken) error {
	_, err := s.named(ctx, `INSERT INTO account_tokens (token_hash, user_id, purpose, expires_at,
		created_at) VALUES (:token_hash, :user_id, :purpose, :expires_at, :created_at)`, &accountTokenRow{
		Hash: t.Hash, UserID: t.UserID, Purpose: t.Purpose, ExpiresAt: ms(t.ExpiresAt), CreatedAt: ms(t.CreatedAt)})
	return mapErr("storage.CreateAccountToken", err)
}

// TakeAccountToken deletes a token and returns it: of two callers only one gets it.
func (s *Store) TakeAccountToken(ctx context.Context, hash, purpose string) (*accounts.AccountToken, error) {
	var r accountTokenRow
	err := s.getW(ctx, &r, `DELETE FROM account_tokens WHERE token_hash = ? AND purpose = ?
		RETURNING token_hash, user_id, purpose, expires_at, created_at`, hash, purpose)
	if err != nil {
		return nil, mapErr("storage.TakeAccountToken", err, "token")
	}
	return &accounts.AccountToken{Hash: r.Hash, UserID: r.UserID, Purpose: r.Purpose,
		ExpiresAt: fromMS(r.ExpiresAt), CreatedAt: fromMS(r.CreatedAt)}, nil
}

// DeleteAccountTokens removes a user's tokens of one purpose.
func (s *Store) DeleteAccountTokens(ctx context.Context, userID, purpose string) error {
	_, err := s.exec(ctx, `DELETE FROM account_tokens WHERE user_id = ? AND purpose = ?`, userID, purpose)
	return mapErr("storage.DeleteAccountTokens", err)
}

type totpRow struct {
	UserID    string `db:"user_id"`
	Secret    string `db:"secret"`
	EnabledAt *int64 `db:"enabled_at"`
	LastStep  int64  `db:"last_step"`
}

// TOTPByUser returns a user's authenticator enrolment.
func (s *Store) TOTPByUser(ctx context.Context, userID string) (*accounts.TOTPState, error) {
	var r totpRow
	if err := s.get(ctx, &r, `SELECT user_id, secret, enabled_at, last_step FROM user_totp
		WHERE user_id = ?`, userID); err != nil {
		return nil, mapErr("storage.TOTPByUser", err, "two-factor enrolment")
	}
	return &accounts.TOTPState{UserID: r.UserID, Secret: r.Secret, EnabledAt: fromMSPtr(r.EnabledAt),
		LastStep: r.LastStep}, nil
}

// SetTOTP creates or replaces a user's enrolment.
func (s *Store) SetTOTP(ctx context.Context, t *accounts.TOTPState) error {
	_, err := s.named(ctx, `INSERT INTO user_totp (user_id, secret, enabled_at, last_step)
		VALUES (:user_id, :secret, :enabled_at, :last_step)
		ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, enabled_at = excluded.enabled_at,
			last_step = excluded.last_step`, &totpRow{UserID: t.UserID, Secret: t.Secret,
		EnabledAt: msPtr(t.EnabledAt), LastStep: t.LastStep})
	return mapErr("storage.SetTOTP", err)
}

// AdvanceTOTPStep moves the last used step forward in one conditional UPDATE, so the same code
// presented twice at once is accepted once.
func (s *Store) AdvanceTOTPStep(ctx context.Context, userID string, step int64) error {
	const op = "storage.AdvanceTOTPStep"
	n, err := s.execN(ctx, `UPDATE user_totp SET last_step = ? WHERE user_id = ? AND last_step < ?`,
		step, userID, step)
	if err != nil {
		return mapErr(op, err)
	}
	if n == 0 {
		return activitypub.E(op, activitypub.Conflict, "code already used")
	}
	return nil
}

// DeleteTOTP removes a user's enrolment.
func (s *Store) DeleteTOTP(ctx context.Context, userID string) error {
	_, err := s.exec(ctx, `DELETE FROM user_totp WHERE user_id = ?`, userID)
	return mapErr("storage.DeleteTOTP", err)
}

// SetRecoveryCodes replaces a user's recovery codes (hashes).
func (s *Store) SetRecoveryCodes(ctx context.Context, userID string, hashes []string) error {
	const op = "storage.SetRecoveryCodes"
	return s.InTx(ctx, func(ctx context.Context) error {
		if _, err := s.exec(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
			return mapErr(op, err)
		}
		for _, h := range hashes {
			if _, err := s.exec(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)`, userID, h); err != nil {
				return mapErr(op, err)
			}
		}
		return nil
	})
}

// TakeRecoveryCode spends one recovery code.
func (s *Store) TakeRecoveryCode(ctx context.Context, userID, hash string) error {
	const op = "storage.TakeRecoveryCode"
	n, err := s.execN(ctx, `DELETE FROM recovery_codes WHERE user_id = ? AND code_hash = ?`, userID, hash)
	if err != nil {
		return mapErr(op, err)
	}
	if n == 0 {
		return notFound(op, "recovery code")
	}
	return nil
}

// CountRecoveryCodes counts a user's unused recovery codes.
func (s *Store) CountRecoveryCodes(ctx context.Context, userID string) (int, error) {
	var n int
	err := s.get(ctx, &n, `SELECT COUNT(*) FROM recovery_codes WHERE user_id = ?`, userID)
	return n, mapErr("storage.CountRecoveryCodes", err)
}

type externalIdentityRow struct {
	Issuer      string `db:"issuer"`
	Subject     string `db:"subject"`
	UserID      string `db:"user_id"`
	Groups      string `db:"groups"`
	CreatedAt   int64  `db:"created_at"`
	LastLoginAt int64  `db:"last_login_at"`
}

// ExternalIdentity finds the account linked to (issuer, subject).
func (s *Store) ExternalIdentity(ctx context.Context, issuer, subject string) (*accounts.ExternalIdentity, error) {
	const op = "storage.ExternalIdentity"
	var r externalIdentityRow
	if err := s.get(ctx, &r, `SELECT issuer, subject, user_id, groups, created_at, last_login_at
		FROM external_identities WHERE issuer = ? AND subject = ?`, issuer, subject); err != nil {
		return nil, mapErr(op, err, "linked identity")
	}
	groups, err := parseStrList(r.Groups)
	if err != nil {
		return nil, mapErr(op, err)
	}
	return &accounts.ExternalIdentity{Issuer: r.Issuer, Subject: r.Subject, UserID: r.UserID,
		Groups: groups, CreatedAt: fromMS(r.CreatedAt), LastLoginAt: fromMS(r.LastLoginAt)}, nil
}

// CreateExternalIdentity links an account to a provider's subject.
func (s *Store) CreateExternalIdentity(ctx context.Context, e *accounts.ExternalIdentity) error {
	_, err := s.named(ctx, `INSERT INTO external_identities (issuer, subject, user_id, groups,
		created_at, last_login_at) VALUES (:issuer, :subject, :user_id, :groups, :created_at,
		:last_login_at)`, &externalIdentityRow{Issuer: e.Issuer, Subject: e.Subject, UserID: e.UserID,
		Groups: strList(e.Groups), CreatedAt: ms(e.CreatedAt), LastLoginAt: ms(e.LastLoginAt)})
	return mapErr("storage.CreateExternalIdentity", err)
}

// TouchExternalIdentity records a sign-in and the groups it carried.
func (s *Store) TouchExternalIdentity(ctx context.Context, issuer, subject string, groups []string, at time.Time) error {
	const op = "storage.TouchExternalIdentity"
	n, err := s.execN(ctx, `UPDATE external_identities SET groups = ?, last_login_at = ?
		WHERE issuer = ? AND subject = ?`, strList(groups), ms(at), issuer, subject)
	if err != nil {
		return mapErr(op, err)
	}
	if n == 0 {
		return notFound(op, "linked identity")
	}
	return nil
}

// RevokeUserTokens revokes every live OAuth token of a user.
func (s *Store) RevokeUserTokens(ctx context.Context, userID string, at time.Time) error {
	_, err := s.exec(ctx, `UPDATE oauth_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`,
		ms(at), userID)
	return mapErr("storage.RevokeUserTokens", err)
}

type auditRow struct {
	ID         string `db:"id"`
	ActorID    string `db:"actor_id"`
	ActorName  string `db:"actor_name"`
	Action     string `db:"action"`
	TargetType string `db:"target_type"`
	TargetID   string `db:"target_id"`
	TargetName string `db:"target_name"`
	Reason     string `db:"reason"`
	CreatedAt  int64  `db:"created_at"`
}

const auditCols = `id, actor_id, actor_name, action, target_type, target_id, target_name, reason, created_at`

// AppendAudit adds an entry. There is no method to change or remove one, and the database
// refuses both (triggers in the governance migration).
func (s *Store) AppendAudit(ctx context.Context, e *activitypub.AuditEntry) error {
	_, err := s.named(ctx, `INSERT INTO audit_log (`+auditCols+`) VALUES (:id, :actor_id,
		:actor_name, :action, :target_type, :target_id, :target_name, :reason, :created_at)`, &auditRow{
		ID: e.ID, ActorID: e.ActorID, ActorName: e.ActorName, Action: e.Action, TargetType: e.TargetType,
		TargetID: e.TargetID, TargetName: e.TargetName, Reason: e.Reason, CreatedAt: ms(e.CreatedAt)})
	return mapErr("storage.AppendAudit", err)
}

// AuditLog lists entries newest first, paged by id.
func (s *Store) AuditLog(ctx context.Context, p activitypub.Page) ([]*activitypub.AuditEntry, error) {
	k := pageBy("id", p)
	var rows []auditRow
	if err := s.sel(ctx, &rows, `SELECT `+auditCols+` FROM audit_log WHERE 1 = 1`+k.cond+k.tail, k.args...); err != nil {
		return nil, mapErr("storage.AuditLog", err)
	}
	out := make([]*activitypub.AuditEntry, 0, len(rows))
	for _, r := range order(k, rows) {
		out = append(out, &activitypub.AuditEntry{ID: r.ID, ActorID: r.ActorID, ActorName: r.ActorName,
			Action: r.Action, TargetType: r.TargetType, TargetID: r.TargetID, TargetName: r.TargetName,
			Reason: r.Reason, CreatedAt: fromMS(r.CreatedAt)})
	}
	return out, nil
}

// DeleteExpiredAccountTokens removes one-time tokens past their expiry (maintenance).
func (s *Store) DeleteExpiredAccountTokens(ctx context.Context, now time.Time) (int64, error) {
	n, err := s.execN(ctx, `DELETE FROM account_tokens WHERE expires_at < ?`, ms(now))
	return n, mapErr("storage.DeleteExpiredAccountTokens", err)
}
