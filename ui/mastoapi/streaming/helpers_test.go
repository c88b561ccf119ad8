package streaming

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/gorilla/mux"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
	"github.com/guildhall/guildhall/adapters/markdown"
	"github.com/guildhall/guildhall/adapters/password"
	"github.com/guildhall/guildhall/federation/content"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// wait bounds every wait for something that should happen; it guards against hangs and says
// nothing about speed.
const wait = 5 * time.Second

// testKey is one RSA key for every actor: generating one per account would dominate the run.
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// world is a real service on real SQLite with a Hub mounted on a real HTTP server.
type world struct {
	t     *testing.T
	ctx   context.Context
	svc   *activitypub.Service
	acc   *accounts.Accounts
	store *storage.Store
	hub   *Hub
	srv   *httptest.Server
	logs  *syncBuffer
}

// syncBuffer collects log output from many goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testRenderStatus stands in for the Mastodon API's renderer: enough to tell statuses and
// viewers apart.
func testRenderStatus(_ context.Context, viewer *activitypub.Account, id string) ([]byte, error) {
	return json.Marshal(map[string]string{"id": id, "viewer": viewer.Actor.Username})
}

func testRenderNotification(_ context.Context, viewer *activitypub.Account, n *activitypub.Notification) ([]byte, error) {
	return json.Marshal(map[string]string{"id": n.ID, "type": string(n.Type), "status": n.StatusID, "viewer": viewer.Actor.Username})
}

func newWorld(t *testing.T, tweak func(*Options)) *world {
	t.Helper()
	st := storagetest.OpenSQLite(t)
	render, err := markdown.NewDomain("http://127.0.0.1", content.NewSanitizer())
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	svc, err := activitypub.NewService(activitypub.Options{
		Host: "127.0.0.1", Scheme: "http", Store: st, Renderer: render, Logger: log,
		Passwords: password.Argon2id{Time: 1, Memory: 1024, Threads: 1, KeyLen: 32},
		NewKey:    func() (*rsa.PrivateKey, error) { return testKey(), nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	acc, err := accounts.New(svc, st, log)
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Service: svc, Tokens: acc, Logger: log, RenderStatus: testRenderStatus, RenderNotification: testRenderNotification}
	if tweak != nil {
		tweak(&o)
	}
	hub, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	svc.SetEvents(hub)
	r := mux.NewRouter()
	hub.Routes(r)
	srv := httptest.NewServer(r)
	t.Cleanup(func() {
		hub.Close()
		srv.Close()
	})
	return &world{t: t, ctx: context.Background(), svc: svc, acc: acc, store: st, hub: hub, srv: srv, logs: logs}
}

// user creates a local account and a token for it with the given scopes ("read write" when none).
func (w *world) user(name string, scopes ...string) (*activitypub.Account, string) {
	w.t.Helper()
	acct, err := w.svc.CreateLocalUser(w.ctx, activitypub.NewUser{Username: name, Email: name + "@x.test", Password: "a long enough password"})
	if err != nil {
		w.t.Fatal(err)
	}
	return acct, w.token(acct, scopes...)
}

func (w *world) token(acct *activitypub.Account, scopes ...string) string {
	w.t.Helper()
	if len(scopes) == 0 {
		scopes = []string{"read", "write"}
	}
	secret, _, err := w.acc.IssueToken(w.ctx, acct.User.ActorID, "", scopes)
	if err != nil {
		w.t.Fatal(err)
	}
	return secret
}

func (w *world) follow(by, target *activitypub.Account) {
	w.t.Helper()
	if _, err := w.svc.Follow(w.ctx, by, target.Actor.ID, true, false); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) post(by *activitypub.Account, text string, vis activitypub.Visibility) *activitypub.Status {
	w.t.Helper()
	st, err := w.svc.Post(w.ctx, by, activitypub.PostInput{Text: text, Visibility: vis})
	if err != nil {
		w.t.Fatal(err)
	}
	return st
}

func (w *world) wsURL(query string) string {
	return "ws" + strings.TrimPrefix(w.srv.URL, "http") + "/api/v1/streaming" + query
}

// dial opens the socket with the token in the query string.
func (w *world) dial(secret, query string) *sock {
	w.t.Helper()
	q := "?access_token=" + secret
	if query != "" {
		q += "&" + query
	}
	c, resp, err := websocket.Dial(w.ctx, w.wsURL(q), nil)
	if err != nil {
		w.t.Fatalf("dial: %v (response %v)", err, resp)
	}
	s := &sock{t: w.t, c: c}
	w.t.Cleanup(func() { _ = c.CloseNow() })
	return s
}

// sock is a client socket with helpers to subscribe and to wait for messages.
type sock struct {
	t *testing.T
	c *websocket.Conn
}

// got is a received message with the payload kept as the JSON string it must be.
type got struct {
	Stream  []string `json:"stream"`
	Event   string   `json:"event"`
	Payload string   `json:"payload"`
	Error   string   `json:"error"`
}

// id is the "id" inside an update or notification payload, or the payload of a delete.
func (g got) id() string {
	if g.Event == "delete" {
		return g.Payload
	}
	var p struct{ ID string }
	_ = json.Unmarshal([]byte(g.Payload), &p)
	return p.ID
}

func (s *sock) send(v any) {
	s.t.Helper()
	b, _ := json.Marshal(v)
	if err := s.c.Write(context.Background(), websocket.MessageText, b); err != nil {
		s.t.Fatal(err)
	}
}

// subscribe sends a request and waits until the server has applied it: the reader handles
// requests in order, so the answer to a deliberately unknown stream comes after it.
func (s *sock) subscribe(typ, stream string, extra ...string) {
	s.t.Helper()
	req := map[string]string{"type": typ, "stream": stream}
	for i := 0; i+1 < len(extra); i += 2 {
		req[extra[i]] = extra[i+1]
	}
	s.send(req)
	s.send(map[string]string{"type": "subscribe", "stream": "barrier"})
	if m := s.next(); m.Error != "Unknown stream type" {
		s.t.Fatalf("barrier: got %+v", m)
	}
}

// next returns the next message, failing after wait.
func (s *sock) next() got {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	_, b, err := s.c.Read(ctx)
	if err != nil {
		s.t.Fatalf("waiting for a message: %v", err)
	}
	var m got
	if err := json.Unmarshal(b, &m); err != nil {
		s.t.Fatalf("message %s: %v", b, err)
	}
	return m
}

// until reads messages until one matches, and returns all read including it.
func (s *sock) until(match func(got) bool) []got {
	s.t.Helper()
	var seen []got
	for {
		m := s.next()
		seen = append(seen, m)
		if match(m) {
			return seen
		}
	}
}

// closed waits for the server to close the socket and returns the close code.
func (s *sock) closed() websocket.StatusCode {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	for {
		if _, _, err := s.c.Read(ctx); err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				s.t.Fatal("socket still open")
			}
			return websocket.CloseStatus(err)
		}
	}
}

func is(event, id string, stream ...string) func(got) bool {
	return func(m got) bool {
		return m.Event == event && m.id() == id && strings.Join(m.Stream, " ") == strings.Join(stream, " ")
	}
}

// httpGet is a plain GET against the test server.
func (w *world) httpGet(path string, hdr http.Header) *http.Response {
	w.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, w.srv.URL+path, nil)
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { resp.Body.Close() })
	return resp
}
