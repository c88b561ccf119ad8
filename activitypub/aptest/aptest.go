// Package aptest builds the kernel service on a real store for the tests of activitypub and its
// areas, so each area's tests start from the same instance ("council.test") without a copy of
// the set-up.
package aptest

import (
	"crypto/rand"
	"crypto/rsa"
	"log/slog"
	"sync"
	"testing"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/adapters/markdown"
	"github.com/guildhall/guildhall/adapters/password"
	"github.com/guildhall/guildhall/federation/content"
	"github.com/guildhall/guildhall/storage"
)

// Key is one RSA key shared by every actor in a test binary: generating 2048-bit keys per
// account would dominate the run time and tells nothing about the rules under test.
var Key = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// NewService is the service of https://council.test on st, with cheap password hashing and the
// shared key. now is its clock; nil means the real one.
func NewService(t testing.TB, st *storage.Store, now func() time.Time) *ap.Service {
	t.Helper()
	render, err := markdown.NewDomain("https://council.test", content.NewSanitizer())
	if err != nil {
		t.Fatal(err)
	}
	svc, err := ap.NewService(ap.Options{
		Host: "council.test", Store: st, Renderer: render,
		Passwords: password.Argon2id{Time: 1, Memory: 1024, Threads: 1, KeyLen: 32},
		NewKey:    func() (*rsa.PrivateKey, error) { return Key(), nil },
		Logger:    slog.New(slog.DiscardHandler),
		Now:       now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}
