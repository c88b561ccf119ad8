package as2

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/go-fed/activity/streams"

	ap "github.com/guildhall/guildhall/activitypub"
)

var testTime = time.Date(2026, 3, 4, 10, 30, 15, 123, time.UTC)

func testRenderer() Renderer { return Renderer{BaseURL: "https://a.test", Domain: "a.test"} }

func testActor() *ap.Actor {
	u := "https://a.test/users/alice"
	return &ap.Actor{
		ID: "01A", URI: u, Kind: ap.KindPerson, Username: "alice", DisplayName: "Alice Smith",
		Summary: "<p>Parks officer</p>", URL: "https://a.test/@alice", Inbox: u + "/inbox", Outbox: u + "/outbox",
		SharedInbox: "https://a.test/inbox", FollowersURI: u + "/followers", FollowingURI: u + "/following",
		FeaturedURI: u + "/collections/featured", PublicKeyID: u + "#main-key",
		PublicKeyPEM: "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n",
		AvatarURL:    "https://a.test/media/avatar.png", Discoverable: true, Indexable: false,
		ManuallyApproves: true, Fields: []ap.Field{{Name: "Council", Value: "<a href=\"https://x.gov.uk\">x</a>"}},
		CreatedAt: testTime,
	}
}

func testStatus() *ap.Status {
	uri := "https://a.test/users/alice/statuses/01S"
	return &ap.Status{
		ID: "01S", URI: uri, URL: "https://a.test/@alice/01S", ActorID: "01A", ObjectType: "Note",
		Visibility: ap.Public, Local: true, Content: "<p>Hello <a href=\"https://b.test/@bob\">@bob</a> #Parks</p>",
		SpoilerText: "budget", Sensitive: true, Language: "en", CreatedAt: testTime, ContextURI: uri + "/context",
		Mentions: []ap.Mention{{ActorID: "01B", URI: "https://b.test/users/bob", Username: "bob", Domain: "b.test"},
			{ActorID: "01C", URI: "https://a.test/users/carol", Username: "carol"}},
		Tags: []string{"parks"},
		Attachments: []ap.Attachment{{ID: "01M", ContentType: "image/png", URL: "https://a.test/media/1.png",
			Description: "Agenda", Blurhash: "LEHV6n", Width: 640, Height: 480, FocusX: 0.5}},
	}
}

// roundTrip marshals a document, checks go-fed can read it back as the expected type, and returns
// it as plain JSON values.
func roundTrip(t *testing.T, doc map[string]any, wantType string) map[string]any {
	t.Helper()
	b, err := Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	typ, err := streams.ToType(context.Background(), m)
	if err != nil {
		t.Fatalf("go-fed cannot read our %s back: %v\n%s", wantType, err, b)
	}
	if typ.GetTypeName() != wantType {
		t.Fatalf("type %s, want %s", typ.GetTypeName(), wantType)
	}
	if err := json.Unmarshal(b, &m); err != nil { // ToType may have mutated m
		t.Fatal(err)
	}
	return m
}

// at walks a JSON path like "publicKey.owner" or "tag.1.name".
func at(v any, path string) any {
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			i := 0
			for _, c := range k {
				i = i*10 + int(c-'0')
			}
			if i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func checkFields(t *testing.T, m map[string]any, want map[string]any) {
	t.Helper()
	for path, w := range want {
		got := at(m, path)
		if !reflect.DeepEqual(got, w) {
			t.Errorf("%s = %#v, want %#v", path, got, w)
		}
	}
}

func TestActor(t *testing.T) {
	r := testRenderer()
	tests := []struct {
		name string
		edit func(a *ap.Actor)
		typ  string
		want map[string]any
	}{
		{"person", func(*ap.Actor) {}, "Person", map[string]any{
			"id": "https://a.test/users/alice", "preferredUsername": "alice", "name": "Alice Smith",
			"summary": "<p>Parks officer</p>", "inbox": "https://a.test/users/alice/inbox",
			"outbox": "https://a.test/users/alice/outbox", "followers": "https://a.test/users/alice/followers",
			"following": "https://a.test/users/alice/following", "featured": "https://a.test/users/alice/collections/featured",
			"endpoints.sharedInbox": "https://a.test/inbox", "publicKey.id": "https://a.test/users/alice#main-key",
			"publicKey.owner": "https://a.test/users/alice", "publicKey.publicKeyPem": testActor().PublicKeyPEM,
			"url": "https://a.test/@alice", "manuallyApprovesFollowers": true, "discoverable": true,
			"indexable": false, "published": "2026-03-04T00:00:00Z", "icon.type": "Image",
			"icon.url": "https://a.test/media/avatar.png", "icon.mediaType": "image/png",
			"attachment.0.type": "PropertyValue", "attachment.0.name": "Council",
			"@context.0": NSActivityStreams, "@context.1": NSSecurity,
		}},
		{"instance actor", func(a *ap.Actor) { a.Kind, a.DisplayName, a.Fields = ap.KindApplication, "", nil }, "Application",
			map[string]any{"name": "alice", "attachment": []any{}}},
		{"group", func(a *ap.Actor) { a.Kind = ap.KindGroup }, "Group", map[string]any{"preferredUsername": "alice"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := testActor()
			tt.edit(a)
			doc, err := r.Actor(a)
			if err != nil {
				t.Fatal(err)
			}
			checkFields(t, roundTrip(t, doc, tt.typ), tt.want)
		})
	}
}

func TestNote(t *testing.T) {
	r := testRenderer()
	edited := testTime.Add(time.Hour)
	tests := []struct {
		name   string
		edit   func(s *ap.Status)
		parent string
		typ    string
		want   map[string]any
	}{
		{"public with everything", func(*ap.Status) {}, "", "Note", map[string]any{
			"id": "https://a.test/users/alice/statuses/01S", "attributedTo": "https://a.test/users/alice",
			"to": []any{Public}, "cc": []any{"https://a.test/users/alice/followers", "https://b.test/users/bob", "https://a.test/users/carol"},
			"summary": "budget", "sensitive": true, "published": "2026-03-04T10:30:15Z",
			"contentMap.en": testStatus().Content, "url": "https://a.test/@alice/01S", "inReplyTo": nil,
			"tag.0.type": "Mention", "tag.0.name": "@bob@b.test", "tag.0.href": "https://b.test/users/bob",
			"tag.1.name": "@carol@a.test", "tag.2.type": "Hashtag", "tag.2.name": "#parks",
			"tag.2.href": "https://a.test/tags/parks", "attachment.0.type": "Document",
			"attachment.0.mediaType": "image/png", "attachment.0.name": "Agenda", "attachment.0.blurhash": "LEHV6n",
			"attachment.0.width": 640.0, "attachment.0.height": 480.0, "attachment.0.focalPoint": []any{0.5, 0.0},
			"context":      "https://a.test/users/alice/statuses/01S/context",
			"conversation": "https://a.test/users/alice/statuses/01S/context",
			"replies.id":   "https://a.test/users/alice/statuses/01S/replies", "replies.first.type": "CollectionPage",
		}},
		{"unlisted reply, edited", func(s *ap.Status) {
			s.Visibility, s.InReplyToURI, s.EditedAt, s.Mentions = ap.Unlisted, "https://b.test/users/bob/statuses/9", &edited, nil
		}, "https://b.test/users/bob", "Note", map[string]any{
			"to": []any{"https://a.test/users/alice/followers"}, "cc": []any{Public, "https://b.test/users/bob"},
			"inReplyTo": "https://b.test/users/bob/statuses/9", "updated": "2026-03-04T11:30:15Z",
		}},
		{"followers only", func(s *ap.Status) { s.Visibility = ap.Private }, "", "Note", map[string]any{
			"to": []any{"https://a.test/users/alice/followers"}, "cc": []any{"https://b.test/users/bob", "https://a.test/users/carol"},
		}},
		{"direct, reply author not added", func(s *ap.Status) { s.Visibility = ap.Direct }, "https://c.test/users/x", "Note", map[string]any{
			"to": []any{"https://b.test/users/bob", "https://a.test/users/carol"}, "cc": []any{}, // as Mastodon sends it
		}},
		{"article with title, no language", func(s *ap.Status) { s.ObjectType, s.Title, s.Language = "Article", "Bins", "" }, "", "Article",
			map[string]any{"name": "Bins", "contentMap": nil},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := testStatus()
			tt.edit(st)
			doc, err := r.Note(st, testActor(), Addressing(st, testActor(), tt.parent))
			if err != nil {
				t.Fatal(err)
			}
			checkFields(t, roundTrip(t, doc, tt.typ), tt.want)
		})
	}
}

func TestAddressingLocalOnly(t *testing.T) {
	st := testStatus()
	st.Visibility = ap.LocalOnly
	if a := Addressing(st, testActor(), "https://b.test/users/bob"); len(a.To)+len(a.Cc) != 0 {
		t.Fatalf("local-only status addressed to %v", a)
	}
}

func TestActivity(t *testing.T) {
	r := testRenderer()
	alice, bob := "https://a.test/users/alice", "https://b.test/users/bob"
	st := testStatus()
	note, err := r.Note(st, testActor(), Addressing(st, testActor(), ""))
	if err != nil {
		t.Fatal(err)
	}
	follow := &ap.Activity{ID: alice + "#follows/1", Type: "Follow", Actor: alice, Object: bob}
	tests := []struct {
		name   string
		act    *ap.Activity
		object map[string]any
		want   map[string]any
	}{
		{"create embeds note", &ap.Activity{ID: st.URI + "/activity", Type: "Create", Actor: alice, Object: st.URI,
			To: []string{Public}, Cc: []string{alice + "/followers"}, Published: testTime}, note,
			map[string]any{"object.type": "Note", "object.id": st.URI, "object.@context": nil, "published": "2026-03-04T10:30:15Z",
				"to": []any{Public}, "object.sensitive": true}},
		{"delete embeds tombstone", &ap.Activity{ID: st.URI + "#delete", Type: "Delete", Actor: alice, Object: st.URI,
			To: []string{Public}}, nil, map[string]any{"object.type": "Tombstone", "object.id": st.URI, "object.atomUri": st.URI}},
		{"announce names object", &ap.Activity{ID: alice + "/statuses/2/activity", Type: "Announce", Actor: alice,
			Object: bob + "/statuses/9", To: []string{Public}, Cc: []string{bob}, Published: testTime}, nil,
			map[string]any{"object": bob + "/statuses/9", "cc": []any{bob}}},
		{"like", &ap.Activity{ID: alice + "#likes/1", Type: "Like", Actor: alice, Object: bob + "/statuses/9", To: []string{bob}}, nil,
			map[string]any{"object": bob + "/statuses/9", "published": nil}},
		{"follow", follow, nil, map[string]any{"object": bob, "actor": alice, "to": nil}},
		{"accept embeds follow", &ap.Activity{ID: bob + "#accepts/1", Type: "Accept", Actor: bob, Object: follow.ID, Inner: follow}, nil,
			map[string]any{"object.type": "Follow", "object.id": follow.ID, "object.actor": alice, "object.object": bob}},
		{"reject embeds follow", &ap.Activity{ID: bob + "#rejects/1", Type: "Reject", Actor: bob, Object: follow.ID, Inner: follow}, nil,
			map[string]any{"object.type": "Follow"}},
		{"undo embeds follow", &ap.Activity{ID: follow.ID + "/undo", Type: "Undo", Actor: alice, Object: follow.ID, Inner: follow}, nil,
			map[string]any{"object.type": "Follow", "object.@context": nil}},
		{"block", &ap.Activity{ID: alice + "#blocks/1", Type: "Block", Actor: alice, Object: bob, To: []string{bob}}, nil,
			map[string]any{"object": bob, "to": []any{bob}}},
		{"profile update embeds actor", &ap.Activity{ID: alice + "#updates/1", Type: "Update", Actor: alice, Object: alice,
			To: []string{Public}, Published: testTime}, mustActor(t, r), map[string]any{"object.type": "Person", "object.publicKey.owner": alice}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := r.Activity(tt.act, tt.object)
			if err != nil {
				t.Fatal(err)
			}
			m := roundTrip(t, doc, tt.act.Type)
			checkFields(t, m, map[string]any{"id": tt.act.ID, "type": tt.act.Type, "actor": tt.act.Actor})
			checkFields(t, m, tt.want)
		})
	}
}

func mustActor(t *testing.T, r Renderer) map[string]any {
	doc, err := r.Actor(testActor())
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestActivityUnknownType(t *testing.T) {
	if _, err := testRenderer().Activity(&ap.Activity{ID: "https://a.test/x", Type: "Dance"}, nil); err == nil {
		t.Fatal("rendered an unknown activity type")
	}
}

func TestCollections(t *testing.T) {
	r := testRenderer()
	c, err := r.OrderedCollection("https://a.test/users/alice/outbox", 3, "https://a.test/users/alice/outbox?page=true")
	if err != nil {
		t.Fatal(err)
	}
	checkFields(t, roundTrip(t, c, "OrderedCollection"), map[string]any{"totalItems": 3.0, "first": "https://a.test/users/alice/outbox?page=true"})
	st := testStatus()
	note, err := r.Note(st, testActor(), Addressing(st, testActor(), ""))
	if err != nil {
		t.Fatal(err)
	}
	pg, err := r.OrderedCollectionPage(CollectionPage{ID: "https://a.test/users/alice/outbox?page=true",
		PartOf: "https://a.test/users/alice/outbox", Next: "https://a.test/users/alice/outbox?page=true&max_id=01S",
		Items: []any{"https://b.test/users/bob", note}}, 3)
	if err != nil {
		t.Fatal(err)
	}
	checkFields(t, roundTrip(t, pg, "OrderedCollectionPage"), map[string]any{
		"orderedItems.0": "https://b.test/users/bob", "orderedItems.1.type": "Note", "orderedItems.1.@context": nil,
		"partOf": "https://a.test/users/alice/outbox", "prev": nil, "totalItems": 3.0,
	})
}

func TestMarshalDoesNotEscapeHTML(t *testing.T) {
	b, err := Marshal(map[string]any{"content": "<p>a & b</p>"})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"content":"<p>a & b</p>"}` {
		t.Fatalf("got %s", b)
	}
}

func TestBadIRI(t *testing.T) {
	st := testStatus()
	st.InReplyToURI = "http://[::1"
	if _, err := testRenderer().Note(st, testActor(), Audience{}); err == nil {
		t.Fatal("rendered a note with an unparsable inReplyTo")
	}
}
