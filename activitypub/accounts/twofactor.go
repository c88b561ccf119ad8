package accounts

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"strings"
	"time"

	"github.com/guildhall/guildhall/activitypub"
)

// Two-factor limits.
const (
	mfaChallengeLife  = 5 * time.Minute
	maxMFAAttempts    = 10 // per user per loginWindow
	recoveryCodeCount = 10
)

// SignInStep is the outcome of a correct password: either a session, or a challenge for the
// second factor (Challenge set, no session yet).
type SignInStep struct {
	Account   *activitypub.Account
	Token     string               // the session cookie value, when signed in
	Session   *activitypub.Session // when signed in
	Challenge string               // when a one-time code is needed: pass it to CompleteSignIn
}

// BeginSignIn checks the password and either opens a session or, for an account with two-factor
// sign-in, returns a short-lived challenge that CompleteSignIn redeems with a code.
func (s *Accounts) BeginSignIn(ctx context.Context, login, password, clientKey, userAgent string) (*SignInStep, error) {
	const op = "activitypub.BeginSignIn"
	if err := s.passwordSignInAllowed(op); err != nil {
		return nil, err
	}
	acct, err := s.Authenticate(ctx, login, password, clientKey)
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	on, err := s.totpEnabled(ctx, acct.Actor.ID)
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	if on {
		ch, err := s.newAccountToken(ctx, acct.Actor.ID, "mfa", mfaChallengeLife)
		if err != nil {
			return nil, activitypub.Wrap(op, err)
		}
		return &SignInStep{Account: acct, Challenge: ch}, nil
	}
	token, sess, err := s.openSession(ctx, acct, userAgent)
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	return &SignInStep{Account: acct, Token: token, Session: sess}, nil
}

// CompleteSignIn redeems a challenge with a one-time code (or a recovery code). A wrong code
// leaves the challenge usable until it expires; attempts are limited per account.
func (s *Accounts) CompleteSignIn(ctx context.Context, challenge, code, userAgent string) (*SignInStep, error) {
	const op = "activitypub.CompleteSignIn"
	var step *SignInStep
	var userID string
	err := s.svc.InTx(ctx, func(ctx context.Context) error {
		t, err := s.takeAccountToken(ctx, op, challenge, "mfa")
		if err != nil {
			return activitypub.E(op, activitypub.Unauthorized, "your sign-in took too long: enter your password again")
		}
		userID = t.UserID
		n, err := s.store.Hit(ctx, "mfa:"+t.UserID, s.svc.Now().Truncate(loginWindow))
		if err != nil {
			return err
		}
		if n > maxMFAAttempts {
			return activitypub.E(op, activitypub.RateLimited, "too many codes tried; try again in a few minutes")
		}
		if err := s.verifySecondFactor(ctx, op, t.UserID, code); err != nil {
			return err
		}
		acct, err := s.svc.AccountByActorID(ctx, t.UserID)
		if err != nil {
			return err
		}
		token, sess, err := s.openSession(ctx, acct, userAgent)
		step = &SignInStep{Account: acct, Token: token, Session: sess}
		return err
	})
	if err != nil {
		if userID != "" && activitypub.KindOf(err) != activitypub.RateLimited {
			// The transaction rolled back, with the attempt count: count it again outside.
			_, _ = s.store.Hit(ctx, "mfa:"+userID, s.svc.Now().Truncate(loginWindow))
		}
		return nil, activitypub.Wrap(op, err)
	}
	return step, nil
}

// openSession creates a browser session for an authenticated account.
func (s *Accounts) openSession(ctx context.Context, acct *activitypub.Account, userAgent string) (string, *activitypub.Session, error) {
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
		return "", nil, err
	}
	return token, sess, nil
}

func (s *Accounts) totpEnabled(ctx context.Context, userID string) (bool, error) {
	t, err := s.store.TOTPByUser(ctx, userID)
	if activitypub.IsNotFound(err) {
		return false, nil
	}
	return err == nil && t.EnabledAt != nil, err
}

// staffNeedsTOTP reports whether u holds a staff role, the instance requires two-factor sign-in
// for staff, and u has not enrolled. Accounts that sign in through the identity provider are
// exempt: the provider enforces its own second factor.
func (s *Accounts) staffNeedsTOTP(ctx context.Context, u *activitypub.User) (bool, error) {
	if u.RoleOf() == activitypub.RoleMember || u.PasswordHash == "" {
		return false, nil
	}
	v, err := s.store.Setting(ctx, settingStaffNeedsTOTP)
	if activitypub.IsNotFound(err) || (err == nil && v != "true") {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	on, err := s.totpEnabled(ctx, u.ActorID)
	return !on, err
}

// TOTPStatus reports whether acct has two-factor sign-in on and how many recovery codes remain.
func (s *Accounts) TOTPStatus(ctx context.Context, acct *activitypub.Account) (enabled bool, recoveryLeft int, err error) {
	const op = "activitypub.TOTPStatus"
	if enabled, err = s.totpEnabled(ctx, acct.Actor.ID); err != nil || !enabled {
		return enabled, 0, activitypub.Wrap(op, err)
	}
	n, err := s.store.CountRecoveryCodes(ctx, acct.Actor.ID)
	return true, n, activitypub.Wrap(op, err)
}

// BeginTOTP starts enrolment: a new secret, not in force until ConfirmTOTP sees a code from it.
func (s *Accounts) BeginTOTP(ctx context.Context, acct *activitypub.Account) (secret, otpURL string, err error) {
	const op = "activitypub.BeginTOTP"
	if s.gov.totp == nil {
		return "", "", activitypub.E(op, activitypub.Other, "two-factor sign-in is not available")
	}
	if acct.User.PasswordHash == "" {
		return "", "", activitypub.E(op, activitypub.Invalid, "this account signs in through the identity provider, which handles two-factor sign-in")
	}
	if on, err := s.totpEnabled(ctx, acct.Actor.ID); err != nil || on {
		if on {
			return "", "", activitypub.E(op, activitypub.Conflict, "two-factor sign-in is already on; turn it off first to start again")
		}
		return "", "", activitypub.Wrap(op, err)
	}
	secret, otpURL, err = s.gov.totp.NewSecret(s.svc.Domain(), acct.Actor.Username+"@"+s.svc.Domain())
	if err != nil {
		return "", "", activitypub.Wrap(op, err)
	}
	if err := s.store.SetTOTP(ctx, &TOTPState{UserID: acct.Actor.ID, Secret: secret}); err != nil {
		return "", "", activitypub.Wrap(op, err)
	}
	return secret, otpURL, nil
}

// ConfirmTOTP turns two-factor sign-in on once the person shows a code from their app, and
// returns recovery codes, shown this once; only their hashes are kept.
func (s *Accounts) ConfirmTOTP(ctx context.Context, acct *activitypub.Account, code string) ([]string, error) {
	const op = "activitypub.ConfirmTOTP"
	if s.gov.totp == nil {
		return nil, activitypub.E(op, activitypub.Other, "two-factor sign-in is not available")
	}
	var codes []string
	err := s.svc.InTx(ctx, func(ctx context.Context) error {
		t, err := s.store.TOTPByUser(ctx, acct.Actor.ID)
		if activitypub.IsNotFound(err) {
			return activitypub.E(op, activitypub.Invalid, "start setting up two-factor sign-in first")
		}
		if err != nil {
			return err
		}
		if t.EnabledAt != nil {
			return activitypub.E(op, activitypub.Conflict, "two-factor sign-in is already on")
		}
		step, ok := s.gov.totp.Check(t.Secret, normaliseCode(code), s.svc.Now())
		if !ok {
			return activitypub.E(op, activitypub.Invalid, "that code is not right: check your device's clock and try the current code")
		}
		now := s.svc.Now()
		t.EnabledAt, t.LastStep = &now, step
		if err := s.store.SetTOTP(ctx, t); err != nil {
			return err
		}
		hashes := make([]string, recoveryCodeCount)
		codes = make([]string, recoveryCodeCount)
		for i := range codes {
			codes[i] = newRecoveryCode()
			hashes[i] = HashSecret(codes[i])
		}
		if err := s.store.SetRecoveryCodes(ctx, acct.Actor.ID, hashes); err != nil {
			return err
		}
		return s.svc.Audit(ctx, acct, "mfa.enable", acct, "")
	})
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	return codes, nil
}

// DisableTOTP turns two-factor sign-in off, with a current code as proof.
func (s *Accounts) DisableTOTP(ctx context.Context, acct *activitypub.Account, code string) error {
	const op = "activitypub.DisableTOTP"
	return activitypub.Wrap(op, s.svc.InTx(ctx, func(ctx context.Context) error {
		if on, err := s.totpEnabled(ctx, acct.Actor.ID); err != nil || !on {
			if err == nil {
				err = activitypub.E(op, activitypub.Conflict, "two-factor sign-in is not on")
			}
			return err
		}
		if err := s.verifySecondFactor(ctx, op, acct.Actor.ID, code); err != nil {
			return err
		}
		if err := s.store.DeleteTOTP(ctx, acct.Actor.ID); err != nil {
			return err
		}
		if err := s.store.SetRecoveryCodes(ctx, acct.Actor.ID, nil); err != nil {
			return err
		}
		return s.svc.Audit(ctx, acct, "mfa.disable", acct, "")
	}))
}

// verifySecondFactor accepts a current TOTP code once (a replayed one is refused) or an unused
// recovery code, which it spends.
func (s *Accounts) verifySecondFactor(ctx context.Context, op, userID, code string) error {
	code = normaliseCode(code)
	if len(code) == len(newRecoveryCode()) && strings.Contains(code, "-") {
		err := s.store.TakeRecoveryCode(ctx, userID, HashSecret(code))
		if activitypub.IsNotFound(err) {
			return activitypub.E(op, activitypub.Unauthorized, "that recovery code is not valid or was used already")
		}
		return err
	}
	if s.gov.totp == nil {
		return activitypub.E(op, activitypub.Other, "two-factor sign-in is not available")
	}
	t, err := s.store.TOTPByUser(ctx, userID)
	if err != nil {
		return err
	}
	step, ok := s.gov.totp.Check(t.Secret, code, s.svc.Now())
	if !ok {
		return activitypub.E(op, activitypub.Unauthorized, "that code is not right")
	}
	if err := s.store.AdvanceTOTPStep(ctx, userID, step); activitypub.KindOf(err) == activitypub.Conflict {
		return activitypub.E(op, activitypub.Unauthorized, "that code was used already: wait for the next one")
	} else if err != nil {
		return err
	}
	return nil
}

func normaliseCode(code string) string {
	return strings.ToLower(strings.Join(strings.Fields(code), ""))
}

// newRecoveryCode is 50 random bits as "xxxxx-xxxxx" in lower-case base32.
func newRecoveryCode() string {
	var b [7]byte
	_, _ = rand.Read(b[:])
	c := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))[:10]
	return c[:5] + "-" + c[5:]
}
