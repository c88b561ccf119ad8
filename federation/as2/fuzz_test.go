package as2_test

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/guildhall/guildhall/federation/as2"
)

// FuzzParse (RES-10, ORI-03, ORI-17) feeds arbitrary bodies to what the inbox and the dereferencer run on untrusted JSON:
// Decode, then ParseActivity, ParseObject and ParseActor. Properties: no panic; every refusal is a
// *ParseError (the inbox maps it to 400 or 202); every accepted document is inside the published
// bounds with absolute http(s) ids; and parse → Marshal → Decode → parse gives the same result, so
// what we store does not depend on how a peer happened to lay its JSON out.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.json")
	delivered, _ := filepath.Glob("testdata/gotosocial/delivered/*.raw.json")
	served, _ := filepath.Glob("testdata/gotosocial/served/*.raw.json")
	for _, p := range append(append(seeds, delivered...), served...) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"type":"Create","id":"https://a.example/1","actor":"https://a.example/u","object":{"type":"Create","id":"https://a.example/2","actor":"https://a.example/u","object":{"type":"Announce","id":"https://a.example/3","actor":"https://a.example/u","object":{"type":"Undo","id":"https://a.example/4","actor":"https://a.example/u","object":"https://a.example/5"}}}}`))
	f.Add([]byte(`{"type":"Note","id":"https://a.example/n","to":["https://a.example/u",1,null,{"id":"https://b.example"}],"tag":[{"type":"Mention"},{"type":"Emoji","name":":x:","icon":{"url":"javascript:x"}}]}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`null`))

	ctx := context.Background()
	f.Fuzz(func(t *testing.T, body []byte) {
		m, err := as2.Decode(body)
		if err != nil {
			mustParseError(t, err)
			return
		}
		a, aErr := as2.ParseActivity(ctx, m)
		o, oErr := as2.ParseObject(ctx, m)
		p, pErr := as2.ParseActor(ctx, m)
		for _, err := range []error{aErr, oErr, pErr} {
			if err != nil {
				mustParseError(t, err)
			}
		}
		if aErr == nil {
			checkActivity(t, a, 0)
		}
		if oErr == nil {
			checkObject(t, o)
		}
		if pErr == nil {
			checkActor(t, p)
		}

		// Round trip through our own encoder.
		out, err := as2.Marshal(m)
		if err != nil {
			t.Fatalf("Marshal of a decoded document: %v", err)
		}
		m2, err := as2.Decode(out)
		if err != nil {
			t.Fatalf("Decode of our own output: %v", err)
		}
		a2, aErr2 := as2.ParseActivity(ctx, m2)
		o2, oErr2 := as2.ParseObject(ctx, m2)
		p2, pErr2 := as2.ParseActor(ctx, m2)
		sameOutcome(t, "activity", a, aErr, a2, aErr2)
		sameOutcome(t, "object", o, oErr, o2, oErr2)
		sameOutcome(t, "actor", p, pErr, p2, pErr2)
	})
}

func mustParseError(t *testing.T, err error) {
	t.Helper()
	var pe *as2.ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error is %T, not *as2.ParseError: %v", err, err)
	}
	if !errors.Is(err, as2.ErrMalformed) && !errors.Is(err, as2.ErrTooLarge) && !errors.Is(err, as2.ErrUnsupported) {
		t.Fatalf("error has no sentinel cause: %v", err)
	}
}

func sameOutcome[T any](t *testing.T, what string, a T, aErr error, b T, bErr error) {
	t.Helper()
	if (aErr == nil) != (bErr == nil) {
		t.Fatalf("%s: first parse err=%v, after round trip err=%v", what, aErr, bErr)
	}
	if aErr == nil && !reflect.DeepEqual(a, b) {
		t.Fatalf("%s differs after round trip:\n%+v\n%+v", what, a, b)
	}
}

// isID is the inbox's notion of an id, checked independently of the parser: an absolute http(s)
// URL with a host and no credentials, within the URL bound.
func isID(s string) bool {
	u, err := url.Parse(s)
	return err == nil && len(s) <= as2.MaxURLBytes && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}

func checkIDs(t *testing.T, field string, ids []string, limit int) {
	t.Helper()
	if len(ids) > limit {
		t.Fatalf("%s: %d entries over the bound %d", field, len(ids), limit)
	}
	for _, id := range ids {
		if !isID(id) {
			t.Fatalf("%s: %q accepted", field, id)
		}
	}
}

func checkOptionalID(t *testing.T, field, id string) {
	t.Helper()
	if id != "" && !isID(id) {
		t.Fatalf("%s: %q accepted", field, id)
	}
}

func checkActivity(t *testing.T, a *as2.ParsedActivity, depth int) {
	t.Helper()
	if depth > 3 {
		t.Fatalf("activities nested %d deep", depth)
	}
	if !as2.IsActivityType(a.Type) || !isID(a.ID) || !isID(a.Actor) {
		t.Fatalf("accepted activity type=%q id=%q actor=%q", a.Type, a.ID, a.Actor)
	}
	checkOptionalID(t, "target", a.Target)
	for _, l := range [][]string{a.To, a.Cc, a.Audience} {
		checkIDs(t, "addressing", l, as2.MaxRecipients)
	}
	checkIDs(t, "objects", a.Objects, as2.MaxFlagObjects)
	if a.Object == nil || len(a.Objects) == 0 || a.Object.ID != a.Objects[0] {
		t.Fatalf("object %+v does not match objects %v", a.Object, a.Objects)
	}
	if len(a.Content) > as2.MaxSummaryBytes {
		t.Fatalf("content of %d bytes", len(a.Content))
	}
	if a.Object.Object != nil {
		checkObject(t, a.Object.Object)
	}
	if a.Object.Actor != nil {
		checkActor(t, a.Object.Actor)
	}
	if a.Object.Activity != nil {
		checkActivity(t, a.Object.Activity, depth+1)
	}
}

func checkObject(t *testing.T, o *as2.ParsedObject) {
	t.Helper()
	if !isID(o.ID) {
		t.Fatalf("object id %q accepted", o.ID)
	}
	for f, v := range map[string]string{"attributedTo": o.AttributedTo, "inReplyTo": o.InReplyTo, "url": o.URL, "context": o.Context, "quoteUrl": o.QuoteURL} {
		checkOptionalID(t, f, v)
	}
	for _, l := range [][]string{o.To, o.Cc, o.Audience} {
		checkIDs(t, "addressing", l, as2.MaxRecipients)
	}
	switch {
	case len(o.Content) > as2.MaxContentBytes, len(o.Summary) > as2.MaxSummaryBytes, len(o.Name) > as2.MaxNameBytes:
		t.Fatalf("object text over its bound: %d/%d/%d bytes", len(o.Content), len(o.Summary), len(o.Name))
	case len(o.Tags) > as2.MaxTags, len(o.Attachments) > as2.MaxAttachments:
		t.Fatalf("%d tags, %d attachments", len(o.Tags), len(o.Attachments))
	}
	for _, att := range o.Attachments {
		if !isID(att.URL) {
			t.Fatalf("attachment URL %q accepted", att.URL)
		}
	}
}

func checkActor(t *testing.T, a *as2.ParsedActor) {
	t.Helper()
	if !as2.IsActorType(a.Type) || !isID(a.ID) || !isID(a.Inbox) || a.PreferredUsername == "" {
		t.Fatalf("accepted actor type=%q id=%q inbox=%q user=%q", a.Type, a.ID, a.Inbox, a.PreferredUsername)
	}
	for f, v := range map[string]string{"outbox": a.Outbox, "sharedInbox": a.SharedInbox, "followers": a.Followers,
		"following": a.Following, "featured": a.Featured, "url": a.URL, "icon": a.Icon, "image": a.Image, "movedTo": a.MovedTo} {
		checkOptionalID(t, f, v)
	}
	if len(a.Name) > as2.MaxNameBytes || len(a.Summary) > as2.MaxSummaryBytes {
		t.Fatalf("actor text over its bound")
	}
	if len(a.PublicKeys) > as2.MaxPublicKeys || len(a.Fields) > as2.MaxFields {
		t.Fatalf("%d keys, %d fields", len(a.PublicKeys), len(a.Fields))
	}
}
