package activitypub

import "testing"

func TestKeywordMatches(t *testing.T) {
	cases := []struct {
		text, keyword string
		wholeWord     bool
		want          bool
	}{
		{"Big SPOILER ahead", "spoiler", true, true},
		{"spoilers are fine", "spoiler", true, false},
		{"spoilers are fine", "spoiler", false, true},
		{"the semifinales", "finale", false, true},
		{"the semifinales", "finale", true, false},
		{"#finale tonight", "#finale", true, true},
		{"x#finale tonight", "#finale", true, true}, // the keyword starts with no word character
		{"I write c++ daily", "c++", true, true},
		{"end of the finale.", "finale", true, true},
		{"Ça débute", "ça", true, true},
		{"déçà", "çà", true, false},
		{"snake_case_word", "case", true, false},
		{"", "x", false, false},
		{"abc", "", false, false},
	}
	for _, c := range cases {
		t.Run(c.text+"/"+c.keyword, func(t *testing.T) {
			if got := keywordMatches(c.text, c.keyword, c.wholeWord); got != c.want {
				t.Fatalf("keywordMatches(%q, %q, %v) = %v, want %v", c.text, c.keyword, c.wholeWord, got, c.want)
			}
		})
	}
}

func TestFilterMatchText(t *testing.T) {
	f := &Filters{svc: &Service{}}
	active := []*Filter{{ID: "1", Action: FilterWarn, Keywords: []FilterKeyword{{Keyword: "secret", WholeWord: true}, {Keyword: "plan", WholeWord: true}}}}
	cases := []struct {
		name string
		st   *Status
		want []string
	}{
		{"content html", &Status{Content: "<p>the <b>secret</b> is out</p>"}, []string{"secret"}},
		{"content warning", &Status{SpoilerText: "plan", Content: "<p>hello</p>"}, []string{"plan"}},
		{"media description", &Status{Content: "<p>look</p>", Attachments: []Attachment{{Description: "site plan"}}}, []string{"plan"}},
		{"tag names are not text", &Status{Content: `<p><a href="/tags/x" class="secret">x</a></p>`}, nil},
		{"none", &Status{Content: "<p>nothing</p>"}, nil},
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
