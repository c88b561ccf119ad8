package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/guildhall/guildhall/activitypub"
)

// TestDefaultVisibilityAndProfileImages: the default visibility chosen in settings is what the
// compose form starts on (on its page and on the timelines) and what a post made without a
// choice gets; a header image with its description shows on the profile; a new picture without
// a description is refused on the description field with nothing saved.
func TestDefaultVisibilityAndProfileImages(t *testing.T) {
	e := newEnv(t, envOptions{})
	c, amira := e.user("amira")
	token := e.csrfOf(c)
	form := func(change func(url.Values)) url.Values {
		f := url.Values{"csrf_token": {token}, "display_name": {"Amira K"}, "default_visibility": {"local"}}
		change(f)
		return f
	}
	tests := []struct {
		name, field, message string
		change               func(url.Values)
		files                []upload
	}{
		{"header without a description", "header_description", "Describe your header image for people who cannot see it",
			func(url.Values) {}, []upload{{"header", "h.png", "image/png", pngImage(t)}}},
		{"avatar without a description", "avatar_description", "Describe your profile picture for people who cannot see it",
			func(url.Values) {}, []upload{{"avatar", "a.png", "image/png", pngImage(t)}}},
		{"description too long", "header_description", "The description of your header image must be 1500 characters or fewer",
			func(f url.Values) { f.Set("header_description", strings.Repeat("d", 1501)) }, nil},
		{"unknown visibility", "default_visibility-public", "Choose who sees your posts by default",
			func(f url.Values) { f.Set("default_visibility", "everyone") }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := e.postMultipart(c, "/settings", form(tt.change), tt.files...)
			p.wantStatus(t, http.StatusUnprocessableEntity)
			if got := p.fieldErrors()[tt.field]; got != tt.message {
				t.Errorf("error on %s = %q, want %q (all: %v)", tt.field, got, tt.message, p.fieldErrors())
			}
			if a, _ := e.svc.AccountByUsername(t.Context(), "amira"); a.Actor.HeaderURL != "" || a.Actor.DisplayName == "Amira K" {
				t.Errorf("a refused form changed the profile: header %q, name %q", a.Actor.HeaderURL, a.Actor.DisplayName)
			}
			e.get(c, "/compose").wantBody(t, `id="compose-visibility-public" name="visibility" value="public" checked`)
		})
	}

	e.postMultipart(c, "/settings", form(func(f url.Values) { f.Set("header_description", "The town hall at dusk") }),
		upload{"header", "h.png", "image/png", pngImage(t)}).wantRedirect(t, "/settings?saved=1")
	e.get(c, "/settings").wantBody(t, `id="default_visibility-local" name="default_visibility" value="local" checked`,
		`value="The town hall at dusk"`)
	for _, path := range []string{"/compose", "/"} {
		e.get(c, path).wantBody(t, `id="compose-visibility-local" name="visibility" value="local" checked`)
	}
	profile := e.get(newClient(t, e.srv), "/@amira")
	profile.wantBody(t, `class="profile-banner" src="`+e.svc.BaseURL(), `alt="The town hall at dusk"`)

	// A post sent without a visibility (an old form, a script) gets the default too.
	e.post(c, "/compose", url.Values{"csrf_token": {token}, "text": {"Staff briefing at noon"}, "action": {"post"}}).wantStatus(t, http.StatusSeeOther)
	sts := e.statusesBy(amira)
	if len(sts) != 1 || sts[0].Visibility != activitypub.LocalOnly {
		t.Fatalf("posted without a visibility: %d posts, visibility %q", len(sts), sts[0].Visibility)
	}
}
