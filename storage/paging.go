package storage

import (
	"slices"
	"strconv"

	"github.com/guildhall/guildhall/activitypub"
)

// defaultLimit applies when a caller passes no limit; the domain clamps to its own maximum.
const defaultLimit = 20

// keyset is a page as SQL: extra conditions on the id column, the ORDER BY and LIMIT tail, and
// whether rows come back oldest first and must be reversed (min_id pages).
type keyset struct {
	cond string // " AND col < ?" ..., or ""
	args []any
	tail string
	asc  bool
}

// pageBy turns p into keyset conditions on col. Results are always newest first: MaxID gives
// items older than it, SinceID the newest items newer than it, MinID the items immediately newer
// than it (read oldest first from MinID, then reversed). Never OFFSET.
func pageBy(col string, p activitypub.Page) keyset {
	var k keyset
	if p.MaxID != "" {
		k.cond += " AND " + col + " < ?"
		k.args = append(k.args, p.MaxID)
	}
	if p.SinceID != "" {
		k.cond += " AND " + col + " > ?"
		k.args = append(k.args, p.SinceID)
	}
	if p.MinID != "" {
		k.cond += " AND " + col + " > ?"
		k.args = append(k.args, p.MinID)
		k.asc = true
	}
	limit := p.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	dir := " DESC"
	if k.asc {
		dir = " ASC"
	}
	k.tail = " ORDER BY " + col + dir + " LIMIT " + strconv.Itoa(limit)
	return k
}

// order puts rows fetched for k newest first.
func order[T any](k keyset, rows []T) []T {
	if k.asc {
		slices.Reverse(rows)
	}
	return rows
}

func limitOr(n int) int {
	if n <= 0 {
		return defaultLimit
	}
	return n
}
