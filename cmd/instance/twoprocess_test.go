package main

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/mattn/go-mastodon"
)

// The two-process test runs two real `instance serve` processes on loopback addresses with their
// own host names, as two councils would, and drives them through the CLI and a third-party
// Mastodon client library. It needs the names in /etc/hosts and port 80, which .ci/run sets up.
var twoHosts = []struct{ name, ip string }{{"a.guildhall.test", "127.0.3.1"}, {"b.guildhall.test", "127.0.3.2"}}

type proc struct {
	host, db, token string
	client          *mastodon.Client
}

func TestTwoProcessesFederate(t *testing.T) {
	if testing.Short() {
		t.Skip("two-process federation test skipped in -short mode")
	}
	for _, h := range twoHosts {
		addrs, err := net.LookupHost(h.name)
		if err != nil || len(addrs) == 0 || addrs[0] != h.ip {
			t.Skipf("%s does not resolve to %s (add it to /etc/hosts; .ci/run does): two-process test skipped", h.name, h.ip)
		}
		ln, err := net.Listen("tcp", h.ip+":80")
		if err != nil {
			t.Skipf("cannot listen on %s:80 (%v; needs root, as in CI): two-process test skipped", h.ip, err)
		}
		ln.Close()
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "instance")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	var ps []*proc
	for i, h := range twoHosts {
		p := &proc{host: h.name, db: "sqlite:" + filepath.Join(dir, h.name+".db")}
		env := append(os.Environ(), "GUILDHALL_DB="+p.db, "GUILDHALL_HOST="+h.name, "GUILDHALL_LISTEN="+h.ip+":80",
			"GUILDHALL_INSECURE_HTTP=true", "GUILDHALL_ALLOW_PRIVATE_NETWORKS=true")
		user := []string{"ann", "bob"}[i]
		cli := func(args ...string) string {
			cmd := exec.CommandContext(ctx, bin, args...)
			cmd.Env = env
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("%s %v: %v", h.name, args, err)
			}
			return strings.TrimSpace(string(out))
		}
		cli("admin", "create-user", "--username", user, "--email", user+"@"+h.name, "--password", "a long enough password")
		if i == 0 { // Ann's script uses a token from the command line.
			p.token = cli("admin", "token", "--username", user, "--scopes", "read write follow")
		}
		serve := exec.Command(bin, "serve")
		serve.Env = env
		logf, _ := os.Create(filepath.Join(dir, h.name+".log"))
		serve.Stderr = logf
		if err := serve.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_ = serve.Process.Signal(os.Interrupt)
			if err := serve.Wait(); err != nil {
				t.Errorf("%s did not stop cleanly on SIGINT: %v", h.name, err)
			}
			if t.Failed() {
				log, _ := os.ReadFile(logf.Name())
				t.Logf("%s log:\n%s", h.name, log)
			}
		})
		waitFor(t, ctx, h.name+" healthy", func() (bool, error) {
			resp, err := http.Get("http://" + h.name + "/healthz")
			if err != nil {
				return false, nil
			}
			resp.Body.Close()
			return resp.StatusCode == http.StatusOK, nil
		})
		if p.token != "" {
			p.client = mastodon.NewClient(&mastodon.Config{Server: "http://" + h.name, AccessToken: p.token})
		} else { // Bob signs in from an app through the browser, as Elk or Tusky would.
			p.client = signInThroughBrowser(t, ctx, "http://"+h.name, user, "a long enough password")
		}
		ps = append(ps, p)
	}
	a, b := ps[0], ps[1]

	// Ann finds Bob by his handle through WebFinger and follows him; Bob's server accepts.
	res, err := a.client.Search(ctx, "bob@b.guildhall.test", true)
	if err != nil || len(res.Accounts) != 1 {
		t.Fatalf("search resolve: %v %+v", err, res)
	}
	bobOnA := res.Accounts[0]
	if bobOnA.Acct != "bob@b.guildhall.test" {
		t.Fatalf("acct = %q", bobOnA.Acct)
	}
	if _, err := a.client.AccountFollow(ctx, bobOnA.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "follow accepted", func() (bool, error) {
		rels, err := a.client.GetAccountRelationships(ctx, []string{string(bobOnA.ID)})
		return err == nil && len(rels) == 1 && rels[0].Following, err
	})

	// Ann watches her home stream, as Elk does: token in Sec-WebSocket-Protocol.
	stream, resp, err := websocket.Dial(ctx, "ws://a.guildhall.test/api/v1/streaming?stream=user",
		&websocket.DialOptions{Subprotocols: []string{a.token}})
	if err != nil {
		t.Fatalf("streaming: %v (%v)", err, resp)
	}
	defer stream.CloseNow()
	if stream.Subprotocol() != a.token {
		t.Fatal("the streaming handshake did not echo the token")
	}

	// Bob posts; it reaches Ann's home timeline on the other server.
	post, err := b.client.PostStatus(ctx, &mastodon.Toot{Status: "Budget consultation opens today #budget", Visibility: "public"})
	if err != nil {
		t.Fatal(err)
	}
	var postOnA *mastodon.Status
	waitFor(t, ctx, "post in Ann's home", func() (bool, error) {
		home, err := a.client.GetTimelineHome(ctx, nil)
		for _, s := range home {
			if s.URI == post.URI {
				postOnA = s
			}
		}
		return postOnA != nil, err
	})
	if !strings.Contains(postOnA.Content, "Budget consultation") || postOnA.Account.Acct != "bob@b.guildhall.test" {
		t.Fatalf("post on A: %q by %q", postOnA.Content, postOnA.Account.Acct)
	}
	// The same post arrived on Ann's open stream as an update event.
	for {
		_, msg, err := stream.Read(ctx)
		if err != nil {
			t.Fatalf("stream: %v", err)
		}
		var ev struct {
			Stream  []string `json:"stream"`
			Event   string   `json:"event"`
			Payload string   `json:"payload"`
		}
		if err := json.Unmarshal(msg, &ev); err != nil {
			t.Fatalf("stream message %s: %v", msg, err)
		}
		var st mastodon.Status
		if ev.Event == "update" && json.Unmarshal([]byte(ev.Payload), &st) == nil && st.URI == post.URI {
			if len(ev.Stream) != 1 || ev.Stream[0] != "user" {
				t.Fatalf("stream field %q", ev.Stream)
			}
			break
		}
	}

	// Ann replies and favourites; Bob is told of both.
	if _, err := a.client.PostStatus(ctx, &mastodon.Toot{Status: "@bob@b.guildhall.test we will send comments", InReplyToID: postOnA.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.client.Favourite(ctx, postOnA.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "Bob notified of the reply and the favourite", func() (bool, error) {
		ns, err := b.client.GetNotifications(ctx, nil)
		seen := map[string]bool{}
		for _, n := range ns {
			seen[n.Type] = true
		}
		return seen["mention"] && seen["favourite"], err
	})
	waitFor(t, ctx, "favourite counted on B", func() (bool, error) {
		s, err := b.client.GetStatus(ctx, post.ID)
		return err == nil && s.FavouritesCount == 1 && s.RepliesCount == 1, err
	})

	// Bob deletes his post; it disappears from Ann's server.
	if err := b.client.DeleteStatus(ctx, post.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "deleted on A", func() (bool, error) {
		_, err := a.client.GetStatus(ctx, postOnA.ID)
		return err != nil && strings.Contains(err.Error(), "404"), nil
	})
}

// signInThroughBrowser registers an app, signs in on the web page, consents and exchanges the
// code for a token: the OAuth code flow a Mastodon app runs, with go-mastodon on the app side.
func signInThroughBrowser(t *testing.T, ctx context.Context, base, login, password string) *mastodon.Client {
	t.Helper()
	const oob = "urn:ietf:wg:oauth:2.0:oob"
	app, err := mastodon.RegisterApp(ctx, &mastodon.AppConfig{Server: base, ClientName: "Two-process test", RedirectURIs: oob, Scopes: "read write follow push"})
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	code, _, hdr := b.get(app.AuthURI)
	if code != http.StatusSeeOther {
		t.Fatalf("authorize before sign-in: %d", code)
	}
	next := hdr.Get("Location")
	_, page, _ := b.get(base + next)
	u, _ := url.Parse(next)
	code, _, hdr = b.post(base+"/login", url.Values{"login": {login}, "password": {password},
		"csrf_token": {csrfFrom(t, page)}, "next": {u.Query().Get("next")}})
	if code != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", code)
	}
	code, consent, _ := b.get(base + hdr.Get("Location"))
	if code != http.StatusOK || !strings.Contains(consent, "Two-process test") {
		t.Fatalf("consent page: %d", code)
	}
	form := url.Values{}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="([a-z_]+)" value="([^"]*)"`).FindAllStringSubmatch(consent, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	form.Set("decision", "allow")
	code, oobPage, _ := b.post(base+"/oauth/authorize", form)
	m := regexp.MustCompile(`<code>([^<]+)</code>`).FindStringSubmatch(oobPage)
	if code != http.StatusOK || m == nil {
		t.Fatalf("consent: %d\n%s", code, oobPage)
	}
	c := mastodon.NewClient(&mastodon.Config{Server: base, ClientID: app.ClientID, ClientSecret: app.ClientSecret})
	if err := c.AuthenticateToken(ctx, m[1], oob); err != nil {
		t.Fatal(err)
	}
	return c
}

// waitFor polls cond until it holds. The deadline only guards against a hang; it asserts no speed.
func waitFor(t *testing.T, ctx context.Context, what string, cond func() (bool, error)) {
	t.Helper()
	var last error
	for {
		ok, err := cond()
		if ok {
			return
		}
		last = err
		select {
		case <-ctx.Done():
			t.Fatalf("%s: gave up (%v)", what, fmt.Sprint(last))
		case <-time.After(50 * time.Millisecond):
		}
	}
}
