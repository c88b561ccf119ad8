package activitypub_test

import (
	"reflect"
	"testing"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
)

// ReceiveCreate returns the status as reading it back from the store would, without reading it
// back where it need not: mentions, tags, replies, edits and media alike.
func TestReceiveCreateReturnsWhatIsStored(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *world) {
		ann := w.user("ann")
		zed := w.remote("zed", "remote.test")
		parent := w.post(ann, "Gritting routes for tonight", ap.Public)
		edited := time.Now().Add(-time.Minute).In(time.FixedZone("CET", 3600))
		for i, tc := range []struct {
			name string
			in   ap.Status
		}{
			{"plain", ap.Status{Content: "<p>hello</p>", Visibility: ap.Public}},
			{"mentions and tags", ap.Status{Content: "<p>@ann #roads #winter</p>", Visibility: ap.Unlisted,
				Tags: []string{"roads", "winter"}, Mentions: []ap.Mention{{URI: ann.Actor.URI}, {URI: "https://nowhere.test/u/x"}}}},
			{"tags not as stored", ap.Status{Content: "<p>#Roads</p>", Visibility: ap.Public, Tags: []string{"#Roads", "roads"}}},
			{"reply, edited, published in another zone", ap.Status{Content: "<p>thanks</p>", Visibility: ap.Public,
				InReplyToURI: parent.URI, CreatedAt: edited.Add(-time.Hour), EditedAt: &edited}},
			{"empty tag list", ap.Status{Content: "<p>x</p>", Visibility: ap.Private, Tags: []string{}, Mentions: []ap.Mention{{URI: ann.Actor.URI}}}},
			{"media", ap.Status{Content: "<p>photo</p>", Visibility: ap.Public,
				Attachments: []ap.Attachment{{Type: "image", URL: "https://remote.test/p.jpg", RemoteURL: "https://remote.test/p.jpg"}}}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				in := tc.in
				in.URI = "https://remote.test/users/zed/statuses/" + string(rune('a'+i))
				got, err := w.svc.ReceiveCreate(w.ctx, zed, &in)
				if err != nil {
					t.Fatal(err)
				}
				want, err := w.store.StatusByID(w.ctx, got.ID)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("returned\n%+v\nstored\n%+v", got, want)
				}
			})
		}
	})
}
