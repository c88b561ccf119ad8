// Package mastoapi is the Mastodon client API and its OAuth 2 server, so staff can use Mastodon
// apps (Elk, Phanpy, Tusky, Ivory) against Guildhall. Mastodon's JSON shapes live here and only
// here; every rule (who may see what, what a valid post is) stays in the domain service.
package mastoapi

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
	"github.com/guildhall/guildhall/activitypub/groups"
	"github.com/guildhall/guildhall/activitypub/ideas"
	"github.com/guildhall/guildhall/activitypub/moderation"
	"github.com/guildhall/guildhall/activitypub/preferences"
	"github.com/guildhall/guildhall/activitypub/questions"
	mediaapi "github.com/guildhall/guildhall/ui/mastoapi/media"
	"github.com/guildhall/guildhall/ui/mastoapi/streaming"
)

// Version is what /api/v1/instance reports: a Mastodon version first, because clients gate
// features on it (Phanpy needs >=4.3), then ours.
const Version = "4.3.0 (compatible; Guildhall 0.1.0)"

// Options configures a Handler. Service, Lists, Markers, Filters and Conversations are required.
// The server builds them (cmd/instance/server); the API only renders what they decide.
type Options struct {
	Service *activitypub.Service
	// Logger receives internal errors; slog.Default() when nil.
	Logger *slog.Logger
	// Streaming, when set, serves GET /api/v1/streaming (the WebSocket endpoint).
	Streaming http.Handler
	// StreamingURL overrides the advertised streaming base (ws:// or wss:// of the host by default).
	StreamingURL string
	// Title, Description and ContactEmail describe the instance; Title defaults to the domain.
	Title        string
	Description  string
	ContactEmail string
	// RateLimit is the number of requests per RateWindow per token (or address when anonymous);
	// 300 per 5 minutes, as in Mastodon, when zero.
	RateLimit  int
	RateWindow time.Duration
	// RateCounter, when set, counts the requests instead of this process's memory: give
	// storage.Store.Hit when several processes share the database, so they share one budget.
	RateCounter RateCounter

	// Lists, Markers, Filters and Conversations are the use cases of those resources; the read
	// model applies the viewer's filters and exclusive lists with them.
	Lists         *preferences.Lists
	Markers       *preferences.Markers
	Filters       *preferences.Filters
	Conversations *preferences.Conversations
	// EnableStreaming builds the streaming hub and serves /api/v1/streaming with it (Streaming is
	// then ignored). Hand Events() to Service.SetEvents and call Close on shutdown.
	EnableStreaming bool
	// StreamingHeartbeat is the hub's ping and token re-check interval; 30s when zero.
	StreamingHeartbeat time.Duration
	// Media, when set, serves the media endpoints (POST /api/v1/media, /api/v2/media,
	// GET/PUT /api/v1/media/{id}); without it they answer 404.
	Media *activitypub.MediaService
	// Accounts (sign-in, OAuth, tokens, account governance) and Moderation (reports, audit log,
	// retention) are the areas behind the OAuth and admin endpoints. Required.
	Accounts   *accounts.Accounts
	Moderation *moderation.Moderation
	// Groups, when set, serves /api/guildhall/v1/groups; without it those routes answer 404.
	Groups *groups.Groups
	// Questions, when set, serves /api/guildhall/v1/questions; without it those routes answer 404.
	Questions *questions.Questions
	// Ideas, when set, serves /api/guildhall/v1/ideas; without it those routes answer 404.
	Ideas *ideas.Ideas
	// Settings, when set, keeps the default visibility (source.privacy, and what a status sent
	// without a visibility gets); without it that default is public.
	Settings *preferences.Settings
}

// Handler serves the Mastodon client API. Build it with New and mount it with Routes.
type Handler struct {
	svc        *activitypub.Service
	accounts   *accounts.Accounts
	moderation *moderation.Moderation
	log        *slog.Logger
	opts       Options
	lists      *preferences.Lists
	markers    *preferences.Markers
	filters    *preferences.Filters
	views      *activitypub.Views
	hub        *streaming.Hub    // nil unless EnableStreaming
	media      *mediaapi.Handler // nil without Options.Media
	limiter    *limiter
	auth       *authCache

	conversations *preferences.Conversations
	groups        *groups.Groups // nil without Options.Groups
	ideas         *ideas.Ideas   // nil without Options.Ideas
}

// New checks the options and returns a Handler.
func New(o Options) (*Handler, error) {
	if o.Service == nil || o.Accounts == nil || o.Moderation == nil {
		return nil, errors.New("mastoapi.New: Service, Accounts and Moderation are required")
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Title == "" {
		o.Title = o.Service.Domain()
	}
	if o.RateLimit <= 0 {
		o.RateLimit = 300
	}
	if o.RateWindow <= 0 {
		o.RateWindow = 5 * time.Minute
	}
	if o.StreamingURL == "" {
		base := o.Service.BaseURL()
		o.StreamingURL = "ws" + strings.TrimPrefix(base, "http")
	}
	h := &Handler{
		svc: o.Service, accounts: o.Accounts, moderation: o.Moderation, log: o.Logger, opts: o,
		limiter: newLimiter(o.RateLimit, o.RateWindow, o.RateCounter, o.Logger),
		auth:    newAuthCache(),
		groups:  o.Groups,
		ideas:   o.Ideas,
	}
	if o.Lists == nil || o.Markers == nil || o.Filters == nil || o.Conversations == nil {
		return nil, errors.New("mastoapi.New: Lists, Markers, Filters and Conversations are required")
	}
	h.lists, h.markers, h.filters, h.conversations = o.Lists, o.Markers, o.Filters, o.Conversations
	var err error
	if h.views, err = activitypub.NewViews(o.Service, o.Filters, o.Lists); err != nil {
		return nil, err
	}
	if err := h.wireMedia(); err != nil {
		return nil, err
	}
	if err := h.wireStreaming(); err != nil {
		return nil, err
	}
	return h, nil
}

// base is the absolute origin used in every URL the API returns.
func (h *Handler) base() string { return h.svc.BaseURL() }
