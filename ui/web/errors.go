package web

import (
	"net/http"
	"unicode"
	"unicode/utf8"

	"github.com/guildhall/guildhall/activitypub"
)

// handlerFunc is a page handler. Returning an error hands it to adapt, which picks the status
// and the words; handlers never write error pages themselves.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

var (
	errNotFound = activitypub.E("web", activitypub.NotFound, "")
	errCSRF     = activitypub.E("web.csrf", activitypub.Forbidden,
		"the form expired or was forged; reload the page and try again")
)

// adapt turns a handlerFunc into an http.Handler that renders any error as a page.
func (h *Handler) adapt(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			h.renderError(w, r, err)
		}
	})
}

// statusFor maps a domain error kind to an HTTP status. Other (anything unexpected) is a 500.
func statusFor(k activitypub.Kind) int {
	switch k {
	case activitypub.NotFound:
		return http.StatusNotFound
	case activitypub.Forbidden:
		return http.StatusForbidden
	case activitypub.Invalid:
		return http.StatusUnprocessableEntity
	case activitypub.Conflict:
		return http.StatusConflict
	case activitypub.Gone:
		return http.StatusGone
	case activitypub.Unauthorized:
		return http.StatusUnauthorized
	case activitypub.RateLimited:
		return http.StatusTooManyRequests
	default:
		return http.StatusInternalServerError
	}
}

// errorTitles are the page headings; the domain's message, when there is one, goes underneath.
var errorTitles = map[int]string{
	http.StatusNotFound:            "Page not found",
	http.StatusForbidden:           "You cannot do that",
	http.StatusUnprocessableEntity: "There is a problem with what you sent",
	http.StatusConflict:            "That clashes with something that already exists",
	http.StatusGone:                "This has been deleted",
	http.StatusUnauthorized:        "Sign in to continue",
	http.StatusTooManyRequests:     "Too many attempts",
	http.StatusInternalServerError: "Sorry, there is a problem with the service",
}

var defaultMessages = map[int]string{
	http.StatusNotFound:            "If you typed the web address, check it is correct. If you pasted it, check you copied all of it.",
	http.StatusInternalServerError: "Try again later. If it keeps happening, tell your administrator and quote the reference below.",
}

// renderError writes the error page. Only Message (text the domain marked as safe) is shown, and
// never for internal errors, whose details go to the log instead.
func (h *Handler) renderError(w http.ResponseWriter, r *http.Request, err error) {
	kind := activitypub.KindOf(err)
	status := statusFor(kind)
	msg := activitypub.Message(err)
	v := view{Title: errorTitles[status]}
	if status >= 500 {
		v.RequestID = h.requestID(r.Context())
		h.log.ErrorContext(r.Context(), "web: request failed",
			"method", r.Method, "path", r.URL.Path, "request_id", v.RequestID, "err", err)
		msg = ""
	} else {
		h.log.DebugContext(r.Context(), "web: request refused",
			"method", r.Method, "path", r.URL.Path, "status", status, "err", err)
	}
	if msg == "" {
		msg = defaultMessages[status]
	}
	v.Message = sentence(msg)
	if rerr := h.render(w, r, status, "error", v); rerr != nil {
		h.log.ErrorContext(r.Context(), "web: error page failed", "err", rerr)
		http.Error(w, http.StatusText(status), status)
	}
}

// sentence capitalises the first letter: the domain writes messages in lower case so they can be
// embedded in other text, while a page shows them on their own.
func sentence(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
