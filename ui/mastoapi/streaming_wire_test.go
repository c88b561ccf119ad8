package mastoapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
	"github.com/guildhall/guildhall/adapters/media/mediatest"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// appToken registers an application and issues acct a token of it, so that /oauth/revoke can
// be called with the application's credentials.
func (e *env) appToken(acct *ap.Account) (token, clientID, clientSecret string) {
	e.t.Helper()
	app, secret, err := e.acc.RegisterApp(e.ctx, accounts.AppInput{Name: "Elk", RedirectURIs: []string{"urn:ietf:wg:oauth:2.0:oob"}, Scopes: "read write follow push"})
	if err != nil {
		e.t.Fatal(err)
	}
	tok, _, err := e.acc.IssueToken(e.ctx, acct.Actor.ID, app.ID, []string{"read", "write", "follow", "push"})
	if err != nil {
		e.t.Fatal(err)
	}
	return tok, app.ClientID, secret
}

// upload sends an image through POST /api/v2/media and returns the attachment JSON.
func (e *env) upload(token string, data []byte, description string) map[string]any {
	e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "photo.jpg")
	_, _ = fw.Write(data)
	_ = mw.WriteField("description", description)
	_ = mw.Close()
	req, _ := http.NewRequest("POST", e.base+"/api/v2/media", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		e.t.Fatalf("upload: %d %s", res.StatusCode, body)
	}
	var out map[string]any
	if err := json.Unmarshal(body, &out); err != nil {
		e.t.Fatal(err)
	}
	return out
}

type streamMsg struct {
	Stream  []string `json:"stream"`
	Event   string   `json:"event"`
	Payload string   `json:"payload"`
}

func readMsg(t *testing.T, c *websocket.Conn) (streamMsg, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	_, b, err := c.Read(ctx)
	if err != nil {
		return streamMsg{}, err
	}
	var m streamMsg
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("message %s: %v", b, err)
	}
	return m, nil
}

// TestStreamingAndMediaWired: through the handler as the server builds it, a WebSocket client
// hears a followed account's post with media as the same Status the REST API renders, and the
// socket closes when its token is revoked.
func TestStreamingAndMediaWired(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, st *storage.Store) {
		e, _ := newWiredEnv(t, st)
		alice, bob := e.user("alice"), e.user("bob")
		e.follow(alice, bob)
		tok, clientID, secret := e.appToken(alice)
		bobTok := e.token(bob)

		// Elk's way: the token as the WebSocket subprotocol, which must be echoed.
		ws := "ws" + strings.TrimPrefix(e.base, "http") + "/api/v1/streaming?stream=user"
		c, res, err := websocket.Dial(t.Context(), ws, &websocket.DialOptions{Subprotocols: []string{tok}})
		if err != nil {
			t.Fatalf("dial: %v (%v)", err, res)
		}
		defer c.CloseNow()
		if got := res.Header.Get("Sec-WebSocket-Protocol"); got != tok {
			t.Fatalf("subprotocol echo = %q", got)
		}

		att := e.upload(bobTok, mediatest.JPEG(t, 64, 48, 1), "Site plan")
		if att["url"] == nil || att["description"] != "Site plan" {
			t.Fatalf("attachment = %v", att)
		}
		attURL := att["url"].(string)
		img := e.do("GET", attURL, "", nil)
		if img.status != 200 || len(img.body) == 0 {
			t.Fatalf("GET %s: %d", attURL, img.status)
		}
		var posted map[string]any
		e.call("POST", "/api/v1/statuses", bobTok, jsonBody{"status": "Plan attached", "media_ids": []string{att["id"].(string)}}, 200, &posted)
		media, _ := posted["media_attachments"].([]any)
		if len(media) != 1 || media[0].(map[string]any)["id"] != att["id"] || media[0].(map[string]any)["url"] != attURL {
			t.Fatalf("posted media_attachments = %v", posted["media_attachments"])
		}

		m, err := readMsg(t, c)
		if err != nil {
			t.Fatal(err)
		}
		if m.Event != "update" || len(m.Stream) != 1 || m.Stream[0] != "user" {
			t.Fatalf("message = %+v", m)
		}
		var streamed map[string]any
		if err := json.Unmarshal([]byte(m.Payload), &streamed); err != nil {
			t.Fatalf("payload is not a Status: %v", err)
		}
		var rest map[string]any
		e.call("GET", "/api/v1/statuses/"+posted["id"].(string), tok, nil, 200, &rest)
		for _, k := range []string{"id", "uri", "content", "visibility", "created_at", "media_attachments", "account", "mentions", "tags", "emojis", "favourited", "filtered"} {
			a, _ := json.Marshal(streamed[k])
			b, _ := json.Marshal(rest[k])
			if _, has := streamed[k]; !has || !bytes.Equal(a, b) {
				t.Fatalf("streamed %s = %s, REST = %s", k, a, b)
			}
		}
		if acct := streamed["account"].(map[string]any); acct["id"] != bob.Actor.ID || acct["acct"] != "bob" {
			t.Fatalf("account = %v", acct)
		}

		// A notification arrives on the same stream.
		e.call("POST", "/api/v1/accounts/"+alice.Actor.ID+"/follow", e.token(e.user("carol")), nil, 200, nil)
		if m, err = readMsg(t, c); err != nil || m.Event != "notification" || !strings.Contains(m.Payload, `"type":"follow"`) {
			t.Fatalf("notification = %+v %v", m, err)
		}

		// Revoking the token closes the socket. The heartbeat (which would also notice) is an hour
		// away in this environment, so the close can only come from the revocation itself.
		e.call("POST", "/oauth/revoke", "", formBody{"client_id": {clientID}, "client_secret": {secret}, "token": {tok}}, 200, nil)
		for {
			if _, err := readMsg(t, c); err != nil {
				if code := websocket.CloseStatus(err); code != -1 && code != websocket.StatusPolicyViolation {
					t.Fatalf("closed with %d, want policy violation: %v", code, err)
				}
				break
			}
		}
		e.call("GET", "/api/v1/timelines/home", tok, nil, 401, nil)
	})
}

// TestListStreamUsesLists: the list stream follows list membership from the lists store.
func TestListStreamUsesLists(t *testing.T) {
	e, _ := newWiredEnv(t, storagetest.OpenSQLite(t))
	alice, bob, dave := e.user("alice"), e.user("bob"), e.user("dave")
	e.follow(alice, bob)
	e.follow(alice, dave)
	tok := e.token(alice)
	var l listJSON
	e.call("POST", "/api/v1/lists", tok, jsonBody{"title": "Bob"}, 200, &l)
	e.call("POST", "/api/v1/lists/"+l.ID+"/accounts", tok, jsonBody{"account_ids": []string{bob.Actor.ID}}, 200, nil)
	ws := "ws" + strings.TrimPrefix(e.base, "http") + "/api/v1/streaming?access_token=" + tok + "&stream=list&list=" + l.ID
	c, _, err := websocket.Dial(t.Context(), ws, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	e.post(e.token(dave), "not in the list")
	fromBob := e.post(e.token(bob), "in the list")
	m, err := readMsg(t, c)
	if err != nil || m.Event != "update" || !strings.Contains(m.Payload, `"id":"`+fromBob+`"`) || m.Stream[0] != "list" {
		t.Fatalf("message = %+v %v", m, err)
	}
}
