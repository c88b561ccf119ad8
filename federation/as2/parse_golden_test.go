package as2_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/guildhall/guildhall/federation/as2"
)

func load(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := as2.Decode(b)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

func activityOf(t *testing.T, path string) *as2.ParsedActivity {
	t.Helper()
	a, err := as2.ParseActivity(context.Background(), load(t, path))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return a
}

func actorOf(t *testing.T, path string) *as2.ParsedActor {
	t.Helper()
	a, err := as2.ParseActor(context.Background(), load(t, path))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return a
}

func check(t *testing.T, name string, ok bool) {
	t.Helper()
	if !ok {
		t.Errorf("%s: wrong", name)
	}
}

func tagOf(tags []as2.ParsedTag, typ string) *as2.ParsedTag {
	for i := range tags {
		if tags[i].Type == typ {
			return &tags[i]
		}
	}
	return nil
}

func TestParseGoldenPlatforms(t *testing.T) {
	const alice = "https://guildhall.example/users/alice"
	tests := []struct {
		file  string
		check func(t *testing.T, path string)
	}{
		{"mastodon-person.json", func(t *testing.T, p string) {
			a := actorOf(t, p)
			check(t, "id/type", a.ID == "https://mastodon.example/users/harriet" && a.Type == "Person" && a.PreferredUsername == "harriet")
			check(t, "key", a.PublicKey.ID == a.ID+"#main-key" && a.PublicKey.Owner == a.ID && strings.HasPrefix(a.PublicKey.PEM, "-----BEGIN PUBLIC KEY"))
			check(t, "flags", a.ManuallyApprovesFollowers && a.Discoverable && a.Indexable && !a.Bot)
			check(t, "endpoints", a.SharedInbox == "https://mastodon.example/inbox" && a.Featured != "")
			check(t, "images", strings.HasSuffix(a.Icon, "harriet.png") && strings.HasSuffix(a.Image, "harriet.jpg"))
			check(t, "fields", len(a.Fields) == 2 && a.Fields[0].Name == "Website" && strings.Contains(a.Fields[0].Value, "parish.example"))
		}},
		{"mastodon-create-note.json", func(t *testing.T, p string) {
			a := activityOf(t, p)
			o := a.Object.Object
			check(t, "activity", a.Type == "Create" && a.Actor == "https://mastodon.example/users/harriet" && o != nil)
			check(t, "note", o.Type == "Note" && o.AttributedTo == a.Actor && o.Summary == "Road closure" && o.Sensitive)
			check(t, "reply", o.InReplyTo == "https://guildhall.example/users/alice/statuses/01HQ0000000000000000000000")
			check(t, "addressing", slices.Contains(o.To, as2.Public) && slices.Contains(o.Cc, alice))
			check(t, "language", o.Language == "en")
			check(t, "conversation", strings.HasPrefix(o.Context, "tag:") == false)
			m, h := tagOf(o.Tags, as2.TagMention), tagOf(o.Tags, as2.TagHashtag)
			check(t, "mention", m != nil && m.Href == alice)
			check(t, "hashtag", h != nil && h.Name == "Roads")
			check(t, "attachment", len(o.Attachments) == 1 && o.Attachments[0].Name == "Map of the closure" &&
				o.Attachments[0].FocusX == -0.5 && o.Attachments[0].Blurhash != "" && o.Attachments[0].Width == 1200)
		}},
		{"mastodon-follow.json", func(t *testing.T, p string) {
			a := activityOf(t, p)
			check(t, "follow", a.Type == "Follow" && a.Object.ID == alice && a.Object.Type == "")
		}},
		{"mastodon-like.json", func(t *testing.T, p string) {
			a := activityOf(t, p)
			check(t, "like", a.Type == "Like" && strings.HasPrefix(a.Object.ID, alice+"/statuses/"))
		}},
		{"mastodon-announce.json", func(t *testing.T, p string) {
			a := activityOf(t, p)
			check(t, "announce", a.Type == "Announce" && a.Object.Object == nil && !a.Published.IsZero() && slices.Contains(a.To, as2.Public))
		}},
		{"mastodon-delete.json", func(t *testing.T, p string) {
			a := activityOf(t, p)
			check(t, "delete", a.Type == "Delete" && a.Object.Type == "Tombstone" && strings.HasSuffix(a.Object.ID, "/statuses/110000000000000001"))
		}},
		{"mastodon-undo-follow.json", func(t *testing.T, p string) {
			a := activityOf(t, p)
			in := a.Object.Activity
			check(t, "undo", a.Type == "Undo" && in != nil && in.Type == "Follow" && in.Actor == a.Actor && in.Object.ID == alice)
		}},
		{"mastodon-update-note.json", func(t *testing.T, p string) {
			o := activityOf(t, p).Object.Object
			check(t, "update", o != nil && !o.Updated.IsZero() && o.Updated.After(o.Published) && !o.Sensitive)
		}},
		{"pleroma-person.json", func(t *testing.T, p string) {
			a := actorOf(t, p)
			check(t, "person", a.PreferredUsername == "ned" && a.SharedInbox == "https://pleroma.example/inbox" && len(a.Fields) == 1)
		}},
		{"pleroma-create-note.json", func(t *testing.T, p string) {
			a := activityOf(t, p)
			o := a.Object.Object
			check(t, "note", o != nil && o.Context == "https://pleroma.example/contexts/3f1c" && !o.Sensitive)
			e := tagOf(o.Tags, as2.TagEmoji)
			check(t, "emoji", e != nil && e.Name == ":blobcat:" && strings.HasSuffix(e.Icon, "blobcat.png"))
			check(t, "link attachment url", len(o.Attachments) == 1 && o.Attachments[0].URL == "https://pleroma.example/media/trough.png" && o.Attachments[0].Name == "A mended trough")
			check(t, "followers-only addressing", !slices.Contains(o.To, as2.Public) && slices.Contains(o.To, "https://pleroma.example/users/ned/followers"))
		}},
		{"misskey-person.json", func(t *testing.T, p string) {
			a := actorOf(t, p)
			check(t, "person", a.PreferredUsername == "mei" && a.PublicKey.ID != "" && a.Image == "" && a.Discoverable)
		}},
		{"misskey-create-note.json", func(t *testing.T, p string) {
			o := activityOf(t, p).Object.Object
			check(t, "quote", o.QuoteURL == "https://guildhall.example/users/alice/statuses/01HQ0000000000000000000000")
			check(t, "sensitive", o.Sensitive && o.InReplyTo == "" && o.Summary == "")
			check(t, "attachment", len(o.Attachments) == 1 && o.Attachments[0].MediaType == "image/webp")
			check(t, "tags", tagOf(o.Tags, as2.TagMention) != nil && tagOf(o.Tags, as2.TagHashtag).Name == "library")
		}},
		{"misskey-like.json", func(t *testing.T, p string) {
			a := activityOf(t, p)
			check(t, "like with reaction", a.Type == "Like" && a.Content == "👍")
		}},
		{"lemmy-group.json", func(t *testing.T, p string) {
			a := actorOf(t, p)
			check(t, "group", a.Type == "Group" && a.Name == "Planning applications" && a.SharedInbox == "https://lemmy.example/inbox")
		}},
		{"lemmy-create-page.json", func(t *testing.T, p string) {
			a := activityOf(t, p)
			o := a.Object.Object
			check(t, "page", o.Type == "Page" && o.Name == "New cycle lane on Mill Road")
			check(t, "markdown source shown as text", strings.Contains(o.Content, "Consultation closes **Friday**."))
			check(t, "link attachment", len(o.Attachments) == 1 && o.Attachments[0].Type == "Link" && o.Attachments[0].URL == "https://council.example/consultations/mill-road")
			check(t, "audience", slices.Contains(o.Audience, "https://lemmy.example/c/planning"))
		}},
		{"lemmy-create-note.json", func(t *testing.T, p string) {
			o := activityOf(t, p).Object.Object
			check(t, "comment", o.InReplyTo == "https://lemmy.example/post/42" && tagOf(o.Tags, as2.TagMention).Href == alice)
		}},
		{"lemmy-announce.json", func(t *testing.T, p string) {
			a := activityOf(t, p)
			in := a.Object.Activity
			check(t, "announce of an activity", a.Actor == "https://lemmy.example/c/planning" && in != nil && in.Type == "Like" && in.Actor == "https://lemmy.example/u/rowan")
		}},
		{"lemmy-delete.json", func(t *testing.T, p string) {
			a := activityOf(t, p)
			check(t, "delete", a.Type == "Delete" && a.Object.ID == "https://lemmy.example/post/42")
		}},
		{"lemmy-follow.json", func(t *testing.T, p string) {
			check(t, "follow", activityOf(t, p).Object.ID == alice)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) { tt.check(t, filepath.Join("testdata", tt.file)) })
	}
}

// gtsFixtures is the copy of the GoToSocial capture kept in testdata (provenance in its README).
func gtsFixtures(t *testing.T) string {
	dir := filepath.Join("testdata", "gotosocial")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("GoToSocial fixtures missing from the repository: %v", err)
	}
	return dir
}

func TestParseGoToSocialFixtures(t *testing.T) {
	dir := gtsFixtures(t)
	const alice, bob = "http://gts.test/users/alice", "http://remote.test/users/bob"
	activities := map[string]func(t *testing.T, a *as2.ParsedActivity){
		"accept-follow": func(t *testing.T, a *as2.ParsedActivity) {
			check(t, "accept", a.Type == "Accept" && a.Object.Activity != nil && a.Object.Activity.Actor == bob && a.Object.Activity.Object.ID == alice)
		},
		"follow": func(t *testing.T, a *as2.ParsedActivity) {
			check(t, "follow", a.Type == "Follow" && a.Object.ID == bob)
		},
		"like":     func(t *testing.T, a *as2.ParsedActivity) { check(t, "like", a.Object.ID == bob+"/statuses/1") },
		"announce": func(t *testing.T, a *as2.ParsedActivity) { check(t, "announce", a.Object.ID == bob+"/statuses/1") },
		"block":    func(t *testing.T, a *as2.ParsedActivity) { check(t, "block", a.Object.ID == bob) },
		"flag": func(t *testing.T, a *as2.ParsedActivity) {
			check(t, "flag", len(a.Objects) == 2 && a.Objects[0] == bob && strings.Contains(a.Content, "Off-topic"))
		},
		"delete-note": func(t *testing.T, a *as2.ParsedActivity) {
			check(t, "delete", a.Type == "Delete" && strings.HasPrefix(a.Object.ID, alice+"/statuses/"))
		},
		"create-note-public": func(t *testing.T, a *as2.ParsedActivity) {
			o := a.Object.Object
			check(t, "note", o.Summary == "Council meeting agenda" && o.Sensitive && tagOf(o.Tags, as2.TagMention).Href == bob &&
				tagOf(o.Tags, as2.TagHashtag).Name == "council" && len(o.Attachments) == 1 &&
				strings.HasPrefix(o.Attachments[0].Name, "Agenda for the March") && o.Attachments[0].Blurhash != "")
		},
		"create-note-reply": func(t *testing.T, a *as2.ParsedActivity) {
			check(t, "reply", a.Object.Object.InReplyTo == bob+"/statuses/1")
		},
		"create-note-followers-only": func(t *testing.T, a *as2.ParsedActivity) {
			check(t, "followers-only", slices.Equal(a.Object.Object.To, []string{alice + "/followers"}))
		},
		"create-note-direct": func(t *testing.T, a *as2.ParsedActivity) {
			check(t, "direct", slices.Equal(a.Object.Object.To, []string{bob}) && len(a.Object.Object.Cc) == 0)
		},
		"create-note-before-edit": func(t *testing.T, a *as2.ParsedActivity) { check(t, "note", a.Object.Object != nil) },
		"update-note": func(t *testing.T, a *as2.ParsedActivity) {
			check(t, "edit", !a.Object.Object.Updated.IsZero() && strings.Contains(a.Object.Object.Content, "edited"))
		},
		"update-person": func(t *testing.T, a *as2.ParsedActivity) {
			check(t, "person", a.Object.Actor != nil && a.Object.Actor.Name == "Alice (Council Clerk)" && a.Object.Actor.PublicKey.ID == alice+"/main-key")
		},
		"undo-like":     func(t *testing.T, a *as2.ParsedActivity) { check(t, "undo", a.Object.Activity.Type == "Like") },
		"undo-announce": func(t *testing.T, a *as2.ParsedActivity) { check(t, "undo", a.Object.Activity.Type == "Announce") },
		"undo-follow":   func(t *testing.T, a *as2.ParsedActivity) { check(t, "undo", a.Object.Activity.Type == "Follow") },
		"undo-block":    func(t *testing.T, a *as2.ParsedActivity) { check(t, "undo", a.Object.Activity.Type == "Block") },
	}
	files, _ := filepath.Glob(filepath.Join(dir, "delivered", "*.raw.json"))
	if len(files) == 0 {
		t.Fatal("no delivered fixtures in testdata/gotosocial")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".raw.json")
		t.Run("delivered/"+name, func(t *testing.T) {
			fn, ok := activities[name]
			if !ok {
				t.Fatalf("no expectation for %s", name)
			}
			a := activityOf(t, f)
			check(t, "actor", a.Actor == alice || a.Actor == "http://gts.test/users/gts.test")
			fn(t, a)
		})
	}
	served, _ := filepath.Glob(filepath.Join(dir, "served", "*.raw.json"))
	for _, f := range served {
		name := strings.TrimSuffix(filepath.Base(f), ".raw.json")
		t.Run("served/"+name, func(t *testing.T) {
			m := load(t, f)
			typ, _ := m["type"].(string)
			switch {
			case as2.IsActorType(typ):
				a, err := as2.ParseActor(context.Background(), m)
				if err != nil {
					t.Fatal(err)
				}
				check(t, "actor key", a.PublicKey.ID != "" && a.PublicKey.Owner == a.ID && a.Inbox != "")
			case as2.IsStatusType(typ):
				o, err := as2.ParseObject(context.Background(), m)
				if err != nil {
					t.Fatal(err)
				}
				check(t, "note", o.AttributedTo == alice && o.Content != "")
				if name == "note-edited" {
					check(t, "edited", !o.Updated.IsZero())
				}
			default:
				// Collections, NodeInfo, WebFinger and error bodies are not parsed by as2; an
				// object parse of them must fail cleanly, not panic.
				if _, err := as2.ParseObject(context.Background(), m); err == nil && typ != "" && as2.IsStatusType(typ) {
					t.Fatal("unexpected success")
				}
			}
		})
	}
}

func TestParseRefusals(t *testing.T) {
	big := strings.Repeat("x", as2.MaxContentBytes+1)
	tags := make([]any, as2.MaxTags+1)
	for i := range tags {
		tags[i] = map[string]any{"type": "Hashtag", "name": "#t"}
	}
	note := func(extra map[string]any) map[string]any {
		m := map[string]any{"id": "https://a.example/n/1", "type": "Note", "attributedTo": "https://a.example/u/1", "content": "hi"}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name string
		doc  map[string]any
		want error
	}{
		{"content too long", note(map[string]any{"content": big}), as2.ErrTooLarge},
		{"too many tags", note(map[string]any{"tag": tags}), as2.ErrTooLarge},
		{"no id", map[string]any{"type": "Note", "content": "x"}, as2.ErrMalformed},
		{"javascript id", note(map[string]any{"id": "javascript:alert(1)"}), as2.ErrMalformed},
		{"unicode host", note(map[string]any{"attributedTo": "https://vіctim.example/u/1"}), as2.ErrMalformed},
		{"unknown type", map[string]any{"id": "https://a.example/x", "type": "EmojiReact", "actor": "https://a.example/u", "object": "https://b.example/n"}, as2.ErrUnsupported},
		{"create without object id", map[string]any{"id": "https://a.example/c", "type": "Create", "actor": "https://a.example/u", "object": map[string]any{"type": "Note", "content": "x"}}, as2.ErrMalformed},
		{"no actor", map[string]any{"id": "https://a.example/c", "type": "Like", "object": "https://b.example/n"}, as2.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.doc["type"] == "Note" {
				_, err = as2.ParseObject(context.Background(), tt.doc)
			} else {
				_, err = as2.ParseActivity(context.Background(), tt.doc)
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}
