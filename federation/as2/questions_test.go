package as2

import (
	"context"
	"encoding/json"
	"testing"

	ap "github.com/guildhall/guildhall/activitypub"
)

// TestQuestionTermsRoundTrip renders a question with and without an accepted answer, embeds it
// in an Update as delivery does, and parses it back as a receiver would.
func TestQuestionTermsRoundTrip(t *testing.T) {
	r := testRenderer()
	author := &ap.Actor{URI: "https://a.test/users/ann", FollowersURI: "https://a.test/users/ann/followers"}
	const answer = "https://c.test/users/carol/statuses/1"
	for _, tc := range []struct {
		name     string
		kind     ap.StatusKind
		accepted string
		reply    bool
		wantKind string // postKind rendered
		wantAns  any    // acceptedAnswer rendered; absent when the key should be missing
	}{
		{"an answered question", ap.KindQuestion, answer, false, PostKindQuestion, answer},
		{"an unanswered question says so", ap.KindQuestion, "", false, PostKindQuestion, nil},
		{"a plain post has no terms", ap.KindPost, "", false, "", "absent"},
		{"an answer has no terms", ap.KindQuestion, "", true, "", "absent"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := &ap.Status{URI: "https://a.test/users/ann/statuses/9", Kind: tc.kind, Title: "Which CMS?",
				Content: "<p>Which CMS?</p>", Visibility: ap.Public, Local: true, CreatedAt: testTime,
				AcceptedAnswerURI: tc.accepted}
			if tc.reply {
				st.InReplyToURI = "https://a.test/users/ann/statuses/1"
			}
			note, err := r.Note(st, author, Addressing(st, author, ""))
			if err != nil {
				t.Fatal(err)
			}
			got, has := note["acceptedAnswer"]
			if tc.wantAns == "absent" {
				if has || note["postKind"] != nil {
					t.Fatalf("terms on a non-question: %v %v", note["postKind"], got)
				}
				return
			}
			if note["postKind"] != tc.wantKind || !has || got != tc.wantAns {
				t.Fatalf("postKind %v acceptedAnswer %v (present %v), want %v %v", note["postKind"], got, has, tc.wantKind, tc.wantAns)
			}
			update, err := r.Activity(&ap.Activity{ID: st.URI + "#update-1", Type: "Update", Actor: author.URI,
				Object: st.URI, To: []string{Public}}, note)
			if err != nil {
				t.Fatal(err)
			}
			if !hasAny(update[ctxKeyJSONLD].([]any), "https://a.test"+ContextPath) {
				t.Fatalf("the Update's @context lacks our context: %v", update[ctxKeyJSONLD])
			}
			raw, _ := json.Marshal(update)
			var m map[string]any
			if err := json.Unmarshal(raw, &m); err != nil {
				t.Fatal(err)
			}
			act, err := ParseActivity(context.Background(), m)
			if err != nil {
				t.Fatal(err)
			}
			o := act.Object.Object
			if o == nil || o.PostKind != PostKindQuestion || o.AcceptedAnswer != tc.accepted || o.Name != "Which CMS?" {
				t.Fatalf("parsed back %+v", o)
			}
		})
	}
}

func TestAcceptedAnswerMustBeAURL(t *testing.T) {
	o := &ParsedObject{}
	parseGuildhallTerms(o, map[string]any{"postKind": "question", "acceptedAnswer": "javascript:alert(1)"})
	if o.PostKind != PostKindQuestion || o.AcceptedAnswer != "" {
		t.Fatalf("parsed %+v, want the kind and no answer", o)
	}
	o = &ParsedObject{}
	parseGuildhallTerms(o, map[string]any{"postKind": "poll", "acceptedAnswer": "https://c.test/s/1"})
	if o.PostKind != "" {
		t.Fatalf("an unknown postKind was kept: %q", o.PostKind)
	}
}

func TestContextDocumentDefinesTheTerms(t *testing.T) {
	ctx, ok := ContextDocument()[ctxKeyJSONLD].(map[string]any)
	if !ok {
		t.Fatal("no @context object")
	}
	aa, ok := ctx["acceptedAnswer"].(map[string]any)
	if !ok || aa["@id"] != "schema:acceptedAnswer" || aa["@type"] != "@id" || ctx["schema"] != NSSchema || ctx["postKind"] == nil {
		t.Fatalf("context %v", ctx)
	}
}
