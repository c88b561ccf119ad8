package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a log sink that the server goroutine writes while the test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

// startServer runs `instance serve` as main does, and returns its base URL, its log and a stop
// function that sends the equivalent of SIGTERM and returns the exit code.
func startServer(t *testing.T, db string) (base string, logs *syncBuffer, stop func() int) {
	t.Helper()
	return startServerAt(t, db, freePort(t))
}

func startServerAt(t *testing.T, db, port string, extra ...string) (base string, logs *syncBuffer, stop func() int) {
	t.Helper()
	logs = &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	args := append([]string{"serve", "--listen", "127.0.0.1:" + port, "--host", "localhost:" + port, "--db", db}, extra...)
	go func() { done <- run(ctx, args, fakeEnv(nil), strings.NewReader(""), io.Discard, logs) }()
	base = "http://localhost:" + port
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case code := <-done:
			t.Fatalf("server exited with %d before serving:\n%s", code, logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not answer /healthz:\n%s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	var once sync.Once
	code := -1
	stop = func() int {
		once.Do(func() { cancel(); code = <-done })
		return code
	}
	t.Cleanup(func() { stop() })
	return base, logs, stop
}

var (
	setupURLPattern = regexp.MustCompile(`setup_url=(\S+)`)
	csrfPattern     = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
)

// browser is a cookie-keeping client that does not follow redirects, so each step is visible.
type browser struct {
	t      *testing.T
	client *http.Client
}

func newBrowser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (b *browser) get(u string) (int, string, http.Header) {
	b.t.Helper()
	resp, err := b.client.Get(u)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header
}

func (b *browser) post(u string, form url.Values) (int, string, http.Header) {
	b.t.Helper()
	resp, err := b.client.PostForm(u, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header
}

func csrfFrom(t *testing.T, page string) string {
	t.Helper()
	m := csrfPattern.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no csrf_token in page:\n%s", page)
	}
	return m[1]
}

// TestFirstRunSetupSignInSignOut follows the README: a fresh instance logs a setup link, the
// operator creates the first admin through it, signs out and in again.
func TestFirstRunSetupSignInSignOut(t *testing.T) {
	db := tempDB(t)
	port := freePort(t)
	base, logs, stop := startServerAt(t, db, port)
	m := setupURLPattern.FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("no setup link logged:\n%s", logs.String())
	}
	setupURL := strings.Trim(m[1], `"`)
	token := setupURL[strings.Index(setupURL, "token=")+len("token="):]

	b := newBrowser(t)
	code, page, _ := b.get(setupURL)
	if code != http.StatusOK {
		t.Fatalf("setup page: %d", code)
	}
	form := url.Values{
		"token": {token}, "username": {"clerk"}, "email": {"clerk@council.test"},
		"display_name": {"Town Clerk"}, "password": {"a long enough password"},
		"password_confirm": {"a long enough password"},
	}

	// A forged CSRF token creates nothing.
	forged := url.Values{}
	for k, v := range form {
		forged[k] = v
	}
	forged.Set("csrf_token", "forged")
	if code, _, _ := b.post(base+"/setup", forged); code != http.StatusForbidden {
		t.Fatalf("forged setup: %d, want 403", code)
	}

	form.Set("csrf_token", csrfFrom(t, page))
	code, _, hdr := b.post(base+"/setup", form)
	if code != http.StatusSeeOther || hdr.Get("Location") != "/" {
		t.Fatalf("setup: %d to %q", code, hdr.Get("Location"))
	}
	code, home, _ := b.get(base + "/")
	if code != http.StatusOK || !strings.Contains(home, "Town Clerk") || !strings.Contains(home, "@clerk@localhost") {
		t.Fatalf("home after setup: %d\n%s", code, home)
	}

	// The link works once only.
	if code, _, _ := newBrowser(t).get(setupURL); code != http.StatusForbidden {
		t.Fatalf("setup link reused: %d, want 403", code)
	}

	// A forged sign-out changes nothing.
	if code, _, _ := b.post(base+"/logout", url.Values{"csrf_token": {"forged"}}); code != http.StatusForbidden {
		t.Fatalf("forged logout: %d, want 403", code)
	}
	if code, _, _ := b.get(base + "/"); code != http.StatusOK {
		t.Fatalf("forged logout signed us out: %d", code)
	}
	code, _, _ = b.post(base+"/logout", url.Values{"csrf_token": {csrfFrom(t, home)}})
	if code != http.StatusSeeOther {
		t.Fatalf("logout: %d", code)
	}
	if code, _, hdr := b.get(base + "/"); code != http.StatusSeeOther || !strings.HasPrefix(hdr.Get("Location"), "/login") {
		t.Fatalf("home after logout: %d to %q", code, hdr.Get("Location"))
	}

	// Wrong password and unknown user get the same generic answer.
	var answers []string
	for _, login := range []string{"clerk", "nobody"} {
		_, page, _ := b.get(base + "/login")
		code, body, _ := b.post(base+"/login", url.Values{"login": {login}, "password": {"wrong password!"}, "csrf_token": {csrfFrom(t, page)}})
		if code != http.StatusUnauthorized || !strings.Contains(body, "Invalid username or password") {
			t.Fatalf("bad login %q: %d", login, code)
		}
		answers = append(answers, body[strings.Index(body, "<main"):])
	}
	if strings.Count(answers[0], "Invalid username or password") != strings.Count(answers[1], "Invalid username or password") {
		t.Fatal("wrong password and unknown user are told apart")
	}
	_, page, _ = b.get(base + "/login")
	code, _, _ = b.post(base+"/login", url.Values{"login": {"clerk@council.test"}, "password": {"a long enough password"}, "csrf_token": {csrfFrom(t, page)}})
	if code != http.StatusSeeOther {
		t.Fatalf("sign in by email: %d", code)
	}
	if code, home, _ := b.get(base + "/"); code != http.StatusOK || !strings.Contains(home, "Town Clerk") {
		t.Fatalf("home after sign-in: %d", code)
	}

	if code := stop(); code != exitOK {
		t.Fatalf("graceful stop exited %d:\n%s", code, logs.String())
	}

	// A restart on the same database finds the admin and logs no new setup link.
	_, logs2, stop2 := startServerAt(t, db, port)
	if strings.Contains(logs2.String(), "setup_url=") {
		t.Fatalf("restart with an admin logged a setup link:\n%s", logs2.String())
	}
	stop2()
}

func TestOperationsEndpoints(t *testing.T) {
	base, _, _ := startServer(t, tempDB(t))
	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ok"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) != want || resp.Header.Get("X-Request-Id") == "" {
			t.Fatalf("%s: %d %q id=%q", path, resp.StatusCode, body, resp.Header.Get("X-Request-Id"))
		}
	}
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`guildhall_http_requests_total{route="/healthz",method="GET",code="200"}`, "guildhall_db_open_connections", "go_goroutines"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func TestDatabaseRefusesAnotherHost(t *testing.T) {
	db := tempDB(t)
	if code, _, stderr := runCLI(t, nil, "", "migrate", "--db", db, "--host", "council-a.test"); code != exitOK {
		t.Fatalf("first migrate: %d %s", code, stderr)
	}
	code, _, stderr := runCLI(t, nil, "", "migrate", "--db", db, "--host", "council-b.test")
	if code != exitUsage || !strings.Contains(stderr, "--host council-b.test disagrees with the database, which belongs to the instance at https://council-a.test") {
		t.Fatalf("host change: exit %d, %q", code, stderr)
	}
	code, _, stderr = runCLI(t, nil, "", "migrate", "--db", db, "--host", "council-a.test", "--insecure-http")
	if code != exitUsage || !strings.Contains(stderr, "--insecure-http=true gives http://council-a.test, but the database belongs to the instance at https://council-a.test") {
		t.Fatalf("scheme change: exit %d, %q", code, stderr)
	}
	// serve is not an admin command: it must be told its host, and still refuses another one.
	code, _, stderr = runCLI(t, nil, "", "serve", "--db", db, "--host", "council-b.test", "--listen", "127.0.0.1:0")
	if code != exitFailure || !strings.Contains(stderr, "belongs to the instance at https://council-a.test") {
		t.Fatalf("serve under another host: exit %d, %q", code, stderr)
	}
}
