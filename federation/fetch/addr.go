package fetch

import "net/netip"

// Ranges that are never dialled. Read-only tables, built once.
var (
	forbidden4 = mustPrefixes(
		"0.0.0.0/8",       // "this network", includes the unspecified address
		"10.0.0.0/8",      // RFC 1918
		"100.64.0.0/10",   // CGNAT, RFC 6598
		"127.0.0.0/8",     // loopback
		"169.254.0.0/16",  // link-local, cloud metadata
		"172.16.0.0/12",   // RFC 1918
		"192.0.0.0/24",    // IETF protocol assignments
		"192.0.2.0/24",    // TEST-NET-1
		"192.88.99.0/24",  // 6to4 relay anycast
		"192.168.0.0/16",  // RFC 1918
		"198.18.0.0/15",   // benchmarking
		"198.51.100.0/24", // TEST-NET-2
		"203.0.113.0/24",  // TEST-NET-3
		"224.0.0.0/4",     // multicast
		"240.0.0.0/4",     // reserved, includes broadcast
	)
	// Only global unicast (2000::/3) is dialled at all, which already
	// excludes ::, ::1, IPv4-compatible and NAT64 64:ff9b::/96 forms,
	// fc00::/7, fe80::/10 and ff00::/8. These are the holes inside it.
	global6    = netip.MustParsePrefix("2000::/3")
	forbidden6 = mustPrefixes(
		"2001::/23",     // IETF special purpose, includes Teredo 2001::/32
		"2001:db8::/32", // documentation
		"2002::/16",     // 6to4: embeds an arbitrary IPv4 address
		"3fff::/20",     // documentation (RFC 9637)
		"5f00::/16",     // SRv6 SIDs
	)
)

func mustPrefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

// IsForbiddenAddr reports whether a is not a public unicast address and so
// must not be connected to on behalf of remote input. IPv4-mapped IPv6
// addresses are judged as the IPv4 address they carry.
func IsForbiddenAddr(a netip.Addr) bool {
	if !a.IsValid() {
		return true
	}
	// Prefix.Contains never matches zoned or mapped addresses, so
	// normalise first or ::ffff:127.0.0.1 and fe80::1%eth0 would pass.
	a = a.Unmap().WithZone("")
	if a.Is4() {
		return inAny(a, forbidden4)
	}
	return !global6.Contains(a) || inAny(a, forbidden6)
}

func inAny(a netip.Addr, ps []netip.Prefix) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
