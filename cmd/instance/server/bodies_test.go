package server

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/guildhall/guildhall/activitypub"
)

// bigActivity is what a sender with 20,000 recipients would post: a Create whose `to` lists every
// one of them, a little over 1 MiB.
func bigActivity() []byte {
	to := make([]string, 20000)
	for i := range to {
		to[i] = fmt.Sprintf("https://remote.example/users/member-%05d/followers-of-the-council", i)
	}
	b, _ := json.Marshal(map[string]any{
		"@context": "https://www.w3.org/ns/activitystreams", "id": "https://remote.example/a/1",
		"type": "Create", "actor": "https://remote.example/users/big", "to": to,
		"object": map[string]any{"id": "https://remote.example/n/1", "type": "Note", "content": "hi", "to": to},
	})
	return b
}

// rawPost writes a whole request on a fresh TCP connection at full speed, and only then reads the
// answer, exactly as an ActivityPub sender does. A reset while writing or reading fails the test.
func rawPost(t *testing.T, addr, path string, header map[string]string, body []byte, chunked bool) (*http.Response, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.(*net.TCPConn).SetWriteBuffer(16 << 10)
	var req strings.Builder
	fmt.Fprintf(&req, "POST %s HTTP/1.1\r\nHost: council.test\r\n", path)
	for k, v := range header {
		fmt.Fprintf(&req, "%s: %s\r\n", k, v)
	}
	payload := body
	if chunked {
		req.WriteString("Transfer-Encoding: chunked\r\n\r\n")
		var cb strings.Builder
		for off := 0; off < len(body); off += 32 << 10 {
			end := min(off+32<<10, len(body))
			fmt.Fprintf(&cb, "%x\r\n%s\r\n", end-off, body[off:end])
		}
		cb.WriteString("0\r\n\r\n")
		payload = []byte(cb.String())
	} else {
		fmt.Fprintf(&req, "Content-Length: %d\r\n\r\n", len(body))
	}
	if _, err := conn.Write(append([]byte(req.String()), payload...)); err != nil {
		t.Fatalf("writing the request: %v (the server reset the connection)", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the answer: %v (the server reset the connection)", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the answer's body: %v", err)
	}
	return resp, string(b)
}

// RES-08 (c): an oversized body is answered 413 with a JSON error the sender can read, for the
// inbox and for any other route with a body cap, whether the length is declared or chunked.
func TestOversizedBodiesGet413(t *testing.T) {
	in, addr := serving(t, Options{})
	ctx := context.Background()
	acct, err := in.Service.CreateLocalUser(ctx, activitypub.NewUser{Username: "ann", Email: "ann@x.test", Password: "a long enough password"})
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := in.Accounts.IssueToken(ctx, acct.User.ActorID, "", []string{"read", "write"})
	if err != nil {
		t.Fatal(err)
	}
	body := bigActivity()
	if len(body) <= 1<<20 {
		t.Fatalf("test body is %d bytes, not over the 1 MiB cap", len(body))
	}
	status := []byte(`{"status":"` + strings.Repeat("x", 1<<20) + `"}`)
	activity := map[string]string{"Content-Type": "application/activity+json", "Signature": `keyId="https://remote.example/users/big#main-key",headers="(request-target) host date digest",signature="AAAA"`}
	tests := []struct {
		name, path string
		header     map[string]string
		body       []byte
		chunked    bool
	}{
		{"RES-08 shared inbox, Content-Length", "/inbox", activity, body, false},
		{"RES-08 shared inbox, chunked", "/inbox", activity, body, true},
		{"RES-08 personal inbox", "/users/ann/inbox", activity, body, false},
		{"RES-08 client API status", "/api/v1/statuses", map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + token}, status, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, msg := rawPost(t, addr, tc.path, tc.header, tc.body, tc.chunked)
			if resp.StatusCode != http.StatusRequestEntityTooLarge {
				t.Fatalf("status %d (%s), want 413", resp.StatusCode, msg)
			}
			var e struct{ Error string }
			if err := json.Unmarshal([]byte(msg), &e); err != nil || e.Error == "" {
				t.Fatalf("answer %q is not a JSON error: %v", msg, err)
			}
		})
	}
	if n, err := in.Store.CountLocalStatuses(ctx); err != nil || n != 0 {
		t.Fatalf("stored %d statuses from refused bodies (%v)", n, err)
	}
	if _, err := in.Store.ActorByURI(ctx, "https://remote.example/users/big"); !activitypub.IsNotFound(err) {
		t.Fatalf("the sender was stored or looked up: %v", err)
	}
}
