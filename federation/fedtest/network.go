package fedtest

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
)

// Network maps host names to listener addresses, standing in for DNS. Remapping a name (a server
// that restarts on a new port) takes effect for new connections.
type Network struct {
	mu    sync.Mutex
	hosts map[string]string // lower-case name → "127.0.0.1:port"
	d     net.Dialer
}

// NewNetwork returns an empty Network.
func NewNetwork() *Network { return &Network{hosts: map[string]string{}} }

// Set routes name (with or without port) to addr.
func (n *Network) Set(name, addr string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.hosts[strings.ToLower(name)] = addr
}

// Remove forgets a name, so dialling it fails as if the host had no address.
func (n *Network) Remove(name string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	delete(n.hosts, strings.ToLower(name))
}

// DialContext dials addr ("name:port"), routing a known name (tried as "name:port", then "name")
// to its listener. Unknown names fail: tests must never reach the real network.
func (n *Network) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("fedtest: dial %s: %w", addr, err)
	}
	n.mu.Lock()
	to, ok := n.hosts[strings.ToLower(addr)]
	if !ok {
		to, ok = n.hosts[strings.ToLower(host)]
	}
	n.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("fedtest: dial %s: no such host in the test network", addr)
	}
	return n.d.DialContext(ctx, network, to)
}
