package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"

	"github.com/guildhall/guildhall/activitypub"
)

// Sign-in limits. Counted in the database so every server process enforces the same budget.
const (
	loginWindow      = 15 * time.Minute
	maxLoginsPerIP   = 30
	maxLoginsPerName = 10
	sessionIdleLimit = 14 * 24 * time.Hour
	sessionTouchStep = time.Minute
	setupTokenKey    = "setup_token_sha256"
)

// errBadCredentials is deliberately the same for an unknown login, a wrong password and a
// disabled account, so the sign-in form cannot be used to find out who has an account.
var errBadCredentials = activitypub.E("activitypub.Authenticate", activitypub.Unauthorized, "invalid username or password")

// NewSecret returns a random URL-safe token with 256 bits of entropy.
func NewSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// HashSecret is how tokens are stored: a SHA-256, so a database leak does not leak sessions.
// Secrets are random, so a plain hash is enough (no salt or stretching needed).
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// PrepareSetup returns a one-time setup token when the instance has no administrator yet, and ""
// when it has one. Each call replaces the previous token, so only the newest link works.
func (s *Accounts) PrepareSetup(ctx context.Context) (string, error) {
	const op = "activitypub.PrepareSetup"
	n, err := s.store.CountAdmins(ctx)
	if err != nil {
		return "", activitypub.Wrap(op, err)
	}
	if n > 0 {
		return "", s.store.DeleteSetting(ctx, setupTokenKey)
	}
	token := NewSecret()
	if err := s.store.SetSetting(ctx, setupTokenKey, HashSecret(token)); err != nil {
		return "", activitypub.Wrap(op, err)
	}
	return token, nil
}

// CheckSetupToken reports whether token is the current setup token.
func (s *Accounts) CheckSetupToken(ctx context.Context, token string) error {
	const op = "activitypub.CheckSetupToken"
	want, err := s.store.Setting(ctx, setupTokenKey)
	if activitypub.IsNotFound(err) || (err == nil && !secretMatches(want, token)) {
		return activitypub.E(op, activitypub.Forbidden, "this setup link is not valid (it may have been used already)")
	}
	return activitypub.Wrap(op, err)
}

func secretMatches(wantHash, secret string) bool {
	return secret != "" && subtle.ConstantTimeCompare([]byte(wantHash), []byte(HashSecret(secret))) == 1
}

// CompleteSetup creates the first administrator with the one-time token. The token is consumed in
// the same transaction, so it works once, and not at all if the account cannot be created.
func (s *Accounts) CompleteSetup(ctx context.Context, token string, n activitypub.NewUser) (*activitypub.Account, error) {
	const op = "activitypub.CompleteSetup"
	n.Admin, n.Registration.Role = true, activitypub.RoleOwner // the first administrator owns the instance
	if err := n.Validate(); err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	var acct *activitypub.Account
	err := s.svc.InTx(ctx, func(ctx context.Context) error {
		want, err := s.store.TakeSetting(ctx, setupTokenKey)
		if activitypub.IsNotFound(err) || (err == nil && !secretMatches(want, token)) {
			return activitypub.E(op, activitypub.Forbidden, "this setup link is not valid (it may have been used already)")
		}
		if err != nil {
			return err
		}
		acct, err = s.svc.CreateLocalUser(ctx, n)
		return err
	})
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	return acct, nil
}

// Authenticate checks a login (username or email) and password. clientKey identifies the client
// (its IP address) for rate limiting.
func (s *Accounts) Authenticate(ctx context.Context, login, password, clientKey string) (*activitypub.Account, error) {
	const op = "activitypub.Authenticate"
	login = strings.ToLower(strings.TrimSpace(login))
	window := s.svc.Now().Truncate(loginWindow)
	for _, lim := range []struct {
		key string
		max int
	}{{"login:ip:" + clientKey, maxLoginsPerIP}, {"login:name:" + login, maxLoginsPerName}} {
		n, err := s.store.Hit(ctx, lim.key, window)
		if err != nil {
			return nil, activitypub.Wrap(op, err)
		}
		if n > lim.max {
			return nil, activitypub.E(op, activitypub.RateLimited, "too many sign-in attempts; try again in a few minutes")
		}
	}
	u, err := s.store.UserByLogin(ctx, login)
	if activitypub.IsNotFound(err) {
		// Spend the same time as a real check so response timing does not reveal accounts.
		_, _ = s.passwords.Verify(s.dummyHash(), password)
		return nil, errBadCredentials
	}
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	ok, err := s.passwords.Verify(u.PasswordHash, password)
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	if !ok || u.DisabledAt != nil {
		return nil, errBadCredentials
	}
	if err := signInRefusal(op, u); err != nil {
		return nil, err
	}
	a, err := s.store.ActorByID(ctx, u.ActorID)
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	if a.SuspendedAt != nil {
		return nil, errBadCredentials
	}
	_ = s.store.ResetHits(ctx, "login:name:"+login)
	return &activitypub.Account{User: *u, Actor: *a}, nil
}

// dummyHash is a real hash of a throwaway password, made once per service.
func (s *Accounts) dummyHash() string {
	s.dummyOnce.Do(func() { s.dummy, _ = s.passwords.Hash("not a real password, only for timing") })
	return s.dummy
}

// SignIn authenticates and opens a browser session; the returned token goes in the cookie.
func (s *Accounts) SignIn(ctx context.Context, login, password, clientKey, userAgent string) (*activitypub.Account, string, *activitypub.Session, error) {
	const op = "activitypub.SignIn"
	if err := s.passwordSignInAllowed(op); err != nil {
		return nil, "", nil, err
	}
	acct, err := s.Authenticate(ctx, login, password, clientKey)
	if err != nil {
		return nil, "", nil, activitypub.Wrap(op, err)
	}
	// A one-step sign-in would skip the second factor: such accounts go through BeginSignIn.
	if on, err := s.totpEnabled(ctx, acct.Actor.ID); err != nil || on {
		if on {
			err = activitypub.E(op, activitypub.Forbidden, "this account uses two-factor sign-in")
		}
		return nil, "", nil, activitypub.Wrap(op, err)
	}
	token := NewSecret()
	now := s.svc.Now()
	if len(userAgent) > 255 {
		userAgent = userAgent[:255]
	}
	sess := &activitypub.Session{
		IDHash: HashSecret(token), UserID: acct.User.ActorID, CSRFToken: NewSecret(),
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(sessionIdleLimit), UserAgent: userAgent,
	}
	if err := s.store.CreateSession(ctx, sess); err != nil {
		return nil, "", nil, activitypub.Wrap(op, err)
	}
	return acct, token, sess, nil
}

// SessionAccount returns the account and session behind a session token. An expired session, or
// one whose account was disabled, is NotFound.
func (s *Accounts) SessionAccount(ctx context.Context, token string) (*activitypub.Account, *activitypub.Session, error) {
	const op = "activitypub.SessionAccount"
	if token == "" {
		return nil, nil, activitypub.E(op, activitypub.NotFound, "no session")
	}
	sess, err := s.store.SessionByHash(ctx, HashSecret(token))
	if err != nil {
		return nil, nil, activitypub.Wrap(op, err)
	}
	now := s.svc.Now()
	if now.After(sess.ExpiresAt) {
		_ = s.store.DeleteSession(ctx, sess.IDHash)
		return nil, nil, activitypub.E(op, activitypub.NotFound, "session expired")
	}
	acct, err := s.svc.AccountByActorID(ctx, sess.UserID)
	if err != nil {
		return nil, nil, activitypub.Wrap(op, err)
	}
	if acct.User.DisabledAt != nil || acct.Actor.SuspendedAt != nil || signInRefusal(op, &acct.User) != nil {
		return nil, nil, activitypub.E(op, activitypub.NotFound, "account disabled")
	}
	if now.Sub(sess.LastSeenAt) > sessionTouchStep {
		sess.LastSeenAt, sess.ExpiresAt = now, now.Add(sessionIdleLimit)
		if err := s.store.TouchSession(ctx, sess.IDHash, sess.LastSeenAt, sess.ExpiresAt); err != nil {
			return nil, nil, activitypub.Wrap(op, err)
		}
	}
	return acct, sess, nil
}

// SignOut ends a browser session.
func (s *Accounts) SignOut(ctx context.Context, token string) error {
	return activitypub.Wrap("activitypub.SignOut", s.store.DeleteSession(ctx, HashSecret(token)))
}
