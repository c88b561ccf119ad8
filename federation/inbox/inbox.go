// Package inbox receives server-to-server deliveries: POST /users/{username}/inbox and POST /inbox.
//
// Every request goes through the same gate, in this order, and stops at the first refusal with
// nothing stored: body size (413), Content-Type (415), domain block of the signer's host (403,
// before any key fetch), HTTP signature (401), parse (400), origin checks (signer == actor,
// activity id on the actor's host; 401/400), then the use case in activitypub (Receive…), which
// checks ownership against stored rows. The answer is 202 once processed; a database failure is
// 500 so the sender retries. Processing is synchronous: it is a few writes, plus remote fetches
// bounded by the fetch client's timeouts.
package inbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/federation/httpsig"
	"github.com/guildhall/guildhall/federation/remote"
)

// DefaultMaxBody is Mastodon's MAX_JSON_SIZE: no legitimate activity is larger.
const DefaultMaxBody = 1 << 20

// drainLimit bounds how much of an oversized body is read and discarded before the 413.
const drainLimit = 8 << 20

// Store is what the inbox reads directly: the lookups that authorise an activity before the
// domain's Receive… use cases take over. storage.Store satisfies it.
type Store interface {
	ActorByURI(ctx context.Context, uri string) (*ap.Actor, error)
	ActorByUsername(ctx context.Context, username, domain string) (*ap.Actor, error)
	Blocked(ctx context.Context, a, b string) (bool, error)
	StatusByURI(ctx context.Context, uri string) (*ap.Status, error)
}

// Options configures the inbox. Service, Store and Resolver are required.
type Options struct {
	Service  *ap.Service
	Store    Store
	Resolver *remote.Dereferencer
	// Verifier checks signatures; nil builds one over Resolver with the Service's host.
	Verifier *httpsig.Verifier
	Logger   *slog.Logger
	// MaxBody caps request bodies; 0 means DefaultMaxBody.
	MaxBody int64
	// DomainBlocked reports whether administrators blocked a host. It is a hook until domain
	// policies are stored; nil blocks nothing.
	DomainBlocked func(ctx context.Context, host string) (bool, error)
	// Groups takes group traffic (FEP-1b12): follows of local groups, posts addressed to them,
	// and remote groups' relays. Nil treats groups like any actor.
	Groups Groups
	// Ideas takes the ideas terms of remote statuses and adoptions of local ideas; nil ignores
	// them (statuses are stored as posts, adoptions as boosts).
	Ideas Ideas
}

// Handler serves the inboxes.
type Handler struct {
	svc      *ap.Service
	store    Store
	deref    *remote.Dereferencer
	verifier *httpsig.Verifier
	log      *slog.Logger
	maxBody  int64
	blocked  func(ctx context.Context, host string) (bool, error)
	groups   Groups
	ideas    Ideas
}

// New checks the options and returns a Handler.
func New(o Options) (*Handler, error) {
	if o.Service == nil || o.Store == nil || o.Resolver == nil {
		return nil, errors.New("inbox: Service, Store and Resolver are required")
	}
	if o.Verifier == nil {
		o.Verifier = &httpsig.Verifier{Keys: o.Resolver, Host: o.Service.Host(), Now: o.Service.Now}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.DomainBlocked == nil {
		o.DomainBlocked = func(context.Context, string) (bool, error) { return false, nil }
	}
	return &Handler{svc: o.Service, store: o.Store, deref: o.Resolver, verifier: o.Verifier,
		log: o.Logger, maxBody: o.MaxBody, blocked: o.DomainBlocked, groups: o.Groups, ideas: o.Ideas}, nil
}

// Routes mounts both inboxes. These are the only routes of this package.
func (h *Handler) Routes(r *mux.Router) {
	r.Handle("/users/{username}/inbox", http.HandlerFunc(h.ServePersonal)).Methods(http.MethodPost)
	r.Handle("/inbox", http.HandlerFunc(h.ServeShared)).Methods(http.MethodPost)
}

// ServeShared handles POST /inbox.
func (h *Handler) ServeShared(w http.ResponseWriter, r *http.Request) {
	h.respond(w, r, h.receive(r, nil))
}

// ServePersonal handles POST /users/{username}/inbox (the username comes from the mux route).
func (h *Handler) ServePersonal(w http.ResponseWriter, r *http.Request) {
	owner, err := h.store.ActorByUsername(r.Context(), mux.Vars(r)["username"], "")
	if err != nil {
		if ap.IsNotFound(err) {
			h.respond(w, r, fail(http.StatusNotFound, "no such inbox", nil))
			return
		}
		h.respond(w, r, internalFailure(err))
		return
	}
	h.respond(w, r, h.receive(r, owner))
}

// outcome is what a request ended as: a status, a message safe for the remote, and the cause for
// our logs.
type outcome struct {
	code int
	msg  string
	err  error
	// retryAfter, in seconds, is sent with a 429 or a 503.
	retryAfter int
}

func fail(code int, msg string, err error) *outcome { return &outcome{code: code, msg: msg, err: err} }

var accepted = &outcome{code: http.StatusAccepted, msg: "accepted"}

func (h *Handler) respond(w http.ResponseWriter, r *http.Request, o *outcome) {
	switch {
	case o.code >= 500:
		h.log.ErrorContext(r.Context(), "inbox failure", "path", r.URL.Path, "err", o.err)
	case o.code >= 400:
		h.log.InfoContext(r.Context(), "inbox refusal", "path", r.URL.Path, "status", o.code, "reason", o.msg, "err", o.err)
	case o.err != nil:
		h.log.DebugContext(r.Context(), "inbox ignored", "path", r.URL.Path, "reason", o.msg, "err", o.err)
	}
	if o.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(o.retryAfter))
	}
	if o.code == http.StatusRequestEntityTooLarge {
		// Read the rest (bounded) before answering: a sender writes its whole body before it
		// reads, and closing on unread data resets the connection, which it retries forever.
		if n, _ := io.CopyN(io.Discard, r.Body, drainLimit); n == drainLimit {
			w.Header().Set("Connection", "close")
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(o.code)
		_, _ = io.WriteString(w, `{"error":"`+o.msg+`"}`+"\n")
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(o.code)
	_, _ = io.WriteString(w, o.msg+"\n")
}

// readBody enforces the size cap and the Content-Type before anything else looks at the request.
func (h *Handler) readBody(r *http.Request) ([]byte, *outcome) {
	if r.ContentLength > h.maxBody {
		return nil, fail(http.StatusRequestEntityTooLarge, "body too large", nil)
	}
	if !activityContentType(r.Header.Get("Content-Type")) {
		return nil, fail(http.StatusUnsupportedMediaType, "Content-Type must be application/activity+json", nil)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, h.maxBody+1))
	if err != nil {
		return nil, fail(http.StatusBadRequest, "could not read body", err)
	}
	if int64(len(body)) > h.maxBody {
		return nil, fail(http.StatusRequestEntityTooLarge, "body too large", nil)
	}
	return body, nil
}

// activityContentType accepts application/activity+json and application/ld+json (with any
// profile: Pleroma and older Mastodon send the ActivityStreams profile, some send none).
func activityContentType(v string) bool {
	mt, _, err := mime.ParseMediaType(v)
	return err == nil && (mt == "application/activity+json" || mt == "application/ld+json")
}

// keyIDHost is the unverified keyId host, so a blocked domain is refused before we fetch its key
// (SIG-22, RES-13).
func keyIDHost(r *http.Request) string { return httpsig.KeyIDHost(r) }

func (h *Handler) String() string { return fmt.Sprintf("inbox(%s)", h.svc.Host()) }
