package mastoapi_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/gorilla/mux"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
	"github.com/guildhall/guildhall/activitypub/groups"
	"github.com/guildhall/guildhall/activitypub/ideas"
	"github.com/guildhall/guildhall/activitypub/moderation"
	"github.com/guildhall/guildhall/activitypub/preferences"
	"github.com/guildhall/guildhall/activitypub/questions"
	"github.com/guildhall/guildhall/adapters/markdown"
	"github.com/guildhall/guildhall/adapters/password"
	"github.com/guildhall/guildhall/federation/content"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
	"github.com/guildhall/guildhall/ui/mastoapi"
	"github.com/guildhall/guildhall/ui/web"
)

// testKey is shared by every actor: per-account RSA keys would dominate the run time.
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

const testPassword = "a long enough password"

// env is one instance: a real store, the real service and the API over real HTTP.
type env struct {
	t     testing.TB
	ctx   context.Context
	srv   *httptest.Server
	svc   *ap.Service
	acc   *accounts.Accounts
	mod   *moderation.Moderation
	store *storage.Store
	base  string
}

// areaOptions builds the list, marker, filter and conversation use cases over st, as the
// server does.
func areaOptions(t testing.TB, svc *ap.Service, st *storage.Store) mastoapi.Options {
	t.Helper()
	o := mastoapi.Options{Service: svc}
	var err error
	if o.Lists, err = preferences.NewLists(svc, st); err != nil {
		t.Fatal(err)
	}
	if o.Markers, err = preferences.NewMarkers(svc, st); err != nil {
		t.Fatal(err)
	}
	if o.Filters, err = preferences.NewFilters(svc, st); err != nil {
		t.Fatal(err)
	}
	if o.Conversations, err = preferences.NewConversations(svc, st); err != nil {
		t.Fatal(err)
	}
	if o.Settings, err = preferences.NewSettings(svc, st); err != nil {
		t.Fatal(err)
	}
	if o.Accounts, err = accounts.New(svc, st, nil); err != nil {
		t.Fatal(err)
	}
	if o.Moderation, err = moderation.New(svc, st, nil); err != nil {
		t.Fatal(err)
	}
	o.Moderation.SetSuspender(o.Accounts)
	return o
}

func newEnv(t testing.TB, st *storage.Store) *env {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	host := srv.Listener.Addr().String()
	base := "http://" + host
	render, err := markdown.NewDomain(base, content.NewSanitizer())
	if err != nil {
		t.Fatal(err)
	}
	svc, err := ap.NewService(ap.Options{
		Host: host, Scheme: "http", Store: st, Renderer: render,
		Passwords: password.Argon2id{Time: 1, Memory: 1024, Threads: 1, KeyLen: 32},
		NewKey:    func() (*rsa.PrivateKey, error) { return testKey(), nil },
		Logger:    slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	o := areaOptions(t, svc, st)
	o.Logger, o.RateLimit = slog.New(slog.DiscardHandler), 1<<30
	if o.Groups, err = groups.New(svc, st, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	if o.Questions, err = questions.New(svc, st, o.Groups, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	if o.Ideas, err = ideas.New(svc, st, o.Groups, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	h, err := mastoapi.New(o)
	if err != nil {
		t.Fatal(err)
	}
	// The OAuth authorisation page is ui/web's: mount it as cmd/instance/server does.
	views, err := ap.NewViews(svc, o.Filters, o.Lists)
	if err != nil {
		t.Fatal(err)
	}
	wh, err := web.New(web.Options{Service: svc, Views: views, Accounts: o.Accounts, Moderation: o.Moderation, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	r := mux.NewRouter()
	h.Routes(r)
	wh.Routes(r)
	srv.Config.Handler = r
	srv.Start()
	t.Cleanup(srv.Close)
	return &env{t: t, ctx: context.Background(), srv: srv, svc: svc, acc: o.Accounts, mod: o.Moderation, store: st, base: base}
}

// eachEnv runs fn on SQLite and, when configured, PostgreSQL.
func eachEnv(t *testing.T, fn func(t *testing.T, e *env)) {
	storagetest.ForEach(t, func(t *testing.T, st *storage.Store) { fn(t, newEnv(t, st)) })
}

func sqliteEnv(t testing.TB) *env { return newEnv(t, storagetest.OpenSQLite(t)) }

func (e *env) user(name string) *ap.Account {
	e.t.Helper()
	a, err := e.svc.CreateLocalUser(e.ctx, ap.NewUser{Username: name, Email: name + "@council.test", Password: testPassword})
	if err != nil {
		e.t.Fatalf("create %s: %v", name, err)
	}
	return a
}

// token issues a token for acct with the given scopes (default read write follow push).
func (e *env) token(acct *ap.Account, scopes ...string) string {
	e.t.Helper()
	if len(scopes) == 0 {
		scopes = []string{"read", "write", "follow", "push"}
	}
	tok, _, err := e.acc.IssueToken(e.ctx, acct.Actor.ID, "", scopes)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// resp is a finished HTTP exchange.
type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// link returns the URL of rel in the Link header, or "".
func (r resp) link(rel string) string {
	for _, part := range strings.Split(r.header.Get("Link"), ",") {
		u, params, ok := strings.Cut(strings.TrimSpace(part), ";")
		if ok && strings.Contains(params, `rel="`+rel+`"`) {
			return strings.Trim(strings.TrimSpace(u), "<>")
		}
	}
	return ""
}

// body encodings for do.
type (
	jsonBody  map[string]any
	formBody  url.Values
	multiBody url.Values
)

// do sends a request; path may be absolute (a Link URL) or start with /.
func (e *env) do(method, path, token string, body any, hdr ...string) resp {
	e.t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case jsonBody:
		j, _ := json.Marshal(b)
		rd, ct = bytes.NewReader(j), "application/json"
	case formBody:
		rd, ct = strings.NewReader(url.Values(b).Encode()), "application/x-www-form-urlencoded"
	case multiBody:
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, vs := range b {
			for _, v := range vs {
				_ = mw.WriteField(k, v)
			}
		}
		_ = mw.Close()
		rd, ct = &buf, mw.FormDataContentType()
	default:
		e.t.Fatalf("unknown body type %T", body)
	}
	if strings.HasPrefix(path, "/") {
		path = e.base + path
	}
	req, err := http.NewRequest(method, path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{status: res.StatusCode, header: res.Header, body: b}
}

// call sends a request, checks the status and decodes the JSON answer into out (when not nil).
func (e *env) call(method, path, token string, body any, want int, out any) resp {
	e.t.Helper()
	r := e.do(method, path, token, body)
	if r.status != want {
		e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.status, want, r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		e.t.Fatalf("%s %s: Content-Type %q", method, path, ct)
	}
	if out != nil {
		r.decode(e.t, out)
	}
	return r
}

// post creates a status and returns its id.
func (e *env) post(token, text string) string {
	e.t.Helper()
	var st struct{ ID string }
	e.call("POST", "/api/v1/statuses", token, jsonBody{"status": text}, 200, &st)
	return st.ID
}

// countStatuses is how many statuses the store holds for actor, to prove nothing was created.
func (e *env) countStatuses(actorID string) int {
	e.t.Helper()
	sts, err := e.store.ActorStatuses(e.ctx, actorID, ap.StatusFilter{MaxVisibility: []ap.Visibility{ap.Public, ap.Unlisted, ap.Private, ap.Direct, ap.LocalOnly}}, ap.Page{Limit: 40})
	if err != nil {
		e.t.Fatal(err)
	}
	return len(sts)
}
