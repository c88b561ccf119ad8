package docs

import (
	"strings"
	"testing"
)

// FuzzWebFingerResource feeds arbitrary resource parameters to the WebFinger lookup. Properties: no
// panic; only a plain local name comes out (never a path, query or another handle), and an acct:
// resource yields a name only when its domain is ours.
func FuzzWebFingerResource(f *testing.F) {
	const domain, host = "council.example", "council.example:8443"
	for _, s := range []string{
		"acct:alice@council.example", "acct:@alice@council.example", "ACCT:Alice@COUNCIL.example",
		"acct:alice@council.example:8443", "acct:alice@evil.example", "acct:alice@council.example@evil.example",
		"https://council.example:8443/users/alice", "https://council.example:8443/@alice",
		"https://council.example:8443/actor", "https://council.example:8443/users/alice/../bob",
		"https://council.example:8443/users/a%2Fb", "acct:../../etc@council.example", "acct:a?b@council.example",
		"http://[::1]:8443/users/x", "acct:", "acct:@", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, resource string) {
		user, ok := resourceUsername(resource, domain, host)
		if !ok {
			if user != "" {
				t.Fatal("a name without ok")
			}
			return
		}
		if !webfingerName.MatchString(user) || strings.ContainsAny(user, "/?#@%: ") {
			t.Fatalf("%q gave name %q", resource, user)
		}
		if len(resource) > 5 && strings.EqualFold(resource[:5], "acct:") {
			_, d, _ := strings.Cut(strings.TrimPrefix(resource[5:], "@"), "@")
			if !strings.EqualFold(d, domain) && !strings.EqualFold(d, host) {
				t.Fatalf("%q answered for a foreign domain", resource)
			}
		}
	})
}
