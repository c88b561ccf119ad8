package streaming

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
)

// httpError is a refusal answered before any stream opens.
type httpError struct {
	status int
	msg    string
}

// credentials finds the access token: an Authorization bearer header, the access_token query
// parameter (Tusky, Mastodon's legacy form), or the Sec-WebSocket-Protocol header, which is how
// masto.js (Elk, Phanpy) sends it because browsers cannot set headers on a WebSocket. protocol is
// the offered subprotocol, which must be echoed or browsers abort the handshake.
func credentials(r *http.Request) (secret, protocol string) {
	if p := r.Header.Get("Sec-WebSocket-Protocol"); p != "" {
		protocol, _, _ = strings.Cut(p, ",")
		protocol = strings.TrimSpace(protocol)
	}
	if scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Bearer") {
		return strings.TrimSpace(tok), protocol
	}
	if tok := r.URL.Query().Get("access_token"); tok != "" {
		return tok, protocol
	}
	return protocol, protocol
}

// authenticate resolves the token to a signed-in account allowed to read statuses or
// notifications. Streams need a person: an application's own token has nobody to render for.
func (h *Hub) authenticate(ctx context.Context, secret string) (*activitypub.OAuthToken, *activitypub.Account, *httpError) {
	if secret == "" {
		return nil, nil, &httpError{http.StatusUnauthorized, "Missing access token"}
	}
	tok, acct, err := h.tokens.TokenAccount(ctx, secret)
	switch {
	case activitypub.KindOf(err) == activitypub.Unauthorized:
		return nil, nil, &httpError{http.StatusUnauthorized, activitypub.Message(err)}
	case err != nil:
		h.log.Error("streaming: resolving a token", "err", err)
		return nil, nil, &httpError{http.StatusInternalServerError, "Internal server error"}
	case acct == nil:
		return nil, nil, &httpError{http.StatusUnauthorized, "This method requires an authenticated user"}
	case !accounts.ScopeGranted(tok.Scopes, "read:statuses") && !accounts.ScopeGranted(tok.Scopes, "read:notifications"):
		return nil, nil, &httpError{http.StatusUnauthorized, "Access token does not have the required scopes"}
	}
	return tok, acct, nil
}

// writeError answers with Mastodon's error shape, {"error": "..."}.
func writeError(w http.ResponseWriter, e *httpError) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(e.status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": e.msg})
}

// subscribeFirst applies the stream named in the URL (?stream=, or the SSE path) before the
// response starts, so a bad request is still answered with a proper status code.
func subscribeFirst(ctx context.Context, c *client, name string, q map[string][]string) *httpError {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	s, err := parseStream(name, get("tag"), get("list"))
	if err == nil {
		err = c.subscribe(ctx, s)
	}
	if err != nil {
		return &httpError{err.status, err.msg}
	}
	return nil
}
