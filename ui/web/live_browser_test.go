package web_test

import (
	"context"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/adapters/password"
	"github.com/guildhall/guildhall/cmd/instance/server"
	"github.com/guildhall/guildhall/federation/fedtest"
)

// startInstance runs a whole Guildhall (federation, delivery workers, web UI) on a fresh SQLite
// database, reachable as name through network.
func startInstance(t *testing.T, network *fedtest.Network, name string) *server.Instance {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	host := name + ":" + port
	network.Set(host, ln.Addr().String())
	dir := t.TempDir()
	cfg := server.Defaults()
	cfg.Host, cfg.Listen = host, ln.Addr().String()
	cfg.DB = "sqlite:" + filepath.Join(dir, "guildhall.db")
	cfg.MediaDir = filepath.Join(dir, "media")
	cfg.InsecureHTTP, cfg.AllowPrivateNetworks = true, true
	ctx, cancel := context.WithCancel(context.Background())
	in, err := server.New(ctx, cfg, server.Options{
		Logger:    slog.New(slog.DiscardHandler),
		Passwords: password.Argon2id{Time: 1, Memory: 1024, Threads: 1, KeyLen: 32},
		Dial:      network.DialContext,
	})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := in.Serve(ctx, ln, time.Second); err != nil {
			t.Logf("%s stopped: %v", name, err)
		}
	}()
	t.Cleanup(func() { cancel(); <-done; in.Close() })
	return in
}

// TestBrowserFollowAcrossInstancesSeesPostsLive: Alice on council A follows Bob on council B by
// typing his address; when Bob posts, the post appears on Alice's open home page without a reload.
func TestBrowserFollowAcrossInstancesSeesPostsLive(t *testing.T) {
	needChromium(t)
	network := fedtest.NewNetwork()
	a := startInstance(t, network, "council-a.test")
	bIn := startInstance(t, network, "council-b.test")
	ctx := t.Context()
	if _, err := a.Service.CreateLocalUser(ctx, activitypub.NewUser{Username: "alice", Email: "alice@a.example",
		Password: userPassword, DisplayName: "Alice Adams"}); err != nil {
		t.Fatal(err)
	}
	bob, err := bIn.Service.CreateLocalUser(ctx, activitypub.NewUser{Username: "bob", Email: "bob@b.example",
		Password: userPassword, DisplayName: "Bob Brown"})
	if err != nil {
		t.Fatal(err)
	}

	br := newBrowser(t, "council-a.test", "council-b.test")
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	base := a.Service.BaseURL()
	br.step("sign in on council A",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(css("#login")),
		chromedp.SendKeys(css("#login"), "alice"),
		chromedp.SendKeys(css("#password"), userPassword),
		chromedp.Click(css("main form button[type=submit]")),
		chromedp.WaitVisible(css(".signed-in-as")),
	)
	br.step("follow Bob by his address on council B",
		chromedp.Click(css(`nav a[href="/follow"]`)),
		chromedp.WaitVisible(css("#handle")),
		chromedp.SendKeys(css("#handle"), "@bob@"+bIn.Service.Host()),
		chromedp.Click(css("main form button[type=submit]")),
		chromedp.WaitVisible(css(".profile-actions")),
	)
	if h := br.text(".profile-header .handle"); !strings.HasPrefix(h, "@bob@"+bIn.Service.Host()) {
		t.Errorf("profile shown after following is %q", h)
	}
	br.checkA11y("remote profile")

	// Wait until B has accepted the follow, so Bob's post is addressed to Alice.
	deadline := time.Now().Add(30 * time.Second)
	for {
		rel, err := bIn.Service.Relationship(ctx, bob.Actor.ID, mustRemoteID(t, bIn, "alice", a.Service.Host()))
		if err == nil && rel.FollowedBy {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("council B never recorded Alice's follow (last error %v)", err)
		}
		time.Sleep(100 * time.Millisecond)
	}

	br.step("open the home page and wait for the live stream",
		chromedp.Navigate(base+"/"),
		chromedp.WaitReady(css(`.timeline[data-live="open"]`)),
	)
	eval[bool](br, `window.__sameDocument = true`)
	_, err = bIn.Service.Post(ctx, bob, activitypub.PostInput{Text: "Road closure on Mill Lane from Monday", Visibility: activitypub.Public})
	if err != nil {
		t.Fatal(err)
	}
	br.step("Bob's post arrives without a reload",
		chromedp.WaitVisible(`//article[contains(., "Road closure on Mill Lane from Monday")]`),
	)
	if !eval[bool](br, `window.__sameDocument === true`) {
		t.Error("the page was reloaded")
	}
	br.waitUntil("the live region announces the post", `document.getElementById("announcer").textContent === "New post from Bob Brown"`)
	br.checkA11y("home with a live post")
}

// mustRemoteID is the id under which instance in knows the person username@host.
func mustRemoteID(t *testing.T, in *server.Instance, username, host string) string {
	t.Helper()
	res, err := in.Service.Search(t.Context(), nil, "@"+username+"@"+host, activitypub.SearchOptions{Type: "accounts"})
	if err != nil || len(res.Actors) == 0 {
		return ""
	}
	return res.Actors[0].ID
}
