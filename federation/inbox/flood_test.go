package inbox_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/mux"

	"github.com/guildhall/guildhall/federation/fetch"
	"github.com/guildhall/guildhall/federation/httpsig"
	"github.com/guildhall/guildhall/federation/inbox"
	"github.com/guildhall/guildhall/federation/remote"
	"github.com/guildhall/guildhall/storage"
)

// limitedEnv rebuilds e's dereferencer and inbox with the given key fetch limits.
func limitedEnv(t *testing.T, e *env, o remote.Options) {
	fetcher := fetch.NewFetcher(fetch.Options{AllowPrivateNetworks: true, DialContext: e.net.DialContext, Timeout: 5 * time.Second})
	o.Service, o.Store, o.Fetcher, o.Logger = e.svc, e.store, fetcher, noLog()
	e.deref = must(remote.New(o))
	e.svc.SetResolver(e.deref)
	h := must(inbox.New(inbox.Options{Service: e.svc, Store: e.store, Resolver: e.deref, Logger: noLog()}))
	r := mux.NewRouter()
	h.Routes(r)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	e.inbox, e.client = srv, srv.Client()
}

// RES-13: 10,000 activities signed by 10,000 unknown key ids on one host cost that host a
// bounded number of key fetches (the per-host burst), the rest are answered 429 without a
// request, and a delivery from another host is accepted while the flood goes on.
func TestKeyFetchFloodIsBoundedPerHost(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s, "victim.test", "friend.test")
		const burst = 20
		// A sustained rate of one fetch an hour: within the test only the burst is spent, so the
		// bound below does not depend on how fast the machine is.
		limitedEnv(t, e, remote.Options{KeyFetchConcurrency: 4, KeyFetchRate: 1.0 / 3600, KeyFetchBurst: burst})
		e.localUser("alice", false)
		victim := e.remote("victim.test")
		friend := e.remote("friend.test").addActor(t, "friend")

		// One real signature, reused under 10,000 key ids (the key id is not signed): bogus for
		// every one of them, as an attacker's would be, and cheap to make.
		body := must(jsonMarshal(create(&remoteActor{ID: victim.url("/users/u0")},
			note(victim.url("/users/u0/s/1"), victim.url("/users/u0"), "x", []string{public}, nil, nil))))
		probe := must(http.NewRequest(http.MethodPost, e.inbox.URL+"/inbox", nil))
		probe.Host = localHost
		mustOK(t, httpsig.Sign(probe, body, "KEYID", testKey(t), e.now))
		sigTemplate, date, digest := probe.Header.Get("Signature"), probe.Header.Get("Date"), probe.Header.Get("Digest")

		const flood = 10000
		var next, sent atomic.Int64
		var codes sync.Map // status → *atomic.Int64
		count := func(code int) {
			v, _ := codes.LoadOrStore(code, new(atomic.Int64))
			v.(*atomic.Int64).Add(1)
		}
		legitDone := make(chan struct{})
		startLegit := make(chan struct{})
		var wg sync.WaitGroup
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := next.Add(1)
					if i > flood {
						select {
						case <-legitDone:
							return
						default: // keep the flood going until the other host's delivery is answered
						}
					}
					keyID := victim.url(fmt.Sprintf("/users/u%d#main-key", i))
					req := must(http.NewRequest(http.MethodPost, e.inbox.URL+"/inbox", strings.NewReader(string(body))))
					req.Host = localHost
					req.Header.Set("Content-Type", "application/activity+json")
					req.Header.Set("Date", date)
					req.Header.Set("Digest", digest)
					req.Header.Set("Signature", strings.Replace(sigTemplate, `keyId="KEYID"`, `keyId="`+keyID+`"`, 1))
					resp, err := e.client.Do(req)
					if err != nil {
						t.Error(err)
						return
					}
					resp.Body.Close()
					count(resp.StatusCode)
					if sent.Add(1) == 1000 {
						close(startLegit)
					}
				}
			}()
		}
		<-startLegit
		n := note(friend.ID+"/statuses/during-flood", friend.ID, "<p>still here</p>", []string{public}, nil, nil)
		code, msg := e.post("/inbox", friend, create(friend, n))
		close(legitDone)
		wg.Wait()
		if code != http.StatusAccepted {
			t.Fatalf("another host's delivery during the flood: %d %s, want 202", code, msg)
		}
		if !e.statusExists(n["id"].(string)) {
			t.Fatal("another host's post was not stored during the flood")
		}
		if got := victim.hits.Load(); got > burst {
			t.Fatalf("%d requests to the flooded host for %d key ids; the bound is %d", got, sent.Load(), burst)
		}
		total := int64(0)
		codes.Range(func(k, v any) bool {
			c, n := k.(int), v.(*atomic.Int64).Load()
			total += n
			if c != http.StatusUnauthorized && c != http.StatusTooManyRequests {
				t.Errorf("%d flood requests answered %d", n, c)
			}
			return true
		})
		if v, ok := codes.Load(http.StatusTooManyRequests); !ok || v.(*atomic.Int64).Load() < flood-burst {
			t.Fatalf("flood answers: want at least %d 429s", flood-burst)
		}
		if total < flood {
			t.Fatalf("only %d flood requests answered", total)
		}
		t.Logf("%d flood requests, %d key fetches reached the flooded host", total, victim.hits.Load())
	})
}

// RES-13: a key id whose fetch failed is remembered as failed: asking again does not fetch it
// again (it is refused with 401 from the negative cache), until the negative TTL passes.
func TestFailedKeyFetchIsCachedAsNegative(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s, "victim.test")
		limitedEnv(t, e, remote.Options{})
		e.localUser("alice", false)
		victim := e.remote("victim.test")
		ghost := &remoteActor{ID: victim.url("/users/ghost"), KeyID: victim.url("/users/ghost#main-key"), Key: testKey(t)}
		for i := range 20 {
			e.expect(http.StatusUnauthorized, "/inbox", ghost, create(ghost, note(ghost.ID+fmt.Sprintf("/s/%d", i), ghost.ID, "x", []string{public}, nil, nil)))
		}
		if got := victim.hits.Load(); got != 1 {
			t.Fatalf("%d fetches of one missing key over 20 requests, want 1", got)
		}
		// The actor now exists (its server was down, say): within the negative TTL it is still
		// not fetched.
		victim.addActor(t, "ghost")
		e.expect(http.StatusUnauthorized, "/inbox", ghost, create(ghost, note(ghost.ID+"/s/late", ghost.ID, "x", []string{public}, nil, nil)))
		if got := victim.hits.Load(); got != 1 {
			t.Fatalf("fetched a negatively cached key again (%d fetches)", got)
		}
	})
}
