package storage

import (
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"syscall"

	"github.com/lib/pq"

	"github.com/guildhall/guildhall/activitypub"
)

// unavailable turns an error that means "the database cannot be reached right now" into the
// domain's Unavailable kind, which every surface answers with 503 and Retry-After: the request was
// not carried out and may be retried as it is. Anything else is returned unchanged.
//
// It must run before anything classifies the error by its type: a refused connection is a
// *net.OpError, and the inbox treats network errors as the remote's fault (ignored with 202), which
// would accept an activity and then lose it.
func unavailable(op string, err error) error {
	if err == nil || !isUnavailable(err) || activitypub.KindOf(err) == activitypub.Unavailable {
		return err
	}
	return &activitypub.Error{Op: op, Kind: activitypub.Unavailable, Msg: "database unavailable", Err: err}
}

// isUnavailable reports connection-level failures: no server to connect to, a connection cut
// (PostgreSQL shutting down or restarting), too many connections. Query errors are not.
func isUnavailable(err error) bool {
	var pe *pq.Error
	if errors.As(err, &pe) {
		switch {
		case pe.Code.Class() == "08": // connection_exception
			return true
		case pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03": // admin/crash shutdown, cannot connect now
			return true
		case pe.Code == "53300": // too_many_connections
			return true
		}
		return false
	}
	var ne net.Error
	var oe *net.OpError
	switch {
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return true
	case errors.As(err, &oe), errors.As(err, &ne):
		// The store talks to nothing but its database.
		return true
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		// lib/pq reports a connection closed under a query as EOF.
		return true
	}
	return false
}
