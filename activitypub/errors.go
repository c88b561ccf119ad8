package activitypub

import (
	"errors"
	"fmt"
)

// Kind classifies a domain error so each surface (HTML, Mastodon API, inbox) can map it to its own
// status code without knowing where the error came from. The set is closed on purpose.
type Kind int

// The error kinds. Other is an internal failure: callers must not show its details.
const (
	Other        Kind = iota
	NotFound          // the thing does not exist or the caller may not know it exists
	Forbidden         // it exists but the caller may not do this
	Invalid           // the input is wrong; the message says how
	Conflict          // the action clashes with existing state (duplicate username...)
	Gone              // it existed and was deleted
	Unauthorized      // the caller is not who it claims (bad credentials, bad signature)
	RateLimited       // too many attempts; try later
	Unavailable       // a dependency (the database) cannot be reached; nothing was done, retry shortly
)

func (k Kind) String() string {
	switch k {
	case NotFound:
		return "not found"
	case Forbidden:
		return "forbidden"
	case Invalid:
		return "invalid"
	case Conflict:
		return "conflict"
	case Gone:
		return "gone"
	case Unauthorized:
		return "unauthorized"
	case RateLimited:
		return "rate limited"
	case Unavailable:
		return "unavailable"
	default:
		return "internal error"
	}
}

// Error is the domain's error: an operation, a kind and a message that is safe to show to the
// person or server that caused it. Err keeps the underlying cause for logs.
type Error struct {
	Op   string
	Kind Kind
	Msg  string
	Err  error
}

// Error renders the op chain once and the kind or message once: a wrapper that adds no message of
// its own (or repeats its cause's) prints only its op, as upspin's errors.E does, so a three-deep
// chain reads "a: b: c: actor not found", not the message three times.
func (e *Error) Error() string {
	msg := e.Msg
	var inner *Error
	if errors.As(e.Err, &inner) && inner.Kind == e.Kind && (msg == "" || msg == inner.Msg) {
		msg = ""
	}
	switch {
	case msg != "" && e.Err != nil:
		return fmt.Sprintf("%s: %s: %v", e.Op, msg, e.Err)
	case msg != "":
		return fmt.Sprintf("%s: %s", e.Op, msg)
	case e.Err != nil:
		return fmt.Sprintf("%s: %v", e.Op, e.Err)
	default:
		return fmt.Sprintf("%s: %s", e.Op, e.Kind)
	}
}

func (e *Error) Unwrap() error { return e.Err }

// E builds an Error. A kind of Other with a nil cause is a programming error and panics in tests only
// through the caller's own assertions; we keep it permissive here.
func E(op string, kind Kind, msg string) error { return &Error{Op: op, Kind: kind, Msg: msg} }

// Wrap adds an operation to err, keeping its kind; the message stays with the cause (Message
// finds it there), so it is said once however deep the chain. Nil stays nil.
func Wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var de *Error
	if errors.As(err, &de) {
		return &Error{Op: op, Kind: de.Kind, Err: err}
	}
	return &Error{Op: op, Kind: Other, Err: err}
}

// KindOf reports the kind of the first domain Error in err's chain; Other when there is none.
func KindOf(err error) Kind {
	var de *Error
	if errors.As(err, &de) {
		return de.Kind
	}
	return Other
}

// Message is the text of the first domain Error in err's chain that is safe to show, or "" when
// the error is internal.
func Message(err error) string {
	var de *Error
	for errors.As(err, &de) {
		if de.Msg != "" {
			return de.Msg
		}
		err = de.Err
		if err == nil {
			break
		}
	}
	return ""
}

// IsNotFound reports whether err is of kind NotFound.
func IsNotFound(err error) bool { return KindOf(err) == NotFound }
