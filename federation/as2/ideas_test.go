package as2

import (
	"slices"
	"strings"
	"testing"
)

// TestParseIdeaTerms: what a peer may claim about an idea, bounded and checked.
func TestParseIdeaTerms(t *testing.T) {
	for _, tc := range []struct {
		name string
		raw  map[string]any
		want *IdeaTerms
	}{
		{"none", map[string]any{}, nil},
		{"unknown status", map[string]any{TermIdeaStatus: "shelved"}, nil},
		{"status as array", map[string]any{TermIdeaStatus: []any{"planned"}}, &IdeaTerms{Status: "planned"}},
		{"declined with reason", map[string]any{TermIdeaStatus: "declined", TermIdeaStatusReason: "  No budget "},
			&IdeaTerms{Status: "declined", Reason: "No budget"}},
		{"adopted by, bad entries dropped", map[string]any{TermIdeaStatus: "adopted",
			TermIdeaAdoptedBy: []any{"B.Test", 7, "not a host!", "c.test:8443"}},
			&IdeaTerms{Status: "adopted", AdoptedBy: []string{"b.test", "c.test"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := parseIdeaTerms(tc.raw)
			if (got == nil) != (tc.want == nil) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			if got != nil && (got.Status != tc.want.Status || got.Reason != tc.want.Reason || !slices.Equal(got.AdoptedBy, tc.want.AdoptedBy)) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
	many := make([]any, 1000)
	for i := range many {
		many[i] = "x.test"
	}
	got := parseIdeaTerms(map[string]any{TermIdeaStatus: "proposed", TermIdeaStatusReason: strings.Repeat("é", 5000), TermIdeaAdoptedBy: many})
	if len(got.AdoptedBy) != maxIdeaAdoptedBy || len(got.Reason) > maxIdeaReasonBytes || !strings.HasSuffix(got.Reason, "é") {
		t.Fatalf("bounds: %d domains, %d reason bytes", len(got.AdoptedBy), len(got.Reason))
	}
}

func TestIdeaTermsRender(t *testing.T) {
	note := map[string]any{"@context": Context(), "name": `Grit & "salt"`, "content": "<p>Body</p>",
		"contentMap": map[string]any{"en": "<p>Body</p>"}}
	SetIdeaTerms(note, "https://a.test", IdeaTerms{Status: "planned", AdoptedBy: []string{"b.test"}})
	SetIdeaTerms(note, "https://a.test", IdeaTerms{Status: "planned", AdoptedBy: []string{"b.test"}})
	ctx := note["@context"].([]any)
	if ctx[len(ctx)-1] != "https://a.test/ns/ideas" || len(ctx) != len(Context())+1 {
		t.Fatalf("@context = %v", ctx)
	}
	const want = "<p><strong>Grit &amp; &#34;salt&#34;</strong></p><p>Body</p>"
	if note["content"] != want || note["contentMap"].(map[string]any)["en"] != want {
		t.Fatalf("content %q, contentMap %v: want the title once, escaped", note["content"], note["contentMap"])
	}
	if note[TermIdeaStatus] != "planned" || len(note[TermIdeaAdoptedBy].([]any)) != 1 {
		t.Fatalf("terms %v", note)
	}
	back := parseIdeaTerms(note)
	if back == nil || back.Status != "planned" || !slices.Equal(back.AdoptedBy, []string{"b.test"}) {
		t.Fatalf("round trip %+v", back)
	}
}
