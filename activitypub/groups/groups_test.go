package groups

import (
	"strings"
	"testing"

	ap "github.com/guildhall/guildhall/activitypub"
)

func TestInputValidation(t *testing.T) {
	for _, tc := range []struct {
		name     string
		in       Input
		creating bool
		want     string // "" for valid
	}{
		{"defaults", Input{Handle: "web_managers"}, true, ""},
		{"bad handle", Input{Handle: "web-managers"}, true, "handle"},
		{"reserved handle", Input{Handle: "inbox"}, true, "handle"},
		{"membership", Input{Handle: "g", Membership: "closed"}, true, "membership"},
		{"reach", Input{Handle: "g", Reach: "world"}, true, "reach"},
		{"long description", Input{Handle: "g", Description: strings.Repeat("é", MaxDescriptionChars+1)}, true, "description"},
		{"long rules", Input{Rules: strings.Repeat("r", MaxRulesChars+1)}, false, "rules"},
		{"avatar scheme", Input{AvatarURL: "javascript:alert(1)"}, false, "avatar"},
		{"update keeps blanks", Input{}, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			err := in.validate("test", tc.creating)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected error %v", err)
			case tc.want != "" && (ap.KindOf(err) != ap.Invalid || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want Invalid mentioning %q", err, tc.want)
			}
			if tc.creating && err == nil && (in.Membership != Open || in.Reach != Federated || in.DisplayName == "") {
				t.Fatalf("defaults not applied: %+v", in)
			}
		})
	}
}

func TestParagraphsEscapes(t *testing.T) {
	got := paragraphs("Roads & drains\n<script>x</script>\n\nSecond")
	want := "<p>Roads &amp; drains<br>&lt;script&gt;x&lt;/script&gt;</p><p>Second</p>"
	if got != want {
		t.Fatalf("paragraphs = %q, want %q", got, want)
	}
}
