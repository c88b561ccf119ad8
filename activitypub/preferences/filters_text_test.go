package preferences_test

import (
	"testing"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/preferences"
)

// TestFilterMatchText: filters match what a reader sees, as the real renderer turns it to text.
func TestFilterMatchText(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *world) {
		f, err := preferences.NewFilters(w.svc, w.store)
		if err != nil {
			t.Fatal(err)
		}
		filterMatchText(t, f)
	})
}

func filterMatchText(t *testing.T, f *preferences.Filters) {
	active := []*ap.Filter{{ID: "1", Action: ap.FilterWarn, Keywords: []ap.FilterKeyword{{Keyword: "secret", WholeWord: true}, {Keyword: "plan", WholeWord: true}}}}
	cases := []struct {
		name string
		st   *ap.Status
		want []string
	}{
		{"content html", &ap.Status{Content: "<p>the <b>secret</b> is out</p>"}, []string{"secret"}},
		{"content warning", &ap.Status{SpoilerText: "plan", Content: "<p>hello</p>"}, []string{"plan"}},
		{"media description", &ap.Status{Content: "<p>look</p>", Attachments: []ap.Attachment{{Description: "site plan"}}}, []string{"plan"}},
		{"tag names are not text", &ap.Status{Content: `<p><a href="/tags/x" class="secret">x</a></p>`}, nil},
		{"none", &ap.Status{Content: "<p>nothing</p>"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := f.Match(active, c.st)
			var got []string
			for _, r := range res {
				got = append(got, r.KeywordMatches...)
			}
			if len(got) != len(c.want) || (len(got) > 0 && got[0] != c.want[0]) {
				t.Fatalf("matches = %v, want %v", got, c.want)
			}
		})
	}
}
