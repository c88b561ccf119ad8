package delivery

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"log/slog"
	"net/http"
	"testing"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/federation/as2"
	"github.com/guildhall/guildhall/federation/fedtest"
	"github.com/guildhall/guildhall/federation/fetch"
	"github.com/guildhall/guildhall/federation/httpsig"
)

// BenchmarkFanOut measures one public post reaching every follower's server: the time from
// Notify until every fake host (an httptest server verifying each signature) has answered.
func BenchmarkFanOut(b *testing.B) {
	cases := []struct {
		name                  string
		hosts, inboxesPerHost int
	}{
		{"1000 followers on 100 hosts, personal inboxes", 100, 10},
		{"1000 followers on 50 shared inboxes", 50, 1},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			benchFanOut(b, c.hosts, c.inboxesPerHost)
		})
	}
}

func benchFanOut(b *testing.B, hosts, perHost int) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	s := newMemStore()
	s.actors["alice"] = &ap.Actor{ID: "alice", URI: alice, Username: "alice", FollowersURI: alice + "/followers",
		PublicKeyID: alice + "#main-key", URL: "http://a.test/@alice"}
	s.keys["alice"] = key
	keys := fedtest.NewKeys()
	keys.Add(alice+"#main-key", alice, &key.PublicKey)
	var inboxes []*fedtest.Inbox
	var followers []string
	for range hosts {
		in := fedtest.NewInbox(keys, fedtest.InboxOptions{})
		b.Cleanup(in.Close)
		inboxes = append(inboxes, in)
		for j := range perHost {
			if perHost == 1 {
				followers = append(followers, "http://"+in.Addr()+"/inbox")
			} else {
				followers = append(followers, fmt.Sprintf("http://%s/users/u%d/inbox", in.Addr(), j))
			}
		}
	}
	s.followers["alice"] = followers
	st := &ap.Status{ID: "s", URI: alice + "/statuses/s", ActorID: "alice", Visibility: ap.Public, Local: true,
		Content: "<p>Road closure on the High Street from Monday; diversions signposted.</p>", CreatedAt: time.Now()}
	s.statuses["s"] = st
	client := fetch.NewFetcher(fetch.Options{AllowPrivateNetworks: true})
	w, err := New(Options{Store: s, Keys: s, Poster: client, BaseURL: "http://a.test", Domain: "a.test",
		Logger: slog.New(slog.DiscardHandler), Poll: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = w.Run(ctx) }()
	b.ResetTimer()
	for i := range b.N {
		_ = s.Enqueue(ctx, &ap.OutboxItem{ID: fmt.Sprintf("ob%08d", i), ActorID: "alice", CreatedAt: time.Now(),
			Activity: ap.Activity{ID: fmt.Sprintf("%s/activity/%d", st.URI, i), Type: "Create", ActorID: "alice", Actor: alice,
				Object: st.URI, StatusID: "s", To: []string{as2.Public}, Cc: []string{alice + "/followers"}, Published: time.Now()}})
		w.Notify()
		for _, in := range inboxes {
			if !in.WaitAccepted((i+1)*perHost, time.Minute) {
				b.Fatalf("%s got %d of %d; rejected %v", in.Host, len(in.Accepted()), (i+1)*perHost, in.Rejected())
			}
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(len(followers)*b.N)/b.Elapsed().Seconds(), "POSTs/s")
}

// BenchmarkSignRSA2048 is the raw cost of signing one delivery, the bound on fan-out per core.
func BenchmarkSignRSA2048(b *testing.B) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	body := []byte(`{"type":"Create"}`)
	b.ResetTimer()
	for range b.N {
		req, _ := http.NewRequest(http.MethodPost, "http://b.test/inbox", nil)
		if err := httpsig.Sign(req, body, alice+"#main-key", key, time.Now()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSignRSA2048Parallel is the machine's signing rate: BenchmarkSignRSA2048 on every
// core at once (signatures/s), the ceiling a fan-out's deliveries/s is compared with.
func BenchmarkSignRSA2048Parallel(b *testing.B) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	body := []byte(`{"type":"Create"}`)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodPost, "http://b.test/inbox", nil)
			if err := httpsig.Sign(req, body, alice+"#main-key", key, time.Now()); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "signatures/s")
}
