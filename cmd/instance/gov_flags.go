package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/guildhall/guildhall/cmd/instance/server"
)

// govFlags registers the mail and single sign-on flags; the returned function applies their
// environment variables to flags not set on the command line.
func govFlags(fs *flag.FlagSet, e env, g *server.GovConfig) func(set map[string]bool) error {
	strs := []struct {
		flag, env string
		dst       *string
	}{
		{"smtp-url", "GUILDHALL_SMTP_URL", &g.SMTPURL},
		{"smtp-from", "GUILDHALL_SMTP_FROM", &g.SMTPFrom},
		{"oidc-issuer", "GUILDHALL_OIDC_ISSUER", &g.OIDCIssuer},
		{"oidc-client-id", "GUILDHALL_OIDC_CLIENT_ID", &g.OIDCClientID},
		{"oidc-client-secret", "GUILDHALL_OIDC_CLIENT_SECRET", &g.OIDCClientSecret},
		{"oidc-groups-claim", "GUILDHALL_OIDC_GROUPS_CLAIM", &g.OIDCGroupsClaim},
		{"oidc-group-roles", "GUILDHALL_OIDC_GROUP_ROLES", &g.OIDCGroupRoles},
	}
	for _, s := range strs {
		fs.StringVar(s.dst, s.flag, "", "")
	}
	fs.BoolVar(&g.DisablePasswordLogin, "disable-password-login", false, "")
	return func(set map[string]bool) error {
		for _, s := range strs {
			if v, ok := e.lookup(s.env); ok && !set[s.flag] {
				*s.dst = v
			}
		}
		if v, ok := e.lookup("GUILDHALL_DISABLE_PASSWORD_LOGIN"); ok && !set["disable-password-login"] {
			b, err := strconv.ParseBool(strings.TrimSpace(v))
			if err != nil {
				return &server.FieldError{Flag: "disable-password-login", Env: "GUILDHALL_DISABLE_PASSWORD_LOGIN",
					Problem: fmt.Sprintf("%q is not a boolean (use true or false)", v)}
			}
			g.DisablePasswordLogin = b
		}
		return nil
	}
}
