// Package killfanout is a fault bench: it runs the real instance binary, has thousands of fake
// remote followers (spread over several fake hosts) follow one account, and kills the process
// with SIGKILL in the middle of each post's fan-out, restarting it every time. It then checks that
// every follower inbox received every post at least once under one activity id (receivers
// dedupe), and reports deliveries, duplicates and how long each interrupted fan-out took to
// finish after the restart. Run it through TestKillDuringFanout (see bench/killfanout.sh).
package killfanout

import (
	"github.com/guildhall/guildhall/federation/httpsig"

	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options size a run.
type Options struct {
	Binary    string        // the built cmd/instance
	Dir       string        // scratch directory: database, media, logs
	Followers int           // fake remote followers
	Hosts     int           // fake hosts they are spread over
	Kills     int           // posts, each killed mid-fan-out
	Timeout   time.Duration // for the whole run
	Logf      func(format string, args ...any)
}

// Report is what a run measured.
type Report struct {
	Followers, Posts     int
	MidFanoutKills       int             // kills that landed while the post was still being delivered
	Deliveries           int             // Create deliveries received, repeats included
	Duplicates           int             // deliveries of a post to an inbox that already had it
	Missing              map[string]int  // post → inboxes that never received it
	FinishAfterRestart   []time.Duration // per interrupted post: restart → last inbox reached
	Rejected             int             // deliveries whose signature did not verify
	SplitIDs             map[string]int  // post → distinct activity ids it arrived under, when more than one
	SetupTime, TotalTime time.Duration
}

// instance is one run of the binary.
type instance struct {
	cmd  *exec.Cmd
	done chan struct{}
}

type runner struct {
	o      Options
	port   string
	base   string
	flags  []string
	client *http.Client
	log    *os.File
}

// Run performs the bench.
func Run(ctx context.Context, o Options) (*Report, error) {
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	start := time.Now()
	r := &runner{o: o, client: &http.Client{Timeout: 30 * time.Second}}
	var err error
	if r.port, err = freePort(); err != nil {
		return nil, err
	}
	r.base = "http://localhost:" + r.port
	r.flags = []string{"--db", "sqlite:" + filepath.Join(o.Dir, "guildhall.db"), "--host", "localhost:" + r.port,
		"--media-dir", filepath.Join(o.Dir, "media")}
	if r.log, err = os.Create(filepath.Join(o.Dir, "instance.log")); err != nil {
		return nil, err
	}
	defer r.log.Close()
	if _, err := r.admin("a long enough password\n", "create-user", "--username", "ann", "--email", "ann@council.test", "--password", "-"); err != nil {
		return nil, err
	}
	out, err := r.admin("", "token", "--username", "ann")
	if err != nil {
		return nil, err
	}
	token := strings.TrimSpace(out)

	inst, err := r.start(ctx)
	if err != nil {
		return nil, err
	}
	defer func() { inst.kill() }()
	rem, err := newRemote(o.Hosts, o.Followers, &instanceKeys{client: r.client, cache: map[string]httpsig.Key{}})
	if err != nil {
		return nil, err
	}
	defer rem.close()
	if err := r.followAll(ctx, rem, token); err != nil {
		return nil, err
	}
	rep := &Report{Followers: o.Followers, Posts: o.Kills, Missing: map[string]int{}, SplitIDs: map[string]int{}, SetupTime: time.Since(start)}
	o.Logf("setup: %d followers on %d hosts in %v", o.Followers, o.Hosts, rep.SetupTime.Round(time.Millisecond))

	var posts []string
	restartedAt := map[string]time.Time{}
	finished := map[string]time.Time{}
	var mu sync.Mutex
	watchDone := make(chan struct{})
	go func() { // record when each post has reached every inbox
		defer close(watchDone)
		for ctx.Err() == nil {
			mu.Lock()
			all := len(posts) == o.Kills
			for _, p := range posts {
				if _, ok := finished[p]; !ok {
					if n, _ := rem.received(p); n == o.Followers {
						finished[p] = time.Now()
					}
				}
			}
			if all && len(finished) == len(posts) {
				mu.Unlock()
				return
			}
			mu.Unlock()
			time.Sleep(20 * time.Millisecond)
		}
	}()

	for k := range o.Kills {
		uri, err := r.post(ctx, token, fmt.Sprintf("round %d of the kill -9 bench", k))
		if err != nil {
			return nil, err
		}
		mu.Lock()
		posts = append(posts, uri)
		mu.Unlock()
		threshold := int(float64(o.Followers) * (0.1 + 0.5*rand.Float64()))
		for {
			n, _ := rem.received(uri)
			if n >= threshold || ctx.Err() != nil {
				break
			}
			time.Sleep(2 * time.Millisecond)
		}
		n, _ := rem.received(uri)
		inst.kill()
		if n < o.Followers {
			rep.MidFanoutKills++
		}
		o.Logf("round %d: SIGKILL after %d of %d inboxes", k, n, o.Followers)
		if inst, err = r.start(ctx); err != nil {
			return nil, err
		}
		mu.Lock()
		restartedAt[uri] = time.Now()
		mu.Unlock()
	}
	select {
	case <-watchDone:
	case <-ctx.Done():
	}
	mu.Lock()
	defer mu.Unlock()
	for _, p := range posts {
		n, dup := rem.received(p)
		rep.Deliveries += n + dup
		rep.Duplicates += dup
		if n < o.Followers {
			rep.Missing[p] = o.Followers - n
		}
		if ids := rem.activityIDs(p); ids != 1 {
			rep.SplitIDs[p] = ids
		}
		if f, ok := finished[p]; ok {
			d := f.Sub(restartedAt[p])
			if d < 0 {
				d = 0 // finished before the kill took effect
			}
			rep.FinishAfterRestart = append(rep.FinishAfterRestart, d)
		}
	}
	sort.Slice(rep.FinishAfterRestart, func(i, j int) bool { return rep.FinishAfterRestart[i] < rep.FinishAfterRestart[j] })
	rem.mu.Lock()
	rep.Rejected = rem.rejected
	rem.mu.Unlock()
	rep.TotalTime = time.Since(start)
	return rep, nil
}

func (r *runner) admin(stdin string, args ...string) (string, error) {
	cmd := exec.Command(r.o.Binary, append(append([]string{"admin"}, args...), r.flags...)...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("admin %s: %v: %s", args[0], err, errb.String())
	}
	return out.String(), nil
}

// start runs `instance serve` and waits for /healthz.
func (r *runner) start(ctx context.Context) (*instance, error) {
	args := append([]string{"serve", "--listen", "127.0.0.1:" + r.port, "--allow-private-networks",
		"--api-rate-limit", "0", "--log-level", "warn"}, r.flags...)
	cmd := exec.Command(r.o.Binary, args...)
	cmd.Stdout, cmd.Stderr = r.log, r.log
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	in := &instance{cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(in.done) }()
	for {
		resp, err := r.client.Get(r.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return in, nil
			}
		}
		select {
		case <-in.done:
			return nil, fmt.Errorf("instance exited before serving; see %s", r.log.Name())
		case <-ctx.Done():
			in.kill()
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// kill is kill -9: no shutdown, no flush, whatever was in flight is cut.
func (in *instance) kill() {
	select {
	case <-in.done:
		return
	default:
	}
	_ = in.cmd.Process.Kill()
	<-in.done
}

func (r *runner) followAll(ctx context.Context, rem *remote, token string) error {
	target := r.base + "/users/ann"
	sem := make(chan struct{}, 16)
	errs := make(chan error, len(rem.actors))
	var wg sync.WaitGroup
	for i := range rem.actors {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := rem.follow(ctx, r.client, i, target, r.base+"/inbox"); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	for {
		var me struct {
			Followers int `json:"followers_count"`
		}
		if err := r.api(ctx, token, http.MethodGet, "/api/v1/accounts/verify_credentials", nil, &me); err != nil {
			return err
		}
		if me.Followers >= len(rem.actors) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("only %d of %d follows recorded: %w", me.Followers, len(rem.actors), ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (r *runner) post(ctx context.Context, token, text string) (string, error) {
	var st struct {
		URI string `json:"uri"`
	}
	if err := r.api(ctx, token, http.MethodPost, "/api/v1/statuses", map[string]string{"status": text}, &st); err != nil {
		return "", err
	}
	return st.URI, nil
}

func (r *runner) api(ctx context.Context, token, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, r.base+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := r.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	return json.Unmarshal(b, out)
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port), nil
}

// Summary formats the report for the log and the note.
func (rep *Report) Summary() string {
	var b strings.Builder
	w := bufio.NewWriter(&b)
	fmt.Fprintf(w, "%d followers × %d posts, %d kills mid-fan-out; %d deliveries, %d duplicates, %d rejected signatures; ",
		rep.Followers, rep.Posts, rep.MidFanoutKills, rep.Deliveries, rep.Duplicates, rep.Rejected)
	if n := len(rep.FinishAfterRestart); n > 0 {
		fmt.Fprintf(w, "restart → all inboxes reached: median %v, max %v; ",
			rep.FinishAfterRestart[n/2].Round(time.Millisecond), rep.FinishAfterRestart[n-1].Round(time.Millisecond))
	}
	fmt.Fprintf(w, "setup %v, total %v", rep.SetupTime.Round(time.Millisecond), rep.TotalTime.Round(time.Millisecond))
	_ = w.Flush()
	return b.String()
}
