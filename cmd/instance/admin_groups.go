package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/groups"
)

// cmdCreateGroup creates a local group and prints its actor id, the one line scripts read.
func cmdCreateGroup(ctx context.Context, args []string, e env, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("admin create-group", flag.ContinueOnError)
	cfg, finish := configFlags(fs, e)
	var in groups.Input
	var membership, reach string
	owner := fs.String("owner", "", "")
	fs.StringVar(&in.Handle, "name", "", "")
	fs.StringVar(&in.DisplayName, "display-name", "", "")
	fs.StringVar(&in.Description, "description", "", "")
	fs.StringVar(&in.Rules, "rules", "", "")
	fs.StringVar(&membership, "membership", string(groups.Open), "")
	fs.StringVar(&reach, "reach", string(groups.Federated), "")
	if err := parse(fs, args); err != nil {
		return err
	}
	for _, req := range []struct{ name, val string }{{"name", in.Handle}, {"display-name", in.DisplayName}} {
		if req.val == "" {
			return usageError{fmt.Sprintf("--%s is required", req.name)}
		}
	}
	in.Membership, in.Reach = groups.Membership(membership), groups.Reach(reach)
	if !in.Membership.Valid() {
		return usageError{fmt.Sprintf("--membership must be open, approval or invite, not %q", membership)}
	}
	if !in.Reach.Valid() {
		return usageError{fmt.Sprintf("--reach must be federated, internal or partners, not %q", reach)}
	}
	if err := activitypub.ValidateUsername(in.Handle); err != nil {
		return describe(err)
	}
	inst, err := openInstance(ctx, cfg, finish, stderr)
	if err != nil {
		return err
	}
	defer inst.Close()
	var by *activitypub.Account
	if *owner != "" {
		if by, err = inst.Service.AccountByUsername(ctx, *owner); err != nil {
			if activitypub.IsNotFound(err) {
				return fmt.Errorf("no local user named %q", *owner)
			}
			return err
		}
	}
	g, err := inst.Groups.Create(ctx, by, in)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintln(stdout, g.Actor.URI)
	return nil
}

// cmdPartner manages the partner list that groups of reach "partners" admit.
func cmdPartner(ctx context.Context, args []string, e env, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "remove" && args[0] != "list") {
		return usageError{"admin partner needs add DOMAIN, remove DOMAIN or list"}
	}
	verb := args[0]
	fs := flag.NewFlagSet("admin partner "+verb, flag.ContinueOnError)
	cfg, finish := configFlags(fs, e)
	pos, err := parseArgs(fs, args[1:])
	if err != nil {
		return err
	}
	if verb != "list" && len(pos) != 1 {
		return usageError{"admin partner " + verb + " needs one DOMAIN"}
	}
	inst, err := openInstance(ctx, cfg, finish, stderr)
	if err != nil {
		return err
	}
	defer inst.Close()
	switch verb {
	case "add":
		if err := inst.Groups.AddPartner(ctx, pos[0]); err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "partner added: %s\n", pos[0])
	case "remove":
		if err := inst.Groups.RemovePartner(ctx, pos[0]); err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "partner removed: %s\n", pos[0])
	default:
		ps, err := inst.Groups.Partners(ctx)
		if err != nil {
			return err
		}
		for _, p := range ps {
			fmt.Fprintln(stdout, p)
		}
	}
	return nil
}
