package storage

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/lib/pq"
	"modernc.org/sqlite"

	"github.com/guildhall/guildhall/activitypub"
)

// SQLite result codes: https://sqlite.org/rescode.html
const (
	sqliteConstraintForeignKey = 787
	sqliteConstraintPrimaryKey = 1555
	sqliteConstraintUnique     = 2067
)

// conflicts names, for a violated constraint, what clashed, in words safe to show. Keys are matched
// against PostgreSQL constraint names and SQLite's "table.column" / "index 'name'" text.
var conflicts = []struct{ match, msg string }{
	{"users_email", "email already taken"},
	{"users.email", "email already taken"},
	{"users_pkey", "user already exists"},
	{"users.actor_id", "user already exists"},
	{"actors_username", "username already taken"},
	{"actors_uri", "actor already known"},
	{"actors.uri", "actor already known"},
	{"actors_pkey", "actor already exists"},
	{"actors.id", "actor already exists"},
	{"follows_uri", "follow already known"},
	{"follows.uri", "follow already known"},
	{"follows", "already following"},
	{"blocks", "already blocked"},
	{"statuses_uri", "status already known"},
	{"statuses.uri", "status already known"},
	{"statuses", "status already exists"},
	{"favourites", "already favourited"},
	{"bookmarks", "already bookmarked"},
	{"sessions", "session already exists"},
	{"oauth_apps", "client already registered"},
	{"oauth_codes", "code already issued"},
	{"oauth_tokens", "token already issued"},
	{"outbox", "activity already queued"},
	{"deliveries", "delivery already queued"},
	{"status_edits", "edit already recorded"},
}

// mapErr turns a driver error into the domain's: no rows → NotFound, unique violation →
// Conflict naming what clashed, anything else wrapped with the operation. what is the thing
// looked up, for the NotFound message ("status").
func mapErr(op string, err error, what ...string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		thing := "record"
		if len(what) > 0 {
			thing = what[0]
		}
		return activitypub.E(op, activitypub.NotFound, thing+" not found")
	}
	if ok, name := uniqueViolation(err); ok {
		msg := "already exists"
		for _, c := range conflicts {
			if strings.Contains(name, c.match) {
				msg = c.msg
				break
			}
		}
		return &activitypub.Error{Op: op, Kind: activitypub.Conflict, Msg: msg, Err: err}
	}
	if err := unavailable(op, err); activitypub.KindOf(err) == activitypub.Unavailable {
		return err
	}
	if foreignKeyViolation(err) {
		// A row points at something that is not there: the caller named an unknown actor or status.
		return &activitypub.Error{Op: op, Kind: activitypub.Invalid, Msg: "refers to a record that does not exist", Err: err}
	}
	if activitypub.KindOf(err) != activitypub.Other {
		return activitypub.Wrap(op, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// notFound is the NotFound error for a write that touched no row.
func notFound(op, what string) error {
	return activitypub.E(op, activitypub.NotFound, what+" not found")
}

// uniqueViolation reports whether err is a unique-constraint violation, and the constraint (or
// the columns) it names.
func uniqueViolation(err error) (bool, string) {
	var pe *pq.Error
	if errors.As(err, &pe) {
		return pe.Code == "23505", pe.Constraint
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false, ""
	}
	msg := se.Error()
	if se.Code() != sqliteConstraintUnique && se.Code() != sqliteConstraintPrimaryKey &&
		!strings.Contains(msg, "UNIQUE constraint failed") {
		return false, ""
	}
	// "UNIQUE constraint failed: users.email (2067)"; expression indexes say "index 'users_email'".
	if i := strings.Index(msg, "constraint failed: "); i >= 0 {
		name := msg[i+len("constraint failed: "):]
		if j := strings.Index(name, " ("); j >= 0 {
			name = name[:j]
		}
		return true, strings.Trim(strings.TrimPrefix(name, "index "), "'")
	}
	return true, ""
}

func foreignKeyViolation(err error) bool {
	var pe *pq.Error
	if errors.As(err, &pe) {
		return pe.Code == "23503"
	}
	var se *sqlite.Error
	return errors.As(err, &se) && (se.Code() == sqliteConstraintForeignKey ||
		strings.Contains(se.Error(), "FOREIGN KEY constraint failed"))
}
