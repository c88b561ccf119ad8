package mastoapi_test

// Tests of the client-crash rules in shared/research/mastodon-clients.md, one test per rule: the
// entities every app decodes (checked against the tables in clients_schema_test.go), then the
// cross-cutting rules (content type, errors, encodings, Rails arrays, pagination, CORS, sign-in
// parameters, instance identity, endpoints that must answer [] rather than 404). Every response is
// a real one: real storage, the real Service, real HTTP.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/adapters/media/mediatest"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// world is an instance with something of everything a client shows: local and remote accounts,
// a remote group, posts with media, mentions and tags, a reply, boosts, a remote post received
// over federation, and a notification of every type for alice.
type world struct {
	*env
	alice, bob         *ap.Account
	aliceTok, bobTok   string
	carol, guild       *ap.Actor // remote person, remote group
	root, reply        string    // alice's post and bob's reply to it
	tagged, withMedia  string    // bob's posts
	remote, groupBoost string    // carol's post received over federation, and the group's boost of it
	mediaID            string
	listID, filterID   string
}

func newWorld(t *testing.T, st *storage.Store) *world {
	t.Helper()
	e, _ := newWiredEnv(t, st)
	w := &world{env: e}
	w.alice, w.bob = e.user("alice"), e.user("bob")
	w.aliceTok, w.bobTok = e.token(w.alice), e.token(w.bob)
	e.follow(w.alice, w.bob)
	e.follow(w.bob, w.alice) // follow notification

	w.root = e.post(w.aliceTok, "Agenda for Thursday")
	var st1 map[string]any
	e.call("POST", "/api/v1/statuses", w.bobTok, jsonBody{"status": "Agreed", "in_reply_to_id": w.root}, 200, &st1)
	w.reply = st1["id"].(string)
	w.tagged = e.post(w.bobTok, "@alice see the #planning notes")
	att := e.upload(w.bobTok, mediatest.JPEG(t, 64, 48, 1), "Site plan")
	w.mediaID = att["id"].(string)
	e.call("POST", "/api/v1/statuses", w.bobTok, jsonBody{"status": "Plan", "media_ids": []string{w.mediaID}}, 200, &st1)
	w.withMedia = st1["id"].(string)
	e.call("POST", "/api/v1/statuses/"+w.root+"/favourite", w.bobTok, nil, 200, nil)
	e.call("POST", "/api/v1/statuses/"+w.root+"/reblog", w.bobTok, nil, 200, nil)

	// A locked account gets follow requests.
	e.call("PATCH", "/api/v1/accounts/update_credentials", w.aliceTok, formBody{"locked": {"true"}}, 200, nil)
	e.call("POST", "/api/v1/accounts/"+w.alice.Actor.ID+"/follow", e.token(e.user("dave")), nil, 200, nil)

	// A remote person and a remote group, as the dereferencer stores them, and a post received
	// over federation that mentions alice, carries a tag and a remote image, and is boosted by
	// the group.
	var err error
	remote := func(kind ap.ActorKind, name string) *ap.Actor {
		uri := "https://remote.example/users/" + name
		a, err := e.svc.StoreRemoteActor(e.ctx, &ap.Actor{URI: uri, Kind: kind, Username: name, Domain: "remote.example",
			DisplayName: strings.ToUpper(name[:1]) + name[1:], URL: "https://remote.example/@" + name, Inbox: uri + "/inbox",
			Summary: "<p>remote</p>", Discoverable: true}, false)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	w.carol, w.guild = remote(ap.KindPerson, "carol"), remote(ap.KindGroup, "guild")
	orig, err := e.svc.ReceiveCreate(e.ctx, w.carol, &ap.Status{
		URI: "https://remote.example/users/carol/statuses/1", URL: "https://remote.example/@carol/1",
		Content:    `<p><span class="h-card"><a href="` + w.alice.Actor.URI + `">@alice</a></span> minutes attached <a href="https://remote.example/tags/minutes">#minutes</a></p>`,
		Visibility: ap.Public, Language: "en", Tags: []string{"minutes"},
		Mentions:    []ap.Mention{{URI: w.alice.Actor.URI}},
		Attachments: []ap.Attachment{{Type: "image", RemoteURL: "https://remote.example/media/1.jpg", Description: "Minutes", Width: 640, Height: 480}},
	})
	if err != nil {
		t.Fatal(err)
	}
	w.remote = orig.ID
	boost, err := e.svc.ReceiveAnnounce(e.ctx, w.guild, "https://remote.example/users/guild/announces/1", orig, time.Now(), ap.Public)
	if err != nil || boost == nil {
		t.Fatalf("announce: %v %v", boost, err)
	}
	w.groupBoost = boost.ID

	// The domain does not raise these types yet; the presenter must still render them in full.
	for _, n := range []struct {
		typ      ap.NotificationType
		from     string
		statusID string
	}{
		{ap.NotifyStatus, w.bob.Actor.ID, w.tagged},
		{ap.NotifyUpdate, w.bob.Actor.ID, w.reply},
		{ap.NotifyPoll, w.bob.Actor.ID, w.root},
		{ap.NotifySignUp, w.bob.Actor.ID, ""},
		{ap.NotifyReport, w.carol.ID, ""},
	} {
		if err := e.store.CreateNotification(e.ctx, &ap.Notification{ID: e.svc.NewID(), RecipientID: w.alice.Actor.ID,
			Type: n.typ, FromActorID: n.from, StatusID: n.statusID, CreatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}

	var l, f map[string]any
	e.call("POST", "/api/v1/lists", w.aliceTok, jsonBody{"title": "Planning"}, 200, &l)
	w.listID = l["id"].(string)
	e.call("POST", "/api/v1/lists/"+w.listID+"/accounts", w.aliceTok, jsonBody{"account_ids": []string{w.bob.Actor.ID}}, 200, nil)
	e.call("POST", "/api/v2/filters", w.aliceTok, jsonBody{"title": "Spoilers", "context": []string{"home"},
		"filter_action": "warn", "keywords_attributes": []any{map[string]any{"keyword": "finale"}}}, 200, &f)
	w.filterID = f["id"].(string)
	e.call("POST", "/api/v1/markers", w.aliceTok, jsonBody{"home": map[string]any{"last_read_id": w.root},
		"notifications": map[string]any{"last_read_id": "1"}}, 200, nil)
	return w
}

// in is e reporting to t, for calls made inside a subtest (e.call fails e.t).
func (e *env) in(t testing.TB) *env {
	c := *e
	c.t = t
	return &c
}

// nonEmpty is k for an array that must have items (so their schema is actually checked).
func nonEmpty(k kind) kind {
	return func(v any, present bool) []string {
		if a, ok := v.([]any); ok && len(a) == 0 {
			return []string{" = [], want items"}
		}
		return k(v, present)
	}
}

// get answers path as alice (or anonymously with tok "-").
func (w *world) get(t *testing.T, path, tok string) any {
	t.Helper()
	if tok == "" {
		tok = w.aliceTok
	} else if tok == "-" {
		tok = ""
	}
	r := w.in(t).call("GET", path, tok, nil, 200, nil)
	var v any
	r.decode(t, &v)
	return v
}

// TestClientEntities checks every entity the apps decode against its table, on each engine.
func TestClientEntities(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, st *storage.Store) {
		w := newWorld(t, st)
		statuses := arrayOf(objectOf(statusSchema(true)))
		accounts := arrayOf(objectOf(accountSchema))
		acct := func(want string) func(t *testing.T, v any) {
			return func(t *testing.T, v any) {
				if got := v.(map[string]any)["acct"]; got != want {
					t.Errorf("acct = %v, want %s (Elk decides locality by the @)", got, want)
				}
			}
		}
		tests := []struct {
			name, method, path string
			tok                string // "" alice, "-" anonymous
			k                  kind
			also               func(t *testing.T, v any)
		}{
			{"account local", "GET", "/api/v1/accounts/" + w.bob.Actor.ID, "", objectOf(accountSchema), acct("bob")},
			{"account anonymous", "GET", "/api/v1/accounts/" + w.bob.Actor.ID, "-", objectOf(accountSchema), nil},
			{"account remote", "GET", "/api/v1/accounts/" + w.carol.ID, "", objectOf(accountSchema), acct("carol@remote.example")},
			{"account group", "GET", "/api/v1/accounts/" + w.guild.ID, "", objectOf(accountSchema), func(t *testing.T, v any) {
				if v.(map[string]any)["group"] != true {
					t.Errorf("a Group actor has group = %v", v.(map[string]any)["group"])
				}
			}},
			{"account lookup", "GET", "/api/v1/accounts/lookup?acct=bob", "", objectOf(accountSchema), nil},
			{"verify_credentials", "GET", "/api/v1/accounts/verify_credentials", "", objectOf(credentialsSchema), nil},
			{"update_credentials", "PATCH", "/api/v1/accounts/update_credentials", "", objectOf(credentialsSchema), nil},
			{"followers", "GET", "/api/v1/accounts/" + w.alice.Actor.ID + "/followers", "", nonEmpty(accounts), nil},
			{"following", "GET", "/api/v1/accounts/" + w.alice.Actor.ID + "/following", "", nonEmpty(accounts), nil},
			{"follow_requests", "GET", "/api/v1/follow_requests", "", nonEmpty(accounts), nil},
			{"accounts search", "GET", "/api/v1/accounts/search?q=ca", "", nonEmpty(accounts), nil},

			{"status", "GET", "/api/v1/statuses/" + w.root, "", objectOf(statusSchema(true)), nil},
			{"status anonymous", "GET", "/api/v1/statuses/" + w.root, "-", objectOf(statusSchema(false)), nil},
			{"status reply", "GET", "/api/v1/statuses/" + w.reply, "", objectOf(statusSchema(true)), func(t *testing.T, v any) {
				s := v.(map[string]any)
				if s["in_reply_to_id"] != w.root || s["in_reply_to_account_id"] != w.alice.Actor.ID {
					t.Errorf("reply points at %v / %v", s["in_reply_to_id"], s["in_reply_to_account_id"])
				}
			}},
			{"status with mentions and tags", "GET", "/api/v1/statuses/" + w.tagged, "", objectOf(merge(statusSchema(true), schema{
				"mentions": nonEmpty(arrayOf(objectOf(mentionSchema))), "tags": nonEmpty(arrayOf(objectOf(tagSchema)))})), nil},
			{"status with media", "GET", "/api/v1/statuses/" + w.withMedia, "", objectOf(merge(statusSchema(true), schema{
				"media_attachments": nonEmpty(arrayOf(objectOf(mediaSchema)))})), nil},
			{"status received over federation", "GET", "/api/v1/statuses/" + w.remote, "", objectOf(merge(statusSchema(true), schema{
				"media_attachments": nonEmpty(arrayOf(objectOf(mediaSchema))), "mentions": nonEmpty(arrayOf(objectOf(mentionSchema))),
				"tags": nonEmpty(arrayOf(objectOf(tagSchema))), "url": absURL})), func(t *testing.T, v any) {
				acct("carol@remote.example")(t, v.(map[string]any)["account"])
			}},
			{"group boost of a remote status", "GET", "/api/v1/accounts/" + w.guild.ID + "/statuses", "", nonEmpty(statuses), func(t *testing.T, v any) {
				s := v.([]any)[0].(map[string]any)
				if r, _ := s["reblog"].(map[string]any); r == nil || r["id"] != w.remote {
					t.Errorf("the group's boost does not wrap the remote status: %v", short(s["reblog"]))
				}
			}},
			{"reblog wrapper", "POST", "/api/v1/statuses/" + w.tagged + "/reblog", "", objectOf(merge(statusSchema(true), schema{
				"reblog": objectOf(merge(statusSchema(true), schema{"reblogged": equals(true)}))})), nil},
			{"favourite", "POST", "/api/v1/statuses/" + w.tagged + "/favourite", "", objectOf(merge(statusSchema(true), schema{"favourited": equals(true)})), nil},
			{"bookmark", "POST", "/api/v1/statuses/" + w.tagged + "/bookmark", "", objectOf(statusSchema(true)), nil},
			{"pin", "POST", "/api/v1/statuses/" + w.root + "/pin", "", objectOf(merge(statusSchema(true), schema{"pinned": equals(true)})), nil},
			{"context", "GET", "/api/v1/statuses/" + w.root + "/context", "", objectOf(merge(contextSchema, schema{
				"descendants": nonEmpty(arrayOf(objectOf(statusSchema(true))))})), nil},
			{"favourited_by", "GET", "/api/v1/statuses/" + w.root + "/favourited_by", "", nonEmpty(accounts), nil},
			{"reblogged_by", "GET", "/api/v1/statuses/" + w.root + "/reblogged_by", "", nonEmpty(accounts), nil},
			{"home timeline", "GET", "/api/v1/timelines/home", "", nonEmpty(statuses), nil},
			{"public timeline anonymous", "GET", "/api/v1/timelines/public", "-", nonEmpty(arrayOf(objectOf(statusSchema(false)))), nil},
			{"tag timeline", "GET", "/api/v1/timelines/tag/planning", "", nonEmpty(statuses), nil},
			{"list timeline", "GET", "/api/v1/timelines/list/" + w.listID, "", nonEmpty(statuses), nil},
			{"account statuses", "GET", "/api/v1/accounts/" + w.bob.Actor.ID + "/statuses", "", nonEmpty(statuses), nil},
			{"favourites", "GET", "/api/v1/favourites", "", nonEmpty(statuses), nil},
			{"bookmarks", "GET", "/api/v1/bookmarks", "", nonEmpty(statuses), nil},

			{"grouped notifications", "GET", "/api/v2/notifications", "", objectOf(merge(groupedNotificationsSchema, schema{
				"notification_groups": nonEmpty(array)})), func(t *testing.T, v any) {
				// Every id a group names is among the accounts and statuses sent with it.
				doc, have := v.(map[string]any), map[any]bool{}
				for _, k := range []string{"accounts", "statuses"} {
					for _, x := range doc[k].([]any) {
						have[x.(map[string]any)["id"]] = true
					}
				}
				for _, g := range doc["notification_groups"].([]any) {
					g := g.(map[string]any)
					for _, id := range append(g["sample_account_ids"].([]any), g["status_id"]) {
						if id != nil && !have[id] {
							t.Errorf("group %v names %v, which is not sent", g["group_key"], id)
						}
					}
				}
			}},
			{"relationships", "GET", "/api/v1/accounts/relationships?id[]=" + w.bob.Actor.ID + "&id[]=" + w.carol.ID, "",
				nonEmpty(arrayOf(objectOf(relationshipSchema))), nil},
			{"follow", "POST", "/api/v1/accounts/" + w.bob.Actor.ID + "/follow", "", objectOf(relationshipSchema), nil},
			{"mute", "POST", "/api/v1/accounts/" + w.carol.ID + "/mute", "", objectOf(relationshipSchema), nil},
			{"markers", "GET", "/api/v1/markers?timeline[]=home&timeline[]=notifications", "",
				objectOf(schema{"home": objectOf(markerSchema), "notifications": objectOf(markerSchema)}), nil},
			{"lists", "GET", "/api/v1/lists", "", nonEmpty(arrayOf(objectOf(listSchema))), nil},
			{"list", "GET", "/api/v1/lists/" + w.listID, "", objectOf(listSchema), nil},
			{"list accounts", "GET", "/api/v1/lists/" + w.listID + "/accounts", "", nonEmpty(accounts), nil},
			{"account lists", "GET", "/api/v1/accounts/" + w.bob.Actor.ID + "/lists", "", nonEmpty(arrayOf(objectOf(listSchema))), nil},
			{"filters v2", "GET", "/api/v2/filters", "", nonEmpty(arrayOf(objectOf(filterSchema))), nil},
			{"filter v2", "GET", "/api/v2/filters/" + w.filterID, "", objectOf(filterSchema), nil},
			{"filter keywords", "GET", "/api/v2/filters/" + w.filterID + "/keywords", "", nonEmpty(arrayOf(objectOf(filterKeywordSchema))), nil},
			{"filters v1 (Tusky's fallback)", "GET", "/api/v1/filters", "", nonEmpty(arrayOf(objectOf(filterV1Schema))), nil},
			{"media", "GET", "/api/v1/media/" + w.mediaID, "-bob", objectOf(mediaSchema), nil},
			{"custom_emojis", "GET", "/api/v1/custom_emojis", "-", arrayOf(objectOf(emojiSchema)), nil},
			{"preferences", "GET", "/api/v1/preferences", "", objectOf(preferencesSchema), nil},
			{"instance v1", "GET", "/api/v1/instance", "-", objectOf(instanceV1Schema), nil},
			{"instance v2", "GET", "/api/v2/instance", "-", objectOf(instanceV2Schema), nil},
			{"oauth metadata", "GET", "/.well-known/oauth-authorization-server", "-", objectOf(oauthMetadataSchema), nil},
		}
		for _, typ := range []string{"accounts", "statuses", "hashtags", ""} {
			// Tusky crashes without hashtags even for type=accounts: all three keys, every time.
			tests = append(tests, struct {
				name, method, path string
				tok                string
				k                  kind
				also               func(t *testing.T, v any)
			}{"search type=" + typ, "GET", "/api/v2/search?q=planning&type=" + typ, "", objectOf(searchSchema), nil})
		}
		for _, typ := range []string{"mention", "status", "reblog", "follow", "follow_request", "favourite", "poll", "update", "admin.sign_up", "admin.report"} {
			tests = append(tests, struct {
				name, method, path string
				tok                string
				k                  kind
				also               func(t *testing.T, v any)
			}{"notification " + typ, "GET", "/api/v1/notifications?types[]=" + typ, "", nonEmpty(arrayOf(objectOf(notificationSchema(typ)))), nil})
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				tok := w.aliceTok
				switch tc.tok {
				case "-":
					tok = ""
				case "-bob":
					tok = w.bobTok
				}
				r := w.in(t).call(tc.method, tc.path, tok, nil, 200, nil)
				checkJSON(t, tc.method+" "+tc.path, r.body, tc.k)
				if tc.also != nil {
					var v any
					r.decode(t, &v)
					tc.also(t, v)
				}
			})
		}

		t.Run("notification by id", func(t *testing.T) {
			ns := w.get(t, "/api/v1/notifications?types[]=mention", "").([]any)
			nid := ns[0].(map[string]any)["id"].(string)
			r := w.in(t).call("GET", "/api/v1/notifications/"+nid, w.aliceTok, nil, 200, nil)
			checkJSON(t, "notification", r.body, objectOf(notificationSchema("mention")))
		})
		t.Run("delete returns text", func(t *testing.T) {
			id := w.in(t).post(w.aliceTok, "to redraft")
			r := w.in(t).call("DELETE", "/api/v1/statuses/"+id, w.aliceTok, nil, 200, nil)
			checkJSON(t, "DELETE status", r.body, objectOf(merge(statusSchema(true), schema{"text": equals("to redraft")})))
		})
	})
}

// TestClientStreamMessages: stream is an array on every event (masto.js filters with
// event.stream.includes) and the payload a JSON-encoded entity.
func TestClientStreamMessages(t *testing.T) {
	e, _ := newWiredEnv(t, storagetest.OpenSQLite(t))
	alice, bob := e.user("alice"), e.user("bob")
	e.follow(alice, bob)
	ws := "ws" + strings.TrimPrefix(e.base, "http") + "/api/v1/streaming?stream=user"
	c, _, err := websocket.Dial(t.Context(), ws, &websocket.DialOptions{Subprotocols: []string{e.token(alice)}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	e.post(e.token(bob), "on the stream")
	e.call("POST", "/api/v1/accounts/"+alice.Actor.ID+"/follow", e.token(e.user("carol")), nil, 200, nil)
	// A read that times out closes the socket, so one deadline covers both events.
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	for seen := map[string]bool{}; !seen["update"] || !seen["notification"]; {
		_, b, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("after %v: %v", seen, err)
		}
		var msg map[string]any
		if err := json.Unmarshal(b, &msg); err != nil {
			t.Fatalf("message %s: %v", b, err)
		}
		checkJSON(t, "stream message", b, objectOf(schema{"stream": nonEmpty(arrayOf(str)), "event": text, "payload": str}))
		payload, _ := msg["payload"].(string)
		switch msg["event"] {
		case "update":
			checkJSON(t, "update payload", []byte(payload), objectOf(statusSchema(true)))
		case "notification":
			checkJSON(t, "notification payload", []byte(payload), objectOf(notificationSchema("follow")))
		}
		seen[fmt.Sprint(msg["event"])] = true
	}
}

// TestClientSignIn is the browser flow as Tusky (form-encoded) and Elk (JSON) run it, with the
// scopes they request and the extra authorize parameters they send: Application and Token shapes.
func TestClientSignIn(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.user("alice")
		session := e.signIn("alice")
		for _, enc := range []string{"form", "json"} {
			t.Run(enc, func(t *testing.T) {
				e := e.in(t)
				fields := map[string]string{"client_name": "App " + enc, "redirect_uris": callback + "\nurn:ietf:wg:oauth:2.0:oob",
					"scopes": "read write follow push", "website": "https://app.example"}
				body := func(m map[string]string) any {
					if enc == "json" {
						j := jsonBody{}
						for k, v := range m {
							j[k] = v
						}
						return j
					}
					f := formBody{}
					for k, v := range m {
						f[k] = []string{v}
					}
					return f
				}
				r := e.call("POST", "/api/v1/apps", "", body(fields), 200, nil)
				checkJSON(t, "POST /api/v1/apps", r.body, objectOf(applicationSchema))
				var app struct{ ClientID, ClientSecret string }
				var raw map[string]string
				_ = json.Unmarshal(r.body, &raw)
				app.ClientID, app.ClientSecret = raw["client_id"], raw["client_secret"]

				q := url.Values{"client_id": {app.ClientID}, "redirect_uri": {callback}, "response_type": {"code"},
					"scope": {"read write follow push"}, "force_login": {"true"}, "lang": {"de"}, "unknown_param": {"x"}}
				// Some clients write the scopes with '+', which a query decodes to spaces anyway.
				authURL := e.base + "/oauth/authorize?" + strings.ReplaceAll(q.Encode(), "%20", "+")
				code := codeFrom(t, e.consent(authURL, session, "allow"))

				r = e.call("POST", "/oauth/token", "", body(map[string]string{"grant_type": "authorization_code", "code": code,
					"client_id": app.ClientID, "client_secret": app.ClientSecret, "redirect_uri": callback, "scope": "read write follow push"}), 200, nil)
				checkJSON(t, "POST /oauth/token", r.body, objectOf(tokenSchema))
				var tok map[string]any
				r.decode(t, &tok)
				if tok["scope"] != "read write follow push" {
					t.Errorf("scope = %v", tok["scope"])
				}
				r = e.call("GET", "/api/v1/accounts/verify_credentials", tok["access_token"].(string), nil, 200, nil)
				checkJSON(t, "verify_credentials", r.body, objectOf(credentialsSchema))

				r = e.call("POST", "/oauth/token", "", body(map[string]string{"grant_type": "client_credentials",
					"client_id": app.ClientID, "client_secret": app.ClientSecret, "scope": "read"}), 200, nil)
				checkJSON(t, "client_credentials token", r.body, objectOf(tokenSchema))
			})
		}
	})
}

// TestClientJSONEverywhere: every /api answer is application/json, errors included, and errors
// are {"error": ...} with the status the research lists (401 bad token, 403 scope, 404 missing,
// 422 validation).
func TestClientJSONEverywhere(t *testing.T) {
	e, _ := newWiredEnv(t, storagetest.OpenSQLite(t))
	alice := e.user("alice")
	tok, readOnly := e.token(alice), e.token(alice, "read")
	id := e.post(tok, "hello")
	tests := []struct {
		method, path, tok string
		body              any
		status            int
	}{
		{"GET", "/api/v1/timelines/home", tok, nil, 200},
		{"GET", "/api/v1/timelines/home", "", nil, 401},
		{"GET", "/api/v1/timelines/home", "not-a-token", nil, 401},
		{"GET", "/api/v1/accounts/verify_credentials", "not-a-token", nil, 401},
		{"POST", "/api/v1/statuses", readOnly, jsonBody{"status": "x"}, 403},
		{"POST", "/api/v2/media", readOnly, multiBody{"description": {"x"}}, 403},
		{"GET", "/api/v1/statuses/nope", tok, nil, 404},
		{"GET", "/api/v1/media/nope", tok, nil, 404},
		{"GET", "/api/v1/no/such/endpoint", tok, nil, 404},
		{"GET", "/api/v1/accounts/lookup?acct=nobody", tok, nil, 404},
		{"POST", "/api/v1/statuses", tok, jsonBody{"status": ""}, 422},
		{"POST", "/api/v1/statuses", tok, jsonBody{"status": strings.Repeat("x", 5001)}, 422},
		{"POST", "/api/v1/statuses/" + id + "/favourite", tok, nil, 200},
		{"POST", "/oauth/token", "", formBody{"grant_type": {"authorization_code"}, "code": {"x"}, "client_id": {"x"}}, 401},
		{"POST", "/oauth/revoke", "", formBody{"token": {"x"}}, 403}, // Doorkeeper's unauthorized_client
		{"POST", "/api/v1/apps", "", jsonBody{"client_name": "", "redirect_uris": "x"}, 422},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s %s %d", tc.method, tc.path, tc.status), func(t *testing.T) {
			e := e.in(t)
			r := e.do(tc.method, tc.path, tc.tok, tc.body)
			if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q", ct)
			}
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if tc.status >= 400 {
				checkJSON(t, "error body", r.body, objectOf(schema{"error": text, "error_description": optional(str)}))
			}
		})
	}
}

// TestClientEncodings: the same request as JSON (masto.js), form (Tusky, Phanpy) and multipart
// gives the same result on the endpoints the apps post to.
func TestClientEncodings(t *testing.T) {
	e, _ := newWiredEnv(t, storagetest.OpenSQLite(t))
	alice := e.user("alice")
	tok := e.token(alice)
	targets := map[string]string{}
	for _, enc := range []string{"json", "form", "multipart"} {
		targets[enc] = e.user("target" + enc).Actor.ID
	}
	first := e.post(tok, "one")
	for _, enc := range []string{"json", "form", "multipart"} {
		t.Run(enc, func(t *testing.T) {
			e := e.in(t)
			// body turns Rails-style keys into the encoding; for JSON, nested keys become objects
			// and k[] keys arrays, as masto.js sends them.
			body := func(kv ...string) any {
				switch enc {
				case "form", "multipart":
					v := url.Values{}
					for i := 0; i < len(kv); i += 2 {
						v.Add(kv[i], kv[i+1])
					}
					if enc == "form" {
						return formBody(v)
					}
					return multiBody(v)
				}
				j := jsonBody{}
				for i := 0; i < len(kv); i += 2 {
					k, val := kv[i], kv[i+1]
					switch {
					case strings.HasSuffix(k, "[]"):
						arr, _ := j[strings.TrimSuffix(k, "[]")].([]any)
						j[strings.TrimSuffix(k, "[]")] = append(arr, val)
					case strings.Contains(k, "[0]["):
						outer, inner, _ := strings.Cut(k, "[0][")
						j[outer] = []any{map[string]any{strings.TrimSuffix(inner, "]"): val}}
					case strings.Contains(k, "["):
						outer, inner, _ := strings.Cut(k, "[")
						j[outer] = map[string]any{strings.TrimSuffix(inner, "]"): val}
					case val == "true" || val == "false":
						j[k] = val == "true"
					default:
						j[k] = val
					}
				}
				return j
			}
			var rel map[string]any
			e.call("POST", "/api/v1/accounts/"+targets[enc]+"/follow", tok, body("reblogs", "false", "notify", "true"), 200, &rel)
			if rel["following"] != true || rel["showing_reblogs"] != false || rel["notifying"] != true {
				t.Errorf("follow = %v", rel)
			}
			var ms map[string]map[string]any
			e.call("POST", "/api/v1/markers", tok, body("home[last_read_id]", first), 200, &ms)
			if ms["home"]["last_read_id"] != first {
				t.Errorf("markers = %v", ms)
			}
			var l map[string]any
			e.call("POST", "/api/v1/lists", tok, body("title", "List "+enc, "replies_policy", "none", "exclusive", "true"), 200, &l)
			if l["title"] != "List "+enc || l["replies_policy"] != "none" || l["exclusive"] != true {
				t.Errorf("list = %v", l)
			}
			e.call("POST", "/api/v1/lists/"+l["id"].(string)+"/accounts", tok, body("account_ids[]", targets[enc]), 200, nil)
			var members []map[string]any
			e.call("GET", "/api/v1/lists/"+l["id"].(string)+"/accounts", tok, nil, 200, &members)
			if len(members) != 1 || members[0]["id"] != targets[enc] {
				t.Errorf("list members = %v", members)
			}
			var f map[string]any
			e.call("POST", "/api/v2/filters", tok, body("title", "F "+enc, "context[]", "home", "context[]", "public",
				"filter_action", "hide", "keywords_attributes[0][keyword]", "kw"+enc), 200, &f)
			kws, _ := f["keywords"].([]any)
			if f["title"] != "F "+enc || f["filter_action"] != "hide" || len(f["context"].([]any)) != 2 || len(kws) != 1 ||
				kws[0].(map[string]any)["keyword"] != "kw"+enc {
				t.Errorf("filter = %v", f)
			}
			att := e.upload(tok, mediatest.JPEG(t, 32, 32, 2), "")
			var m map[string]any
			e.call("PUT", "/api/v1/media/"+att["id"].(string), tok, body("description", "alt "+enc, "focus", "0.5,-0.5"), 200, &m)
			if m["description"] != "alt "+enc {
				t.Errorf("media = %v", m)
			}
			var st map[string]any
			e.call("POST", "/api/v1/statuses", tok, body("status", "with "+enc, "media_ids[]", att["id"].(string),
				"spoiler_text", "cw", "sensitive", "true", "visibility", "unlisted"), 200, &st)
			if st["spoiler_text"] != "cw" || st["sensitive"] != true || st["visibility"] != "unlisted" || len(st["media_attachments"].([]any)) != 1 {
				t.Errorf("status = %v", st)
			}
		})
	}
}

// TestClientMediaV1Upload: Elk uploads through v1, then sets the description with PUT; the
// answer is the same MediaAttachment, with a url at once (processing is synchronous).
func TestClientMediaV1Upload(t *testing.T) {
	e, _ := newWiredEnv(t, storagetest.OpenSQLite(t))
	tok := e.token(e.user("alice"))
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "photo.jpg")
	_, _ = fw.Write(mediatest.JPEG(t, 40, 30, 3))
	_ = mw.Close()
	req, _ := http.NewRequest("POST", e.base+"/api/v1/media", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("POST /api/v1/media: %d %s: %s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	checkJSON(t, "POST /api/v1/media", body, objectOf(mediaSchema))
	var m map[string]any
	_ = json.Unmarshal(body, &m)
	r := e.call("PUT", "/api/v1/media/"+m["id"].(string), tok, jsonBody{"description": "alt"}, 200, nil)
	checkJSON(t, "PUT /api/v1/media", r.body, objectOf(merge(mediaSchema, schema{"description": equals("alt")})))
}

// TestClientRailsArrays: k[]=a&k[]=b in query strings, as every app writes arrays.
func TestClientRailsArrays(t *testing.T) {
	e := sqliteEnv(t)
	alice, bob, carol := e.user("alice"), e.user("bob"), e.user("carol")
	tok := e.token(alice)
	e.follow(bob, alice)
	mention := e.post(e.token(carol), "@alice hi")
	e.call("POST", "/api/v1/statuses/"+e.post(tok, "mine")+"/favourite", e.token(carol), nil, 200, nil)
	e.call("POST", "/api/v1/markers", tok, formBody{"home[last_read_id]": {mention}, "notifications[last_read_id]": {"5"}}, 200, nil)

	types := func(r resp) []string {
		var ns []struct{ Type string }
		r.decode(t, &ns)
		var out []string
		for _, n := range ns {
			out = append(out, n.Type)
		}
		slices.Sort(out)
		return out
	}
	tests := []struct {
		name, query string
		check       func(r resp) bool
	}{
		{"id[]", "/api/v1/accounts/relationships?id[]=" + carol.Actor.ID + "&id[]=" + bob.Actor.ID, func(r resp) bool {
			return equal(ids(t, r), []string{carol.Actor.ID, bob.Actor.ID}) // in request order
		}},
		{"types[]", "/api/v1/notifications?types[]=mention&types[]=follow", func(r resp) bool {
			return equal(types(r), []string{"follow", "mention"})
		}},
		{"exclude_types[]", "/api/v1/notifications?exclude_types[]=mention&exclude_types[]=follow", func(r resp) bool {
			return equal(types(r), []string{"favourite"})
		}},
		{"timeline[]", "/api/v1/markers?timeline[]=home&timeline[]=notifications", func(r resp) bool {
			var m map[string]any
			r.decode(t, &m)
			return len(m) == 2 && m["home"] != nil && m["notifications"] != nil
		}},
		{"timeline[] one", "/api/v1/markers?timeline[]=notifications", func(r resp) bool {
			var m map[string]any
			r.decode(t, &m)
			return len(m) == 1 && m["notifications"] != nil
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := e.in(t)
			if r := e.call("GET", tc.query, tok, nil, 200, nil); !tc.check(r) {
				t.Fatalf("%s = %s", tc.query, r.body)
			}
		})
	}
}

// TestClientPaginationDetails is the research's "Pagination details worth testing", item by item,
// and the Link header on every list an app pages through: absolute, url.Parse-able, rel next and
// prev, and no next on an empty page.
func TestClientPaginationDetails(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		alice, bob := e.user("alice"), e.user("bob")
		tok, bobTok := e.token(alice), e.token(bob)
		var p []string // oldest first
		for i := range 6 {
			p = append(p, e.post(tok, fmt.Sprintf("post %d", i)))
		}
		home := "/api/v1/timelines/home"
		first := e.call("GET", home+"?limit=2", tok, nil, 200, nil)
		next, prev := parseLink(t, first, "next"), parseLink(t, first, "prev")
		if !equal(ids(t, first), []string{p[5], p[4]}) || next.Query().Get("max_id") != p[4] || prev.Query().Get("min_id") != p[5] {
			t.Fatalf("first page %v, next %s, prev %s", ids(t, first), next, prev)
		}
		if got := ids(t, e.call("GET", next.String(), tok, nil, 200, nil)); !equal(got, []string{p[3], p[2]}) {
			t.Fatalf("following next = %v", got)
		}
		if got := ids(t, e.call("GET", prev.String(), tok, nil, 200, nil)); len(got) != 0 {
			t.Fatalf("prev of the newest page = %v", got)
		}
		tests := []struct {
			name, query string
			want        []string
		}{
			{"max_id=X&limit=1 is the one just older", "max_id=" + p[3] + "&limit=1", []string{p[2]}},
			{"since_id=X is the newest newer than X", "since_id=" + p[1] + "&limit=2", []string{p[5], p[4]}},
			{"min_id=X&limit=1 is the one just newer", "min_id=" + p[1] + "&limit=1", []string{p[2]}},
			{"min_id=X pages ascending, newest first", "min_id=" + p[1] + "&limit=3", []string{p[4], p[3], p[2]}},
			{"min_id=A&max_id=B is strictly between", "min_id=" + p[1] + "&max_id=" + p[4], []string{p[3], p[2]}},
			{"since_id=A&max_id=B is strictly between", "since_id=" + p[1] + "&max_id=" + p[4], []string{p[3], p[2]}},
			{"past the end", "max_id=" + p[0], []string{}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				e := e.in(t)
				r := e.call("GET", home+"?"+tc.query, tok, nil, 200, nil)
				if got := ids(t, r); !equal(got, tc.want) {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
				if len(tc.want) == 0 && (r.link("next") != "" || strings.TrimSpace(string(r.body)) != "[]") {
					t.Fatalf("empty page: %s with Link %q", r.body, r.header.Get("Link"))
				}
			})
		}

		// Every list an app pages with Link: a page of one has both links, absolute.
		e.follow(bob, alice)
		e.follow(alice, bob)
		for _, id := range p[:2] {
			e.call("POST", "/api/v1/statuses/"+id+"/favourite", tok, nil, 200, nil)
			e.call("POST", "/api/v1/statuses/"+id+"/bookmark", tok, nil, 200, nil)
			e.call("POST", "/api/v1/statuses/"+id+"/favourite", bobTok, nil, 200, nil)
			e.call("POST", "/api/v1/statuses/"+id+"/reblog", bobTok, nil, 200, nil)
		}
		e.call("POST", "/api/v1/accounts/"+e.user("carol").Actor.ID+"/follow", tok, nil, 200, nil)
		t.Run("Link /api/v2/notifications", func(t *testing.T) {
			e := e.in(t)
			var v1 []struct{ ID string }
			e.call("GET", "/api/v1/notifications", tok, nil, 200, &v1)
			keys := groupKeys(t, e, tok)
			unique := slices.Compact(slices.Sorted(slices.Values(keys)))
			if len(keys) < 2 || len(keys) != len(v1) || len(unique) != len(keys) {
				t.Fatalf("v2 pages gave groups %v for %d notifications", keys, len(v1))
			}
		})
		for _, path := range []string{home, "/api/v1/timelines/public", "/api/v1/accounts/" + alice.Actor.ID + "/statuses",
			"/api/v1/accounts/" + alice.Actor.ID + "/followers", "/api/v1/accounts/" + alice.Actor.ID + "/following",
			"/api/v1/favourites", "/api/v1/bookmarks", "/api/v1/notifications",
			"/api/v1/statuses/" + p[0] + "/favourited_by", "/api/v1/statuses/" + p[0] + "/reblogged_by"} {
			t.Run("Link "+path, func(t *testing.T) {
				e := e.in(t)
				r := e.call("GET", path+"?limit=1", tok, nil, 200, nil)
				next, prev := parseLink(t, r, "next"), parseLink(t, r, "prev")
				if next.Path != path || prev.Path != path || next.Query().Get("limit") != "1" {
					t.Fatalf("Link %q", r.header.Get("Link"))
				}
				seen := map[string]bool{}
				for link, pages := next.String(), 0; link != "" && pages < 20; pages++ {
					r := e.call("GET", link, tok, nil, 200, nil)
					for _, id := range ids(t, r) {
						if seen[id] {
							t.Fatalf("%s on two pages", id)
						}
						seen[id] = true
					}
					link = r.link("next")
					if link == "" && strings.TrimSpace(string(r.body)) != "[]" {
						t.Fatalf("a non-empty page without next: %s", r.body)
					}
				}
			})
		}
	})
}

// groupKeys pages GET /api/v2/notifications through its Link header and returns the group keys.
func groupKeys(t *testing.T, e *env, tok string) []string {
	t.Helper()
	var keys []string
	for link, pages := "/api/v2/notifications?limit=1", 0; link != "" && pages < 20; pages++ {
		r := e.call("GET", link, tok, nil, 200, nil)
		var doc struct {
			Groups []struct {
				Key string `json:"group_key"`
			} `json:"notification_groups"`
		}
		r.decode(t, &doc)
		for _, g := range doc.Groups {
			keys = append(keys, g.Key)
		}
		if link = r.link("next"); link != "" {
			link = parseLink(t, r, "next").String()
		}
	}
	return keys
}

// parseLink returns rel's URL from the Link header, which must be absolute as masto.js builds it
// with new URL().
func parseLink(t *testing.T, r resp, rel string) *url.URL {
	t.Helper()
	raw := r.link(rel)
	u, err := url.Parse(raw)
	if raw == "" || err != nil || !u.IsAbs() || u.Host == "" {
		t.Fatalf("rel=%s link %q (%v) in %q", rel, raw, err, r.header.Get("Link"))
	}
	return u
}

// TestClientCORS: browser apps call these from another origin, with a bearer token and JSON.
func TestClientCORS(t *testing.T) {
	e, _ := newWiredEnv(t, storagetest.OpenSQLite(t))
	tok := e.token(e.user("alice"))
	for _, path := range []string{"/api/v1/instance", "/api/v2/instance", "/api/v1/timelines/home", "/api/v1/accounts/verify_credentials",
		"/api/v1/statuses", "/api/v2/media", "/api/v1/media/x", "/api/v1/streaming/health", "/api/v1/markers", "/api/v1/apps",
		"/oauth/token", "/oauth/revoke", "/.well-known/oauth-authorization-server", "/api/v1/nope"} {
		t.Run(path, func(t *testing.T) {
			e := e.in(t)
			req, _ := http.NewRequest("OPTIONS", e.base+path, nil)
			req.Header.Set("Origin", "https://elk.zone")
			req.Header.Set("Access-Control-Request-Method", "POST")
			req.Header.Set("Access-Control-Request-Headers", "authorization,content-type")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			allowed := strings.ToLower(res.Header.Get("Access-Control-Allow-Headers"))
			if res.StatusCode >= 300 || res.Header.Get("Access-Control-Allow-Origin") != "*" ||
				!strings.Contains(allowed, "authorization") || !strings.Contains(allowed, "content-type") {
				t.Fatalf("preflight %d %v", res.StatusCode, res.Header)
			}
			method := "GET"
			if path == "/oauth/token" || path == "/oauth/revoke" || path == "/api/v1/apps" {
				method = "POST"
			}
			r := e.do(method, path, tok, nil, "Origin", "https://elk.zone")
			// Link is exposed where a list can be paged; media and streaming have none.
			pagedAPI := !strings.Contains(path, "/media") && !strings.Contains(path, "/streaming")
			if r.header.Get("Access-Control-Allow-Origin") != "*" || (pagedAPI && !strings.Contains(r.header.Get("Access-Control-Expose-Headers"), "Link")) {
				t.Fatalf("%s %s (%d): Allow-Origin %q, Expose-Headers %q", method, path, r.status,
					r.header.Get("Access-Control-Allow-Origin"), r.header.Get("Access-Control-Expose-Headers"))
			}
		})
	}
}

// TestClientEmptyEndpoints: screens an app opens that Guildhall does not fill yet answer [] (or an
// empty object), never 404, which Elk shows as an error.
func TestClientEmptyEndpoints(t *testing.T) {
	e := sqliteEnv(t)
	alice := e.user("alice")
	tok := e.token(alice)
	id := e.post(tok, "one")
	for _, path := range []string{"/api/v1/trends/tags", "/api/v1/trends/statuses", "/api/v1/trends/links", "/api/v1/suggestions",
		"/api/v2/suggestions", "/api/v1/followed_tags", "/api/v1/scheduled_statuses", "/api/v1/announcements",
		"/api/v1/custom_emojis", "/api/v1/conversations", "/api/v1/domain_blocks", "/api/v1/endorsements",
		"/api/v1/accounts/" + alice.Actor.ID + "/statuses?pinned=true", "/api/v1/notifications/requests",
		"/api/v1/accounts/" + alice.Actor.ID + "/featured_tags"} {
		t.Run(path, func(t *testing.T) {
			e := e.in(t)
			r := e.call("GET", path, tok, nil, 200, nil)
			if strings.TrimSpace(string(r.body)) != "[]" {
				t.Fatalf("%s", r.body)
			}
		})
	}
	t.Run("statuses?id[]=", func(t *testing.T) {
		e := e.in(t)
		r := e.call("GET", "/api/v1/statuses?id[]="+id+"&id[]=nope", tok, nil, 200, nil)
		checkJSON(t, "statuses", r.body, arrayOf(objectOf(statusSchema(true))))
		if got := ids(t, r); !equal(got, []string{id}) {
			t.Fatalf("statuses = %v", got)
		}
	})
	t.Run("notifications policy", func(t *testing.T) {
		e := e.in(t)
		r := e.call("GET", "/api/v2/notifications/policy", tok, nil, 200, nil)
		checkJSON(t, "policy", r.body, objectOf(schema{"for_not_following": str, "for_not_followers": str,
			"for_new_accounts": str, "for_private_mentions": str, "for_limited_accounts": str,
			"summary.pending_requests_count": integer, "summary.pending_notifications_count": integer}))
	})
}

// TestClientInstanceIdentity: Tusky needs v1 uri and version, Elk v2 configuration.urls.streaming,
// and Phanpy gates features on a Mastodon-compatible version.
func TestClientInstanceIdentity(t *testing.T) {
	e := sqliteEnv(t)
	var v1, v2 map[string]any
	e.call("GET", "/api/v1/instance", "", nil, 200, &v1)
	e.call("GET", "/api/v2/instance", "", nil, 200, &v2)
	if v1["uri"] != e.svc.Domain() || v2["domain"] != e.svc.Domain() {
		t.Errorf("uri %v, domain %v, want %s", v1["uri"], v2["domain"], e.svc.Domain())
	}
	for _, v := range []any{v1["version"], v2["version"]} {
		if s, _ := v.(string); !strings.HasPrefix(s, "4.3.") {
			t.Errorf("version %v does not start with a Mastodon semver >= 4.3", v)
		}
	}
	stream, _ := lookup(v2, "configuration.urls.streaming")
	if s, _ := stream.(string); s != "ws"+strings.TrimPrefix(e.base, "http") {
		t.Errorf("configuration.urls.streaming = %v", stream)
	}
	if s, _ := lookup(v1, "urls.streaming_api"); s != stream {
		t.Errorf("urls.streaming_api = %v", s)
	}
}
