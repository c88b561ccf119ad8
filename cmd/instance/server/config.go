// Package server assembles a Guildhall instance from its configuration: storage, the domain
// service, the HTTP surfaces and the background workers. cmd/instance runs it; tests start whole
// instances with it.
package server

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/guildhall/guildhall/adapters/s3store"
)

// Config is everything an operator can set. It is parsed once in cmd/instance and passed down;
// nothing reads the environment anywhere else.
type Config struct {
	Host                 string // public host[:port] used in every ActivityPub id
	Listen               string // address the HTTP server binds
	DB                   string // sqlite:PATH or postgres://…
	MediaDir             string // where uploaded media files live
	APIRateLimit         int    // client API requests per 5 minutes per token (or address); 0 = unlimited
	DebugListen          string // if set, serve Go's pprof profiles on this (loopback) address
	InsecureHTTP         bool   // ids and links use http:// (development and tests only)
	AllowPrivateNetworks bool   // outgoing requests may reach loopback/private addresses
	AuthorizedFetch      bool   // every ActivityPub GET must be signed (Mastodon's secure mode)
	LogLevel             string // debug, info, warn, error
	LogFormat            string // text or json
	// TrustedProxies are the networks whose X-Forwarded-For is believed when finding a client's
	// address (sign-in rate limits count per address). Loopback is always trusted.
	TrustedProxies []netip.Prefix

	// MediaStore, when set, keeps media in an S3-compatible bucket instead of MediaDir:
	// s3://BUCKET[/PREFIX]?endpoint=… (adapters/s3store.ParseURL). S3AccessKey and S3SecretKey
	// come from the environment only.
	MediaStore               string
	S3AccessKey, S3SecretKey string
	// DeliveryLease is how long a claimed delivery belongs to its process; when a process dies,
	// another sends its deliveries once their lease ends. 0 = the delivery workers' default (5m).
	DeliveryLease time.Duration
}

// Defaults are what `instance serve` uses with no flags or environment.
func Defaults() Config {
	return Config{
		Host:         "localhost:8080",
		Listen:       "127.0.0.1:8080",
		DB:           "sqlite:./data/guildhall.db",
		MediaDir:     "./data/media",
		APIRateLimit: 300,
		LogLevel:     "info",
		LogFormat:    "text",
	}
}

// Scheme is https except for plain localhost or when --insecure-http is set.
func (c Config) Scheme() string {
	if c.InsecureHTTP {
		return "http"
	}
	h := c.Host
	if hp, _, err := net.SplitHostPort(h); err == nil {
		h = hp
	}
	if h == "localhost" {
		return "http"
	}
	return "https"
}

// FieldError names the setting that is wrong, so the message tells the operator which flag to fix.
type FieldError struct {
	Flag, Env, Problem string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("invalid --%s (%s): %s", e.Flag, e.Env, e.Problem)
}

// Validate checks every field and normalises the host to lower case.
func (c *Config) Validate() error {
	h, err := validateHost(c.Host)
	if err != nil {
		return &FieldError{"host", "GUILDHALL_HOST", err.Error()}
	}
	c.Host = h
	if err := validateListen(c.Listen); err != nil {
		return &FieldError{"listen", "GUILDHALL_LISTEN", err.Error()}
	}
	if err := ValidateDB(c.DB); err != nil {
		return &FieldError{"db", "GUILDHALL_DB", err.Error()}
	}
	if strings.TrimSpace(c.MediaDir) == "" {
		return &FieldError{"media-dir", "GUILDHALL_MEDIA_DIR", "must name a directory"}
	}
	if c.MediaStore != "" {
		if _, err := s3store.ParseURL(c.MediaStore); err != nil {
			return &FieldError{"media-store", "GUILDHALL_MEDIA_STORE", err.Error()}
		}
	}
	if c.DeliveryLease != 0 && c.DeliveryLease < 2*time.Second {
		return &FieldError{"delivery-lease", "GUILDHALL_DELIVERY_LEASE", "must be at least 2s (or 0 for the default)"}
	}
	if c.DebugListen != "" {
		if err := validateListen(c.DebugListen); err != nil {
			return &FieldError{"debug-listen", "GUILDHALL_DEBUG_LISTEN", err.Error()}
		}
	}
	if c.APIRateLimit < 0 {
		return &FieldError{"api-rate-limit", "GUILDHALL_API_RATE_LIMIT", "must be 0 (unlimited) or more"}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return &FieldError{"log-level", "GUILDHALL_LOG_LEVEL", fmt.Sprintf("%q is not one of debug, info, warn, error", c.LogLevel)}
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		return &FieldError{"log-format", "GUILDHALL_LOG_FORMAT", fmt.Sprintf("%q is not text or json", c.LogFormat)}
	}
	return nil
}

func validateHost(h string) (string, error) {
	if h == "" {
		return "", fmt.Errorf("must not be empty")
	}
	if strings.Contains(h, "://") || strings.ContainsAny(h, "/?#@ \t") {
		return "", fmt.Errorf("%q must be a domain name with an optional port, without scheme or path (e.g. council.example or localhost:8080)", h)
	}
	name, port := h, ""
	if strings.Contains(h, ":") {
		var err error
		if name, port, err = net.SplitHostPort(h); err != nil {
			return "", fmt.Errorf("%q: %v", h, err)
		}
		if err := validatePort(port); err != nil {
			return "", fmt.Errorf("%q: %v", h, err)
		}
	}
	if net.ParseIP(name) == nil {
		if len(name) > 253 {
			return "", fmt.Errorf("domain name is longer than 253 characters")
		}
		for _, label := range strings.Split(name, ".") {
			if label == "" || len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
				return "", fmt.Errorf("%q is not a valid domain name", name)
			}
			for _, r := range label {
				if !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
					return "", fmt.Errorf("%q is not a valid domain name (use the punycode form for non-ASCII names)", name)
				}
			}
		}
	}
	return strings.ToLower(h), nil
}

func validatePort(p string) error {
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("port %q must be a number from 1 to 65535", p)
	}
	return nil
}

func validateListen(l string) error {
	_, port, err := net.SplitHostPort(l)
	if err != nil {
		return fmt.Errorf("%q must be host:port (e.g. 127.0.0.1:8080 or :8080): %v", l, err)
	}
	if port == "0" {
		return nil // any free port: tests use it
	}
	return validatePort(port)
}

// ValidateDB checks that dsn is sqlite:PATH or a postgres:// URL.
func ValidateDB(dsn string) error {
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		if strings.TrimPrefix(dsn, "sqlite:") == "" {
			return fmt.Errorf("sqlite: needs a file path, e.g. sqlite:./data/guildhall.db")
		}
		return nil
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		u, err := url.Parse(dsn)
		if err != nil {
			return fmt.Errorf("not a valid PostgreSQL URL: %v", err)
		}
		if u.Host == "" {
			return fmt.Errorf("PostgreSQL URL needs a host, e.g. postgres://user@127.0.0.1:5432/guildhall")
		}
		return nil
	default:
		return fmt.Errorf("%q must be sqlite:PATH or a postgres://… URL", redactDSN(dsn))
	}
}

// redactDSN hides a password so configuration errors can be logged safely.
func redactDSN(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
			return u.String()
		}
	}
	return dsn
}

// ParseTrustedProxies reads a comma-separated list of CIDRs or addresses.
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not an IP address or CIDR", f)
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}
