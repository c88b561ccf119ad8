// Package fedtest has test helpers for federation: a network that routes made-up host names
// (a.test, b.test…) to httptest listeners, and a fake remote inbox that verifies HTTP signatures
// and records what it receives. It imports no other federation package but httpsig, so any
// package's tests can use it.
package fedtest
