package inbox_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/guildhall/guildhall/federation/httpsig"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// BenchmarkInboxCreateNote measures a signed Create{Note} POST over HTTP through signature
// verification (key cached), parsing, the origin checks and the store, on each engine. Compare
// with federation/httpsig's raw RSA verify benchmark for the cost of everything but the crypto.
func BenchmarkInboxCreateNote(b *testing.B) {
	storagetest.ForEachB(b, func(b *testing.B, s *storage.Store) {
		e := newEnv(b, s, "remote.test")
		alice := e.localUser("alice", false)
		bob := e.remote("remote.test").addActor(b, "bob")
		e.expect(http.StatusAccepted, "/users/alice/inbox", bob, follow(bob, bob.ID+"#follows/1", alice.Actor.URI))
		b.ReportAllocs()
		b.ResetTimer()
		q0 := s.Statements()
		for i := 0; b.Loop(); i++ {
			n := note(fmt.Sprintf("%s/statuses/b%d", bob.ID, i), bob.ID, "<p>Bench <b>note</b></p>", []string{public}, []string{bob.ID + "/followers"}, nil)
			raw := must(jsonMarshal(create(bob, n)))
			req := must(http.NewRequest(http.MethodPost, e.inbox.URL+"/inbox", bytes.NewReader(raw)))
			req.Host = localHost
			req.Header.Set("Content-Type", "application/activity+json")
			if err := httpsig.Sign(req, raw, bob.KeyID, bob.Key, e.now); err != nil {
				b.Fatal(err)
			}
			resp, err := e.client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusAccepted {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "activities/s")
		b.ReportMetric(float64(s.Statements()-q0)/float64(b.N), "statements/op")
	})
}

// BenchmarkInboxCreateNoteParallel is BenchmarkInboxCreateNote from 16 concurrent senders (8 per
// core), the load under which SQLite's single writer queues and group commit shares commits. The
// requests are signed before the timer starts, as apbench's -presign does, so that the client's
// RSA signing does not take the server's two cores; verification stays in the measurement.
func BenchmarkInboxCreateNoteParallel(b *testing.B) {
	storagetest.ForEachB(b, func(b *testing.B, s *storage.Store) {
		e := newEnv(b, s, "remote.test")
		alice := e.localUser("alice", false)
		bob := e.remote("remote.test").addActor(b, "bob")
		e.expect(http.StatusAccepted, "/users/alice/inbox", bob, follow(bob, bob.ID+"#follows/1", alice.Actor.URI))
		tr := e.client.Transport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 64
		client := &http.Client{Transport: tr}
		b.Cleanup(client.CloseIdleConnections)
		round := 0
		b.Run("c16", func(b *testing.B) {
			round++
			type signed struct {
				raw []byte
				hdr http.Header
			}
			reqs := make([]signed, b.N)
			for i := range reqs {
				n := note(fmt.Sprintf("%s/statuses/p%d-%d", bob.ID, round, i), bob.ID, "<p>Bench <b>note</b></p>", []string{public}, []string{bob.ID + "/followers"}, nil)
				raw := must(jsonMarshal(create(bob, n)))
				req := must(http.NewRequest(http.MethodPost, e.inbox.URL+"/inbox", bytes.NewReader(raw)))
				req.Header.Set("Content-Type", "application/activity+json")
				req.Host = localHost
				if err := httpsig.Sign(req, raw, bob.KeyID, bob.Key, e.now); err != nil {
					b.Fatal(err)
				}
				reqs[i] = signed{raw, req.Header}
			}
			var (
				next atomic.Int64
				mu   sync.Mutex
				lat  = make([]time.Duration, 0, b.N)
			)
			b.SetParallelism(8)
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				var mine []time.Duration
				for pb.Next() {
					r := reqs[next.Add(1)-1]
					req, err := http.NewRequest(http.MethodPost, e.inbox.URL+"/inbox", bytes.NewReader(r.raw))
					if err != nil {
						b.Error(err)
						return
					}
					req.Host, req.Header = localHost, r.hdr
					t0 := time.Now()
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusAccepted {
						b.Errorf("status %d", resp.StatusCode)
						return
					}
					mine = append(mine, time.Since(t0))
				}
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			})
			total := time.Since(start)
			b.StopTimer()
			if len(lat) == 0 {
				return
			}
			slices.Sort(lat)
			b.ReportMetric(float64(len(lat))/total.Seconds(), "activities/s")
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(lat[(len(lat)*99)/100].Microseconds()), "p99-µs")
		})
	})
}
