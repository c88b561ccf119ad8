package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/guildhall/guildhall/activitypub"
)

// Domain policies live in the database; a running server reads them through a short cache, so a
// change made here applies to it within activitypub.DefaultPolicyTTL.

func cmdDomain(ctx context.Context, args []string, e env, stdout, stderr io.Writer) error {
	const want = "block, allow, remove or list"
	if len(args) == 0 {
		return usageError{"admin domain needs a subcommand: " + want}
	}
	switch args[0] {
	case "block", "allow", "remove":
		return cmdDomainChange(ctx, args[0], args[1:], e, stdout, stderr)
	case "list":
		return cmdDomainList(ctx, args[1:], e, stdout, stderr)
	default:
		return usageError{fmt.Sprintf("unknown admin domain subcommand %q (want %s)", args[0], want)}
	}
}

func cmdDomainChange(ctx context.Context, verb string, args []string, e env, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("admin domain "+verb, flag.ContinueOnError)
	cfg, finish := configFlags(fs, e)
	var reason *string
	if verb != "remove" {
		reason = fs.String("reason", "", "")
	}
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{fmt.Sprintf("admin domain %s needs exactly one DOMAIN", verb)}
	}
	inst, err := openInstance(ctx, cfg, finish, stderr)
	if err != nil {
		return err
	}
	defer inst.Close()
	svc := inst.Service
	switch verb {
	case "block":
		p, err := svc.BlockDomain(ctx, pos[0], *reason)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "blocked %s and its subdomains: follows removed, known accounts suspended\n", p.Domain)
	case "allow":
		p, err := svc.AllowDomain(ctx, pos[0], *reason)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "allowed %s and its subdomains\n", p.Domain)
		if mode, err := svc.FederationMode(ctx); err == nil && mode != activitypub.FederationAllowlist {
			fmt.Fprintln(stdout, "note: the federation mode is blocklist, where allows change nothing")
		}
	case "remove":
		if err := svc.RemoveDomainPolicy(ctx, pos[0]); err != nil {
			if activitypub.IsNotFound(err) {
				return fmt.Errorf("%s has no domain policy", pos[0])
			}
			return describe(err)
		}
		fmt.Fprintf(stdout, "removed the policy for %s\n", pos[0])
	}
	return nil
}

func cmdDomainList(ctx context.Context, args []string, e env, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("admin domain list", flag.ContinueOnError)
	cfg, finish := configFlags(fs, e)
	if err := parse(fs, args); err != nil {
		return err
	}
	inst, err := openInstance(ctx, cfg, finish, stderr)
	if err != nil {
		return err
	}
	defer inst.Close()
	mode, err := inst.Service.FederationMode(ctx)
	if err != nil {
		return describe(err)
	}
	list, err := inst.Service.DomainPolicies(ctx)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "federation mode: %s\n", mode)
	if len(list) == 0 {
		fmt.Fprintln(stdout, "no domain policies")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DOMAIN\tPOLICY\tSINCE\tREASON")
	for _, p := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", p.Domain, p.Policy, p.CreatedAt.Format("2006-01-02 15:04"), p.Reason)
	}
	return tw.Flush()
}

// cmdFederationMode sets the mode, or prints it when none is given.
func cmdFederationMode(ctx context.Context, args []string, e env, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("admin federation-mode", flag.ContinueOnError)
	cfg, finish := configFlags(fs, e)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usageError{"admin federation-mode takes one of blocklist or allowlist"}
	}
	if len(pos) == 1 && pos[0] != activitypub.FederationBlocklist && pos[0] != activitypub.FederationAllowlist {
		return usageError{fmt.Sprintf("unknown federation mode %q (want blocklist or allowlist)", pos[0])}
	}
	inst, err := openInstance(ctx, cfg, finish, stderr)
	if err != nil {
		return err
	}
	defer inst.Close()
	if len(pos) == 1 {
		if err := inst.Service.SetFederationMode(ctx, pos[0]); err != nil {
			return describe(err)
		}
	}
	mode, err := inst.Service.FederationMode(ctx)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "federation mode: %s\n", mode)
	return nil
}

// parseArgs parses flags given before, between or after positional arguments
// ("block example.org --reason spam"): package flag alone stops at the first argument.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, usageError{"see the flags below"}
			}
			return nil, usageError{err.Error()}
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
