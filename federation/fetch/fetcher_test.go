package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func TestGetSignedFollowsRedirectsAndChecksIdentity(t *testing.T) {
	key := testKey(t)
	signer := &Signer{KeyID: testKeyID, Key: key}
	var failures atomic.Int32
	var acceptSeen atomic.Value

	// Server B holds documents; server A redirects to it.
	muxB := http.NewServeMux()
	b := httptest.NewServer(verifying(t, &key.PublicKey, &failures, muxB))
	defer b.Close()
	muxB.HandleFunc("/users/bob", func(w http.ResponseWriter, r *http.Request) {
		acceptSeen.Store(r.Header.Get("Accept"))
		docHandler("")(w, r)
	})
	muxB.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/users/bob", http.StatusMovedPermanently)
	})

	muxA := http.NewServeMux()
	a := httptest.NewServer(verifying(t, &key.PublicKey, &failures, muxA))
	defer a.Close()
	muxA.HandleFunc("/users/alias", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, b.URL+"/users/bob", http.StatusFound)
	})
	// SIG-18: the victim's id redirects elsewhere, and the target claims
	// to be the victim.
	muxA.HandleFunc("/users/victim", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, b.URL+"/claims-victim", http.StatusFound)
	})
	muxB.HandleFunc("/claims-victim", docHandler(a.URL+"/users/victim"))

	f := NewFetcher(loopbackOnly(Options{}))
	tests := []struct {
		name    string
		url     string
		wantID  string
		wantErr error
	}{
		{"direct", b.URL + "/users/bob", b.URL + "/users/bob", nil},
		{"fragment is not sent and not part of the identity", b.URL + "/users/bob#main-key", b.URL + "/users/bob", nil},
		{"same-host redirect", b.URL + "/moved", b.URL + "/users/bob", nil},
		{"cross-host redirect: identity is the final URL", a.URL + "/users/alias", b.URL + "/users/bob", nil},
		{"cross-host redirect claiming the original id", a.URL + "/users/victim", "", ErrIDMismatch},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := f.Get(context.Background(), tc.url, signer)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if doc.ID != tc.wantID || doc.Map["type"] != "Person" || !strings.Contains(string(doc.Raw), `"type":"Person"`) {
				t.Fatalf("doc = %s %v", doc.ID, doc.Map)
			}
		})
	}
	if n := failures.Load(); n != 0 {
		t.Fatalf("%d requests failed signature verification on the server", n)
	}
	if got := acceptSeen.Load(); got != ActivityAccept {
		t.Fatalf("Accept = %v", got)
	}
}

func TestGetUnsignedHasNoSignature(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Signature") != "" {
			http.Error(w, "unexpected signature", http.StatusBadRequest)
			return
		}
		docHandler("")(w, r)
	}))
	defer srv.Close()
	if _, err := NewFetcher(loopbackOnly(Options{})).Get(context.Background(), srv.URL+"/n/1", nil); err != nil {
		t.Fatal(err)
	}
}

func TestGetRefusals(t *testing.T) {
	big := `{"id":"ID","pad":"` + strings.Repeat("x", 2048) + `"}`
	tests := []struct {
		name    string
		status  int
		ctype   string
		body    string // "ID" is replaced by the request URL
		chunked bool
		wantErr error
	}{
		{"ok activity+json", 200, "application/activity+json", `{"id":"ID"}`, false, nil},
		{"ok ld+json with profile", 200, `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`, `{"id":"ID"}`, false, nil},
		{"ok ld+json without profile", 200, "application/ld+json", `{"id":"ID"}`, false, nil},
		{"ok with charset", 200, "application/activity+json; charset=utf-8", `{"id":"ID"}`, false, nil},
		{"body at the cap", 200, "application/activity+json", `{"id":"ID","pad":"` + strings.Repeat("x", 1000) + `"}`, false, nil},
		{"plain JSON", 200, "application/json", `{"id":"ID"}`, false, ErrContentType},
		{"HTML", 200, "text/html", `{"id":"ID"}`, false, ErrContentType},
		{"ld+json with another profile", 200, `application/ld+json; profile="https://example.com/p"`, `{"id":"ID"}`, false, ErrContentType},
		{"missing content type", 200, "", `{"id":"ID"}`, false, ErrContentType},
		{"body over the cap with length", 200, "application/activity+json", big, false, ErrTooLarge},
		{"body over the cap chunked", 200, "application/activity+json", big, true, ErrTooLarge},
		{"id of another document", 200, "application/activity+json", `{"id":"https://elsewhere.example/x"}`, false, ErrIDMismatch},
		{"id with fragment", 200, "application/activity+json", `{"id":"ID#frag"}`, false, ErrIDMismatch},
		{"no id", 200, "application/activity+json", `{"type":"Note"}`, false, ErrIDMismatch},
		{"not found", 404, "application/json", `{"error":"Not Found"}`, false, ErrNotFound},
		{"gone", 410, "application/activity+json", `{"type":"Tombstone"}`, false, ErrGone},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body := strings.ReplaceAll(tc.body, `"ID`, `"http://`+r.Host+r.URL.Path)
				if tc.ctype != "" {
					w.Header().Set("Content-Type", tc.ctype)
				} else {
					w.Header()["Content-Type"] = nil // suppress sniffing
				}
				if !tc.chunked {
					w.Header().Set("Content-Length", fmt.Sprint(len(body)))
				}
				w.WriteHeader(tc.status)
				if tc.chunked {
					w.(http.Flusher).Flush()
				}
				io.WriteString(w, body)
			}))
			defer srv.Close()
			f := NewFetcher(loopbackOnly(Options{MaxBody: 1024 + 64}))
			doc, err := f.Get(context.Background(), srv.URL+"/objects/1", nil)
			if tc.wantErr == nil {
				if err != nil {
					t.Fatal(err)
				}
				if doc.ID != srv.URL+"/objects/1" {
					t.Fatalf("id = %s", doc.ID)
				}
				return
			}
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
		})
	}

	t.Run("other status keeps its code", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "boom", http.StatusBadGateway)
		}))
		defer srv.Close()
		_, err := NewFetcher(loopbackOnly(Options{})).Get(context.Background(), srv.URL+"/x", nil)
		var se *StatusError
		if !errors.As(err, &se) || se.Code != http.StatusBadGateway || errors.Is(err, ErrNotFound) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("private address refused without allowlist", func(t *testing.T) {
		srv := httptest.NewServer(docHandler(""))
		defer srv.Close()
		_, err := NewFetcher(Options{}).Get(context.Background(), srv.URL+"/x", nil)
		if !errors.Is(err, ErrForbiddenAddress) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("non-http URL refused", func(t *testing.T) {
		_, err := NewFetcher(Options{}).Get(context.Background(), "ftp://remote.example/x", nil)
		if !errors.Is(err, ErrForbiddenScheme) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestPost(t *testing.T) {
	key := testKey(t)
	var failures atomic.Int32
	var gotBody, gotType atomic.Value
	mux := http.NewServeMux()
	srv := httptest.NewServer(verifying(t, &key.PublicKey, &failures, mux))
	defer srv.Close()
	mux.HandleFunc("/inbox", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		gotBody.Store(string(b))
		gotType.Store(r.Header.Get("Content-Type"))
		w.WriteHeader(http.StatusAccepted)
	})
	mux.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "x", http.StatusInternalServerError) })
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/inbox", http.StatusTemporaryRedirect)
	})

	f := NewFetcher(loopbackOnly(Options{}))
	body := []byte(`{"type":"Follow","actor":"https://local.example/users/alice"}`)
	tests := []struct {
		name       string
		path       string
		wantStatus int
		wantErr    bool
	}{
		{"accepted", "/inbox", http.StatusAccepted, false},
		{"server error", "/broken", http.StatusInternalServerError, true},
		{"redirect not followed", "/moved", http.StatusTemporaryRedirect, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, err := f.Post(context.Background(), srv.URL+tc.path, body, Signer{KeyID: testKeyID, Key: key})
			if status != tc.wantStatus || (err != nil) != tc.wantErr {
				t.Fatalf("status %d err %v", status, err)
			}
		})
	}
	if failures.Load() != 0 {
		t.Fatal("a delivery failed signature verification")
	}
	if gotBody.Load() != string(body) || gotType.Load() != ActivityContentType {
		t.Fatalf("server saw %v / %v", gotBody.Load(), gotType.Load())
	}
}

func TestGetJSON(t *testing.T) {
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	mux.HandleFunc("/.well-known/webfinger", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Signature") != "" || r.Header.Get("Accept") != "application/jrd+json" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/jrd+json")
		fmt.Fprintf(w, `{"subject":%q,"links":[{"rel":"self","href":"https://x.example/users/a"}]}`, r.URL.Query().Get("resource"))
	})
	mux.HandleFunc("/.well-known/nodeinfo", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/nodeinfo/2.0", http.StatusFound)
	})
	mux.HandleFunc("/nodeinfo/2.0", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"version":"2.0","pad":"`+strings.Repeat("x", 4096)+`"}`)
	})
	mux.HandleFunc("/gone", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusGone) })

	f := NewFetcher(loopbackOnly(Options{MaxBody: 1024}))
	var wf struct {
		Subject string `json:"subject"`
		Links   []struct{ Rel, Href string }
	}
	err := f.GetJSON(context.Background(), srv.URL+"/.well-known/webfinger?resource=acct:a@x.example", "application/jrd+json", &wf)
	if err != nil || wf.Subject != "acct:a@x.example" || len(wf.Links) != 1 {
		t.Fatalf("webfinger: %v %+v", err, wf)
	}
	var ni map[string]any
	if err := f.GetJSON(context.Background(), srv.URL+"/.well-known/nodeinfo", "application/json", &ni); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("nodeinfo over the cap: err = %v", err)
	}
	if err := f.GetJSON(context.Background(), srv.URL+"/gone", "application/json", &ni); !errors.Is(err, ErrGone) {
		t.Fatalf("gone: err = %v", err)
	}
	if err := NewFetcher(Options{}).GetJSON(context.Background(), srv.URL+"/.well-known/webfinger", "application/jrd+json", &wf); !errors.Is(err, ErrForbiddenAddress) {
		t.Fatalf("private address: err = %v", err)
	}
}

// TestGetCountsAfterDecompression: a small gzip body that inflates past the
// cap is refused, not read into memory (RES-08d).
func TestGetCountsAfterDecompression(t *testing.T) {
	var compressed bytes.Buffer
	zw := gzip.NewWriter(&compressed)
	zw.Write([]byte(`{"id":"`))
	zw.Write(bytes.Repeat([]byte("a"), 2<<20))
	zw.Write([]byte(`"}`))
	zw.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/activity+json")
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Length", fmt.Sprint(compressed.Len()))
		w.Write(compressed.Bytes())
	}))
	defer srv.Close()
	if compressed.Len() > DefaultMaxBody/4 {
		t.Fatalf("test body compressed to %d bytes, too big to prove anything", compressed.Len())
	}
	_, err := NewFetcher(loopbackOnly(Options{})).Get(context.Background(), srv.URL+"/bomb", nil)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
}
