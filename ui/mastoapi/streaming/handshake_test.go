package streaming

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/coder/websocket"
	"github.com/gorilla/mux"
)

func TestHealth(t *testing.T) {
	w := newWorld(t, nil)
	// The Hub is also a plain handler, mounted the way mastoapi.Options.Streaming is.
	r := mux.NewRouter()
	r.Handle("/api/v1/streaming", w.hub)
	r.PathPrefix("/api/v1/streaming/").Handler(w.hub)
	mounted := httptest.NewServer(r)
	defer mounted.Close()
	for _, base := range []string{w.srv.URL, mounted.URL} {
		resp, err := http.Get(base + "/api/v1/streaming/health")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || string(body) != "OK" {
			t.Fatalf("health: %d %q", resp.StatusCode, body)
		}
	}
}

func TestHandshake(t *testing.T) {
	w := newWorld(t, nil)
	ann, secret := w.user("ann")
	writeOnly := w.token(ann, "write")
	notificationsOnly := w.token(ann, "read:notifications")

	tests := []struct {
		name     string
		query    string
		protocol string // offered Sec-WebSocket-Protocol
		bearer   string
		status   int // expected refusal; 0 means the socket opens
	}{
		{name: "query token", query: "?access_token=" + secret},
		{name: "subprotocol token is echoed", protocol: secret},
		{name: "bearer header", bearer: secret},
		{name: "narrow read scope", query: "?access_token=" + notificationsOnly},
		{name: "legacy stream", query: "?stream=user&access_token=" + secret},
		{name: "no token", status: http.StatusUnauthorized},
		{name: "bad token", query: "?access_token=nope", status: http.StatusUnauthorized},
		{name: "bad subprotocol token", protocol: "nope", status: http.StatusUnauthorized},
		{name: "no read scope", query: "?access_token=" + writeOnly, status: http.StatusUnauthorized},
		{name: "unknown legacy stream", query: "?stream=nope&access_token=" + secret, status: http.StatusBadRequest},
		{name: "hashtag without tag", query: "?stream=hashtag&access_token=" + secret, status: http.StatusBadRequest},
		{name: "list streams not configured", query: "?stream=list&list=1&access_token=" + secret, status: http.StatusNotFound},
		{name: "stream outside scope", query: "?stream=user:notification&access_token=" + w.token(ann, "read:statuses"), status: http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := &websocket.DialOptions{HTTPHeader: http.Header{}}
			if tt.protocol != "" {
				opts.Subprotocols = []string{tt.protocol}
			}
			if tt.bearer != "" {
				opts.HTTPHeader.Set("Authorization", "Bearer "+tt.bearer)
			}
			c, resp, err := websocket.Dial(w.ctx, w.wsURL(tt.query), opts)
			if tt.status == 0 {
				if err != nil {
					t.Fatalf("dial: %v", err)
				}
				defer c.CloseNow()
				if c.Subprotocol() != tt.protocol {
					t.Errorf("subprotocol echoed %q, want %q", c.Subprotocol(), tt.protocol)
				}
				return
			}
			if err == nil {
				c.CloseNow()
				t.Fatal("socket opened; want a refusal")
			}
			if resp == nil || resp.StatusCode != tt.status {
				t.Fatalf("refusal %v, want %d (err %v)", resp, tt.status, err)
			}
			var body struct{ Error string }
			if json.NewDecoder(resp.Body).Decode(&body) != nil || body.Error == "" {
				t.Errorf("refusal body is not {\"error\": ...}")
			}
		})
	}
	if n := w.hub.Connections(); n > 1 {
		t.Logf("connections still closing: %d", n)
	}
}
