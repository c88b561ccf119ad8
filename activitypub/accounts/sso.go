package accounts

import (
	"context"
	"regexp"
	"strconv"
	"strings"

	"github.com/guildhall/guildhall/activitypub"
)

// SSOOptions configures sign-in through an OpenID Connect provider.
type SSOOptions struct {
	// Issuer is the provider's issuer URL; "" when single sign-on is off.
	Issuer string
	// GroupRoles maps the provider's group names to roles. A person's role is the highest one
	// their groups give, member when none does, recomputed at every sign-in, so someone removed
	// from a group loses its role the next time they sign in. The owner is never changed by it.
	GroupRoles map[string]activitypub.Role
	// DisablePasswords turns password sign-in off: everyone signs in through the provider.
	DisablePasswords bool
}

// SetSSO configures single sign-on.
func (s *Accounts) SetSSO(o SSOOptions) error {
	for g, r := range o.GroupRoles {
		if !r.Valid() || r == activitypub.RoleOwner {
			return activitypub.E("activitypub.SetSSO", activitypub.Invalid, "group "+g+": role must be admin, moderator, group_manager or member")
		}
	}
	s.gov.sso = o
	return nil
}

// SSOEnabled reports whether sign-in through the identity provider is configured.
func (s *Accounts) SSOEnabled() bool { return s.gov.sso.Issuer != "" }

// PasswordSignInEnabled reports whether people may sign in with a password here.
func (s *Accounts) PasswordSignInEnabled() bool { return !s.gov.sso.DisablePasswords }

func (s *Accounts) passwordSignInAllowed(op string) error {
	if s.gov.sso.DisablePasswords {
		return activitypub.E(op, activitypub.Forbidden, "password sign-in is turned off here: sign in with your organisation's account")
	}
	return nil
}

// ExternalLogin is what the identity provider vouched for in a verified ID token.
type ExternalLogin struct {
	Issuer, Subject   string
	Email             string
	PreferredUsername string
	Name              string
	Groups            []string
}

var notUsernameChars = regexp.MustCompile(`[^A-Za-z0-9_]+`)

// SignInExternal signs in the person an identity provider authenticated. The account is found by
// (issuer, sub), never by email, which a provider may let people change; on first sign-in it is
// created. The role follows the group mapping at every sign-in.
func (s *Accounts) SignInExternal(ctx context.Context, in ExternalLogin, userAgent string) (*SignInStep, error) {
	const op = "activitypub.SignInExternal"
	if !s.SSOEnabled() || in.Issuer != s.gov.sso.Issuer {
		return nil, activitypub.E(op, activitypub.Forbidden, "single sign-on is not configured for this provider")
	}
	if in.Subject == "" || len(in.Subject) > 255 {
		return nil, activitypub.E(op, activitypub.Invalid, "the identity provider sent no usable subject")
	}
	if len(in.Groups) > 1000 {
		in.Groups = in.Groups[:1000]
	}
	role := s.roleForGroups(in.Groups)
	var step *SignInStep
	err := s.svc.InTx(ctx, func(ctx context.Context) error {
		acct, err := s.externalAccount(ctx, op, in, role)
		if err != nil {
			return err
		}
		if acct.User.DisabledAt != nil || acct.Actor.SuspendedAt != nil {
			return activitypub.E(op, activitypub.Forbidden, "your account here is suspended: contact an administrator")
		}
		if old := acct.User.RoleOf(); old != role && old != activitypub.RoleOwner {
			acct.User.Role, acct.User.Admin = role, role.Admin()
			if err := s.store.UpdateUser(ctx, &acct.User); err != nil {
				return err
			}
			if err := s.svc.Audit(ctx, nil, "role."+string(old)+"->"+string(role), acct, "identity provider groups: "+strings.Join(in.Groups, ", ")); err != nil {
				return err
			}
		}
		if err := s.store.TouchExternalIdentity(ctx, in.Issuer, in.Subject, in.Groups, s.svc.Now()); err != nil {
			return err
		}
		token, sess, err := s.openSession(ctx, acct, userAgent)
		step = &SignInStep{Account: acct, Token: token, Session: sess}
		return err
	})
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	return step, nil
}

func (s *Accounts) roleForGroups(groups []string) activitypub.Role {
	role := activitypub.RoleMember
	for _, g := range groups {
		if r, ok := s.gov.sso.GroupRoles[g]; ok && r.Rank() > role.Rank() {
			role = r
		}
	}
	return role
}

// externalAccount finds the account linked to the login, or creates it with the mapped role.
func (s *Accounts) externalAccount(ctx context.Context, op string, in ExternalLogin, role activitypub.Role) (*activitypub.Account, error) {
	id, err := s.store.ExternalIdentity(ctx, in.Issuer, in.Subject)
	if err == nil {
		return s.svc.AccountByActorID(ctx, id.UserID)
	}
	if !activitypub.IsNotFound(err) {
		return nil, err
	}
	if _, err := s.store.UserByLogin(ctx, in.Email); err == nil {
		return nil, activitypub.E(op, activitypub.Conflict, "an account with this email address already exists here: ask an administrator to link it")
	} else if !activitypub.IsNotFound(err) {
		return nil, err
	}
	username, err := s.freeUsername(ctx, in)
	if err != nil {
		return nil, err
	}
	// The account has no password: a random one satisfies the rules, then is removed.
	n := activitypub.NewUser{Username: username, Email: in.Email, Password: NewSecret(), DisplayName: truncateRunes(in.Name, 100),
		Registration: activitypub.Registration{Role: role}}
	acct, err := s.svc.CreateLocalUser(ctx, n)
	if err != nil {
		return nil, err
	}
	acct.User.PasswordHash = ""
	if err := s.store.UpdateUser(ctx, &acct.User); err != nil {
		return nil, err
	}
	now := s.svc.Now()
	if err := s.store.CreateExternalIdentity(ctx, &ExternalIdentity{Issuer: in.Issuer,
		Subject: in.Subject, UserID: acct.Actor.ID, Groups: in.Groups, CreatedAt: now, LastLoginAt: now}); err != nil {
		return nil, err
	}
	return acct, s.svc.Audit(ctx, nil, "account.create.sso", acct, "first sign-in through "+in.Issuer)
}

// freeUsername derives a username from the provider's claims, adding a number if it is taken.
func (s *Accounts) freeUsername(ctx context.Context, in ExternalLogin) (string, error) {
	base := in.PreferredUsername
	if base == "" || strings.Contains(base, "@") {
		local, _, _ := strings.Cut(in.Email, "@")
		if base == "" || local != "" {
			base = local
		}
	}
	base = strings.Trim(notUsernameChars.ReplaceAllString(base, "_"), "_")
	if len(base) > 24 {
		base = base[:24]
	}
	if base == "" {
		base = "user"
	}
	for i := 0; i < 100; i++ {
		name := base
		if i > 0 {
			name += strconv.Itoa(i + 1)
		}
		if activitypub.ValidateUsername(name) != nil {
			continue
		}
		_, err := s.store.ActorByUsername(ctx, name, "")
		if activitypub.IsNotFound(err) {
			return name, nil
		}
		if err != nil {
			return "", err
		}
	}
	return "", activitypub.E("activitypub.freeUsername", activitypub.Conflict, "no free username for "+base)
}

// ExternalLogout ends every session and token of the account linked to the provider's subject:
// the provider's back-channel logout, sent when a person is signed out or disabled there (a
// leaver). An unknown subject is not an error: there is nothing to end.
func (s *Accounts) ExternalLogout(ctx context.Context, subject string) error {
	const op = "activitypub.ExternalLogout"
	if !s.SSOEnabled() {
		return activitypub.E(op, activitypub.Forbidden, "single sign-on is not configured")
	}
	return activitypub.Wrap(op, s.svc.InTx(ctx, func(ctx context.Context) error {
		id, err := s.store.ExternalIdentity(ctx, s.gov.sso.Issuer, subject)
		if activitypub.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		acct, err := s.svc.AccountByActorID(ctx, id.UserID)
		if err != nil {
			return err
		}
		if err := s.endAllAccess(ctx, acct.Actor.ID); err != nil {
			return err
		}
		return s.svc.Audit(ctx, nil, "sso.logout", acct, "back-channel logout from "+s.gov.sso.Issuer)
	}))
}
