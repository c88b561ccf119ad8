package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/lib/pq"

	"github.com/guildhall/guildhall/federation/httpsig"
)

// privatePostgres is a PostgreSQL cluster of the test's own, so it can be stopped and started
// without touching the machine's shared server.
type privatePostgres struct {
	t    *testing.T
	bin  string
	dir  string
	port string
}

// startPrivatePostgres runs initdb into a temporary directory and starts the cluster on a free
// port. initdb refuses root, so as root it runs as the postgres user.
func startPrivatePostgres(t *testing.T) *privatePostgres {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		t.Skip("no PostgreSQL server binaries under /usr/lib/postgresql")
	}
	dir, err := os.MkdirTemp("", "guildhall-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	p := &privatePostgres{t: t, bin: filepath.Dir(bins[len(bins)-1]), dir: dir, port: freePort(t)}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skip("running as root without a postgres user to run initdb as")
		}
		if out, err := exec.Command("chown", u.Username, dir).CombinedOutput(); err != nil {
			t.Fatalf("chown: %v %s", err, out)
		}
	}
	p.run("initdb", "-D", filepath.Join(dir, "data"), "-A", "trust", "-U", "postgres", "--no-sync")
	p.start()
	t.Cleanup(func() { _ = p.ctl("stop", "-m", "immediate") })
	return p
}

func (p *privatePostgres) command(name string, args ...string) *exec.Cmd {
	path := filepath.Join(p.bin, name)
	if os.Geteuid() == 0 {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	}
	return exec.Command(path, args...)
}

func (p *privatePostgres) run(name string, args ...string) {
	p.t.Helper()
	if out, err := p.command(name, args...).CombinedOutput(); err != nil {
		p.t.Fatalf("%s: %v\n%s", name, err, out)
	}
}

func (p *privatePostgres) ctl(args ...string) error {
	args = append(args, "-D", filepath.Join(p.dir, "data"), "-l", filepath.Join(p.dir, "log"))
	if out, err := p.command("pg_ctl", args...).CombinedOutput(); err != nil {
		return fmt.Errorf("pg_ctl %s: %v\n%s", args[0], err, out)
	}
	return nil
}

// start starts the cluster and returns once it accepts connections (pg_ctl -w).
func (p *privatePostgres) start() {
	p.t.Helper()
	opts := fmt.Sprintf("-p %s -k %s -c listen_addresses=127.0.0.1 -c fsync=off", p.port, p.dir)
	if err := p.ctl("start", "-w", "-o", opts); err != nil {
		p.t.Fatal(err)
	}
}

// stop shuts the cluster down the way a restart does: open connections are cut.
func (p *privatePostgres) stop() {
	p.t.Helper()
	if err := p.ctl("stop", "-w", "-m", "fast"); err != nil {
		p.t.Fatal(err)
	}
}

func (p *privatePostgres) url() string {
	return "postgres://postgres@127.0.0.1:" + p.port + "/postgres?sslmode=disable"
}

// newFakeRemote is a remote server with one actor, bob, and a signer for his deliveries.
func newFakeRemote(t *testing.T) (*httptest.Server, string, func(body []byte, inbox string) *http.Request) {
	t.Helper()
	key, err := httpsig.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	pub, err := httpsig.EncodePublicKeyPEM(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	var actor string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/users/bob" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/activity+json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"@context": []any{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"},
			"id":       actor, "type": "Person", "preferredUsername": "bob",
			"inbox": actor + "/inbox", "outbox": actor + "/outbox", "followers": actor + "/followers",
			"publicKey": map[string]any{"id": actor + "#main-key", "owner": actor, "publicKeyPem": pub},
		})
	}))
	t.Cleanup(srv.Close)
	actor = srv.URL + "/users/bob"
	sign := func(body []byte, inbox string) *http.Request {
		r, err := http.NewRequest(http.MethodPost, inbox, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		r.Header.Set("Content-Type", "application/activity+json")
		if err := httpsig.Sign(r, body, actor+"#main-key", key, time.Now()); err != nil {
			t.Fatal(err)
		}
		return r
	}
	return srv, actor, sign
}

// outcomeLog counts what each surface answered while the database came and went.
type outcomeLog struct {
	mu       sync.Mutex
	codes    map[string]map[int]int
	accepted map[string][]string // surface → ids of what it said it stored
	failures []string
}

func (o *outcomeLog) record(surface string, code int, id string, problem string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.codes[surface] == nil {
		o.codes[surface] = map[int]int{}
	}
	o.codes[surface][code]++
	if id != "" {
		o.accepted[surface] = append(o.accepted[surface], id)
	}
	if problem != "" && len(o.failures) < 20 {
		o.failures = append(o.failures, surface+": "+problem)
	}
}

func (o *outcomeLog) count(surface string, code int) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.codes[surface][code]
}

// TestPostgresRestartMidLoad (GUILDHALL_TEST_PG_RESTART=1; .ci/run sets it): while a client posts
// statuses and a remote delivers Creates, the test's own PostgreSQL is stopped and started again.
// While it is down both surfaces answer 503 with Retry-After — never 500, never a hang (every
// request has a 10 s client timeout); after it is back, both succeed again within 5 s of it
// accepting connections; and every status either surface said it stored is in the database.
func TestPostgresRestartMidLoad(t *testing.T) {
	if os.Getenv("GUILDHALL_TEST_PG_RESTART") == "" {
		t.Skip("set GUILDHALL_TEST_PG_RESTART=1 to run (starts a private PostgreSQL cluster)")
	}
	pg := startPrivatePostgres(t)
	base, logs, _ := startServerAt(t, pg.url(), freePort(t), "--allow-private-networks", "--api-rate-limit", "0")
	if code, _, stderr := runCLI(t, nil, "", "admin", "create-user", "--db", pg.url(), "--username", "ann",
		"--email", "ann@council.test", "--password", "a long enough password"); code != exitOK {
		t.Fatalf("create-user: %d %s", code, stderr)
	}
	code, out, stderr := runCLI(t, nil, "", "admin", "token", "--db", pg.url(), "--username", "ann")
	if code != exitOK {
		t.Fatalf("token: %d %s", code, stderr)
	}
	token := strings.TrimSpace(out)
	ann := base + "/users/ann"
	_, bob, sign := newFakeRemote(t)

	client := &http.Client{Timeout: 10 * time.Second}
	log := &outcomeLog{codes: map[string]map[int]int{}, accepted: map[string][]string{}}
	var seq atomic.Int64
	post := func() {
		n := seq.Add(1)
		body, _ := json.Marshal(map[string]string{"status": fmt.Sprintf("post %d", n)})
		req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/statuses", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			log.record("api", -1, "", err.Error())
			return
		}
		defer resp.Body.Close()
		var st struct {
			URI string `json:"uri"`
		}
		b, _ := io.ReadAll(resp.Body)
		switch resp.StatusCode {
		case http.StatusOK:
			if json.Unmarshal(b, &st) != nil || st.URI == "" {
				log.record("api", resp.StatusCode, "", "200 without a status: "+string(b))
				return
			}
			log.record("api", resp.StatusCode, st.URI, "")
		case http.StatusServiceUnavailable:
			problem := ""
			if resp.Header.Get("Retry-After") == "" {
				problem = "503 without Retry-After"
			}
			log.record("api", resp.StatusCode, "", problem)
		default:
			log.record("api", resp.StatusCode, "", fmt.Sprintf("%d %s", resp.StatusCode, b))
		}
	}
	deliver := func() {
		n := seq.Add(1)
		note := fmt.Sprintf("%s/statuses/%d", bob, n)
		body, _ := json.Marshal(map[string]any{
			"@context": "https://www.w3.org/ns/activitystreams",
			"id":       note + "/activity", "type": "Create", "actor": bob,
			"to": []string{"https://www.w3.org/ns/activitystreams#Public"}, "cc": []string{ann},
			"object": map[string]any{
				"id": note, "type": "Note", "attributedTo": bob, "content": fmt.Sprintf("<p>delivery %d</p>", n),
				"to": []string{"https://www.w3.org/ns/activitystreams#Public"}, "cc": []string{ann},
				"published": time.Now().UTC().Format(time.RFC3339),
			},
		})
		resp, err := client.Do(sign(body, base+"/inbox"))
		if err != nil {
			log.record("inbox", -1, "", err.Error())
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		switch resp.StatusCode {
		case http.StatusAccepted:
			if strings.HasPrefix(string(b), "ignored") {
				log.record("inbox", resp.StatusCode, "", "accepted but ignored: "+string(b))
				return
			}
			log.record("inbox", resp.StatusCode, note, "")
		case http.StatusServiceUnavailable:
			problem := ""
			if resp.Header.Get("Retry-After") == "" {
				problem = "503 without Retry-After"
			}
			log.record("inbox", resp.StatusCode, "", problem)
		default:
			log.record("inbox", resp.StatusCode, "", fmt.Sprintf("%d %s", resp.StatusCode, b))
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, f := range []func(){post, post, deliver, deliver} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				f()
				time.Sleep(5 * time.Millisecond)
			}
		}()
	}
	waitFor := func(what string, limit time.Duration, cond func() bool) time.Duration {
		t.Helper()
		start := time.Now()
		for !cond() {
			if time.Since(start) > limit {
				cancel()
				wg.Wait()
				t.Fatalf("%s: not within %v; outcomes %v; problems %v\n%s", what, limit, log.codes, log.failures, logs.String())
			}
			time.Sleep(10 * time.Millisecond)
		}
		return time.Since(start)
	}
	waitFor("load running", 30*time.Second, func() bool { return log.count("api", 200) > 5 && log.count("inbox", 202) > 5 })

	pg.stop()
	downAPI, downInbox := log.count("api", 503), log.count("inbox", 503)
	waitFor("503s while the database is down", 30*time.Second, func() bool {
		return log.count("api", 503) > downAPI+3 && log.count("inbox", 503) > downInbox+3
	})
	okAPI, okInbox := log.count("api", 200), log.count("inbox", 202)
	pg.start()
	recovery := waitFor("recovery after PostgreSQL accepts connections again", 5*time.Second, func() bool {
		return log.count("api", 200) > okAPI && log.count("inbox", 202) > okInbox
	})
	waitFor("more load after recovery", 30*time.Second, func() bool {
		return log.count("api", 200) > okAPI+5 && log.count("inbox", 202) > okInbox+5
	})
	cancel()
	wg.Wait()
	t.Logf("outcomes %v; both surfaces served again %v after PostgreSQL accepted connections", log.codes, recovery)

	if len(log.failures) > 0 {
		t.Errorf("answers other than success or 503 with Retry-After: %q", log.failures)
	}
	db, err := sql.Open("postgres", pg.url())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for surface, uris := range log.accepted {
		lost := 0
		for _, uri := range uris {
			var n int
			if err := db.QueryRow(`SELECT count(*) FROM statuses WHERE uri = $1`, uri).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 1 {
				lost++
			}
		}
		if lost > 0 {
			t.Errorf("%s: %d of %d accepted statuses are not in the database", surface, lost, len(uris))
		}
	}
}
