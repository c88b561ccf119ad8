package mastoapi

import (
	"errors"
	"net/http"

	"github.com/guildhall/guildhall/activitypub"
)

// apiError is an error with its own HTTP status, for conditions the domain does not know about
// (a missing token, a scope, an OAuth error code).
type apiError struct {
	status int
	msg    string
	code   string // OAuth error code ("invalid_grant"); the body's "error" when set
}

func (e *apiError) Error() string { return e.msg }

func errStatus(status int, msg string) error { return &apiError{status: status, msg: msg} }

var (
	errNotFound  = errStatus(http.StatusNotFound, "Record not found")
	errNoToken   = errStatus(http.StatusUnauthorized, "The access token is invalid")
	errScope     = errStatus(http.StatusForbidden, "This action is outside the authorized scopes")
	errNeedsUser = errStatus(http.StatusUnprocessableEntity, "This method requires an authenticated user")
	errTooMany   = errStatus(http.StatusTooManyRequests, "Too many requests")
)

// retryAfterSeconds is what a 503 tells clients to wait: PostgreSQL restarts take seconds.
const retryAfterSeconds = "5"

// statusOf maps an error to its HTTP status and a message safe to show, in one place.
func statusOf(err error) (int, string, string) {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.status, ae.msg, ae.code
	}
	// Storage faults are the operator's to fix, not the client's: say so, and that a retry may work.
	switch {
	case errors.Is(err, activitypub.ErrStorageFull):
		return http.StatusInsufficientStorage, "The server has no room left for files: try again later, or tell your administrator", ""
	case errors.Is(err, activitypub.ErrStorageUnavailable):
		return http.StatusServiceUnavailable, "Files cannot be stored at the moment: try again later, or tell your administrator", ""
	}
	msg := activitypub.Message(err)
	switch activitypub.KindOf(err) {
	case activitypub.NotFound:
		if msg == "" {
			msg = "Record not found"
		}
		return http.StatusNotFound, msg, ""
	case activitypub.Forbidden:
		if msg == "" {
			msg = "This action is not allowed"
		}
		return http.StatusForbidden, msg, ""
	case activitypub.Invalid, activitypub.Conflict:
		if msg == "" {
			msg = "Validation failed"
		}
		return http.StatusUnprocessableEntity, msg, ""
	case activitypub.Gone:
		return http.StatusGone, "Record not found", ""
	case activitypub.Unauthorized:
		if msg == "" {
			msg = "The access token is invalid"
		}
		return http.StatusUnauthorized, msg, ""
	case activitypub.RateLimited:
		return http.StatusTooManyRequests, "Too many requests", ""
	case activitypub.Unavailable:
		return http.StatusServiceUnavailable, "Service temporarily unavailable, try again shortly", ""
	}
	return http.StatusInternalServerError, "Internal server error", ""
}

// writeError answers {"error": ...} with the mapped status; internal errors are logged, not shown.
func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, msg, code := statusOf(err)
	if status >= 500 {
		h.log.ErrorContext(r.Context(), "mastoapi", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	body := map[string]string{"error": msg}
	if code != "" {
		body = map[string]string{"error": code, "error_description": msg}
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="Guildhall", error="invalid_token"`)
	}
	if status == http.StatusServiceUnavailable {
		// Nothing was done: the client may repeat the request as it is.
		w.Header().Set("Retry-After", retryAfterSeconds)
	}
	writeJSON(w, status, body)
}
