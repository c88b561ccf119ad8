package httpsig

import "errors"

// Sentinel causes, matched with errors.Is on the *Error returned by Verify.
var (
	// ErrUnsigned: the request carries no signature at all. Public
	// endpoints may serve it anonymously; the inbox answers 401.
	ErrUnsigned = errors.New("httpsig: request not signed")
	// ErrKeyUnavailable: the KeyResolver failed. The resolver's own error is
	// wrapped beside it so the caller can tell a gone remote key (401) from a
	// local failure (500).
	ErrKeyUnavailable = errors.New("httpsig: signing key unavailable")
	// ErrInvalid: the signature is present but malformed, too weak, stale or
	// does not verify.
	ErrInvalid = errors.New("httpsig: invalid signature")
)

// Error is the only error type Verify returns. Error() is Reason alone, which
// never contains local details, so it can be sent back to the remote server
// in the 401 body; log Err for the full story.
type Error struct {
	Reason string
	Err    error
}

func (e *Error) Error() string { return e.Reason }

func (e *Error) Unwrap() error { return e.Err }

// invalid builds a refusal whose cause is ErrInvalid.
func invalid(reason string) *Error {
	return &Error{Reason: reason, Err: ErrInvalid}
}
