package activitypub

import (
	"strings"
	"testing"
	"time"
)

func TestIDsAreSortableAndMonotonic(t *testing.T) {
	var g IDs
	now := time.Date(2026, 11, 26, 5, 0, 0, 0, time.UTC)
	prev := g.New(now)
	for i := 0; i < 10000; i++ {
		id := g.New(now) // same millisecond: must still increase
		if id <= prev {
			t.Fatalf("id %s not after %s", id, prev)
		}
		prev = id
	}
	later := g.New(now.Add(time.Millisecond))
	if later <= prev {
		t.Fatalf("next millisecond's id %s not after %s", later, prev)
	}
	if earlier := g.New(now.Add(-time.Hour)); earlier <= later {
		t.Fatalf("a clock step back produced %s, not after %s", earlier, later)
	}
	if len(prev) != 26 || strings.Trim(prev, crockford) != "" {
		t.Fatalf("%q is not a 26-character Crockford base32 ULID", prev)
	}
	// The timestamp part is the ULID of the spec: 2026 ids start with 01M.
	if !strings.HasPrefix(prev, "01M") {
		t.Fatalf("id %s does not encode 2026 as the ULID spec does", prev)
	}
	if at := IDAt(now); at > g.New(now) || at <= IDAt(now.Add(-time.Millisecond)) {
		t.Fatalf("IDAt(%v) = %s does not bound ids of that time", now, at)
	}
}
