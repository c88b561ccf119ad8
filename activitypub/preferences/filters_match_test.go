package preferences

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
