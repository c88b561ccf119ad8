package accounts

import (
	"context"
	"time"

	"github.com/guildhall/guildhall/activitypub"
)

// Mail is one plain-text message to one person.
type Mail struct {
	To      string
	Subject string
	Text    string
}

// Mailer sends mail (adapters/mail over SMTP). Send returns once the server accepted it.
type Mailer interface {
	Send(ctx context.Context, m Mail) error
}

// TOTP checks time-based one-time passwords (adapters/totp). The domain keeps the secret and the
// last accepted step; the algorithm is the adapter's.
type TOTP interface {
	// NewSecret returns a fresh base32 secret and the otpauth:// URL an authenticator app reads.
	NewSecret(issuer, account string) (secret, url string, err error)
	// Check reports the 30-second step code is valid for at at, allowing one step of clock skew
	// either way, or ok false.
	Check(secret, code string, at time.Time) (step int64, ok bool)
}

// Invite is a sign-up link. MaxUses 0 means unlimited; the code itself is never stored.
type Invite struct {
	ID        string
	CodeHash  string
	CreatedBy string
	MaxUses   int
	Uses      int
	ExpiresAt *time.Time
	CreatedAt time.Time
	RevokedAt *time.Time
}

// AccountToken is a one-time token with a purpose, stored hashed.
type AccountToken struct {
	Hash      string
	UserID    string
	Purpose   string // "confirm", "reset" or "mfa"
	ExpiresAt time.Time
	CreatedAt time.Time
}

// TOTPState is a user's authenticator enrolment.
type TOTPState struct {
	UserID    string
	Secret    string
	EnabledAt *time.Time
	LastStep  int64
}

// ExternalIdentity links a local user to an account at an OpenID Connect provider.
type ExternalIdentity struct {
	Issuer      string
	Subject     string
	UserID      string
	Groups      []string
	CreatedAt   time.Time
	LastLoginAt time.Time
}

// GovernanceStore keeps what registration, invites, two-factor and single sign-on need.
type GovernanceStore interface {
	// PendingUsers lists users awaiting approval, newest first. paged by actor id.
	PendingUsers(ctx context.Context, p activitypub.Page) ([]*activitypub.User, error)
	// ListUsers lists users, optionally of one role ("" for all), paged by actor id.
	ListUsers(ctx context.Context, f UserFilter, p activitypub.Page) ([]*activitypub.User, error)
	// DeleteActor removes a local actor and, by cascade, its user and everything it owns.
	DeleteActor(ctx context.Context, id string) error

	CreateInvite(ctx context.Context, inv *Invite) error
	InviteByHash(ctx context.Context, codeHash string) (*Invite, error)
	// UseInvite counts one use of a live invite (not revoked, not expired at now, uses below
	// max), atomically: it is NotFound when the invite cannot be used any more.
	UseInvite(ctx context.Context, id string, now time.Time) error
	RevokeInvite(ctx context.Context, id string, at time.Time) error
	Invites(ctx context.Context, createdBy string) ([]*Invite, error)

	CreateAccountToken(ctx context.Context, t *AccountToken) error
	// TakeAccountToken deletes and returns a token of that purpose, so it works once.
	TakeAccountToken(ctx context.Context, hash, purpose string) (*AccountToken, error)
	DeleteAccountTokens(ctx context.Context, userID, purpose string) error

	TOTPByUser(ctx context.Context, userID string) (*TOTPState, error)
	SetTOTP(ctx context.Context, t *TOTPState) error
	// AdvanceTOTPStep stores step as the last one used if it is newer than the stored one; it is
	// a Conflict when it is not (the code was used already).
	AdvanceTOTPStep(ctx context.Context, userID string, step int64) error
	DeleteTOTP(ctx context.Context, userID string) error
	SetRecoveryCodes(ctx context.Context, userID string, hashes []string) error
	// TakeRecoveryCode deletes one code; NotFound when the user has no such code.
	TakeRecoveryCode(ctx context.Context, userID, hash string) error
	CountRecoveryCodes(ctx context.Context, userID string) (int, error)

	ExternalIdentity(ctx context.Context, issuer, subject string) (*ExternalIdentity, error)
	CreateExternalIdentity(ctx context.Context, e *ExternalIdentity) error
	TouchExternalIdentity(ctx context.Context, issuer, subject string, groups []string, at time.Time) error

	// RevokeUserTokens revokes every OAuth token of a user.
	RevokeUserTokens(ctx context.Context, userID string, at time.Time) error

	// HasLegalHold reports whether an account is under a legal hold (the moderation area
	// places them), which refuses its deletion.
	HasLegalHold(ctx context.Context, actorID string) (bool, error)
}

// UserFilter narrows ListUsers.
type UserFilter struct {
	Role    activitypub.Role
	Pending bool // only those awaiting approval
}

// governance is the area's configuration for who gets in.
type governance struct {
	mailer Mailer
	totp   TOTP
	sso    SSOOptions
}

// SetMailer connects the mail adapter. Without one, features that need email refuse clearly.
func (s *Accounts) SetMailer(m Mailer) { s.gov.mailer = m }

// SetTOTP connects the one-time-password adapter that two-factor sign-in needs.
func (s *Accounts) SetTOTP(t TOTP) { s.gov.totp = t }
