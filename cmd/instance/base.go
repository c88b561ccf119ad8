package main

import (
	"context"
	"fmt"
	"net/url"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/cmd/instance/server"
	"github.com/guildhall/guildhall/storage"
)

// finishFunc applies the environment to the parsed flags and validates them; it reports which
// settings the operator chose (by flag or environment) rather than left at their defaults.
type finishFunc func() (given, error)

// given says which identity settings were chosen explicitly.
type given struct {
	host   bool // --host or GUILDHALL_HOST
	scheme bool // --insecure-http or GUILDHALL_INSECURE_HTTP
}

// adoptRecordedBase reads the scheme and host the database was created for (recorded by the first
// serve or migrate) and uses them for whatever the operator left at its default. A setting the
// operator chose that disagrees is a usage error naming the flag, not a silent override: the
// host is part of every ActivityPub id in the database. A database that has none recorded yet
// keeps the flags; opening it records them.
func adoptRecordedBase(ctx context.Context, cfg *server.Config, g given) error {
	st, err := storage.Open(ctx, cfg.DB, storage.Options{})
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate database: %w", err)
	}
	// "base_url" is the setting activitypub.EnsureInstanceActor records and checks.
	base, err := st.Setting(ctx, "base_url")
	if activitypub.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the recorded host: %w", err)
	}
	u, err := url.Parse(base)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("the database records %q as its address, which is not scheme://host", base)
	}
	if !g.host {
		cfg.Host = u.Host
	}
	if !g.scheme {
		cfg.InsecureHTTP = u.Scheme == "http"
	}
	switch {
	case cfg.Host != u.Host:
		return usageError{fmt.Sprintf("--host %s disagrees with the database, which belongs to the instance at %s: the host is part of every ActivityPub id and cannot change (leave --host out and admin commands use the recorded one)", cfg.Host, base)}
	case cfg.Scheme() != u.Scheme:
		return usageError{fmt.Sprintf("--insecure-http=%t gives %s://%s, but the database belongs to the instance at %s (leave --insecure-http out and admin commands use the recorded scheme)", cfg.InsecureHTTP, cfg.Scheme(), cfg.Host, base)}
	}
	return nil
}
