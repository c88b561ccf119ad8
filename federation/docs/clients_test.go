package docs_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/mux"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/adapters/markdown"
	"github.com/guildhall/guildhall/adapters/password"
	"github.com/guildhall/guildhall/federation/content"
	"github.com/guildhall/guildhall/federation/docs"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// serve runs the document handlers of one instance over real HTTP on st.
func serve(t *testing.T, st *storage.Store) (base string, svc *ap.Service) {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	host := srv.Listener.Addr().String()
	base = "http://" + host
	render, err := markdown.NewDomain(base, content.NewSanitizer())
	if err != nil {
		t.Fatal(err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	svc, err = ap.NewService(ap.Options{Host: host, Scheme: "http", Store: st, Renderer: render,
		Passwords: password.Argon2id{Time: 1, Memory: 64, Threads: 1, KeyLen: 16},
		NewKey:    func() (*rsa.PrivateKey, error) { return key, nil }, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	h, err := docs.New(docs.Options{Service: svc, Store: st, Logger: slog.New(slog.DiscardHandler), Version: "0.1.0"})
	if err != nil {
		t.Fatal(err)
	}
	r := mux.NewRouter()
	h.Routes(r)
	srv.Config.Handler = r
	srv.Start()
	t.Cleanup(srv.Close)
	return base, svc
}

func send(t *testing.T, method, url string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

// TestDiscoveryCORS: Elk and Phanpy read WebFinger and NodeInfo from the browser on another
// origin (shared/research/mastodon-clients.md, cross-cutting rule 6): every /.well-known/* and
// /nodeinfo/* answer, errors included, allows any origin, and a preflight allows Authorization and
// Content-Type.
func TestDiscoveryCORS(t *testing.T) {
	base, svc := serve(t, storagetest.OpenSQLite(t))
	if _, err := svc.CreateLocalUser(t.Context(), ap.NewUser{Username: "alice", Email: "alice@x.test", Password: "a long enough password"}); err != nil {
		t.Fatal(err)
	}
	acct := "acct:alice@" + svc.Domain()
	for _, tc := range []struct {
		path   string
		status int
	}{
		{"/.well-known/nodeinfo", 200},
		{"/nodeinfo/2.0", 200},
		{"/nodeinfo/2.1", 200},
		{"/.well-known/webfinger?resource=" + acct, 200},
		{"/.well-known/webfinger?resource=acct:nobody@" + svc.Domain(), 404},
		{"/.well-known/host-meta", 200},
	} {
		t.Run(tc.path, func(t *testing.T) {
			res, body := send(t, "GET", base+tc.path, "Origin", "https://elk.zone")
			if res.StatusCode != tc.status || res.Header.Get("Access-Control-Allow-Origin") != "*" {
				t.Fatalf("GET: %d, Allow-Origin %q: %s", res.StatusCode, res.Header.Get("Access-Control-Allow-Origin"), body)
			}
			res, _ = send(t, "OPTIONS", base+tc.path, "Origin", "https://elk.zone",
				"Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization, content-type")
			allowed := strings.ToLower(res.Header.Get("Access-Control-Allow-Headers"))
			if res.StatusCode >= 300 || res.Header.Get("Access-Control-Allow-Origin") != "*" ||
				!strings.Contains(allowed, "authorization") || !strings.Contains(allowed, "content-type") {
				t.Fatalf("preflight: %d %v", res.StatusCode, res.Header)
			}
		})
	}
}

// TestNodeInfoForClients: what megalodon's detector and Phanpy read. An unknown software.name makes
// megalodon throw "Unknown SNS" unless metadata.upstream.name is "mastodon".
func TestNodeInfoForClients(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, st *storage.Store) {
		base, _ := serve(t, st)
		res, body := send(t, "GET", base+"/.well-known/nodeinfo")
		var links struct{ Links []struct{ Rel, Href string } }
		if err := json.Unmarshal(body, &links); err != nil || res.StatusCode != 200 {
			t.Fatalf("links: %d %s", res.StatusCode, body)
		}
		hrefs := map[string]string{}
		for _, l := range links.Links {
			hrefs[l.Rel] = l.Href
		}
		for _, v := range []string{"2.0", "2.1"} {
			href := hrefs["http://nodeinfo.diaspora.software/ns/schema/"+v]
			if href != base+"/nodeinfo/"+v {
				t.Fatalf("schema %s at %q", v, href)
			}
			res, body := send(t, "GET", href)
			if !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
				t.Errorf("Content-Type %q", res.Header.Get("Content-Type"))
			}
			var doc struct {
				Software          struct{ Name, Version string }
				Protocols         []string
				OpenRegistrations *bool
				Usage             struct{ Users struct{ Total *int } }
				Metadata          struct {
					Upstream struct{ Name string }
				}
			}
			if err := json.Unmarshal(body, &doc); err != nil {
				t.Fatal(err)
			}
			if doc.Software.Name == "" || doc.Software.Version == "" || len(doc.Protocols) != 1 || doc.Protocols[0] != "activitypub" ||
				doc.OpenRegistrations == nil || doc.Usage.Users.Total == nil {
				t.Errorf("nodeinfo %s = %s", v, body)
			}
			if doc.Software.Name != "mastodon" && doc.Metadata.Upstream.Name != "mastodon" {
				t.Errorf("nodeinfo %s: software %q without metadata.upstream.name mastodon: megalodon throws Unknown SNS", v, doc.Software.Name)
			}
		}
	})
}
