package storage

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"

	"github.com/lib/pq"

	"github.com/guildhall/guildhall/activitypub"
)

// TestUnavailableKind: connection-level failures become Unavailable (503 with Retry-After at every
// surface), while what the query itself got wrong keeps its own kind. The end-to-end behaviour,
// with a real PostgreSQL stopped mid-load, is cmd/instance TestPostgresRestartMidLoad.
func TestUnavailableKind(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{}}
	tests := []struct {
		name string
		err  error
		want activitypub.Kind
	}{
		{"connection refused", fmt.Errorf("dial: %w", syscall.ECONNREFUSED), activitypub.Unavailable},
		{"net.OpError", refused, activitypub.Unavailable},
		{"bad connection", driver.ErrBadConn, activitypub.Unavailable},
		{"admin shutdown", &pq.Error{Code: "57P01"}, activitypub.Unavailable},
		{"cannot connect now", &pq.Error{Code: "57P03"}, activitypub.Unavailable},
		{"connection failure class", &pq.Error{Code: "08006"}, activitypub.Unavailable},
		{"too many connections", &pq.Error{Code: "53300"}, activitypub.Unavailable},
		{"no rows", sql.ErrNoRows, activitypub.NotFound},
		{"unique violation", &pq.Error{Code: "23505", Constraint: "users_email"}, activitypub.Conflict},
		{"syntax error", &pq.Error{Code: "42601"}, activitypub.Other},
		{"plain error", errors.New("boom"), activitypub.Other},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := activitypub.KindOf(mapErr("op", tt.err)); got != tt.want {
				t.Errorf("mapErr: kind %v, want %v", got, tt.want)
			}
			if tt.want == activitypub.Unavailable && activitypub.KindOf(unavailable("op", tt.err)) != activitypub.Unavailable {
				t.Errorf("unavailable() missed it")
			}
		})
	}
}
