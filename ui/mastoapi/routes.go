package mastoapi

import (
	"encoding/json"
	"net"
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
)

// authMode says who may call a route.
type authMode int

const (
	anyone   authMode = iota // no token needed; a token, if sent, must be valid and is used
	appToken                 // any valid token, an application's own included
	user                     // a token acting for a signed-in person
	noAuth                   // the OAuth endpoints: authenticate themselves (client secret, session)
)

// call is one API request as a handler sees it: its parameters, and who is calling.
type call struct {
	p       *params
	token   *activitypub.OAuthToken
	account *activitypub.Account // nil when anonymous or an application token
	route   string               // the route's path pattern: where filters apply depends on it
}

// viewer is the domain's view of the caller.
func (c *call) viewer() activitypub.Viewer {
	if c.account == nil {
		return activitypub.Viewer{}
	}
	return activitypub.Viewer{Actor: &c.account.Actor}
}

type handlerFunc func(w http.ResponseWriter, r *http.Request, c *call) error

// route is one line of the route table.
type route struct {
	method string
	path   string
	auth   authMode
	scope  string // required scope, e.g. "read:statuses"; "" for none
	handle handlerFunc
}

// routes is the whole API, in one list.
func (h *Handler) routes() []route {
	const get, post, put, patch, del = http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete
	return []route{
		// OAuth 2 (RFC 6749, 7009, 7636, 8414) and app registration.
		{get, "/.well-known/oauth-authorization-server", noAuth, "", h.oauthMetadata},
		{post, "/api/v1/apps", noAuth, "", h.createApp},
		{get, "/api/v1/apps/verify_credentials", appToken, "", h.verifyApp},
		{post, "/oauth/token", noAuth, "", h.token},
		{post, "/oauth/revoke", noAuth, "", h.revokeToken},

		// Instance.
		{get, "/api/v1/instance", anyone, "", h.instanceV1},
		{get, "/api/v2/instance", anyone, "", h.instanceV2},
		{get, "/api/v1/instance/peers", anyone, "", h.peers},
		{get, "/api/v1/instance/rules", anyone, "", h.instanceRules},
		{get, "/api/v1/instance/activity", anyone, "", h.emptyList},
		{get, "/api/v1/custom_emojis", anyone, "", h.emptyList},
		{get, "/api/v1/announcements", user, "read", h.emptyList},
		{get, "/api/v1/preferences", user, "read:accounts", h.preferences},

		// Accounts. Fixed paths come before /{id} so "verify_credentials" is never an id.
		{get, "/api/v1/accounts/verify_credentials", user, "read:accounts", h.verifyCredentials},
		{patch, "/api/v1/accounts/update_credentials", user, "write:accounts", h.updateCredentials},
		{get, "/api/v1/accounts/relationships", user, "read:follows", h.relationships},
		{get, "/api/v1/accounts/search", anyone, "read:accounts", h.searchAccounts},
		{get, "/api/v1/accounts/lookup", anyone, "", h.lookupAccount},
		{get, "/api/v1/accounts/familiar_followers", user, "read:follows", h.emptyList},
		{get, "/api/v1/accounts/{id}", anyone, "", h.account},
		{get, "/api/v1/accounts/{id}/statuses", anyone, "read:statuses", h.accountStatuses},
		{get, "/api/v1/accounts/{id}/followers", anyone, "read:accounts", h.followers},
		{get, "/api/v1/accounts/{id}/following", anyone, "read:accounts", h.following},
		{get, "/api/v1/accounts/{id}/featured_tags", anyone, "", h.emptyList},
		{get, "/api/v1/accounts/{id}/lists", user, "read:lists", h.accountLists},
		{post, "/api/v1/accounts/{id}/follow", user, "write:follows", h.follow},
		{post, "/api/v1/accounts/{id}/unfollow", user, "write:follows", h.unfollow},
		{post, "/api/v1/accounts/{id}/remove_from_followers", user, "write:follows", h.removeFromFollowers},
		{post, "/api/v1/accounts/{id}/block", user, "write:blocks", h.block},
		{post, "/api/v1/accounts/{id}/unblock", user, "write:blocks", h.unblock},
		{post, "/api/v1/accounts/{id}/mute", user, "write:mutes", h.mute},
		{post, "/api/v1/accounts/{id}/unmute", user, "write:mutes", h.unmute},
		{get, "/api/v1/follow_requests", user, "read:follows", h.followRequests},
		{post, "/api/v1/follow_requests/{id}/authorize", user, "write:follows", h.authorizeFollow},
		{post, "/api/v1/follow_requests/{id}/reject", user, "write:follows", h.rejectFollow},
		{get, "/api/v1/blocks", user, "read:blocks", h.blocks},
		{get, "/api/v1/mutes", user, "read:mutes", h.mutes},
		{get, "/api/v1/domain_blocks", user, "read:blocks", h.emptyList},
		{get, "/api/v1/endorsements", user, "read:accounts", h.emptyList},
		{get, "/api/v1/favourites", user, "read:favourites", h.favourites},
		{get, "/api/v1/bookmarks", user, "read:bookmarks", h.bookmarks},

		// Statuses.
		{get, "/api/v1/statuses", anyone, "read:statuses", h.statusesByIDs},
		{post, "/api/v1/statuses", user, "write:statuses", h.createStatus},
		{get, "/api/v1/statuses/{id}", anyone, "read:statuses", h.status},
		{put, "/api/v1/statuses/{id}", user, "write:statuses", h.editStatus},
		{del, "/api/v1/statuses/{id}", user, "write:statuses", h.deleteStatus},
		{get, "/api/v1/statuses/{id}/context", anyone, "read:statuses", h.statusContext},
		{get, "/api/v1/statuses/{id}/history", anyone, "read:statuses", h.statusHistory},
		{get, "/api/v1/statuses/{id}/source", user, "read:statuses", h.statusSource},
		{get, "/api/v1/statuses/{id}/favourited_by", anyone, "read:accounts", h.favouritedBy},
		{get, "/api/v1/statuses/{id}/reblogged_by", anyone, "read:accounts", h.rebloggedBy},
		{post, "/api/v1/statuses/{id}/favourite", user, "write:favourites", h.favourite},
		{post, "/api/v1/statuses/{id}/unfavourite", user, "write:favourites", h.unfavourite},
		{post, "/api/v1/statuses/{id}/reblog", user, "write:statuses", h.reblog},
		{post, "/api/v1/statuses/{id}/unreblog", user, "write:statuses", h.unreblog},
		{post, "/api/v1/statuses/{id}/bookmark", user, "write:bookmarks", h.bookmark},
		{post, "/api/v1/statuses/{id}/unbookmark", user, "write:bookmarks", h.unbookmark},
		{post, "/api/v1/statuses/{id}/pin", user, "write:accounts", h.pin},
		{post, "/api/v1/statuses/{id}/unpin", user, "write:accounts", h.unpin},

		// Timelines and notifications.
		{get, "/api/v1/timelines/home", user, "read:statuses", h.homeTimeline},
		{get, "/api/v1/timelines/public", anyone, "read:statuses", h.publicTimeline},
		{get, "/api/v1/timelines/tag/{hashtag}", anyone, "read:statuses", h.tagTimeline},
		{get, "/api/v1/timelines/list/{id}", user, "read:lists", h.listTimeline},
		{get, "/api/v1/conversations", user, "read:statuses", h.conversationsList},
		{del, "/api/v1/conversations/{id}", user, "write:conversations", h.removeConversation},
		{post, "/api/v1/conversations/{id}/read", user, "write:conversations", h.readConversation},
		{get, "/api/v1/notifications", user, "read:notifications", h.notifications},
		{post, "/api/v1/notifications/clear", user, "write:notifications", h.clearNotifications},
		{get, "/api/v1/notifications/requests", user, "read:notifications", h.emptyList},
		{get, "/api/v2/notifications/policy", user, "read:notifications", h.notificationPolicy},
		{get, "/api/v2/notifications", user, "read:notifications", h.groupedNotifications},
		{get, "/api/v1/notifications/{id}", user, "read:notifications", h.notification},
		{post, "/api/v1/notifications/{id}/dismiss", user, "write:notifications", h.dismissNotification},

		// Lists, markers and filters.
		{get, "/api/v1/lists", user, "read:lists", h.allLists},
		{post, "/api/v1/lists", user, "write:lists", h.createList},
		{get, "/api/v1/lists/{id}", user, "read:lists", h.showList},
		{put, "/api/v1/lists/{id}", user, "write:lists", h.updateList},
		{del, "/api/v1/lists/{id}", user, "write:lists", h.deleteList},
		{get, "/api/v1/lists/{id}/accounts", user, "read:lists", h.listAccounts},
		{post, "/api/v1/lists/{id}/accounts", user, "write:lists", h.addListAccounts},
		{del, "/api/v1/lists/{id}/accounts", user, "write:lists", h.removeListAccounts},
		{get, "/api/v1/markers", user, "read:statuses", h.getMarkers},
		{post, "/api/v1/markers", user, "write:statuses", h.saveMarkers},
		{get, "/api/v1/filters", user, "read:filters", h.filtersV1},
		{get, "/api/v2/filters", user, "read:filters", h.filtersV2},
		{post, "/api/v2/filters", user, "write:filters", h.createFilter},
		{get, "/api/v2/filters/keywords/{id}", user, "read:filters", h.showFilterKeyword},
		{put, "/api/v2/filters/keywords/{id}", user, "write:filters", h.updateFilterKeyword},
		{del, "/api/v2/filters/keywords/{id}", user, "write:filters", h.deleteFilterKeyword},
		{get, "/api/v2/filters/{id}", user, "read:filters", h.showFilter},
		{put, "/api/v2/filters/{id}", user, "write:filters", h.updateFilter},
		{del, "/api/v2/filters/{id}", user, "write:filters", h.deleteFilter},
		{get, "/api/v2/filters/{id}/keywords", user, "read:filters", h.filterKeywords},
		{post, "/api/v2/filters/{id}/keywords", user, "write:filters", h.addFilterKeyword},
		{get, "/api/v2/filters/{id}/statuses", user, "read:filters", h.filterStatuses},

		// Search.
		{get, "/api/v2/search", anyone, "read:search", h.search},

		// Not implemented yet: answered empty so clients show an empty screen, not an error.
		{get, "/api/v1/trends", anyone, "", h.emptyList},
		{get, "/api/v1/trends/tags", anyone, "", h.emptyList},
		{get, "/api/v1/trends/statuses", anyone, "", h.emptyList},
		{get, "/api/v1/trends/links", anyone, "", h.emptyList},
		{get, "/api/v1/suggestions", user, "read", h.emptyList},
		{get, "/api/v2/suggestions", user, "read", h.emptyList},
		{get, "/api/v1/followed_tags", user, "read:follows", h.emptyList},
		{get, "/api/v1/scheduled_statuses", user, "read:statuses", h.emptyList},

		// Guildhall's group API (docs/api.md). Fixed paths before /{id}.
		{get, "/api/guildhall/v1/directory", user, "read", h.expertiseDirectory},
		{get, "/api/guildhall/v1/groups", anyone, "read", h.groupDirectory},
		{post, "/api/guildhall/v1/groups", user, "write", h.createGroup},
		{get, "/api/guildhall/v1/groups/{id}", anyone, "read", h.showGroup},
		{patch, "/api/guildhall/v1/groups/{id}", user, "write", h.updateGroup},
		{post, "/api/guildhall/v1/groups/{id}/join", user, "write:follows", h.joinGroup},
		{post, "/api/guildhall/v1/groups/{id}/leave", user, "write:follows", h.leaveGroup},
		{get, "/api/guildhall/v1/groups/{id}/members", user, "read", h.groupMembers},
		{get, "/api/guildhall/v1/groups/{id}/requests", user, "read", h.groupRequests},
		{del, "/api/guildhall/v1/groups/{id}/members/{target}", user, "write", h.groupAction(removeMember)},
		{get, "/api/guildhall/v1/groups/{id}/invites", user, "read", h.groupInvites},
		{put, "/api/guildhall/v1/groups/{id}/invites/{target}", user, "write", h.groupAction(inviteMember)},
		{del, "/api/guildhall/v1/groups/{id}/invites/{target}", user, "write", h.groupAction(uninviteMember)},
		{post, "/api/guildhall/v1/groups/{id}/requests/{target}/approve", user, "write", h.groupAction(approveRequest)},
		{post, "/api/guildhall/v1/groups/{id}/requests/{target}/reject", user, "write", h.groupAction(rejectRequest)},
		{put, "/api/guildhall/v1/groups/{id}/moderators/{target}", user, "write", h.groupAction(addModerator)},
		{del, "/api/guildhall/v1/groups/{id}/moderators/{target}", user, "write", h.groupAction(removeModerator)},
		{put, "/api/guildhall/v1/groups/{id}/bans/{target}", user, "write", h.groupAction(banMember)},
		{del, "/api/guildhall/v1/groups/{id}/bans/{target}", user, "write", h.groupAction(unbanMember)},
		{get, "/api/guildhall/v1/groups/{id}/statuses", anyone, "read", h.groupStatuses},
		{post, "/api/guildhall/v1/groups/{id}/statuses", user, "write:statuses", h.postToGroup},
		{del, "/api/guildhall/v1/groups/{id}/statuses/{target}", user, "write", h.groupAction(removePost)},
		{post, "/api/guildhall/v1/groups/{id}/statuses/{target}/pin", user, "write", h.groupAction(pinPost)},
		{post, "/api/guildhall/v1/groups/{id}/statuses/{target}/unpin", user, "write", h.groupAction(unpinPost)},
		{post, "/api/guildhall/v1/groups/{id}/statuses/{target}/lock", user, "write", h.groupAction(lockPost)},
		{post, "/api/guildhall/v1/groups/{id}/statuses/{target}/unlock", user, "write", h.groupAction(unlockPost)},

		// Ideas (docs/api.md "Ideas"); votes are favourites.
		{get, "/api/guildhall/v1/ideas", anyone, "read", h.listIdeas},
		{post, "/api/guildhall/v1/ideas", user, "write:statuses", h.createIdea},
		{get, "/api/guildhall/v1/ideas/{id}", anyone, "read", h.showIdea},
		{post, "/api/guildhall/v1/ideas/{id}/status", user, "write:statuses", h.setIdeaStatus},
		{post, "/api/guildhall/v1/ideas/{id}/adopt", user, "write:statuses", h.adoptIdea},

		// The default avatar and header, for accounts without one.
		{get, "/avatars/original/missing.png", noAuth, "", h.missingImage},
		{get, "/headers/original/missing.png", noAuth, "", h.missingImage},
	}
}

// Routes registers the API on r, then a catch-all that answers unknown /api/ paths with a JSON
// 404 (and preflights for every API path): mount other /api/ handlers before calling Routes.
func (h *Handler) Routes(r *mux.Router) {
	switch {
	case h.hub != nil:
		h.hub.Routes(r)
	case h.opts.Streaming != nil:
		r.Handle("/api/v1/streaming", h.opts.Streaming)
		r.PathPrefix("/api/v1/streaming/").Handler(h.opts.Streaming)
	}
	if h.media != nil {
		h.media.Routes(r)
	}
	for _, rt := range append(append(h.routes(), h.governanceRoutes()...), h.questionRoutes()...) {
		methods := []string{rt.method}
		if rt.method == http.MethodGet {
			methods = append(methods, http.MethodHead)
		}
		r.Handle(rt.path, h.chain(rt)).Methods(methods...)
		if corsPath(rt.path) {
			r.Handle(rt.path, http.HandlerFunc(preflight)).Methods(http.MethodOptions)
		}
	}
	notFound := h.chain(route{auth: noAuth, handle: func(http.ResponseWriter, *http.Request, *call) error { return errNotFound }})
	r.PathPrefix("/api/").Methods(http.MethodOptions).HandlerFunc(preflight)
	r.PathPrefix("/api/").Handler(notFound)
}

// corsPath reports whether browsers on other origins may call path (Elk and Phanpy do).
func corsPath(path string) bool {
	return strings.HasPrefix(path, "/api/") || path == "/oauth/token" || path == "/oauth/revoke" ||
		path == "/.well-known/oauth-authorization-server"
}

func setCORS(w http.ResponseWriter) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Access-Control-Expose-Headers", "Link, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, X-Request-Id, Idempotency-Key")
}

// preflight answers a CORS preflight. No cookies are involved (Allow-Credentials is never set),
// so allowing every origin is safe: a bearer token has to be sent deliberately.
func preflight(w http.ResponseWriter, r *http.Request) {
	setCORS(w)
	w.Header().Set("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS")
	w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Idempotency-Key, Accept")
	w.Header().Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusNoContent)
}

// chain wraps a handler in what every API route needs: CORS, JSON errors, token
// authentication, scope check, rate limit and parameter decoding.
func (h *Handler) chain(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if corsPath(r.URL.Path) {
			setCORS(w)
		}
		w.Header().Set("Cache-Control", "no-store")
		if err := h.serve(w, r, rt); err != nil {
			h.writeError(w, r, err)
		}
	})
}

func (h *Handler) serve(w http.ResponseWriter, r *http.Request, rt route) error {
	c := &call{route: rt.path}
	var authErr error
	if rt.auth != noAuth {
		authErr = h.authenticate(r, c)
	}
	// Count before refusing anything, so a client hammering with a bad token is limited too.
	key := "ip:" + clientIP(r)
	if c.token != nil {
		key = "token:" + c.token.ID
	}
	hdr, allowed := h.limiter.hit(r.Context(), key, h.svc.Now())
	w.Header().Set("X-RateLimit-Limit", hdr[0])
	w.Header().Set("X-RateLimit-Remaining", hdr[1])
	w.Header().Set("X-RateLimit-Reset", hdr[2])
	if !allowed {
		return errTooMany
	}
	if authErr != nil {
		return authErr
	}
	if rt.auth != noAuth {
		switch {
		case rt.auth == user && c.account == nil && c.token == nil:
			return errNoToken
		case rt.auth == user && c.account == nil:
			return errNeedsUser
		case rt.auth == appToken && c.token == nil:
			return errNoToken
		}
		if rt.scope != "" && c.token != nil && !accounts.ScopeGranted(c.token.Scopes, rt.scope) {
			return errScope
		}
	}
	var err error
	if c.p, err = parseParams(r); err != nil {
		return err
	}
	err = rt.handle(w, r, c)
	h.forgetAfterWrite(r, c)
	return err
}

// authenticate resolves a bearer token (header, or access_token parameter as some clients send).
func (h *Handler) authenticate(r *http.Request, c *call) error {
	secret := ""
	if a := r.Header.Get("Authorization"); a != "" {
		scheme, rest, _ := strings.Cut(a, " ")
		if !strings.EqualFold(scheme, "Bearer") {
			return errNoToken
		}
		secret = strings.TrimSpace(rest)
	} else {
		secret = r.URL.Query().Get("access_token")
	}
	if secret == "" {
		return nil
	}
	t, acct, err := h.tokenAccount(r, secret)
	if err != nil {
		return err
	}
	c.token, c.account = t, acct
	return nil
}

// clientIP keys anonymous rate limits. The server's middleware decides which proxy headers to
// believe and rewrites RemoteAddr, so only RemoteAddr is read here.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func ok(w http.ResponseWriter, v any) error {
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (h *Handler) emptyList(w http.ResponseWriter, _ *http.Request, _ *call) error {
	return ok(w, []any{})
}

func pathID(r *http.Request) string { return mux.Vars(r)["id"] }
