package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
)

func cmdMigrate(ctx context.Context, args []string, e env, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	cfg, finish := configFlags(fs, e)
	if err := parse(fs, args); err != nil {
		return err
	}
	inst, err := openInstance(ctx, cfg, finish, stderr)
	if err != nil {
		return err
	}
	defer inst.Close()
	v, err := inst.Store.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database is at schema version %d\n", v)
	return nil
}

const adminSubcommands = "create-user, create-group, partner, token, domain or federation-mode"

func cmdAdmin(ctx context.Context, args []string, e env, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"admin needs a subcommand: " + adminSubcommands}
	}
	switch args[0] {
	case "create-user":
		return cmdCreateUser(ctx, args[1:], e, stdin, stdout, stderr)
	case "create-group":
		return cmdCreateGroup(ctx, args[1:], e, stdout, stderr)
	case "partner":
		return cmdPartner(ctx, args[1:], e, stdout, stderr)
	case "token":
		return cmdToken(ctx, args[1:], e, stdout, stderr)
	case "domain":
		return cmdDomain(ctx, args[1:], e, stdout, stderr)
	case "federation-mode":
		return cmdFederationMode(ctx, args[1:], e, stdout, stderr)
	default:
		return usageError{fmt.Sprintf("unknown admin subcommand %q (want %s)", args[0], adminSubcommands)}
	}
}

func cmdCreateUser(ctx context.Context, args []string, e env, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("admin create-user", flag.ContinueOnError)
	cfg, finish := configFlags(fs, e)
	var n activitypub.NewUser
	fs.StringVar(&n.Username, "username", "", "")
	fs.StringVar(&n.Email, "email", "", "")
	fs.StringVar(&n.Password, "password", "", "")
	fs.StringVar(&n.DisplayName, "display-name", "", "")
	fs.BoolVar(&n.Admin, "admin", false, "")
	if err := parse(fs, args); err != nil {
		return err
	}
	for _, req := range []struct{ name, val string }{{"username", n.Username}, {"email", n.Email}, {"password", n.Password}} {
		if req.val == "" {
			return usageError{fmt.Sprintf("--%s is required", req.name)}
		}
	}
	if n.Password == "-" {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && err != io.EOF {
			return fmt.Errorf("read password from stdin: %w", err)
		}
		n.Password = strings.TrimRight(line, "\r\n")
	}
	if err := validateNewUser(n); err != nil {
		return err
	}
	inst, err := openInstance(ctx, cfg, finish, stderr)
	if err != nil {
		return err
	}
	defer inst.Close()
	acct, err := inst.Service.CreateLocalUser(ctx, n)
	if err != nil {
		return describe(err)
	}
	role := "user"
	if acct.User.Admin {
		role = "administrator"
	}
	fmt.Fprintf(stdout, "created %s @%s@%s (%s)\n", role, acct.Actor.Username, inst.Service.Domain(), acct.Actor.URI)
	return nil
}

// validateNewUser checks the input before the database is opened, so a typo fails fast.
func validateNewUser(n activitypub.NewUser) error {
	if err := activitypub.ValidateUsername(n.Username); err != nil {
		return describe(err)
	}
	return nil
}

func cmdToken(ctx context.Context, args []string, e env, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("admin token", flag.ContinueOnError)
	cfg, finish := configFlags(fs, e)
	username := fs.String("username", "", "")
	rawScopes := fs.String("scopes", "read write follow push", "")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *username == "" {
		return usageError{"--username is required"}
	}
	scopes, err := accounts.ParseScopes(*rawScopes)
	if err != nil {
		return describe(err)
	}
	inst, err := openInstance(ctx, cfg, finish, stderr)
	if err != nil {
		return err
	}
	defer inst.Close()
	acct, err := inst.Service.AccountByUsername(ctx, *username)
	if err != nil {
		if activitypub.IsNotFound(err) {
			return fmt.Errorf("no local user named %q", *username)
		}
		return err
	}
	secret, _, err := inst.Accounts.IssueToken(ctx, acct.User.ActorID, "", scopes)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintln(stdout, secret)
	return nil
}

// describe turns a domain error into the message an operator should read.
func describe(err error) error {
	if msg := activitypub.Message(err); msg != "" && activitypub.KindOf(err) != activitypub.Other {
		return fmt.Errorf("%s", msg)
	}
	return err
}
