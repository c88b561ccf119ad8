package delivery

import (
	"net"
	"testing"
	"time"
)

// listenOn listens on addr again after its previous server closed, retrying briefly while the
// port is released.
func listenOn(t *testing.T, addr string) net.Listener {
	t.Helper()
	var err error
	for range 100 {
		var l net.Listener
		if l, err = net.Listen("tcp", addr); err == nil {
			return l
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("listen on %s again: %v", addr, err)
	return nil
}
