package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/guildhall/guildhall/cmd/instance/server"
)

// env looks variables up; tests pass their own.
type env struct{ lookup func(string) (string, bool) }

const usage = `Guildhall: a federated social network server for councils and public bodies.

Usage:
  instance [serve] [flags]          run the server (the default command)
  instance migrate [flags]          apply database migrations and exit
  instance admin create-user --username U --email E --password P [--admin] [flags]
                                    create a local account (--password - reads it from stdin)
  instance admin create-group --name HANDLE --display-name NAME [--description D]
                           [--membership open|approval|invite] [--reach federated|internal|partners]
                           [--owner USERNAME] [flags]
                                    create a group (FEP-1b12) and print its actor id
  instance admin partner add|remove DOMAIN, instance admin partner list [flags]
                                    the partner instances that groups of reach partners admit
  instance admin token --username U [--scopes "read write follow push"] [flags]
                                    print a Mastodon API access token for scripts and bots
  instance admin domain block DOMAIN [--reason R] [flags]
                                    stop federating with DOMAIN and its subdomains: refuse their
                                    activities, send and fetch nothing, cut follows, suspend accounts
  instance admin domain allow DOMAIN [--reason R] [flags]
                                    let DOMAIN and its subdomains federate in allowlist mode
  instance admin domain remove DOMAIN [flags]
                                    drop DOMAIN's policy (an unblock lifts the block's suspensions)
  instance admin domain list [flags]
                                    show the federation mode and every domain policy
  instance admin federation-mode [blocklist|allowlist] [flags]
                                    set (or show) the mode: blocklist federates with all but blocked
                                    domains, allowlist only with allowed ones
                                    (a running server applies policy changes within 5 seconds)
  instance version                  print the version
  instance help                     show this help

Flags (each has an environment variable; a flag given on the command line wins):
  --host HOST                 GUILDHALL_HOST                   public domain[:port] used in every ActivityPub id (default localhost:8080)
  --listen ADDR               GUILDHALL_LISTEN                 listen address (default 127.0.0.1:8080)
  --db DSN                    GUILDHALL_DB                     sqlite:PATH or postgres://… URL (default sqlite:./data/guildhall.db)
  --media-dir DIR             GUILDHALL_MEDIA_DIR              where uploaded media files live (default ./data/media)
  --media-store URL           GUILDHALL_MEDIA_STORE            keep media in S3 instead: s3://BUCKET[/PREFIX]?endpoint=http(s)://HOST[:PORT]
                                                               (credentials: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or GUILDHALL_S3_*)
  --delivery-lease DURATION   GUILDHALL_DELIVERY_LEASE         how long a claimed delivery is a process's before another may send it (default 5m)
  --insecure-http             GUILDHALL_INSECURE_HTTP          ids and links use http:// (development and tests only)
  --allow-private-networks    GUILDHALL_ALLOW_PRIVATE_NETWORKS permit outgoing requests to loopback/private addresses
  --authorized-fetch          GUILDHALL_AUTHORIZED_FETCH       every ActivityPub GET must be signed by a non-blocked server (Mastodon's secure mode)
  --log-level LEVEL           GUILDHALL_LOG_LEVEL              debug, info, warn or error (default info)
  --log-format FORMAT         GUILDHALL_LOG_FORMAT             text or json (default text)
  --api-rate-limit N          GUILDHALL_API_RATE_LIMIT         client API requests per 5 minutes per token or address (default 300; 0 = unlimited)
  --smtp-url URL              GUILDHALL_SMTP_URL               smtp://user:pass@host:port or smtps://… for outgoing mail
  --smtp-from ADDR            GUILDHALL_SMTP_FROM              sender address of that mail
  --oidc-issuer URL           GUILDHALL_OIDC_ISSUER            OpenID Connect provider for single sign-on
  --oidc-client-id ID         GUILDHALL_OIDC_CLIENT_ID         client id at the provider
  --oidc-client-secret S      GUILDHALL_OIDC_CLIENT_SECRET     client secret at the provider
  --oidc-groups-claim NAME    GUILDHALL_OIDC_GROUPS_CLAIM      claim listing groups (default groups)
  --oidc-group-roles G=R,…    GUILDHALL_OIDC_GROUP_ROLES       map provider groups to roles
  --disable-password-login    GUILDHALL_DISABLE_PASSWORD_LOGIN sign in only through the provider
  --debug-listen ADDR         GUILDHALL_DEBUG_LISTEN           serve Go pprof profiles there (keep it on loopback; off by default)
  --trusted-proxies CIDRS     GUILDHALL_TRUSTED_PROXIES        proxies whose X-Forwarded-For names the client (loopback always)
`

// exitUsage is returned for bad command lines, exitFailure for everything else that went wrong.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

func run(ctx context.Context, args []string, e env, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "serve":
		err = cmdServe(ctx, args, e, stderr)
	case "migrate":
		err = cmdMigrate(ctx, args, e, stdout, stderr)
	case "admin":
		err = cmdAdmin(ctx, args, e, stdin, stdout, stderr)
	case "version":
		fmt.Fprintf(stdout, "guildhall %s\n", server.Version)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		err = usageError{fmt.Sprintf("unknown command %q", cmd)}
	}
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "instance: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(stderr, "Run 'instance help' for usage.")
		return exitUsage
	}
	return exitFailure
}

type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

// configFlags registers the shared configuration flags on fs. After fs.Parse, call the returned
// function to apply environment variables to every flag not set on the command line and validate.
func configFlags(fs *flag.FlagSet, e env) (*server.Config, finishFunc) {
	cfg := server.Defaults()
	fs.StringVar(&cfg.Host, "host", cfg.Host, "")
	fs.StringVar(&cfg.Listen, "listen", cfg.Listen, "")
	fs.StringVar(&cfg.DB, "db", cfg.DB, "")
	fs.StringVar(&cfg.MediaDir, "media-dir", cfg.MediaDir, "")
	fs.StringVar(&cfg.MediaStore, "media-store", "", "")
	fs.DurationVar(&cfg.DeliveryLease, "delivery-lease", 0, "")
	fs.StringVar(&cfg.DebugListen, "debug-listen", "", "")
	fs.BoolVar(&cfg.InsecureHTTP, "insecure-http", false, "")
	fs.BoolVar(&cfg.AllowPrivateNetworks, "allow-private-networks", false, "")
	fs.BoolVar(&cfg.AuthorizedFetch, "authorized-fetch", false, "")
	fs.StringVar(&cfg.LogLevel, "log-level", cfg.LogLevel, "")
	fs.StringVar(&cfg.LogFormat, "log-format", cfg.LogFormat, "")
	proxies := fs.String("trusted-proxies", "", "")
	fs.IntVar(&cfg.APIRateLimit, "api-rate-limit", cfg.APIRateLimit, "")
	applyGov := govFlags(fs, e, &cfg.Gov)
	return &cfg, func() (given, error) {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if err := applyGov(set); err != nil {
			return given{}, err
		}
		g := given{host: set["host"], scheme: set["insecure-http"]}
		if _, ok := e.lookup("GUILDHALL_HOST"); ok {
			g.host = true
		}
		if _, ok := e.lookup("GUILDHALL_INSECURE_HTTP"); ok {
			g.scheme = true
		}
		strs := []struct {
			flag, env string
			dst       *string
		}{
			{"host", "GUILDHALL_HOST", &cfg.Host}, {"listen", "GUILDHALL_LISTEN", &cfg.Listen},
			{"db", "GUILDHALL_DB", &cfg.DB}, {"log-level", "GUILDHALL_LOG_LEVEL", &cfg.LogLevel},
			{"media-dir", "GUILDHALL_MEDIA_DIR", &cfg.MediaDir},
			{"media-store", "GUILDHALL_MEDIA_STORE", &cfg.MediaStore},
			{"debug-listen", "GUILDHALL_DEBUG_LISTEN", &cfg.DebugListen},
			{"log-format", "GUILDHALL_LOG_FORMAT", &cfg.LogFormat},
			{"trusted-proxies", "GUILDHALL_TRUSTED_PROXIES", proxies},
		}
		for _, s := range strs {
			if v, ok := e.lookup(s.env); ok && !set[s.flag] {
				*s.dst = v
			}
		}
		bools := []struct {
			flag, env string
			dst       *bool
		}{
			{"insecure-http", "GUILDHALL_INSECURE_HTTP", &cfg.InsecureHTTP},
			{"allow-private-networks", "GUILDHALL_ALLOW_PRIVATE_NETWORKS", &cfg.AllowPrivateNetworks},
			{"authorized-fetch", "GUILDHALL_AUTHORIZED_FETCH", &cfg.AuthorizedFetch},
		}
		for _, b := range bools {
			if v, ok := e.lookup(b.env); ok && !set[b.flag] {
				parsed, err := strconv.ParseBool(strings.TrimSpace(v))
				if err != nil {
					return g, &server.FieldError{Flag: b.flag, Env: b.env, Problem: fmt.Sprintf("%q is not a boolean (use true or false)", v)}
				}
				*b.dst = parsed
			}
		}
		if v, ok := e.lookup("GUILDHALL_API_RATE_LIMIT"); ok && !set["api-rate-limit"] {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return g, &server.FieldError{Flag: "api-rate-limit", Env: "GUILDHALL_API_RATE_LIMIT", Problem: fmt.Sprintf("%q is not a whole number", v)}
			}
			cfg.APIRateLimit = n
		}
		if v, ok := e.lookup("GUILDHALL_DELIVERY_LEASE"); ok && !set["delivery-lease"] {
			d, err := time.ParseDuration(strings.TrimSpace(v))
			if err != nil {
				return g, &server.FieldError{Flag: "delivery-lease", Env: "GUILDHALL_DELIVERY_LEASE", Problem: fmt.Sprintf("%q is not a duration (e.g. 5m)", v)}
			}
			cfg.DeliveryLease = d
		}
		cfg.S3AccessKey, cfg.S3SecretKey = s3Credentials(e)
		var err error
		if cfg.TrustedProxies, err = server.ParseTrustedProxies(*proxies); err != nil {
			return g, &server.FieldError{Flag: "trusted-proxies", Env: "GUILDHALL_TRUSTED_PROXIES", Problem: err.Error()}
		}
		return g, cfg.Validate()
	}
}

// parse parses fs and turns flag-package errors into usage errors.
func parse(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return usageError{"see the flags below"}
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}

func newLogger(cfg *server.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// openInstance applies the environment to the flags, validates them and opens the database and
// domain service, for the commands that work on an instance without serving it. The host and
// scheme come from the database when it has them (recordedBase), so an operator need not repeat
// the server's --host and --insecure-http on every admin command.
func openInstance(ctx context.Context, cfg *server.Config, finish finishFunc, stderr io.Writer) (*server.Instance, error) {
	g, err := finish()
	if err != nil {
		return nil, usageError{err.Error()}
	}
	if err := adoptRecordedBase(ctx, cfg, g); err != nil {
		return nil, err
	}
	return server.Open(ctx, *cfg, server.Options{Logger: newLogger(cfg, stderr)})
}

func cmdServe(ctx context.Context, args []string, e env, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfg, finish := configFlags(fs, e)
	if err := parse(fs, args); err != nil {
		return err
	}
	if _, err := finish(); err != nil {
		return usageError{err.Error()}
	}
	log := newLogger(cfg, stderr)
	inst, err := server.New(ctx, *cfg, server.Options{Logger: log})
	if err != nil {
		return err
	}
	defer inst.Close()
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Listen, err)
	}
	if cfg.DebugListen != "" {
		stop, err := serveDebug(cfg.DebugListen, log)
		if err != nil {
			return err
		}
		defer stop()
	}
	return inst.Serve(ctx, ln, 25*time.Second)
}

// s3Credentials reads the media store's keys from the environment only (never a flag, which
// would show in the process list): GUILDHALL_S3_* when set, else the AWS SDKs' usual names.
func s3Credentials(e env) (access, secret string) {
	access, _ = e.lookup("GUILDHALL_S3_ACCESS_KEY_ID")
	secret, _ = e.lookup("GUILDHALL_S3_SECRET_ACCESS_KEY")
	if access == "" && secret == "" {
		access, _ = e.lookup("AWS_ACCESS_KEY_ID")
		secret, _ = e.lookup("AWS_SECRET_ACCESS_KEY")
	}
	return access, secret
}
