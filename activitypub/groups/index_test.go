package groups

import (
	"context"
	"errors"
	"testing"
	"time"
)

// The index reads the store once per TTL, again at once after invalidate, and again after
// expiry; a failed load is reported and not cached.
func TestIndexReloads(t *testing.T) {
	var (
		loads int
		refs  []Ref
		fail  error
	)
	x := newIndex(func(context.Context) ([]Ref, error) {
		loads++
		return refs, fail
	})
	clock := time.Unix(1_000_000, 0)
	x.now = func() time.Time { return clock }
	ctx := context.Background()
	has := func(uri string) bool {
		t.Helper()
		uris, _, err := x.current(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return uris[uri]
	}
	const g1 = "https://hall.test/users/planning"

	steps := []struct {
		name      string
		do        func()
		want      bool
		wantLoads int
	}{
		{"first use loads", func() {}, false, 1},
		{"cached within the TTL", func() { refs = []Ref{{ID: "1", URI: g1}} }, false, 1},
		{"invalidate reloads", x.invalidate, true, 2},
		{"still cached", func() { refs = nil }, true, 2},
		{"expiry reloads", func() { clock = clock.Add(IndexTTL) }, false, 3},
	}
	for _, s := range steps {
		s.do()
		if got := has(g1); got != s.want || loads != s.wantLoads {
			t.Fatalf("%s: has=%v loads=%d, want %v and %d", s.name, got, loads, s.want, s.wantLoads)
		}
	}

	x.invalidate()
	fail = errors.New("database down")
	if _, _, err := x.current(ctx); err == nil {
		t.Fatal("a failed load was not reported")
	}
	fail, refs = nil, []Ref{{ID: "1", URI: g1}}
	if !has(g1) {
		t.Fatal("the failed load was cached")
	}
}
