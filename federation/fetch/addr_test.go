package fetch

import (
	"net/netip"
	"testing"
)

func TestIsForbiddenAddr(t *testing.T) {
	tests := []struct {
		addr      string
		forbidden bool
	}{
		{"127.0.0.1", true},
		{"127.255.255.254", true},
		{"10.0.0.1", true},
		{"172.16.0.1", true},
		{"172.31.255.255", true},
		{"192.168.1.1", true},
		{"169.254.169.254", true},
		{"100.64.0.1", true},
		{"100.127.255.255", true},
		{"0.0.0.0", true},
		{"0.1.2.3", true},
		{"198.18.0.1", true},
		{"192.0.2.1", true},
		{"224.0.0.1", true},
		{"239.255.255.250", true},
		{"255.255.255.255", true},
		{"240.0.0.1", true},
		{"::", true},
		{"::1", true},
		{"::ffff:127.0.0.1", true},
		{"::ffff:10.0.0.1", true},
		{"::ffff:169.254.169.254", true},
		{"::127.0.0.1", true}, // IPv4-compatible, deprecated
		{"64:ff9b::7f00:1", true},
		{"2002:7f00:1::", true},
		{"2001::1", true},
		{"2001:db8::1", true},
		{"fd00::", true},
		{"fc00::1", true},
		{"fe80::1", true},
		{"fe80::1%eth0", true},
		{"ff02::1", true},
		{"3fff::1", true},

		{"1.1.1.1", false},
		{"8.8.8.8", false},
		{"100.63.255.255", false},
		{"100.128.0.0", false},
		{"172.15.255.255", false},
		{"172.32.0.0", false},
		{"93.184.216.34", false},
		{"::ffff:1.1.1.1", false},
		{"2606:4700:4700::1111", false},
		{"2a00:1450:4001:80b::200e", false},
	}
	for _, tc := range tests {
		t.Run(tc.addr, func(t *testing.T) {
			a := netip.MustParseAddr(tc.addr)
			if got := IsForbiddenAddr(a); got != tc.forbidden {
				t.Fatalf("IsForbiddenAddr(%s) = %v, want %v", a, got, tc.forbidden)
			}
		})
	}
	if !IsForbiddenAddr(netip.Addr{}) {
		t.Error("the zero Addr must be forbidden")
	}
}
