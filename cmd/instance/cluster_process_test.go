package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// The cluster test runs two real `instance serve` processes of ONE instance (hall.guildhall.test)
// on one PostgreSQL schema and one media store, listening on two addresses as two machines behind
// a load balancer would. .ci/run maps the name and the addresses.
const clusterHost = "hall.guildhall.test"

var clusterAddrs = []string{"127.0.3.3", "127.0.3.4"}

// clusterProc is one serving process.
type clusterProc struct {
	base string // http://ADDR
	cmd  *exec.Cmd
	log  string
}

func TestProcessesShareOneDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("cluster test skipped in -short mode")
	}
	for _, ip := range clusterAddrs {
		ln, err := net.Listen("tcp", ip+":80")
		if err != nil {
			t.Skipf("cannot listen on %s:80 (%v; needs root and the address, as in CI): cluster test skipped", ip, err)
		}
		ln.Close()
	}
	dsn := storagetest.PostgresDSN(t) // skips without PostgreSQL
	dir := t.TempDir()
	bin := filepath.Join(dir, "instance")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	env := append(os.Environ(), "GUILDHALL_DB="+dsn, "GUILDHALL_HOST="+clusterHost,
		"GUILDHALL_INSECURE_HTTP=true", "GUILDHALL_ALLOW_PRIVATE_NETWORKS=true",
		"GUILDHALL_MEDIA_DIR="+filepath.Join(dir, "media"), "GUILDHALL_DELIVERY_LEASE=4s")
	media := "a shared directory"
	if store := s3MediaStore(t); store != "" {
		env = append(env, "GUILDHALL_MEDIA_STORE="+store)
		media = "S3 " + store
	}
	t.Logf("media store: %s", media)
	cli := func(args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Env = env
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return strings.TrimSpace(string(out))
	}
	cli("admin", "create-user", "--username", "ann", "--email", "ann@"+clusterHost, "--password", "a long enough password")
	cli("admin", "create-user", "--username", "bob", "--email", "bob@"+clusterHost, "--password", "a long enough password")
	annTok := cli("admin", "token", "--username", "ann", "--scopes", "read write follow")
	bobTok := cli("admin", "token", "--username", "bob", "--scopes", "read write follow")

	var procs []*clusterProc
	for _, ip := range clusterAddrs {
		p := &clusterProc{base: "http://" + ip, log: filepath.Join(dir, ip+".log")}
		p.start(t, ctx, bin, append(env, "GUILDHALL_LISTEN="+ip+":80"))
		procs = append(procs, p)
	}
	one, two := procs[0], procs[1]

	t.Run("streaming", func(t *testing.T) {
		// Ann follows Bob through process two, streams from process one; Bob posts through two.
		var bob struct{ ID string }
		two.api(t, annTok, http.MethodGet, "/api/v1/accounts/lookup?acct=bob", nil, &bob)
		two.api(t, annTok, http.MethodPost, "/api/v1/accounts/"+bob.ID+"/follow", nil, nil)
		ws, _, err := websocket.Dial(ctx, "ws://"+clusterAddrs[0]+"/api/v1/streaming?stream=user&access_token="+annTok, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer ws.CloseNow()
		// The stream is registered once the handshake is answered, but posting once is not
		// enough to prove that; keep posting until one arrives, then check it is one of ours.
		posted := map[string]bool{}
		got := make(chan string, 1)
		go func() {
			for {
				_, msg, err := ws.Read(ctx)
				if err != nil {
					return
				}
				var ev struct{ Event, Payload string }
				var st struct{ ID string }
				if json.Unmarshal(msg, &ev) == nil && ev.Event == "update" && json.Unmarshal([]byte(ev.Payload), &st) == nil {
					got <- st.ID
					return
				}
			}
		}()
		var mu sync.Mutex
		for i := 0; ; i++ {
			var st struct{ ID string }
			two.api(t, bobTok, http.MethodPost, "/api/v1/statuses", url.Values{"status": {fmt.Sprintf("posted through process two (%d)", i)}}, &st)
			mu.Lock()
			posted[st.ID] = true
			mu.Unlock()
			select {
			case id := <-got:
				if !posted[id] {
					t.Fatalf("streamed %s, which bob did not post", id)
				}
				return
			case <-time.After(time.Second):
			case <-ctx.Done():
				t.Fatal("ann's stream on process one never heard bob's post on process two")
			}
		}
	})

	t.Run("rate limit", func(t *testing.T) {
		// 300 requests per 5 minutes per token, the default: split across both processes.
		tok := cli("admin", "token", "--username", "ann", "--scopes", "read")
		for i := 1; i <= 300; i++ {
			if code := procs[i%2].status(t, tok, "/api/v1/accounts/verify_credentials"); code != http.StatusOK {
				t.Fatalf("request %d of 300: %d", i, code)
			}
		}
		for i, p := range procs {
			if code := p.status(t, tok, "/api/v1/accounts/verify_credentials"); code != http.StatusTooManyRequests {
				t.Fatalf("request after 300 on process %d: %d, want 429", i+1, code)
			}
		}
	})

	t.Run("domain block", func(t *testing.T) {
		for i, p := range procs {
			if code := p.inboxFrom(t, "spam.test"); code == http.StatusForbidden {
				t.Fatalf("process %d refused spam.test before any block", i+1)
			}
		}
		// The CLI is a third writer of the database; both servers hear the change.
		cli("admin", "domain", "block", "spam.test")
		deadline := time.Now().Add(time.Second) // within 1 s, well before the 5 s cache expiry
		for i, p := range procs {
			for p.inboxFrom(t, "spam.test") != http.StatusForbidden {
				if time.Now().After(deadline) {
					t.Fatalf("process %d still accepts spam.test a second after the block", i+1)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
	})

	t.Run("media", func(t *testing.T) {
		var att struct{ URL string }
		two.upload(t, annTok, &att)
		u, err := url.Parse(att.URL)
		if err != nil || !strings.HasPrefix(u.Path, "/media/") {
			t.Fatalf("attachment URL %q", att.URL)
		}
		res, err := http.Get(one.base + u.Path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("process one serving process two's upload: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
	})

	t.Run("kill during fan-out", func(t *testing.T) {
		const followers = 120
		sink := newInboxSink(50 * time.Millisecond)
		defer sink.Close()
		st, err := storage.Open(ctx, dsn, storage.Options{MaxConns: 2})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		sink.followers(t, ctx, st, followers)
		var status struct{ ID, URI string }
		one.api(t, annTok, http.MethodPost, "/api/v1/statuses", url.Values{"status": {"to every follower"}}, &status)
		// Kill process one (where the post was made, so its workers start first) mid-way.
		for sink.distinct() < followers/6 {
			select {
			case <-ctx.Done():
				t.Fatal("fan-out never started")
			case <-time.After(10 * time.Millisecond):
			}
		}
		if err := one.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = one.cmd.Wait()
		killedAt := sink.distinct()
		t.Logf("killed process one after %d of %d inboxes", killedAt, followers)
		for sink.distinct() < followers {
			select {
			case <-ctx.Done():
				t.Fatalf("only %d of %d inboxes got the post after process one was killed", sink.distinct(), followers)
			case <-time.After(50 * time.Millisecond):
			}
		}
		if killedAt == followers {
			t.Log("every delivery was done before the kill; the lease path was not exercised")
		}
		if n := sink.activitiesFor(status.URI); n != followers {
			t.Fatalf("%d inboxes got the post's Create, want %d", n, followers)
		}
	})
}

// s3MediaStore creates a bucket on the test S3 server and returns its --media-store URL, or "".
func s3MediaStore(t *testing.T) string {
	ep := os.Getenv("GUILDHALL_TEST_S3")
	if ep == "" {
		t.Log("GUILDHALL_TEST_S3 unset: the processes share a media directory instead of S3")
		return ""
	}
	bucket := fmt.Sprintf("cluster-%d", time.Now().UnixNano())
	if err := makeBucket(ep, bucket); err != nil {
		t.Fatalf("make bucket: %v", err)
	}
	return "s3://" + bucket + "?endpoint=" + ep
}

func (p *clusterProc) start(t *testing.T, ctx context.Context, bin string, env []string) {
	t.Helper()
	p.cmd = exec.Command(bin, "serve")
	p.cmd.Env = env
	logf, err := os.Create(p.log)
	if err != nil {
		t.Fatal(err)
	}
	p.cmd.Stderr = logf
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Signal(os.Interrupt)
			_ = p.cmd.Wait()
		}
		logf.Close()
		if t.Failed() {
			b, _ := os.ReadFile(p.log)
			t.Logf("%s log:\n%s", p.base, b)
		}
	})
	waitFor(t, ctx, p.base+" healthy", func() (bool, error) {
		res, err := http.Get(p.base + "/readyz")
		if err != nil {
			return false, nil
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK, nil
	})
}

// api calls the client API and decodes the answer into out (when not nil); anything but 200 fails.
func (p *clusterProc) api(t *testing.T, token, method, path string, form url.Values, out any) {
	t.Helper()
	req, _ := http.NewRequest(method, p.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Authorization", "Bearer "+token)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, body)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

func (p *clusterProc) status(t *testing.T, token, path string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, p.base+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// inboxFrom posts to the shared inbox as a server of domain would; a blocked domain is refused
// with 403 before its key is fetched, anything else fails later (the key cannot be fetched).
func (p *clusterProc) inboxFrom(t *testing.T, domain string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, p.base+"/inbox", strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "application/activity+json")
	req.Header.Set("Signature", `keyId="https://`+domain+`/actor#main-key",headers="(request-target) host date digest",signature="AAAA"`)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

func (p *clusterProc) upload(t *testing.T, token string, out any) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range 8 {
		img.Set(i, i, color.RGBA{200, 0, 0, 255})
	}
	var pngData, body bytes.Buffer
	if err := png.Encode(&pngData, img); err != nil {
		t.Fatal(err)
	}
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "dot.png")
	_, _ = fw.Write(pngData.Bytes())
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, p.base+"/api/v1/media", &body)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("upload: %d %s", res.StatusCode, b)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatal(err)
	}
}

// inboxSink stands for many remote servers: every follower has its own inbox on it. It answers
// slowly, so a fan-out takes long enough to kill a process in the middle of it.
type inboxSink struct {
	*httptest.Server
	mu    sync.Mutex
	got   map[string]map[string]bool // inbox path → activity object ids received
	delay time.Duration
}

func newInboxSink(delay time.Duration) *inboxSink {
	s := &inboxSink{got: map[string]map[string]bool{}, delay: delay}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.Contains(r.Header.Get("Signature"), "keyId=") {
			http.Error(w, "unsigned", http.StatusUnauthorized)
			return
		}
		var act struct {
			Type   string
			Object json.RawMessage
		}
		body, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(body, &act)
		var obj struct{ ID string }
		_ = json.Unmarshal(act.Object, &obj)
		time.Sleep(s.delay)
		s.mu.Lock()
		if s.got[r.URL.Path] == nil {
			s.got[r.URL.Path] = map[string]bool{}
		}
		s.got[r.URL.Path][obj.ID] = true
		s.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	return s
}

func (s *inboxSink) distinct() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.got)
}

func (s *inboxSink) activitiesFor(objectID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, objs := range s.got {
		if objs[objectID] {
			n++
		}
	}
	return n
}

// followers makes n remote accounts, each with its own inbox on the sink, that follow ann.
func (s *inboxSink) followers(t *testing.T, ctx context.Context, st *storage.Store, n int) {
	t.Helper()
	ann, err := st.ActorByUsername(ctx, "ann", "")
	if err != nil {
		t.Fatal(err)
	}
	var ids activitypub.IDs
	now := time.Now()
	for i := range n {
		base := fmt.Sprintf("%s/users/f%d", s.URL, i)
		a := &activitypub.Actor{ID: ids.New(now), URI: base, Kind: activitypub.KindPerson, Username: fmt.Sprintf("f%d", i),
			Domain: strings.TrimPrefix(s.URL, "http://"), Inbox: fmt.Sprintf("%s/inbox/%d", s.URL, i),
			PublicKeyID: base + "#main-key", PublicKeyPEM: "unused", CreatedAt: now, UpdatedAt: now, FetchedAt: &now}
		if err := st.CreateActor(ctx, a); err != nil {
			t.Fatal(err)
		}
		f := &activitypub.Follow{ID: ids.New(now), URI: base + "/follow", FollowerID: a.ID, FolloweeID: ann.ID,
			State: activitypub.FollowAccepted, CreatedAt: now}
		if err := st.CreateFollow(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
}

// makeBucket creates a bucket on the test S3 server with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.
func makeBucket(endpoint, bucket string) error {
	secure := strings.HasPrefix(endpoint, "https://")
	host := strings.TrimPrefix(strings.TrimPrefix(endpoint, "https://"), "http://")
	cl, err := minio.New(host, &minio.Options{
		Creds:  credentials.NewStaticV4(os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"), ""),
		Secure: secure, BucketLookup: minio.BucketLookupPath,
	})
	if err != nil {
		return err
	}
	return cl.MakeBucket(context.Background(), bucket, minio.MakeBucketOptions{})
}
