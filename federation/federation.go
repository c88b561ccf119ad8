// Package federation assembles server-to-server ActivityPub: the outgoing HTTP client, the remote
// dereferencer (WebFinger, actors, keys, statuses), the inboxes, the documents we serve and the
// delivery workers. The server builds one Federation, mounts its Routes and runs Run.
package federation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"

	"github.com/gorilla/mux"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/groups"
	"github.com/guildhall/guildhall/activitypub/ideas"
	"github.com/guildhall/guildhall/federation/as2"
	"github.com/guildhall/guildhall/federation/delivery"
	"github.com/guildhall/guildhall/federation/docs"
	"github.com/guildhall/guildhall/federation/fetch"
	"github.com/guildhall/guildhall/federation/httpsig"
	"github.com/guildhall/guildhall/federation/inbox"
	"github.com/guildhall/guildhall/federation/remote"
)

// Store is everything the federation packages read and write directly, each through its own
// narrow interface; storage.Store satisfies it.
type Store interface {
	inbox.Store
	docs.Store
	remote.Store
	delivery.Store
}

// Options configures federation. Service and Store are required.
type Options struct {
	Service *ap.Service
	Store   Store
	Logger  *slog.Logger
	// AllowPrivateNetworks lets outgoing requests reach private addresses: development
	// federations on one machine and tests only.
	AllowPrivateNetworks bool
	// Dial replaces the network dialer; tests route *.test names to httptest listeners.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// AuthorizedFetch requires every ActivityPub GET to be signed by a non-blocked actor
	// (Mastodon's secure mode); the instance actor and discovery documents stay public.
	AuthorizedFetch bool
	// Version is the software version shown in NodeInfo and the User-Agent.
	Version string
	// Groups is the groups area (FEP-1b12); nil serves and receives groups like any actor.
	Groups *groups.Groups
	// Ideas is the ideas area: the ideas terms of the statuses we serve, send and receive, and
	// adoptions; nil treats ideas as plain posts.
	Ideas *ideas.Ideas
	// Delivery tunes the delivery workers; zero values take delivery's defaults. Store, Keys,
	// Poster, BaseURL and Domain are filled in here.
	Delivery delivery.Options
}

// Federation is the assembled server-to-server side.
type Federation struct {
	svc     *ap.Service
	policy  *ap.PolicyCache
	fetcher *fetch.Fetcher
	deref   *remote.Dereferencer
	inbox   *inbox.Handler
	docs    *docs.Handler
	worker  *delivery.Worker
}

// New builds the federation side and connects its resolver to the service.
func New(o Options) (*Federation, error) {
	if o.Service == nil || o.Store == nil {
		return nil, errors.New("federation: Service and Store are required")
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	ua := "Guildhall"
	if o.Version != "" {
		ua += "/" + o.Version
	}
	ua += " (+" + o.Service.BaseURL() + "/)"
	// One policy cache for every path that talks to other servers: inbound activities, fetches
	// and deliveries. Changes made by another process (the admin CLI) apply within its TTL.
	policy := ap.NewPolicyCache(o.Service, 0)
	// The fetcher asks the policy again on every redirect hop: a redirect from an allowed host
	// must not lead a fetch or a delivery to a blocked one.
	fetcher := fetch.NewFetcher(fetch.Options{AllowPrivateNetworks: o.AllowPrivateNetworks, DialContext: o.Dial,
		UserAgent: ua, Logger: o.Logger, HostAllowed: policy.Allowed})
	deref, err := remote.New(remote.Options{Service: o.Service, Store: o.Store, Fetcher: fetcher, Logger: o.Logger,
		Allowed: policy.Allowed})
	if err != nil {
		return nil, fmt.Errorf("federation: %w", err)
	}
	o.Service.SetResolver(deref)
	io := inbox.Options{Service: o.Service, Store: o.Store, Resolver: deref, Logger: o.Logger, DomainBlocked: policy.Blocked}
	dopts := docs.Options{Service: o.Service, Store: o.Store, Logger: o.Logger, Version: o.Version}
	if o.Groups != nil { // a nil *Groups in an interface would not read as nil
		io.Groups, dopts.Groups = o.Groups, o.Groups
	}
	if o.Ideas != nil {
		ext := ideaTerms{ideas: o.Ideas, baseURL: o.Service.BaseURL()}
		io.Ideas = o.Ideas
		dopts.Extensions = append(dopts.Extensions, ext)
		o.Delivery.Extensions = append(o.Delivery.Extensions, ext)
	}
	in, err := inbox.New(io)
	if err != nil {
		return nil, fmt.Errorf("federation: %w", err)
	}
	verifier := &httpsig.Verifier{Keys: deref, Host: o.Service.Host(), Now: o.Service.Now}
	dopts.Verifier = verifier
	dopts.AuthorizedFetch, dopts.DomainBlocked = o.AuthorizedFetch, policy.Blocked
	dh, err := docs.New(dopts)
	if err != nil {
		return nil, fmt.Errorf("federation: %w", err)
	}
	do := o.Delivery
	do.Store, do.Keys = o.Store, o.Service
	do.Poster = policyPoster{next: fetcher, allowed: policy.Allowed}
	do.HostAllowed = policy.Allowed // blocked domains are filtered when deliveries are queued
	do.BaseURL, do.Domain = o.Service.BaseURL(), o.Service.Domain()
	if do.Logger == nil {
		do.Logger = o.Logger
	}
	w, err := delivery.New(do)
	if err != nil {
		return nil, fmt.Errorf("federation: %w", err)
	}
	return &Federation{svc: o.Service, policy: policy, fetcher: fetcher, deref: deref, inbox: in, docs: dh, worker: w}, nil
}

// Routes mounts the inboxes and every document route.
func (f *Federation) Routes(r *mux.Router) {
	f.inbox.Routes(r)
	// The instance actor's own inbox is the shared one: it follows no one and is written to
	// only by servers answering its fetches.
	r.Handle("/actor/inbox", http.HandlerFunc(f.inbox.ServeShared)).Methods(http.MethodPost)
	r.HandleFunc(as2.ContextPath, serveContext).Methods(http.MethodGet, http.MethodHead)
	f.docs.Routes(r)
	f.ideasRoutes(r)
}

// Run runs the delivery workers until ctx is cancelled.
func (f *Federation) Run(ctx context.Context) error {
	if _, err := f.svc.EnsureInstanceActor(ctx); err != nil {
		return fmt.Errorf("federation: instance actor: %w", err)
	}
	return f.worker.Run(ctx)
}

// Notify wakes the delivery workers after the domain enqueued something, so it goes out at once
// rather than at the next poll. Call it after any Service action that federates.
func (f *Federation) Notify() { f.worker.Notify() }

// Fetcher is the outgoing HTTP client, shared by everything that reaches remote servers.
func (f *Federation) Fetcher() *fetch.Fetcher { return f.fetcher }

// Resolver is the remote dereferencer the service uses.
func (f *Federation) Resolver() *remote.Dereferencer { return f.deref }

// Policy is the federation policy cache every server-to-server path consults. Call its
// Invalidate after changing policies in this process to apply the change at once.
func (f *Federation) Policy() *ap.PolicyCache { return f.policy }

// Worker exposes the delivery worker, for tests and administration tools.
func (f *Federation) Worker() *delivery.Worker { return f.worker }
