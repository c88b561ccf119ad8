package server

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/gorilla/mux"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
	"github.com/guildhall/guildhall/activitypub/groups"
	"github.com/guildhall/guildhall/activitypub/ideas"
	"github.com/guildhall/guildhall/activitypub/moderation"
	"github.com/guildhall/guildhall/activitypub/preferences"
	"github.com/guildhall/guildhall/activitypub/questions"
	"github.com/guildhall/guildhall/adapters/markdown"
	filemedia "github.com/guildhall/guildhall/adapters/media"
	"github.com/guildhall/guildhall/adapters/oidc"
	"github.com/guildhall/guildhall/adapters/password"
	"github.com/guildhall/guildhall/federation"
	"github.com/guildhall/guildhall/federation/content"
	"github.com/guildhall/guildhall/federation/delivery"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/ui/mastoapi"
	"github.com/guildhall/guildhall/ui/web"
)

// Version is the Guildhall release; cmd/instance may override it at link time.
var Version = "0.1.0"

// Options are the parts of an instance a test may replace. The zero value is production.
type Options struct {
	Logger    *slog.Logger
	Passwords activitypub.PasswordHasher
	// Dial replaces the dialer of every outgoing request (tests route *.test names to local
	// servers); the private-address check still applies unless AllowPrivateNetworks is set.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Delivery tunes the delivery workers (tests shorten the retry backoff).
	Delivery delivery.Options
	// Timeouts bound slow clients; zero fields take the production values (DefaultTimeouts).
	Timeouts Timeouts
}

// Timeouts bound how long a client may hold a connection without progress (RES-07): a slowloris
// that drips its headers, its body, or sits idle is cut off, so it cannot pile up descriptors.
// There is no write timeout: streaming responses (SSE) last as long as the client listens.
type Timeouts struct {
	ReadHeader time.Duration // to receive the request line and headers
	Read       time.Duration // to receive the whole request, body included
	Idle       time.Duration // between requests on a kept-alive connection
}

// DefaultTimeouts are the production values.
var DefaultTimeouts = Timeouts{ReadHeader: 10 * time.Second, Read: 60 * time.Second, Idle: 120 * time.Second}

func (t Timeouts) withDefaults() Timeouts {
	if t.ReadHeader <= 0 {
		t.ReadHeader = DefaultTimeouts.ReadHeader
	}
	if t.Read <= 0 {
		t.Read = DefaultTimeouts.Read
	}
	if t.Idle <= 0 {
		t.Idle = DefaultTimeouts.Idle
	}
	return t
}

// Instance is one running Guildhall: its store, service and HTTP handler.
type Instance struct {
	Config  Config
	Store   *storage.Store
	Service *activitypub.Service
	Handler http.Handler
	Fed     *federation.Federation
	API     *mastoapi.Handler
	Web     *web.Handler
	Media   *activitypub.MediaService
	Groups  *groups.Groups
	// Accounts and Moderation are the sign-in and governance areas, built once here.
	Accounts   *accounts.Accounts
	Moderation *moderation.Moderation
	Ideas      *ideas.Ideas
	// Questions is the Q&A area, over the groups area.
	Questions *questions.Questions
	log       *slog.Logger
	metrics   *metrics.Set
	opts      Options
	sso       *oidc.Client // single sign-on, when configured
	// cluster relays events and cache changes between processes sharing a PostgreSQL database;
	// nil on SQLite.
	cluster *cluster
}

// Open opens and migrates the database, builds the domain service and makes sure the instance
// actor exists. Administration commands use it without starting the HTTP surfaces.
func Open(ctx context.Context, cfg Config, o Options) (*Instance, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Passwords == nil {
		o.Passwords = password.Default()
	}
	st, err := storage.Open(ctx, cfg.DB, storage.Options{})
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	// Prometheus and Grafana want # HELP/# TYPE lines; the library keeps this switch
	// process-wide (it also governs its process metrics), and every instance wants it on.
	metrics.ExposeMetadata(true)
	inst := &Instance{Config: cfg, Store: st, log: log, metrics: metrics.NewSet(), opts: o}
	if err := inst.prepare(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return inst, nil
}

func (in *Instance) prepare(ctx context.Context) error {
	if err := in.Store.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate database: %w", err)
	}
	render, err := markdown.NewDomain(in.Config.Scheme()+"://"+in.Config.Host, content.NewSanitizer())
	if err != nil {
		return err
	}
	svc, err := activitypub.NewService(activitypub.Options{
		Host: in.Config.Host, Scheme: in.Config.Scheme(), Store: in.Store,
		Passwords: in.opts.Passwords, Logger: in.log, Renderer: render,
	})
	if err != nil {
		return err
	}
	in.Service = svc
	if in.Groups, err = groups.New(svc, in.Store, in.log); err != nil {
		return err
	}
	if in.Accounts, err = accounts.New(svc, in.Store, in.log); err != nil {
		return err
	}
	if in.Moderation, err = moderation.New(svc, in.Store, in.log); err != nil {
		return err
	}
	in.Moderation.SetSuspender(in.Accounts) // a report's suspend action is the leavers rule
	if in.Questions, err = questions.New(svc, in.Store, in.Groups, in.log); err != nil {
		return err
	}
	if in.Ideas, err = ideas.New(svc, in.Store, in.Groups, in.log); err != nil {
		return err
	}
	if err := in.setupGovernance(ctx); err != nil {
		return err
	}
	if _, err := svc.EnsureInstanceActor(ctx); err != nil {
		return fmt.Errorf("instance actor: %w", err)
	}
	return nil
}

// New is Open plus what serving needs: it logs the one-time setup link when there is no
// administrator yet and builds the HTTP handler.
func New(ctx context.Context, cfg Config, o Options) (*Instance, error) {
	in, err := Open(ctx, cfg, o)
	if err != nil {
		return nil, err
	}
	token, err := in.Accounts.PrepareSetup(ctx)
	if err != nil {
		in.Close()
		return nil, fmt.Errorf("setup token: %w", err)
	}
	if token != "" {
		in.log.Warn("no administrator yet: open this one-time link to create one",
			"setup_url", in.SetupURL(token))
	}
	if in.Handler, err = in.routes(); err != nil {
		in.Close()
		return nil, err
	}
	if err := in.joinCluster(ctx); err != nil {
		in.Close()
		return nil, err
	}
	return in, nil
}

// SetupURL is the link that creates the first administrator.
func (in *Instance) SetupURL(token string) string {
	return in.Service.BaseURL() + "/setup?token=" + token
}

// routes is the one place where every surface is mounted.
func (in *Instance) routes() (http.Handler, error) {
	r := mux.NewRouter()
	r.Use(nameRoute)
	r.HandleFunc("/healthz", in.healthz).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/readyz", in.readyz).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/metrics", in.serveMetrics).Methods(http.MethodGet)

	fed, err := federation.New(federation.Options{
		Service: in.Service, Store: in.Store, Logger: in.log, Version: Version,
		AllowPrivateNetworks: in.Config.AllowPrivateNetworks, Dial: in.opts.Dial, Delivery: in.deliveryOptions(),
		AuthorizedFetch: in.Config.AuthorizedFetch,
		Groups:          in.Groups,
		Ideas:           in.Ideas,
	})
	if err != nil {
		return nil, err
	}
	in.Fed = fed
	files, serveFiles, err := in.mediaFiles()
	if err != nil {
		return nil, err
	}
	in.Media, err = activitypub.NewMediaService(in.Service, activitypub.MediaOptions{
		Store: in.Store, Files: files, Processor: filemedia.Processor{},
	})
	if err != nil {
		return nil, err
	}
	limit := in.Config.APIRateLimit
	if limit == 0 {
		limit = math.MaxInt32 // unlimited: benchmarks and closed networks
	}
	prefs, err := in.preferences()
	if err != nil {
		return nil, err
	}
	api, err := mastoapi.New(mastoapi.Options{Service: in.Service, Logger: in.log, EnableStreaming: true,
		Media: in.Media, RateLimit: limit, RateWindow: 5 * time.Minute, RateCounter: in.rateCounter(),
		Groups: in.Groups, Questions: in.Questions, Ideas: in.Ideas,
		Accounts: in.Accounts, Moderation: in.Moderation,
		Lists: prefs.lists, Markers: prefs.markers, Filters: prefs.filters, Conversations: prefs.conversations,
		Settings: prefs.settings})
	if err != nil {
		return nil, err
	}
	in.API = api
	preview, err := markdown.NewDomain(in.Service.BaseURL(), content.NewSanitizer())
	if err != nil {
		return nil, err
	}
	views, err := activitypub.NewViews(in.Service, prefs.filters, prefs.lists)
	if err != nil {
		return nil, err
	}
	wh, err := web.New(web.Options{
		Service: in.Service, Logger: in.log, SecureCookies: in.Config.Scheme() == "https",
		RequestID: RequestID, Media: in.Media, Preview: preview, Views: views, Markers: prefs.markers,
		SSO: in.webSSO(), Ideas: in.Ideas, Questions: in.Questions, Groups: in.Groups, Settings: prefs.settings,
		Accounts: in.Accounts, Moderation: in.Moderation,
	})
	if err != nil {
		return nil, err
	}
	in.Web = wh
	in.Service.SetEvents(events{fed: fed, hub: api.Events(), web: wh.Events(), media: in.Media, log: in.log})
	fed.Routes(r)
	r.PathPrefix(filemedia.PathPrefix).Handler(serveFiles).Methods(http.MethodGet, http.MethodHead)
	api.Routes(r)
	wh.Routes(r)
	r.NotFoundHandler = wh.NotFound()
	return observe(in.log, in.metrics, clientAddress(in.Config.TrustedProxies, recoverPanics(in.log, answerOversized(r)))), nil
}

func (in *Instance) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "ok\n")
}

func (in *Instance) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := in.Store.Ping(ctx); err != nil {
		in.log.ErrorContext(ctx, "readiness check failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, "database unreachable\n")
		return
	}
	_, _ = io.WriteString(w, "ok\n")
}

func (in *Instance) serveMetrics(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	in.metrics.WritePrometheus(w)
	writer, reader := in.Store.Stats()
	pools := []struct {
		name  string
		stats sql.DBStats
	}{{"writer", writer}, {"reader", reader}}
	// Written by hand from database/sql's stats, so with the metadata Prometheus expects; each
	// family's samples stay together, as the text format requires.
	for _, m := range []struct {
		name, typ, help string
		value           func(sql.DBStats) float64
	}{
		{"guildhall_db_open_connections", "gauge", "Open database connections.", func(s sql.DBStats) float64 { return float64(s.OpenConnections) }},
		{"guildhall_db_in_use_connections", "gauge", "Database connections in use.", func(s sql.DBStats) float64 { return float64(s.InUse) }},
		{"guildhall_db_idle_connections", "gauge", "Idle database connections.", func(s sql.DBStats) float64 { return float64(s.Idle) }},
		{"guildhall_db_wait_count_total", "counter", "Waits for a free database connection.", func(s sql.DBStats) float64 { return float64(s.WaitCount) }},
		{"guildhall_db_wait_seconds_total", "counter", "Time spent waiting for a free database connection.", func(s sql.DBStats) float64 { return s.WaitDuration.Seconds() }},
	} {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", m.name, m.help, m.name, m.typ)
		for _, p := range pools {
			fmt.Fprintf(w, "%s{pool=%q} %g\n", m.name, p.name, m.value(p.stats))
		}
	}
	fmt.Fprintf(w, "# HELP guildhall_db_statements_total SQL statements run (transaction control not counted).\n"+
		"# TYPE guildhall_db_statements_total counter\nguildhall_db_statements_total %d\n", in.Store.Statements())
	metrics.WriteProcessMetrics(w)
}

// events routes domain events: outbox records wake the delivery workers, the rest go to the
// streaming hub; a deleted status's media files are removed first (events are published after
// the deletion commits; the maintenance loop sweeps up whatever this misses).
type events struct {
	fed   *federation.Federation
	hub   activitypub.Events
	web   activitypub.Events // the web UI's live updates
	media *activitypub.MediaService
	log   *slog.Logger
	// cluster, when several processes share the database, tells the others too.
	cluster *cluster
}

func (e events) Publish(ctx context.Context, ev activitypub.Event) {
	if ev.Type == "delete" && ev.StatusID != "" && e.media != nil {
		// Not cancelled with the request: a client that hangs up must not leave the files.
		// Only the producing process cleans; the others just stream the delete.
		if _, err := e.media.CleanDeletedStatusMedia(context.WithoutCancel(ctx), ev.StatusID, 0); err != nil {
			e.log.WarnContext(ctx, "media of a deleted status kept until the next sweep", "status", ev.StatusID, "err", err)
		}
	}
	if e.cluster != nil {
		e.cluster.Publish(ev)
	}
	e.local(ctx, ev)
}

// local hands an event to this process's workers or streaming hub; events relayed from other
// processes come in here.
func (e events) local(ctx context.Context, ev activitypub.Event) {
	if ev.Type == activitypub.EventOutbox {
		e.fed.Notify()
		return
	}
	if e.hub != nil {
		e.hub.Publish(ctx, ev)
	}
	if e.web != nil {
		e.web.Publish(ctx, ev)
	}
}

// resumeInterruptedDeliveries frees the leases a previous run held when it died (kill -9, power
// loss), so its unfinished fan-out resumes now rather than after the 5-minute lease. Only on
// SQLite, which one process serves; PostgreSQL peers' leases may be live and expire on their own.
func (in *Instance) resumeInterruptedDeliveries(ctx context.Context) {
	if in.Store.Dialect() != storage.SQLite {
		return
	}
	n, err := in.Store.ReleaseDeliveryLeases(ctx)
	switch {
	case err != nil:
		in.log.Warn("could not release the previous run's delivery leases; they will expire", "err", err)
	case n > 0:
		in.log.Info("resuming deliveries the previous run left unfinished", "deliveries", n)
	}
}

// Serve runs the HTTP server on ln until ctx is cancelled, then shuts down gracefully: in-flight
// requests get up to grace to finish.
func (in *Instance) Serve(ctx context.Context, ln net.Listener, grace time.Duration) error {
	to := in.opts.Timeouts.withDefaults()
	srv := &http.Server{
		Handler:           in.Handler,
		ReadHeaderTimeout: to.ReadHeader,
		ReadTimeout:       to.Read,
		IdleTimeout:       to.Idle,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(in.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	workDone := make(chan struct{})
	go in.runMaintenance(workCtx)
	in.resumeInterruptedDeliveries(ctx)
	go func() {
		defer close(workDone)
		if err := in.Fed.Run(workCtx); err != nil && !errors.Is(err, context.Canceled) {
			in.log.Error("delivery workers stopped", "err", err)
		}
	}()
	defer func() { stopWork(); <-workDone }()
	in.log.Info("serving", "listen", ln.Addr().String(), "url", in.Service.BaseURL(), "version", Version)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	in.log.Info("shutting down: finishing in-flight requests", "grace", grace)
	in.API.Close() // streaming sockets would otherwise hold Shutdown for the whole grace period
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		in.log.Warn("grace period over: closing remaining connections")
		_ = srv.Close()
	}
	<-errc
	return nil
}

// Close releases the database (and the cluster's connection to it).
func (in *Instance) Close() error {
	in.leaveCluster()
	return in.Store.Close()
}

// preferenceAreas are the per-user preference use cases the surfaces share.
type preferenceAreas struct {
	lists         *preferences.Lists
	markers       *preferences.Markers
	filters       *preferences.Filters
	conversations *preferences.Conversations
	settings      *preferences.Settings
}

// preferences builds the preference use cases over the instance's store.
func (in *Instance) preferences() (preferenceAreas, error) {
	var p preferenceAreas
	var err error
	if p.lists, err = preferences.NewLists(in.Service, in.Store); err != nil {
		return p, err
	}
	if p.markers, err = preferences.NewMarkers(in.Service, in.Store); err != nil {
		return p, err
	}
	if p.filters, err = preferences.NewFilters(in.Service, in.Store); err != nil {
		return p, err
	}
	if p.conversations, err = preferences.NewConversations(in.Service, in.Store); err != nil {
		return p, err
	}
	p.settings, err = preferences.NewSettings(in.Service, in.Store)
	return p, err
}
