package fetch

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Defaults applied by NewClient and NewFetcher for zero Options fields.
const (
	DefaultConnectTimeout = 10 * time.Second
	DefaultTimeout        = 30 * time.Second
	DefaultMaxRedirects   = 3
	DefaultMaxBody        = 1 << 20 // Mastodon's MAX_JSON_SIZE
	DefaultUserAgent      = "Guildhall"
)

// Options configures outgoing HTTP.
type Options struct {
	// AllowPrivateNetworks disables the address check, for development
	// federations on one machine. Never set it on a public server.
	AllowPrivateNetworks bool
	// ConnectTimeout bounds DNS+TCP+TLS; Timeout bounds the whole request
	// including reading the body, so a remote that drips bytes cannot hold
	// a worker (RES-06).
	ConnectTimeout, Timeout time.Duration
	// MaxRedirects is the number of redirects followed; 0 means
	// DefaultMaxRedirects, negative means none.
	MaxRedirects int
	UserAgent    string
	// MaxBody caps response bodies read by Fetcher; 0 means DefaultMaxBody.
	MaxBody int64
	// Logger receives refusals at debug level; nil discards.
	Logger *slog.Logger
	// DialContext, when set, opens connections instead of the system dialer: tests route
	// made-up names (a.test) to httptest listeners with it. The address check still applies, to
	// the address the returned connection actually reached.
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)

	// HostAllowed, when set, is asked about the host (host[:port]) of every request before it
	// is sent, each redirect hop included, so a redirect cannot lead a fetch or a delivery to
	// a domain that federation policy blocks. An error from it fails the request.
	HostAllowed func(ctx context.Context, host string) (bool, error)

	// allow lets tests reach an httptest server on 127.0.0.1 while every
	// other private address stays forbidden.
	allow []netip.Prefix
}

func (o Options) withDefaults() Options {
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = DefaultConnectTimeout
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxRedirects == 0 {
		o.MaxRedirects = DefaultMaxRedirects
	} else if o.MaxRedirects < 0 {
		o.MaxRedirects = 0
	}
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// NewClient returns an *http.Client that only reaches public addresses
// over http(s), follows at most MaxRedirects redirects, never uses a proxy
// from the environment (the proxy would be dialled instead of the target,
// defeating the address check) and sets User-Agent when absent.
func NewClient(opts Options) *http.Client {
	opts = opts.withDefaults()
	dialer := &net.Dialer{
		Timeout:   opts.ConnectTimeout,
		KeepAlive: 30 * time.Second,
		Control:   opts.control,
	}
	dial := dialer.DialContext
	if opts.DialContext != nil {
		dial = opts.checkedDial
	}
	transport := &http.Transport{
		Proxy:                  nil,
		DialContext:            dial,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           100,
		MaxIdleConnsPerHost:    8,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    opts.ConnectTimeout,
		ResponseHeaderTimeout:  opts.Timeout,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: 64 << 10,
	}
	return &http.Client{
		Transport:     &guard{next: transport, userAgent: opts.UserAgent, allowed: opts.HostAllowed},
		CheckRedirect: redirectPolicy(opts.MaxRedirects),
		Timeout:       opts.Timeout,
	}
}

// control runs for every connection attempt, with the resolved address, so
// it sees exactly what is about to be connected to.
func (o Options) control(network, address string, _ syscall.RawConn) error {
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return fmt.Errorf("%w: network %s", ErrForbiddenAddress, network)
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: unparsable address %q: %v", ErrForbiddenAddress, address, err)
	}
	if o.AllowPrivateNetworks || inAny(ap.Addr().Unmap(), o.allow) || !IsForbiddenAddr(ap.Addr()) {
		return nil
	}
	o.Logger.Debug("fetch: dial within blocked / reserved IP range", "addr", address)
	return fmt.Errorf("%w: %s", ErrForbiddenAddress, ap.Addr())
}

// checkedDial dials with the caller's DialContext and applies the address check to the remote
// address of the connection it returns.
func (o Options) checkedDial(ctx context.Context, network, addr string) (net.Conn, error) {
	conn, err := o.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	if err := o.control(network, conn.RemoteAddr().String(), nil); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

// redirectPolicy bounds redirects and refuses to leave http(s), to
// downgrade https to http, or to follow a Location carrying credentials.
func redirectPolicy(maxRedirects int) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if len(via) > maxRedirects {
			return fmt.Errorf("%w (%d)", ErrTooManyRedirects, maxRedirects)
		}
		if err := checkURL(req.URL); err != nil {
			return err
		}
		if prev := via[len(via)-1]; prev.URL.Scheme == "https" && req.URL.Scheme != "https" {
			return fmt.Errorf("%w: redirect from https to %s", ErrForbiddenScheme, req.URL.Scheme)
		}
		return nil
	}
}

// checkURL accepts absolute http(s) URLs with a host and no userinfo.
func checkURL(u *url.URL) error {
	switch {
	case u == nil:
		return fmt.Errorf("%w: no URL", ErrForbiddenScheme)
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("%w: scheme %q", ErrForbiddenScheme, u.Scheme)
	case u.Host == "" || u.Hostname() == "":
		return fmt.Errorf("%w: no host in %q", ErrForbiddenScheme, u.Redacted())
	case u.User != nil:
		return fmt.Errorf("%w: credentials in URL", ErrForbiddenScheme)
	}
	return nil
}

// parseURL parses a remote-supplied URL for fetching; the fragment is
// dropped because it is never sent and so cannot identify what is fetched.
func parseURL(raw string) (*url.URL, error) {
	if strings.ContainsAny(raw, " \r\n\t") {
		return nil, fmt.Errorf("%w: whitespace in URL", ErrForbiddenScheme)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrForbiddenScheme, err)
	}
	if err := checkURL(u); err != nil {
		return nil, err
	}
	u.Fragment, u.RawFragment = "", ""
	return u, nil
}

// guard is the outermost RoundTripper: it refuses non-http(s) requests
// even from callers that build their own *http.Request, and sets the
// User-Agent.
type guard struct {
	next      *http.Transport
	userAgent string
	allowed   func(ctx context.Context, host string) (bool, error)
}

func (g *guard) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := checkURL(req.URL); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	if g.allowed != nil {
		ok, err := g.allowed(req.Context(), req.URL.Host)
		if err == nil && !ok {
			err = fmt.Errorf("%w: %s", ErrHostRefused, req.URL.Host)
		} else if err != nil {
			err = fmt.Errorf("fetch: federation policy for %s: %w", req.URL.Host, err)
		}
		if err != nil {
			if req.Body != nil {
				req.Body.Close()
			}
			return nil, err
		}
	}
	if req.Header.Get("User-Agent") == "" {
		// RoundTrippers must not modify the caller's request.
		req = req.Clone(req.Context())
		req.Header.Set("User-Agent", g.userAgent)
	}
	return g.next.RoundTrip(req)
}

func (g *guard) CloseIdleConnections() { g.next.CloseIdleConnections() }
