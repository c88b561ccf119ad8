package web_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/gorilla/mux"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
	"github.com/guildhall/guildhall/activitypub/groups"
	"github.com/guildhall/guildhall/activitypub/ideas"
	"github.com/guildhall/guildhall/activitypub/moderation"
	"github.com/guildhall/guildhall/activitypub/preferences"
	"github.com/guildhall/guildhall/activitypub/questions"
	"github.com/guildhall/guildhall/adapters/markdown"
	filemedia "github.com/guildhall/guildhall/adapters/media"
	"github.com/guildhall/guildhall/adapters/password"
	"github.com/guildhall/guildhall/federation/content"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
	"github.com/guildhall/guildhall/ui/web"
)

const (
	testRequestID = "req-7f3a9"
	adminPassword = "correct horse battery staple"
)

// testKey is one RSA key shared by every account the tests create: generating 2048-bit keys
// under -race would dominate the run time, and no test here looks at keys.
var testKey = sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) })

// env is one running web UI over a fresh SQLite store and the real domain service.
type env struct {
	t          testing.TB
	srv        *httptest.Server
	handler    http.Handler
	svc        *activitypub.Service
	acc        *accounts.Accounts
	mod        *moderation.Moderation
	groups     *groups.Groups
	store      *storage.Store
	client     *http.Client
	setupToken string
}

type envOptions struct {
	secure bool // serve over TLS with SecureCookies
	// host, when set, is the public host name (with the listener's port added), for browser
	// tests that must run on a real-looking origin rather than 127.0.0.1.
	host string
}

func newEnv(t testing.TB, o envOptions) *env {
	t.Helper()
	st := storagetest.OpenSQLite(t)
	srv := httptest.NewUnstartedServer(nil)
	scheme := "http"
	if o.secure {
		scheme = "https"
	}
	host := srv.Listener.Addr().String()
	if o.host != "" {
		_, port, _ := net.SplitHostPort(host)
		host = o.host + ":" + port
	}
	render, err := markdown.NewDomain(scheme+"://"+host, content.NewSanitizer())
	if err != nil {
		t.Fatal(err)
	}
	svc, err := activitypub.NewService(activitypub.Options{
		Host: host, Scheme: scheme, Store: st,
		Passwords: password.Argon2id{Time: 1, Memory: 1024, Threads: 1, KeyLen: 32},
		Logger:    slog.New(slog.DiscardHandler),
		NewKey:    testKey,
		Renderer:  render,
	})
	if err != nil {
		t.Fatal(err)
	}
	files, err := filemedia.NewDirFileStore(t.TempDir(), svc.BaseURL())
	if err != nil {
		t.Fatal(err)
	}
	media, err := activitypub.NewMediaService(svc, activitypub.MediaOptions{
		Store: st, Files: files, Processor: filemedia.Processor{},
	})
	if err != nil {
		t.Fatal(err)
	}
	lists, err := preferences.NewLists(svc, st)
	if err != nil {
		t.Fatal(err)
	}
	filters, err := preferences.NewFilters(svc, st)
	if err != nil {
		t.Fatal(err)
	}
	markers, err := preferences.NewMarkers(svc, st)
	if err != nil {
		t.Fatal(err)
	}
	settings, err := preferences.NewSettings(svc, st)
	if err != nil {
		t.Fatal(err)
	}
	views, err := activitypub.NewViews(svc, filters, lists)
	if err != nil {
		t.Fatal(err)
	}
	grps, err := groups.New(svc, st, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	qa, err := questions.New(svc, st, grps, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	acc, err := accounts.New(svc, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	mod, err := moderation.New(svc, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	mod.SetSuspender(acc)
	ideasArea, err := ideas.New(svc, st, grps, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	h, err := web.New(web.Options{
		Groups: grps, Accounts: acc, Moderation: mod, Ideas: ideasArea, Questions: qa,
		Views: views, Markers: markers,
		Service: svc, Logger: slog.New(slog.DiscardHandler), SecureCookies: o.secure,
		RequestID: func(context.Context) string { return testRequestID },
		Media:     media, Preview: render, Settings: settings,
	})
	if err != nil {
		t.Fatal(err)
	}
	svc.SetEvents(h.Events())
	r := mux.NewRouter()
	r.PathPrefix(filemedia.PathPrefix).Handler(filemedia.Files(files.Dir())).Methods(http.MethodGet, http.MethodHead)
	h.Routes(r)
	r.NotFoundHandler = h.NotFound()
	srv.Config.Handler = r
	if o.secure {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)

	token, err := acc.PrepareSetup(t.Context())
	if err != nil || token == "" {
		t.Fatalf("PrepareSetup = %q, %v", token, err)
	}
	return &env{t: t, srv: srv, handler: r, svc: svc, acc: acc, mod: mod, groups: grps, store: st, client: newClient(t, srv), setupToken: token}
}

// newClient is a browser stand-in: it keeps cookies and does not follow redirects, so tests see
// each 303 and its Location.
func newClient(t testing.TB, srv *httptest.Server) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	// A copy: srv.Client() returns one shared client, and each browser needs its own jar.
	c := *srv.Client()
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// page is a response with its body read.
type page struct {
	*http.Response
	body string
}

func (e *env) do(c *http.Client, req *http.Request) page {
	e.t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return page{Response: resp, body: string(b)}
}

func (e *env) get(c *http.Client, path string) page {
	e.t.Helper()
	req, err := http.NewRequestWithContext(e.t.Context(), http.MethodGet, e.srv.URL+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.do(c, req)
}

func (e *env) post(c *http.Client, path string, form url.Values) page {
	e.t.Helper()
	return e.do(c, e.formRequest(path, form))
}

// formRequest is a POST as a browser form would send it.
func (e *env) formRequest(path string, form url.Values) *http.Request {
	e.t.Helper()
	req, err := http.NewRequestWithContext(e.t.Context(), http.MethodPost, e.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

var csrfPattern = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// csrf is the token of the first form on a page.
func (p page) csrf(t testing.TB) string {
	t.Helper()
	m := csrfPattern.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no csrf_token on page (status %d):\n%s", p.StatusCode, p.body)
	}
	return m[1]
}

func (p page) wantStatus(t testing.TB, want int) {
	t.Helper()
	if p.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d\n%s", p.Request.Method, p.Request.URL.Path, p.StatusCode, want, p.body)
	}
}

func (p page) wantRedirect(t testing.TB, location string) {
	t.Helper()
	p.wantStatus(t, http.StatusSeeOther)
	if got := p.Header.Get("Location"); got != location {
		t.Fatalf("Location = %q, want %q", got, location)
	}
}

func (p page) wantBody(t testing.TB, substrings ...string) {
	t.Helper()
	for _, s := range substrings {
		if !strings.Contains(p.body, s) {
			t.Errorf("page does not contain %q:\n%s", s, p.body)
		}
	}
}

// adminForm is a valid setup form; tests change one field at a time.
func (e *env) adminForm(csrf string) url.Values {
	return url.Values{
		"csrf_token": {csrf}, "token": {e.setupToken},
		"username": {"jo"}, "email": {"jo.bloggs@council.example"}, "display_name": {"Jo Bloggs"},
		"password": {adminPassword}, "password_confirm": {adminPassword},
	}
}

// setupAdmin walks the setup link with c, leaving c signed in as the administrator "jo".
func (e *env) setupAdmin(c *http.Client) {
	e.t.Helper()
	form := e.get(c, "/setup?token="+url.QueryEscape(e.setupToken))
	form.wantStatus(e.t, http.StatusOK)
	e.post(c, "/setup", e.adminForm(form.csrf(e.t))).wantRedirect(e.t, "/")
}

// signIn submits the sign-in form with c and returns the response to the POST.
func (e *env) signIn(c *http.Client, login, pw, next string) page {
	e.t.Helper()
	form := e.get(c, "/login")
	return e.post(c, "/login", url.Values{
		"csrf_token": {form.csrf(e.t)}, "login": {login}, "password": {pw}, "next": {next},
	})
}

// errorSummary is the error summary block of a page, for comparing two failures.
var summaryPattern = regexp.MustCompile(`(?s)<div class="error-summary".*?</div>`)

func (p page) errorSummary() string { return summaryPattern.FindString(p.body) }
