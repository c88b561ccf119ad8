package fetch

import (
	"errors"
	"fmt"
	"net/http"
)

var (
	// ErrForbiddenAddress: the connection would reach a non-public address.
	ErrForbiddenAddress = errors.New("fetch: dial to a forbidden (non-public) address")
	// ErrForbiddenScheme: a URL or redirect used something other than
	// http(s), downgraded https to http, or carried credentials.
	ErrForbiddenScheme = errors.New("fetch: forbidden URL")
	// ErrHostRefused: federation policy does not allow the host (a blocked domain), on the
	// first request or any redirect hop. It matches ErrForbiddenAddress too, so callers that
	// treat "our policy, not the remote's fault" alike need no new case.
	ErrHostRefused = fmt.Errorf("%w: host refused by federation policy", ErrForbiddenAddress)
	// ErrTooManyRedirects: more than Options.MaxRedirects redirects.
	ErrTooManyRedirects = errors.New("fetch: too many redirects")
	// ErrTooLarge: the response body exceeded Options.MaxBody.
	ErrTooLarge = errors.New("fetch: response body too large")
	// ErrContentType: the response is not an ActivityStreams document.
	ErrContentType = errors.New("fetch: not an ActivityStreams content type")
	// ErrIDMismatch: the document's id is not the URL it was fetched from.
	ErrIDMismatch = errors.New("fetch: document id does not match the URL fetched")
	// ErrNotFound and ErrGone match a *StatusError for 404 and 410.
	ErrNotFound = errors.New("fetch: not found")
	ErrGone     = errors.New("fetch: gone")
)

// StatusError is a non-2xx answer. errors.Is(err, ErrNotFound) and
// errors.Is(err, ErrGone) hold for 404 and 410.
type StatusError struct {
	Code int
	URL  string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("fetch: %s answered %d %s", e.URL, e.Code, http.StatusText(e.Code))
}

func (e *StatusError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.Code == http.StatusNotFound
	case ErrGone:
		return e.Code == http.StatusGone
	}
	return false
}
