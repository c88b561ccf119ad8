package mastoapi_test

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"testing"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// BenchmarkHomeTimeline reads a page of 20 from a home timeline fed by 100 followed accounts
// with 1,000 statuses, over HTTP, and reports requests per second and latency percentiles.
func BenchmarkHomeTimeline(b *testing.B) {
	storagetest.ForEachB(b, func(b *testing.B, st *storage.Store) {
		e := newEnv(b, st)
		reader := e.user("reader")
		tok := e.token(reader)
		for i := range 100 {
			a := e.user(fmt.Sprintf("author%03d", i))
			if _, err := e.svc.Follow(e.ctx, reader, a.Actor.ID, true, false); err != nil {
				b.Fatal(err)
			}
			for j := range 10 {
				if _, err := e.svc.Post(e.ctx, a, ap.PostInput{Text: fmt.Sprintf("status %d of %s #bench", j, a.Actor.Username)}); err != nil {
					b.Fatal(err)
				}
			}
		}
		req := func() {
			r, err := http.NewRequest("GET", e.base+"/api/v1/timelines/home?limit=20", nil)
			if err != nil {
				b.Fatal(err)
			}
			r.Header.Set("Authorization", "Bearer "+tok)
			res, err := http.DefaultClient.Do(r)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 200 {
				b.Fatalf("status %d", res.StatusCode)
			}
		}
		req() // caches the token
		q0 := st.Statements()
		measure(b, req)
		b.ReportMetric(float64(st.Statements()-q0)/float64(b.N), "statements/op")
	})
}

// BenchmarkCreateStatus posts over HTTP (JSON body), rendering, fan-out to 10 local followers
// and outbox included.
func BenchmarkCreateStatus(b *testing.B) {
	storagetest.ForEachB(b, func(b *testing.B, st *storage.Store) {
		e := newEnv(b, st)
		author := e.user("author")
		for i := range 10 {
			f := e.user(fmt.Sprintf("follower%02d", i))
			if _, err := e.svc.Follow(e.ctx, f, author.Actor.ID, true, false); err != nil {
				b.Fatal(err)
			}
		}
		tok := e.token(author)
		n := 0
		measure(b, func() {
			n++
			r := e.do("POST", "/api/v1/statuses", tok, jsonBody{"status": fmt.Sprintf("Council meeting minutes %d #minutes https://council.test/m/%d", n, n)})
			if r.status != 200 {
				b.Fatalf("status %d: %s", r.status, r.body)
			}
		})
	})
}

// measure runs fn b.N times and reports req/s, p50 and p99.
func measure(b *testing.B, fn func()) {
	b.Helper()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		t0 := time.Now()
		fn()
		lat = append(lat, time.Since(t0))
	}
	total := time.Since(start)
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(b.N)/total.Seconds(), "req/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[(len(lat)*99)/100].Microseconds()), "p99-µs")
}
