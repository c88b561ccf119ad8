package ideas

import (
	"slices"
	"testing"
)

func TestStates(t *testing.T) {
	for _, tc := range []struct {
		s      State
		valid  bool
		label  string
		reason string
		line   string
	}{
		{Proposed, true, "Proposed", "", "Status: Proposed"},
		{UnderReview, true, "Under review", "", "Status: Under review"},
		{Planned, true, "Planned", " ", "Status: Planned"},
		{Adopted, true, "Adopted", "", "Status: Adopted"},
		{Declined, true, "Declined", "No budget", "Status: Declined — No budget"},
		{"shelved", false, "shelved", "", "Status: shelved"},
		{"", false, "", "", "Status: "},
	} {
		if tc.s.Valid() != tc.valid || tc.s.Label() != tc.label {
			t.Errorf("%q: valid %v label %q", tc.s, tc.s.Valid(), tc.s.Label())
		}
		if got := StatusLine(tc.s, tc.reason); got != tc.line {
			t.Errorf("StatusLine(%q, %q) = %q, want %q", tc.s, tc.reason, got, tc.line)
		}
	}
	if got := statusLineHTML(Declined, `<script>x</script> & "y"`); got != `<p><strong>Status: Declined — &lt;script&gt;x&lt;/script&gt; &amp; &#34;y&#34;</strong></p>` {
		t.Errorf("the reason is not escaped in the content: %s", got)
	}
}

func TestAdoptedByMerges(t *testing.T) {
	for _, tc := range []struct {
		name     string
		declared []string
		local    []string
		want     []string
	}{
		{"none", nil, nil, []string{}},
		{"local idea", nil, []string{"b.test", "c.test"}, []string{"b.test", "c.test"}},
		{"remote idea adopted here too", []string{"b.test"}, []string{"here.test"}, []string{"b.test", "here.test"}},
		{"each domain once", []string{"b.test", "here.test"}, []string{"here.test"}, []string{"b.test", "here.test"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ads []*Adoption
			for _, d := range tc.local {
				ads = append(ads, &Adoption{Domain: d})
			}
			if got := adoptedBy(&Idea{DeclaredAdoptedBy: tc.declared}, ads); !slices.Equal(got, tc.want) {
				t.Fatalf("adoptedBy = %v, want %v", got, tc.want)
			}
		})
	}
}
