package inbox_test

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"

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
	})
}
