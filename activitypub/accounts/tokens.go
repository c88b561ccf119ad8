package accounts

import (
	"context"
	"strings"

	"github.com/guildhall/guildhall/activitypub"
)

// knownScopes are Mastodon's OAuth scopes. A child scope ("read:statuses") is granted by its
// parent ("read"); "follow" is the legacy scope that grants the follow-related children.
var knownScopes = map[string]bool{
	"read": true, "write": true, "follow": true, "push": true, "profile": true,
	"admin:read": true, "admin:write": true,
}

var scopeChildren = map[string][]string{
	"read": {"accounts", "blocks", "bookmarks", "favourites", "filters", "follows", "lists",
		"mutes", "notifications", "search", "statuses"},
	"write": {"accounts", "blocks", "bookmarks", "conversations", "favourites", "filters",
		"follows", "lists", "media", "mutes", "notifications", "reports", "statuses"},
	"admin:read":  {"accounts", "reports", "domain_blocks", "domain_allows"},
	"admin:write": {"accounts", "reports", "domain_blocks", "domain_allows"},
}

func init() {
	for parent, kids := range scopeChildren {
		for _, k := range kids {
			knownScopes[parent+":"+k] = true
		}
	}
}

// ParseScopes splits a space- or plus-separated scope string and checks every scope is known.
// An empty string means "read", as in Mastodon.
func ParseScopes(raw string) ([]string, error) {
	const op = "activitypub.ParseScopes"
	fields := strings.FieldsFunc(raw, func(r rune) bool { return r == ' ' || r == '+' || r == ',' })
	if len(fields) == 0 {
		return []string{"read"}, nil
	}
	seen := map[string]bool{}
	var out []string
	for _, f := range fields {
		if !knownScopes[f] {
			return nil, activitypub.E(op, activitypub.Invalid, "unknown scope "+f)
		}
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out, nil
}

// ScopeGranted reports whether the granted scopes allow required (e.g. "write:statuses").
func ScopeGranted(granted []string, required string) bool {
	parent, _, _ := strings.Cut(required, ":")
	if strings.HasPrefix(required, "admin:") {
		parent = strings.Join(strings.SplitN(required, ":", 3)[:2], ":")
	}
	for _, g := range granted {
		if g == required || g == parent {
			return true
		}
		if g == "follow" && (required == "read:follows" || required == "write:follows" ||
			required == "read:blocks" || required == "write:blocks" ||
			required == "read:mutes" || required == "write:mutes") {
			return true
		}
	}
	return false
}

// SubsetOf reports whether every scope in want is granted by have.
func SubsetOf(want, have []string) bool {
	for _, w := range want {
		if !ScopeGranted(have, w) {
			return false
		}
	}
	return true
}

// IssueToken creates an access token for a local user (appID may be "" for tokens made on the
// command line) and returns the secret; only its hash is stored.
func (s *Accounts) IssueToken(ctx context.Context, userID, appID string, scopes []string) (string, *activitypub.OAuthToken, error) {
	const op = "activitypub.IssueToken"
	if len(scopes) == 0 {
		return "", nil, activitypub.E(op, activitypub.Invalid, "at least one scope is required")
	}
	secret := NewSecret()
	t := &activitypub.OAuthToken{
		ID: s.svc.NewID(), TokenHash: HashSecret(secret), AppID: appID, UserID: userID,
		Scopes: scopes, CreatedAt: s.svc.Now(),
	}
	if err := s.store.CreateToken(ctx, t); err != nil {
		return "", nil, activitypub.Wrap(op, err)
	}
	return secret, t, nil
}

// TokenAccount resolves a bearer token. A client-credentials token has no account (nil).
func (s *Accounts) TokenAccount(ctx context.Context, secret string) (*activitypub.OAuthToken, *activitypub.Account, error) {
	const op = "activitypub.TokenAccount"
	t, err := s.store.TokenByHash(ctx, HashSecret(secret))
	if err != nil {
		if activitypub.IsNotFound(err) {
			return nil, nil, activitypub.E(op, activitypub.Unauthorized, "The access token is invalid")
		}
		return nil, nil, activitypub.Wrap(op, err)
	}
	if t.RevokedAt != nil {
		return nil, nil, activitypub.E(op, activitypub.Unauthorized, "The access token was revoked")
	}
	if t.UserID == "" {
		return t, nil, nil
	}
	acct, err := s.svc.AccountByActorID(ctx, t.UserID)
	if err != nil {
		return nil, nil, activitypub.Wrap(op, err)
	}
	if acct.User.DisabledAt != nil || acct.Actor.SuspendedAt != nil {
		return nil, nil, activitypub.E(op, activitypub.Unauthorized, "Your login is currently disabled")
	}
	if err := signInRefusal(op, &acct.User); err != nil {
		return nil, nil, err
	}
	return t, acct, nil
}
