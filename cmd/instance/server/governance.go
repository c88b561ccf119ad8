package server

import (
	"context"
	"fmt"
	"strings"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
	"github.com/guildhall/guildhall/adapters/mail"
	"github.com/guildhall/guildhall/adapters/oidc"
	"github.com/guildhall/guildhall/adapters/totp"
	"github.com/guildhall/guildhall/ui/web"
)

// GovConfig is who-gets-in configuration: outgoing mail and single sign-on.
type GovConfig struct {
	SMTPURL  string // smtp://user:pass@host:port or smtps://…; "" disables mail
	SMTPFrom string // sender address
	// OIDC single sign-on; off when OIDCIssuer is "".
	OIDCIssuer       string
	OIDCClientID     string
	OIDCClientSecret string
	OIDCGroupsClaim  string // claim that lists groups; "groups" when empty
	// OIDCGroupRoles maps IdP groups to roles: "staff-admins=admin,moderators=moderator".
	OIDCGroupRoles string
	// DisablePasswordLogin makes the identity provider the only way to sign in.
	DisablePasswordLogin bool
}

// validate checks the governance settings.
func (g GovConfig) validate() error {
	if g.SMTPURL != "" {
		if _, err := mail.New(mail.Options{URL: g.SMTPURL, From: g.SMTPFrom}); err != nil {
			return &FieldError{"smtp-url", "GUILDHALL_SMTP_URL", err.Error()}
		}
	}
	if g.OIDCIssuer != "" && (g.OIDCClientID == "" || g.OIDCClientSecret == "") {
		return &FieldError{"oidc-issuer", "GUILDHALL_OIDC_ISSUER", "needs --oidc-client-id and --oidc-client-secret too"}
	}
	if _, err := parseGroupRoles(g.OIDCGroupRoles); err != nil {
		return &FieldError{"oidc-group-roles", "GUILDHALL_OIDC_GROUP_ROLES", err.Error()}
	}
	if g.DisablePasswordLogin && g.OIDCIssuer == "" {
		return &FieldError{"disable-password-login", "GUILDHALL_DISABLE_PASSWORD_LOGIN", "needs --oidc-issuer: nobody could sign in"}
	}
	return nil
}

func parseGroupRoles(s string) (map[string]activitypub.Role, error) {
	out := map[string]activitypub.Role{}
	for _, pair := range strings.Split(s, ",") {
		if strings.TrimSpace(pair) == "" {
			continue
		}
		g, r, ok := strings.Cut(pair, "=")
		role := activitypub.Role(strings.TrimSpace(r))
		if !ok || strings.TrimSpace(g) == "" || !role.Valid() || role == activitypub.RoleOwner {
			return nil, fmt.Errorf("%q must be group=role, role one of admin, moderator, group_manager, member", pair)
		}
		out[strings.TrimSpace(g)] = role
	}
	return out, nil
}

// setupGovernance connects mail, two-factor and single sign-on to the service. The identity
// provider is discovered here, so a wrong issuer stops start-up with a clear message.
func (in *Instance) setupGovernance(ctx context.Context) error {
	g := in.Config.Gov
	in.Accounts.SetTOTP(totp.TOTP{})
	if g.SMTPURL != "" {
		m, err := mail.New(mail.Options{URL: g.SMTPURL, From: g.SMTPFrom})
		if err != nil {
			return err
		}
		in.Accounts.SetMailer(m)
	}
	if g.OIDCIssuer == "" {
		return nil
	}
	roles, err := parseGroupRoles(g.OIDCGroupRoles)
	if err != nil {
		return err
	}
	c, err := oidc.New(ctx, oidc.Options{Issuer: g.OIDCIssuer, ClientID: g.OIDCClientID,
		ClientSecret: g.OIDCClientSecret, GroupsClaim: g.OIDCGroupsClaim,
		RedirectURL: in.Service.BaseURL() + "/auth/oidc/callback"})
	if err != nil {
		return fmt.Errorf("single sign-on: %w", err)
	}
	in.sso = c
	return in.Accounts.SetSSO(accounts.SSOOptions{Issuer: c.Issuer(), GroupRoles: roles,
		DisablePasswords: g.DisablePasswordLogin})
}

// webSSO is the SSO client for the web UI, or nil (an interface holding a nil *Client is not).
func (in *Instance) webSSO() web.SSO {
	if in.sso == nil {
		return nil
	}
	return in.sso
}
