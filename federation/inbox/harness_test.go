package inbox_test

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/mux"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/adapters/markdown"
	"github.com/guildhall/guildhall/federation/content"
	"github.com/guildhall/guildhall/federation/fedtest"
	"github.com/guildhall/guildhall/federation/fetch"
	"github.com/guildhall/guildhall/federation/httpsig"
	"github.com/guildhall/guildhall/federation/inbox"
	"github.com/guildhall/guildhall/federation/remote"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

const localHost = "local.test"

// Keys are slow to make; every test shares a few.
var (
	keysOnce sync.Once
	keyPool  []*rsa.PrivateKey
	keyNext  atomic.Int64
)

func testKey(t testing.TB) *rsa.PrivateKey {
	keysOnce.Do(func() {
		for i := 0; i < 4; i++ {
			k, err := httpsig.GenerateKey()
			if err != nil {
				panic(err)
			}
			keyPool = append(keyPool, k)
		}
	})
	return keyPool[int(keyNext.Add(1))%len(keyPool)]
}

type plainHasher struct{}

func (plainHasher) Hash(p string) (string, error)    { return "x" + p, nil }
func (plainHasher) Verify(h, p string) (bool, error) { return h == "x"+p, nil }
func noLog() *slog.Logger                            { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
func ctxb() context.Context                          { return context.Background() }

// must unwraps a (value, error) pair; a failure panics, which fails the test with the error.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func mustOK(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// remoteServer is a fake fediverse server: it serves actor documents, notes and WebFinger for
// one host name, and signs what its actors send.
type remoteServer struct {
	host  string
	srv   *httptest.Server
	mu    sync.Mutex
	docs  map[string]any // path → document
	ctype map[string]string
	hits  atomic.Int64
}

type remoteActor struct {
	ID, KeyID string
	Key       *rsa.PrivateKey
	Doc       map[string]any
}

func (r *remoteServer) url(path string) string { return "http://" + r.host + path }

func (r *remoteServer) serve(path string, doc any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.docs[path] = doc
}

func (r *remoteServer) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.hits.Add(1)
	r.mu.Lock()
	doc, ok := r.docs[req.URL.Path]
	if req.URL.Path == "/.well-known/webfinger" {
		doc, ok = r.docs["wf:"+req.URL.Query().Get("resource")]
	}
	ct := r.ctype[req.URL.Path]
	r.mu.Unlock()
	if !ok {
		http.NotFound(w, req)
		return
	}
	if code, isCode := doc.(int); isCode {
		w.WriteHeader(code)
		return
	}
	if ct == "" {
		ct = "application/activity+json"
	}
	w.Header().Set("Content-Type", ct)
	_ = json.NewEncoder(w).Encode(doc)
}

// addActor publishes a Person with a fresh key on the remote.
func (r *remoteServer) addActor(t testing.TB, name string) *remoteActor {
	key := testKey(t)
	pemText := must(httpsig.EncodePublicKeyPEM(&key.PublicKey))
	id := r.url("/users/" + name)
	doc := map[string]any{
		"@context":          []any{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"},
		"id":                id,
		"type":              "Person",
		"preferredUsername": name,
		"name":              strings.ToUpper(name[:1]) + name[1:] + ` <script>x</script>`,
		"summary":           `<p>Hi<img src=x onerror=alert(1)></p>`,
		"inbox":             id + "/inbox",
		"outbox":            id + "/outbox",
		"followers":         id + "/followers",
		"following":         id + "/following",
		"endpoints":         map[string]any{"sharedInbox": r.url("/inbox")},
		"publicKey":         map[string]any{"id": id + "#main-key", "owner": id, "publicKeyPem": pemText},
	}
	r.serve("/users/"+name, doc)
	r.serve("wf:acct:"+name+"@"+r.host, map[string]any{
		"subject": "acct:" + name + "@" + r.host,
		"links":   []any{map[string]any{"rel": "self", "type": "application/activity+json", "href": id}},
	})
	return &remoteActor{ID: id, KeyID: id + "#main-key", Key: key, Doc: doc}
}

// env is one Guildhall instance with its inbox mounted, plus fake remotes on a fake network.
type env struct {
	t       testing.TB
	store   *storage.Store
	svc     *ap.Service
	deref   *remote.Dereferencer
	inbox   *httptest.Server
	net     *fedtest.Network
	remotes map[string]*remoteServer
	now     time.Time
	blocked map[string]bool
	client  *http.Client
}

func newEnv(t testing.TB, store *storage.Store, remoteHosts ...string) *env {
	e := &env{t: t, store: store, net: fedtest.NewNetwork(), remotes: map[string]*remoteServer{},
		now: time.Now().UTC().Truncate(time.Second), blocked: map[string]bool{}}
	e.svc = must(ap.NewService(ap.Options{Host: localHost, Scheme: "http", Store: store, Passwords: plainHasher{},
		Renderer: must(markdown.NewDomain("http://"+localHost, content.NewSanitizer())), Logger: noLog(), NewKey: func() (*rsa.PrivateKey, error) { return testKey(t), nil }}))
	for _, h := range remoteHosts {
		r := &remoteServer{host: h, docs: map[string]any{}, ctype: map[string]string{}}
		r.srv = httptest.NewServer(r)
		t.Cleanup(r.srv.Close)
		e.net.Set(h, r.srv.Listener.Addr().String())
		e.remotes[h] = r
	}
	fetcher := fetch.NewFetcher(fetch.Options{AllowPrivateNetworks: true, DialContext: e.net.DialContext,
		Timeout: 5 * time.Second})
	e.deref = must(remote.New(remote.Options{Service: e.svc, Store: e.store, Fetcher: fetcher, Logger: noLog()}))
	e.svc.SetResolver(e.deref)
	h := must(inbox.New(inbox.Options{Service: e.svc, Store: e.store, Resolver: e.deref, Logger: noLog(), MaxBody: 256 << 10,
		DomainBlocked: func(_ context.Context, host string) (bool, error) { return e.blocked[host], nil }}))
	r := mux.NewRouter()
	h.Routes(r)
	e.inbox = httptest.NewServer(r)
	t.Cleanup(e.inbox.Close)
	e.client = e.inbox.Client()
	return e
}

func (e *env) remote(host string) *remoteServer { return e.remotes[host] }

// localUser creates a local account.
func (e *env) localUser(name string, locked bool) *ap.Account {
	acct := must(e.svc.CreateLocalUser(ctxb(), ap.NewUser{Username: name, Email: name + "@council.example",
		Password: "correct horse battery", DisplayName: name}))
	if locked {
		acct.Actor.ManuallyApproves = true
		mustOK(e.t, e.store.UpdateActor(ctxb(), &acct.Actor))
	}
	return acct
}

// post sends body to path on our inbox, signed by a (nil: unsigned), with Host local.test.
type postOpt func(*http.Request, *[]byte)

func (e *env) post(path string, a *remoteActor, body any, opts ...postOpt) (int, string) {
	e.t.Helper()
	var raw []byte
	switch b := body.(type) {
	case []byte:
		raw = b
	default:
		raw = must(json.Marshal(b))
	}
	req := must(http.NewRequest(http.MethodPost, e.inbox.URL+path, bytes.NewReader(raw)))
	req.Host = localHost
	req.Header.Set("Content-Type", "application/activity+json")
	if a != nil {
		mustOK(e.t, httpsig.Sign(req, raw, a.KeyID, a.Key, e.now))
	}
	for _, o := range opts {
		o(req, &raw)
	}
	req.Body = io.NopCloser(bytes.NewReader(raw))
	req.ContentLength = int64(len(raw))
	resp := must(e.client.Do(req))
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(msg))
}

func (e *env) expect(code int, path string, a *remoteActor, body any, opts ...postOpt) {
	e.t.Helper()
	got, msg := e.post(path, a, body, opts...)
	if got != code {
		e.t.Fatalf("POST %s: got %d (%s), want %d", path, got, msg, code)
	}
}

// Activity builders, shaped as Mastodon sends them.

func follow(a *remoteActor, id, object string) map[string]any {
	return map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": id, "type": "Follow",
		"actor": a.ID, "object": object}
}

func note(id, author, content string, to, cc []string, extra map[string]any) map[string]any {
	n := map[string]any{"id": id, "type": "Note", "attributedTo": author, "content": content,
		"to": to, "cc": cc, "published": time.Now().UTC().Format(time.RFC3339)}
	for k, v := range extra {
		n[k] = v
	}
	return n
}

func create(a *remoteActor, obj map[string]any) map[string]any {
	return map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": fmt.Sprint(obj["id"], "/activity"),
		"type": "Create", "actor": a.ID, "object": obj, "to": obj["to"], "cc": obj["cc"]}
}

func activity(typ, id string, a *remoteActor, object any) map[string]any {
	return map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": id, "type": typ,
		"actor": a.ID, "object": object}
}

// Store queries the assertions use.

func (e *env) statusExists(uri string) bool {
	_, err := e.store.StatusByURI(ctxb(), uri)
	if err != nil && !ap.IsNotFound(err) {
		panic(err)
	}
	return err == nil
}

func (e *env) actorExists(uri string) bool {
	_, err := e.store.ActorByURI(ctxb(), uri)
	if err != nil && !ap.IsNotFound(err) {
		panic(err)
	}
	return err == nil
}

// seen reports whether an activity id was recorded, without recording it: MarkActivitySeen runs in
// a transaction that is rolled back.
func (e *env) seen(id string) bool {
	var fresh bool
	errRollback := fmt.Errorf("rollback")
	err := e.store.InTx(ctxb(), func(ctx context.Context) error {
		var err error
		fresh, err = e.store.MarkActivitySeen(ctx, id, time.Now())
		if err != nil {
			return err
		}
		return errRollback
	})
	if err != errRollback {
		panic(err)
	}
	return !fresh
}

func (e *env) notifications(acct *ap.Account, typ ap.NotificationType) int {
	ns := must(e.store.Notifications(ctxb(), acct.Actor.ID, ap.NotificationFilter{Types: []ap.NotificationType{typ}}, ap.Page{Limit: 40}))
	return len(ns)
}

func (e *env) pendingOutbox() []*ap.OutboxItem {
	return must(e.store.PendingOutbox(ctxb(), 100))
}

// forEachStore runs fn on SQLite and, when configured, PostgreSQL.
func forEachStore(t *testing.T, fn func(t *testing.T, s *storage.Store)) {
	storagetest.ForEach(t, fn)
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }
