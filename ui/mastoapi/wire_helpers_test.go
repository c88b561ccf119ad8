package mastoapi_test

import (
	"crypto/rsa"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/gorilla/mux"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/adapters/markdown"
	filemedia "github.com/guildhall/guildhall/adapters/media"
	"github.com/guildhall/guildhall/adapters/password"
	"github.com/guildhall/guildhall/federation/content"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/ui/mastoapi"
)

// newWiredEnv is newEnv with everything the server wires switched on: the streaming hub (as the
// service's event listener), the media endpoints over a directory, and /media files.
func newWiredEnv(t testing.TB, st *storage.Store) (*env, *mastoapi.Handler) {
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
	dir := filepath.Join(t.TempDir(), "media")
	files, err := filemedia.NewDirFileStore(dir, base)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := ap.NewMediaService(svc, ap.MediaOptions{Store: st, Files: files, Processor: filemedia.Processor{}})
	if err != nil {
		t.Fatal(err)
	}
	o := areaOptions(t, svc, st)
	o.Logger, o.RateLimit = slog.New(slog.DiscardHandler), 1<<30
	o.EnableStreaming, o.StreamingHeartbeat, o.Media = true, time.Hour, ms
	h, err := mastoapi.New(o)
	if err != nil {
		t.Fatal(err)
	}
	if h.Events() == nil {
		t.Fatal("Events() is nil with streaming enabled")
	}
	svc.SetEvents(h.Events())
	r := mux.NewRouter()
	r.PathPrefix(filemedia.PathPrefix).Handler(filemedia.Files(dir))
	h.Routes(r)
	srv.Config.Handler = r
	srv.Start()
	t.Cleanup(func() { h.Close(); srv.Close() })
	return &env{t: t, ctx: t.Context(), srv: srv, svc: svc, acc: o.Accounts, mod: o.Moderation, store: st, base: base}, h
}

// follow makes a follow a local user and checks it was accepted at once.
func (e *env) follow(by *ap.Account, target *ap.Account) {
	e.t.Helper()
	rel, err := e.svc.Follow(e.ctx, by, target.Actor.ID, true, false)
	if err != nil || !rel.Following {
		e.t.Fatalf("follow: %+v %v", rel, err)
	}
}
