package accounts

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/guildhall/guildhall/activitypub"
)

// RegistrationMode says who may create an account on the instance.
type RegistrationMode string

// The registration modes. An invitation opens the door in every mode but closed.
const (
	// RegistrationClosed: only administrators create accounts.
	RegistrationClosed RegistrationMode = "closed"
	// RegistrationApproval: anyone may sign up; the account waits for an administrator.
	RegistrationApproval RegistrationMode = "approval"
	// RegistrationOpen: addresses at the allowed domains sign up and confirm by email.
	RegistrationOpen RegistrationMode = "open"
	// RegistrationInvite: only with an invitation link.
	RegistrationInvite RegistrationMode = "invite"
)

// Lifetimes of the one-time links sent by email.
const (
	confirmTokenLife = 48 * time.Hour
	resetTokenLife   = time.Hour
)

// Setting keys of the registration policy.
const (
	settingRegMode        = "registration_mode"
	settingRegDomains     = "registration_domains"
	settingStaffNeedsTOTP = "require_staff_2fa"
)

// RegistrationPolicy is the instance's rule for who gets in.
type RegistrationPolicy struct {
	Mode RegistrationMode
	// Domains are the email domains allowed to sign up ("devon.gov.uk"); required in open mode,
	// and, when set, also applied to sign-ups awaiting approval.
	Domains []string
	// StaffNeedTOTP makes two-factor sign-in compulsory for everyone above member.
	StaffNeedTOTP bool
}

// RegistrationPolicy reads the policy; an instance that never set one is closed.
func (s *Accounts) RegistrationPolicy(ctx context.Context) (RegistrationPolicy, error) {
	const op = "activitypub.RegistrationPolicy"
	p := RegistrationPolicy{Mode: RegistrationClosed}
	for key, apply := range map[string]func(string){
		settingRegMode:        func(v string) { p.Mode = RegistrationMode(v) },
		settingRegDomains:     func(v string) { p.Domains = splitDomains(v) },
		settingStaffNeedsTOTP: func(v string) { p.StaffNeedTOTP = v == "true" },
	} {
		v, err := s.store.Setting(ctx, key)
		if activitypub.IsNotFound(err) {
			continue
		}
		if err != nil {
			return p, activitypub.Wrap(op, err)
		}
		apply(v)
	}
	return p, nil
}

func splitDomains(v string) []string {
	var out []string
	for _, d := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' }) {
		d = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(d), "@"))
		if d != "" && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}

// SetRegistrationPolicy changes the policy, recorded in the audit log.
func (s *Accounts) SetRegistrationPolicy(ctx context.Context, by *activitypub.Account, p RegistrationPolicy, reason string) error {
	const op = "activitypub.SetRegistrationPolicy"
	if err := s.svc.Authorize(ctx, op, by, activitypub.PermInstanceSettings); err != nil {
		return err
	}
	switch p.Mode {
	case RegistrationClosed, RegistrationApproval, RegistrationInvite:
	case RegistrationOpen:
		if len(p.Domains) == 0 {
			return activitypub.E(op, activitypub.Invalid, "open registration needs at least one allowed email domain")
		}
		if s.gov.mailer == nil {
			return activitypub.E(op, activitypub.Invalid, "open registration confirms addresses by email: configure --smtp-url first")
		}
	default:
		return activitypub.E(op, activitypub.Invalid, "registration mode must be closed, approval, open or invite")
	}
	domains := splitDomains(strings.Join(p.Domains, ","))
	for _, d := range domains {
		if !strings.Contains(d, ".") || strings.ContainsAny(d, "@/ ") {
			return activitypub.E(op, activitypub.Invalid, "not an email domain: "+d)
		}
	}
	totp := "false"
	if p.StaffNeedTOTP {
		totp = "true"
	}
	return s.svc.InTx(ctx, func(ctx context.Context) error {
		for k, v := range map[string]string{settingRegMode: string(p.Mode),
			settingRegDomains: strings.Join(domains, ","), settingStaffNeedsTOTP: totp} {
			if err := s.store.SetSetting(ctx, k, v); err != nil {
				return activitypub.Wrap(op, err)
			}
		}
		summary := "mode=" + string(p.Mode) + " domains=" + strings.Join(domains, ",") + " staff_2fa=" + totp
		return s.svc.AuditOther(ctx, by, "settings.registration", "setting", summary, reason)
	})
}

// SignUp is what a person asking for an account sends.
type SignUp struct {
	Username, Email, Password, DisplayName string
	Reason                                 string // why they want an account (approval mode)
	InviteCode                             string
	Locale                                 string
}

// SignUpResult says what happens next for a new account.
type SignUpResult struct {
	Account *activitypub.Account
	// Pending: an administrator must approve it. Unconfirmed: a link was mailed to confirm.
	Pending, Unconfirmed bool
	// MailErr is set when the account was made but its confirmation mail could not be sent
	// (ResendConfirmation sends another).
	MailErr error
}

// Register creates an account under the instance's registration policy. Every refusal happens
// before anything is written; the invite use is counted in the same transaction as the account.
func (s *Accounts) Register(ctx context.Context, in SignUp) (*SignUpResult, error) {
	const op = "activitypub.Register"
	pol, err := s.RegistrationPolicy(ctx)
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	n := activitypub.NewUser{Username: in.Username, Email: strings.TrimSpace(in.Email), Password: in.Password,
		DisplayName: in.DisplayName}
	if err := n.Validate(); err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	if pol.Mode == RegistrationClosed {
		return nil, activitypub.E(op, activitypub.Forbidden, "registration is closed on this instance: an administrator creates accounts")
	}
	var inv *Invite
	if in.InviteCode != "" {
		if inv, err = s.liveInvite(ctx, in.InviteCode); err != nil {
			return nil, activitypub.Wrap(op, err)
		}
	}
	reg := activitypub.Registration{Reason: truncateRunes(strings.TrimSpace(in.Reason), 1000)}
	switch {
	case inv != nil:
		reg.InviteID = inv.ID // the inviter vouches: no queue, no domain rule
	case pol.Mode == RegistrationInvite:
		return nil, activitypub.E(op, activitypub.Forbidden, "this instance accepts sign-ups by invitation only")
	default:
		if len(pol.Domains) > 0 && !slices.Contains(pol.Domains, emailDomain(n.Email)) {
			return nil, activitypub.E(op, activitypub.Forbidden, "sign-up is open only to addresses at "+strings.Join(pol.Domains, ", "))
		}
		if pol.Mode == RegistrationOpen {
			if s.gov.mailer == nil {
				return nil, activitypub.E(op, activitypub.Forbidden, "sign-up needs email confirmation, and this instance has no mail server configured")
			}
			reg.Unconfirmed = true
		} else {
			reg.Pending = true
		}
	}
	n.Registration = reg
	var acct *activitypub.Account
	var confirm string
	err = s.svc.InTx(ctx, func(ctx context.Context) error {
		if inv != nil {
			if err := s.store.UseInvite(ctx, inv.ID, s.svc.Now()); err != nil {
				if activitypub.IsNotFound(err) {
					return activitypub.E(op, activitypub.Forbidden, "this invitation has been used up or has expired")
				}
				return err
			}
		}
		var err error
		if acct, err = s.svc.CreateLocalUser(ctx, n); err != nil {
			return err
		}
		if reg.Unconfirmed {
			confirm, err = s.newAccountToken(ctx, acct.Actor.ID, "confirm", confirmTokenLife)
		}
		return err
	})
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	res := &SignUpResult{Account: acct, Pending: reg.Pending, Unconfirmed: reg.Unconfirmed}
	if confirm != "" {
		res.MailErr = s.mail(ctx, acct.User.Email, "Confirm your email address",
			"Someone, hopefully you, asked for the account @"+acct.Actor.Username+" on "+s.svc.Domain()+
				".\n\nTo confirm this address, open:\n\n"+s.authLink("/auth/confirm", confirm)+
				"\n\nThe link works once, for 48 hours. If it was not you, ignore this message.\n")
	}
	return res, nil
}

func emailDomain(email string) string {
	_, d, _ := strings.Cut(strings.ToLower(email), "@")
	return d
}

// authLink is a link to a web page that takes a one-time token.
func (s *Accounts) authLink(path, token string) string {
	return s.svc.BaseURL() + path + "?token=" + url.QueryEscape(token)
}

// mail sends through the configured mailer, or says there is none.
func (s *Accounts) mail(ctx context.Context, to, subject, text string) error {
	if s.gov.mailer == nil {
		return activitypub.E("activitypub.mail", activitypub.Other, "no mail server configured")
	}
	err := s.gov.mailer.Send(ctx, Mail{To: to, Subject: subject + " (" + s.svc.Domain() + ")", Text: text})
	if err != nil {
		s.log.WarnContext(ctx, "mail not sent", "subject", subject, "err", err)
	}
	return activitypub.Wrap("activitypub.mail", err)
}

// newAccountToken stores a fresh one-time token and returns it; one per user and purpose.
func (s *Accounts) newAccountToken(ctx context.Context, userID, purpose string, life time.Duration) (string, error) {
	if err := s.store.DeleteAccountTokens(ctx, userID, purpose); err != nil {
		return "", err
	}
	tok := NewSecret()
	now := s.svc.Now()
	err := s.store.CreateAccountToken(ctx, &AccountToken{Hash: HashSecret(tok), UserID: userID,
		Purpose: purpose, CreatedAt: now, ExpiresAt: now.Add(life)})
	return tok, err
}

// takeAccountToken consumes a one-time token; an unknown, used or expired one is refused alike.
func (s *Accounts) takeAccountToken(ctx context.Context, op, token, purpose string) (*AccountToken, error) {
	t, err := s.store.TakeAccountToken(ctx, HashSecret(token), purpose)
	if activitypub.IsNotFound(err) || (err == nil && s.svc.Now().After(t.ExpiresAt)) {
		return nil, activitypub.E(op, activitypub.Invalid, "this link is not valid: it may have expired or been used already")
	}
	return t, err
}

// ConfirmEmail confirms the address behind a mailed link.
func (s *Accounts) ConfirmEmail(ctx context.Context, token string) (*activitypub.Account, error) {
	const op = "activitypub.ConfirmEmail"
	var acct *activitypub.Account
	err := s.svc.InTx(ctx, func(ctx context.Context) error {
		t, err := s.takeAccountToken(ctx, op, token, "confirm")
		if err != nil {
			return err
		}
		if acct, err = s.svc.AccountByActorID(ctx, t.UserID); err != nil {
			return err
		}
		acct.User.Unconfirmed = false
		return s.store.UpdateUser(ctx, &acct.User)
	})
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	return acct, nil
}

// ResendConfirmation mails a new confirmation link to an unconfirmed address. It says nothing
// about whether the address has an account.
func (s *Accounts) ResendConfirmation(ctx context.Context, email string) error {
	const op = "activitypub.ResendConfirmation"
	u, err := s.store.UserByLogin(ctx, strings.TrimSpace(email))
	if activitypub.IsNotFound(err) || (err == nil && !u.Unconfirmed) {
		return nil
	}
	if err != nil {
		return activitypub.Wrap(op, err)
	}
	tok, err := s.newAccountToken(ctx, u.ActorID, "confirm", confirmTokenLife)
	if err != nil {
		return activitypub.Wrap(op, err)
	}
	return s.mail(ctx, u.Email, "Confirm your email address", "To confirm this address, open:\n\n"+
		s.authLink("/auth/confirm", tok)+"\n\nThe link works once, for 48 hours.\n")
}

// RequestPasswordReset mails a reset link when login names a password account. It returns nil
// either way, so the form cannot be used to find out who has an account.
func (s *Accounts) RequestPasswordReset(ctx context.Context, login string) error {
	const op = "activitypub.RequestPasswordReset"
	u, err := s.store.UserByLogin(ctx, strings.ToLower(strings.TrimSpace(login)))
	if activitypub.IsNotFound(err) || (err == nil && (u.DisabledAt != nil || u.PasswordHash == "")) {
		return nil
	}
	if err != nil {
		return activitypub.Wrap(op, err)
	}
	tok, err := s.newAccountToken(ctx, u.ActorID, "reset", resetTokenLife)
	if err != nil {
		return activitypub.Wrap(op, err)
	}
	return s.mail(ctx, u.Email, "Reset your password", "To choose a new password, open:\n\n"+
		s.authLink("/auth/reset", tok)+"\n\nThe link works once, for one hour. If you did not ask, ignore this message: your password is unchanged.\n")
}

// ResetPassword sets a new password with a mailed token and signs the account out everywhere.
func (s *Accounts) ResetPassword(ctx context.Context, token, password string) (*activitypub.Account, error) {
	const op = "activitypub.ResetPassword"
	if err := (activitypub.NewUser{Username: "x", Email: "x@x.x", Password: password}).Validate(); err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	hash, err := s.passwords.Hash(password)
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	var acct *activitypub.Account
	err = s.svc.InTx(ctx, func(ctx context.Context) error {
		t, err := s.takeAccountToken(ctx, op, token, "reset")
		if err != nil {
			return err
		}
		if acct, err = s.svc.AccountByActorID(ctx, t.UserID); err != nil {
			return err
		}
		acct.User.PasswordHash = hash
		if err := s.store.UpdateUser(ctx, &acct.User); err != nil {
			return err
		}
		return s.endAllAccess(ctx, acct.Actor.ID)
	})
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	return acct, nil
}

// endAllAccess ends every session and revokes every token of a user.
func (s *Accounts) endAllAccess(ctx context.Context, userID string) error {
	if err := s.store.DeleteUserSessions(ctx, userID); err != nil {
		return err
	}
	return s.store.RevokeUserTokens(ctx, userID, s.svc.Now())
}

// PendingAccounts lists sign-ups awaiting approval, for those allowed to approve them.
func (s *Accounts) PendingAccounts(ctx context.Context, by *activitypub.Account, p activitypub.Page) ([]*activitypub.Account, error) {
	const op = "activitypub.PendingAccounts"
	if err := s.svc.Authorize(ctx, op, by, activitypub.PermApproveAccounts); err != nil {
		return nil, err
	}
	users, err := s.store.PendingUsers(ctx, p)
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	return s.accountsOf(ctx, op, users)
}

// ListAccounts lists local accounts for staff who administer them.
func (s *Accounts) ListAccounts(ctx context.Context, by *activitypub.Account, f UserFilter, p activitypub.Page) ([]*activitypub.Account, error) {
	const op = "activitypub.ListAccounts"
	perm := activitypub.PermSuspendAccounts
	if f.Pending {
		perm = activitypub.PermApproveAccounts
	}
	if err := s.svc.Authorize(ctx, op, by, perm); err != nil {
		return nil, err
	}
	users, err := s.store.ListUsers(ctx, f, p)
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	return s.accountsOf(ctx, op, users)
}

func (s *Accounts) accountsOf(ctx context.Context, op string, users []*activitypub.User) ([]*activitypub.Account, error) {
	out := make([]*activitypub.Account, 0, len(users))
	for _, u := range users {
		a, err := s.store.ActorByID(ctx, u.ActorID)
		if err != nil {
			return nil, activitypub.Wrap(op, err)
		}
		out = append(out, &activitypub.Account{User: *u, Actor: *a})
	}
	return out, nil
}

// ApproveAccount lets a queued sign-up in and tells them by email.
func (s *Accounts) ApproveAccount(ctx context.Context, by *activitypub.Account, id, reason string) (*activitypub.Account, error) {
	const op = "activitypub.ApproveAccount"
	if err := s.svc.Authorize(ctx, op, by, activitypub.PermApproveAccounts); err != nil {
		return nil, err
	}
	var acct *activitypub.Account
	err := s.svc.InTx(ctx, func(ctx context.Context) error {
		var err error
		if acct, err = s.svc.AccountByActorID(ctx, id); err != nil {
			return err
		}
		if !acct.User.Pending {
			return activitypub.E(op, activitypub.Conflict, "this account is not awaiting approval")
		}
		acct.User.Pending = false
		if err := s.store.UpdateUser(ctx, &acct.User); err != nil {
			return err
		}
		return s.svc.Audit(ctx, by, "account.approve", acct, reason)
	})
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	if s.gov.mailer != nil {
		_ = s.mail(ctx, acct.User.Email, "Your account was approved", "Your account @"+
			acct.Actor.Username+" on "+s.svc.Domain()+" is ready. Sign in at "+s.svc.BaseURL()+"/login\n")
	}
	return acct, nil
}

// RejectAccount refuses a queued sign-up: the account is removed, the decision kept in the
// audit log, and the person told by email.
func (s *Accounts) RejectAccount(ctx context.Context, by *activitypub.Account, id, reason string) error {
	const op = "activitypub.RejectAccount"
	if err := s.svc.Authorize(ctx, op, by, activitypub.PermApproveAccounts); err != nil {
		return err
	}
	var acct *activitypub.Account
	err := s.svc.InTx(ctx, func(ctx context.Context) error {
		var err error
		if acct, err = s.svc.AccountByActorID(ctx, id); err != nil {
			return err
		}
		if !acct.User.Pending {
			return activitypub.E(op, activitypub.Conflict, "this account is not awaiting approval")
		}
		if err := s.svc.Audit(ctx, by, "account.reject", acct, reason); err != nil {
			return err
		}
		return s.store.DeleteActor(ctx, acct.Actor.ID)
	})
	if err != nil {
		return activitypub.Wrap(op, err)
	}
	if s.gov.mailer != nil {
		_ = s.mail(ctx, acct.User.Email, "Your sign-up was not accepted", "Your request for the account @"+
			acct.Actor.Username+" on "+s.svc.Domain()+" was not accepted.\n")
	}
	return nil
}

// CreateAccount is an administrator making an account directly (how a closed instance grows).
func (s *Accounts) CreateAccount(ctx context.Context, by *activitypub.Account, n activitypub.NewUser, reason string) (*activitypub.Account, error) {
	const op = "activitypub.CreateAccount"
	if err := s.svc.Authorize(ctx, op, by, activitypub.PermCreateAccounts); err != nil {
		return nil, err
	}
	n.Admin, n.Registration = false, activitypub.Registration{}
	var acct *activitypub.Account
	err := s.svc.InTx(ctx, func(ctx context.Context) error {
		var err error
		if acct, err = s.svc.CreateLocalUser(ctx, n); err != nil {
			return err
		}
		return s.svc.Audit(ctx, by, "account.create", acct, reason)
	})
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	return acct, nil
}

// signInRefusal says why a user whose password was right may still not sign in, or nil.
func signInRefusal(op string, u *activitypub.User) error {
	switch {
	case u.Pending:
		return activitypub.E(op, activitypub.Forbidden, "your account is waiting for an administrator's approval")
	case u.Unconfirmed:
		return activitypub.E(op, activitypub.Forbidden, "confirm your email address first: open the link we sent you")
	}
	return nil
}
