package fedtest

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/guildhall/guildhall/federation/httpsig"
)

// Keys is an httpsig.KeyResolver over keys registered by the test.
type Keys struct {
	mu   sync.Mutex
	keys map[string]httpsig.Key
}

// NewKeys returns an empty key set.
func NewKeys() *Keys { return &Keys{keys: map[string]httpsig.Key{}} }

// Add registers the public key of keyID, owned by actor owner.
func (k *Keys) Add(keyID, owner string, pub *rsa.PublicKey) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.keys[keyID] = httpsig.Key{PublicKey: pub, Owner: owner}
}

// ResolveKey implements httpsig.KeyResolver.
func (k *Keys) ResolveKey(_ context.Context, keyID string, _ bool) (httpsig.Key, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	key, ok := k.keys[keyID]
	if !ok {
		return httpsig.Key{}, fmt.Errorf("fedtest: unknown key %s", keyID)
	}
	return key, nil
}

// Received is one POST that verified.
type Received struct {
	Path   string
	KeyID  string
	Owner  string
	Raw    []byte
	Doc    map[string]any
	At     time.Time
	Status int
}

// Inbox is a fake remote server: it verifies every POST's signature and Digest and records it.
// Requests that fail verification are answered 401 and counted in Rejected.
type Inbox struct {
	Server *httptest.Server
	// Host is what the server believes it is called ("b.test" or "127.0.0.1:port"); signatures
	// must have been made for it.
	Host string

	mu       sync.Mutex
	got      []Received
	rejected []string
	inFlight int
	maxIn    int
	// respond picks the status of the nth (0-based) verified request; nil means 202.
	respond func(n int) int
	delay   time.Duration
	notify  chan struct{}
	verify  *httpsig.Verifier
}

// InboxOptions configures NewInbox.
type InboxOptions struct {
	// Host is the name the inbox is reached by; "" means its listener address.
	Host string
	// Listener to serve on; nil means a fresh one on 127.0.0.1.
	Listener net.Listener
	// Respond picks the status of the nth verified request; nil means 202 Accepted.
	Respond func(n int) int
	// Delay holds every request this long before answering (a slow server).
	Delay time.Duration
}

// NewInbox starts a fake inbox verifying signatures against keys. Close it with Close.
func NewInbox(keys httpsig.KeyResolver, o InboxOptions) *Inbox {
	in := &Inbox{respond: o.Respond, delay: o.Delay, notify: make(chan struct{}, 1)}
	in.Server = httptest.NewUnstartedServer(http.HandlerFunc(in.serve))
	if o.Listener != nil {
		in.Server.Listener.Close()
		in.Server.Listener = o.Listener
	}
	in.Host = o.Host
	if in.Host == "" {
		in.Host = in.Server.Listener.Addr().String()
	}
	in.verify = &httpsig.Verifier{Keys: keys, Host: in.Host}
	in.Server.Start()
	return in
}

// Addr is the listener address.
func (in *Inbox) Addr() string { return in.Server.Listener.Addr().String() }

// Close stops the server.
func (in *Inbox) Close() { in.Server.Close() }

func (in *Inbox) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "inbox only", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, "read", http.StatusBadRequest)
		return
	}
	res, err := in.verify.Verify(r.Context(), r, body)
	if err != nil {
		in.mu.Lock()
		in.rejected = append(in.rejected, err.Error())
		in.mu.Unlock()
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	in.mu.Lock()
	in.inFlight++
	in.maxIn = max(in.maxIn, in.inFlight)
	n := len(in.got)
	in.mu.Unlock()
	if in.delay > 0 {
		select {
		case <-time.After(in.delay):
		case <-r.Context().Done():
		}
	}
	status := http.StatusAccepted
	if in.respond != nil {
		status = in.respond(n)
	}
	var doc map[string]any
	_ = json.Unmarshal(body, &doc)
	in.mu.Lock()
	in.inFlight--
	in.got = append(in.got, Received{Path: r.URL.Path, KeyID: res.KeyID, Owner: res.Owner, Raw: body, Doc: doc,
		At: time.Now(), Status: status})
	in.mu.Unlock()
	select {
	case in.notify <- struct{}{}:
	default:
	}
	w.WriteHeader(status)
}

// Got returns the verified requests so far, accepted or not.
func (in *Inbox) Got() []Received {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]Received(nil), in.got...)
}

// Accepted returns the verified requests answered 2xx.
func (in *Inbox) Accepted() []Received {
	var out []Received
	for _, r := range in.Got() {
		if r.Status >= 200 && r.Status < 300 {
			out = append(out, r)
		}
	}
	return out
}

// Rejected returns why requests failed verification.
func (in *Inbox) Rejected() []string {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]string(nil), in.rejected...)
}

// MaxInFlight is the most requests the inbox held at once.
func (in *Inbox) MaxInFlight() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.maxIn
}

// WaitAccepted waits until n requests were accepted or the timeout passes, and reports which.
func (in *Inbox) WaitAccepted(n int, timeout time.Duration) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for len(in.Accepted()) < n {
		select {
		case <-in.notify:
		case <-deadline.C:
			return len(in.Accepted()) >= n
		}
	}
	return true
}
