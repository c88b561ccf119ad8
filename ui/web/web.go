// Package web is the staff web UI: server-rendered pages over the same activitypub.Service that
// every other surface uses. It owns sessions, CSRF protection and the HTML error pages; the rules
// themselves (who may sign in, what a valid username is) stay in the domain.
package web

import (
	"context"
	"errors"
	"html/template"
	"log/slog"
	"net/http"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
	"github.com/guildhall/guildhall/activitypub/groups"
	"github.com/guildhall/guildhall/activitypub/ideas"
	"github.com/guildhall/guildhall/activitypub/moderation"
	"github.com/guildhall/guildhall/activitypub/preferences"
	"github.com/guildhall/guildhall/activitypub/questions"
)

// Options configures a Handler. Service is required.
type Options struct {
	Service *activitypub.Service
	// Logger receives internal errors; slog.Default() when nil.
	Logger *slog.Logger
	// SecureCookies is true when the public scheme is https: cookies get the Secure flag and the
	// __Host- prefix, which stops a sibling subdomain from planting or overwriting them.
	SecureCookies bool
	// RequestID, when set, returns the id the server's middleware gave the request, so a person
	// who hits a 500 can quote something an operator can find in the logs.
	RequestID func(ctx context.Context) string
	// Media, when set, lets the compose form attach images.
	Media *activitypub.MediaService
	// Views is the read model every list of posts is rendered from. Required.
	Views *activitypub.Views
	// Markers keeps the notifications read marker behind the unread count; optional.
	Markers *preferences.Markers
	// Preview renders the compose form's Markdown preview; the same renderer the service posts
	// with. Without it the preview shows the text as typed.
	Preview activitypub.Renderer
	// Accounts is the sign-in and account governance area. Required.
	Accounts *accounts.Accounts
	// Moderation is the reports, audit log and retention area. Required.
	Moderation *moderation.Moderation
	// SSO, when set, offers sign-in through the organisation's OpenID Connect provider.
	SSO SSO
	// Ideas, when set, serves the ideas pages (/ideas).
	Ideas *ideas.Ideas
	// Questions, when set, serves the questions pages (/questions).
	Questions *questions.Questions
	// Groups, when set, serves the group pages (directory, group, moderation) and lets the
	// compose form post into a group.
	Groups *groups.Groups
	// Settings keeps the default visibility and the profile images' alt text; optional (without
	// it posts start public and those settings are not offered).
	Settings *preferences.Settings
}

// Handler serves the staff web UI. Build it with New and mount it with Routes.
type Handler struct {
	svc        *activitypub.Service
	accounts   *accounts.Accounts
	moderation *moderation.Moderation
	log        *slog.Logger
	secure     bool
	requestID  func(ctx context.Context) string
	pages      map[string]*template.Template
	assets     *assets
	cop        *http.CrossOriginProtection
	media      *activitypub.MediaService
	preview    activitypub.Renderer
	markers    *preferences.Markers
	views      *activitypub.Views
	live       *liveHub
	sso        SSO
	ideas      *ideas.Ideas
	questions  *questions.Questions
	groups     *groups.Groups // nil: the group pages answer 404
	prefs      *preferences.Settings
}

// New checks the options, parses the embedded templates and fingerprints the static assets, so a
// broken template fails at start-up rather than on the first request.
func New(o Options) (*Handler, error) {
	if o.Service == nil || o.Views == nil || o.Accounts == nil || o.Moderation == nil {
		return nil, errors.New("web.New: Service, Views, Accounts and Moderation are required")
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.RequestID == nil {
		o.RequestID = func(context.Context) string { return "" }
	}
	h := &Handler{
		svc:        o.Service,
		accounts:   o.Accounts,
		moderation: o.Moderation,
		log:        o.Logger,
		secure:     o.SecureCookies,
		requestID:  o.RequestID,
		media:      o.Media,
		preview:    o.Preview,
		live:       newLiveHub(),
		markers:    o.Markers,
		views:      o.Views,
		sso:        o.SSO,
		ideas:      o.Ideas,
		questions:  o.Questions,
		groups:     o.Groups,
		prefs:      o.Settings,
	}
	var err error
	if h.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if h.pages, err = parsePages(h.assets); err != nil {
		return nil, err
	}
	if h.cop, err = h.newCrossOriginProtection(); err != nil {
		return nil, err
	}
	return h, nil
}
