package killfanout

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/guildhall/guildhall/federation/httpsig"
)

// remote is the fake fediverse: hosts on 127.0.0.1 (one listener, so one host name, each), each
// serving its followers' actor documents and inboxes. Every inbox verifies the HTTP signature as
// a real server would and records the Create activities it receives.
type remote struct {
	key    *rsa.PrivateKey
	pem    string
	hosts  []*fakeHost
	actors []string // actor ids, follower i lives on hosts[i%len(hosts)]
	keys   *instanceKeys

	mu       sync.Mutex
	got      map[string]map[string]int  // object id → inbox → deliveries
	ids      map[string]map[string]bool // object id → Create activity ids it was sent under
	rejected int
}

type fakeHost struct {
	ln     net.Listener
	srv    *http.Server
	host   string
	verify *httpsig.Verifier
}

func newRemote(nHosts, nFollowers int, keys *instanceKeys) (*remote, error) {
	key, err := httpsig.GenerateKey()
	if err != nil {
		return nil, err
	}
	pem, err := httpsig.EncodePublicKeyPEM(&key.PublicKey)
	if err != nil {
		return nil, err
	}
	r := &remote{key: key, pem: pem, keys: keys, got: map[string]map[string]int{}, ids: map[string]map[string]bool{}}
	for range nHosts {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			r.close()
			return nil, err
		}
		h := &fakeHost{ln: ln, host: ln.Addr().String()}
		h.verify = &httpsig.Verifier{Keys: keys, Host: h.host}
		h.srv = &http.Server{Handler: r.handler(h), ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = h.srv.Serve(ln) }()
		r.hosts = append(r.hosts, h)
	}
	for i := range nFollowers {
		r.actors = append(r.actors, fmt.Sprintf("http://%s/users/f%d", r.hosts[i%nHosts].host, i))
	}
	return r, nil
}

func (r *remote) close() {
	for _, h := range r.hosts {
		_ = h.srv.Close()
	}
}

func (r *remote) handler(h *fakeHost) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		id := "http://" + h.host + strings.TrimSuffix(req.URL.Path, "/inbox")
		switch {
		case req.Method == http.MethodGet && strings.HasPrefix(req.URL.Path, "/users/f"):
			w.Header().Set("Content-Type", "application/activity+json")
			name := strings.TrimPrefix(req.URL.Path, "/users/")
			_ = json.NewEncoder(w).Encode(map[string]any{
				"@context": []any{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"},
				"id":       id, "type": "Person", "preferredUsername": name,
				"inbox": id + "/inbox", "outbox": id + "/outbox", "followers": id + "/followers",
				"publicKey": map[string]any{"id": id + "#main-key", "owner": id, "publicKeyPem": r.pem},
			})
		case req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/inbox"):
			r.receive(h, w, req, id+"/inbox")
		default:
			http.NotFound(w, req)
		}
	})
}

func (r *remote) receive(h *fakeHost, w http.ResponseWriter, req *http.Request, inbox string) {
	body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	if err != nil {
		http.Error(w, "read", http.StatusBadRequest)
		return
	}
	if _, err := h.verify.Verify(req.Context(), req, body); err != nil {
		r.mu.Lock()
		r.rejected++
		r.mu.Unlock()
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	var act struct {
		ID     string          `json:"id"`
		Type   string          `json:"type"`
		Object json.RawMessage `json:"object"`
	}
	if json.Unmarshal(body, &act) != nil {
		http.Error(w, "json", http.StatusBadRequest)
		return
	}
	if act.Type == "Create" {
		var obj struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(act.Object, &obj)
		r.mu.Lock()
		if r.got[obj.ID] == nil {
			r.got[obj.ID] = map[string]int{}
		}
		r.got[obj.ID][inbox]++
		if r.ids[obj.ID] == nil {
			r.ids[obj.ID] = map[string]bool{}
		}
		r.ids[obj.ID][act.ID] = true
		r.mu.Unlock()
	}
	w.WriteHeader(http.StatusAccepted)
}

// received reports how many distinct inboxes got object, and how many deliveries were repeats.
func (r *remote) received(object string) (inboxes, duplicates int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, n := range r.got[object] {
		inboxes++
		duplicates += n - 1
	}
	return inboxes, duplicates
}

// activityIDs is how many distinct Create ids object was delivered under: 1 lets receivers dedupe.
func (r *remote) activityIDs(object string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.ids[object])
}

// follow has follower i follow target by a signed delivery to the instance's inbox. Like a real
// sender it waits and retries when the instance answers 429 (its per-host budget for fetching
// unknown keys, RES-13, is spent while thousands of new followers arrive from one host).
func (r *remote) follow(ctx context.Context, client *http.Client, i int, target, inbox string) error {
	actor := r.actors[i]
	body, _ := json.Marshal(map[string]any{
		"@context": "https://www.w3.org/ns/activitystreams",
		"id":       fmt.Sprintf("%s/follows/%d", actor, time.Now().UnixNano()), "type": "Follow",
		"actor": actor, "object": target,
	})
	for attempt := 0; ; attempt++ {
		status, retryAfter, b, err := r.post(ctx, client, actor, inbox, body)
		if err != nil {
			return err
		}
		switch {
		case status == http.StatusAccepted:
			return nil
		case status == http.StatusTooManyRequests && attempt < 120:
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(retryAfter):
			}
		default:
			return fmt.Errorf("follow %d: %d %s", i, status, b)
		}
	}
}

// post signs and sends one delivery, returning the status, how long a 429 asks to wait and the body.
func (r *remote) post(ctx context.Context, client *http.Client, actor, inbox string, body []byte) (int, time.Duration, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, inbox, bytes.NewReader(body))
	if err != nil {
		return 0, 0, nil, err
	}
	req.Header.Set("Content-Type", "application/activity+json")
	if err := httpsig.Sign(req, body, actor+"#main-key", r.key, time.Now()); err != nil {
		return 0, 0, nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	wait := 200 * time.Millisecond
	if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && secs > 0 {
		wait = time.Duration(secs) * time.Second
	}
	return resp.StatusCode, wait, b, nil
}

// instanceKeys resolves the instance's actor keys by fetching the actor document, as a real
// receiver does, and caches them: the key survives restarts.
type instanceKeys struct {
	client *http.Client
	mu     sync.Mutex
	cache  map[string]httpsig.Key
}

func (k *instanceKeys) ResolveKey(ctx context.Context, keyID string, refresh bool) (httpsig.Key, error) {
	k.mu.Lock()
	if key, ok := k.cache[keyID]; ok && !refresh {
		k.mu.Unlock()
		return key, nil
	}
	k.mu.Unlock()
	actor, _, _ := strings.Cut(keyID, "#")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, actor, nil)
	if err != nil {
		return httpsig.Key{}, err
	}
	req.Header.Set("Accept", "application/activity+json")
	resp, err := k.client.Do(req)
	if err != nil {
		return httpsig.Key{}, err
	}
	defer resp.Body.Close()
	var doc struct {
		ID        string `json:"id"`
		PublicKey struct {
			ID  string `json:"id"`
			PEM string `json:"publicKeyPem"`
		} `json:"publicKey"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		return httpsig.Key{}, fmt.Errorf("actor %s: %w", actor, err)
	}
	if doc.PublicKey.ID != keyID {
		return httpsig.Key{}, fmt.Errorf("actor %s does not list key %s", actor, keyID)
	}
	pub, err := httpsig.ParsePublicKeyPEM(doc.PublicKey.PEM)
	if err != nil {
		return httpsig.Key{}, err
	}
	key := httpsig.Key{PublicKey: pub, Owner: doc.ID}
	k.mu.Lock()
	k.cache[keyID] = key
	k.mu.Unlock()
	return key, nil
}
