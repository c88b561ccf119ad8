package server

import (
	"context"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/guildhall/guildhall/adapters/password"
)

// serving starts a whole instance on a real TCP listener with Serve, as production does, and
// returns it with its address. It shuts down when the test ends.
func serving(t *testing.T, o Options) (*Instance, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cfg := Defaults()
	cfg.DB = "sqlite:" + filepath.Join(t.TempDir(), "g.db")
	cfg.MediaDir = filepath.Join(t.TempDir(), "media")
	cfg.Host = "council.test"
	cfg.InsecureHTTP = true
	cfg.APIRateLimit = 0
	o.Passwords = password.Argon2id{Time: 1, Memory: 1024, Threads: 1, KeyLen: 32}
	in, err := New(ctx, cfg, o)
	if err != nil {
		t.Fatal(err)
	}
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := smallBuffers{tcp}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = in.Serve(ctx, ln, time.Second)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		in.Close()
	})
	return in, ln.Addr().String()
}

// smallBuffers gives accepted connections a receive buffer the size a real network path would
// hold in flight. On loopback the kernel would otherwise swallow a whole 1 MiB body unread, and a
// server that closes on unread data would never be caught resetting its senders.
type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetReadBuffer(16 << 10)
	}
	return c, err
}
