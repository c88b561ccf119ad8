package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestProfileSettings: each bad value is refused on its field with nothing saved; a good form
// saves name, bio, fields and the locked switch, and the profile shows them.
func TestProfileSettings(t *testing.T) {
	e := newEnv(t, envOptions{})
	c, amira := e.user("amira")
	token := e.csrfOf(c)
	form := func(change func(url.Values)) url.Values {
		f := url.Values{"csrf_token": {token}, "display_name": {"Amira K"}, "note": {"Waste services lead"},
			"field_1_name": {"Job title"}, "field_1_value": {"Team leader"}}
		change(f)
		return f
	}
	tests := []struct {
		name, field, message string
		change               func(url.Values)
	}{
		{"name too long", "display_name", "Your name must be 100 characters or fewer",
			func(f url.Values) { f.Set("display_name", strings.Repeat("n", 101)) }},
		{"bio too long", "note", "Your bio must be 500 characters or fewer",
			func(f url.Values) { f.Set("note", strings.Repeat("b", 501)) }},
		{"value without a label", "field_2_name", "Give field 2 a label",
			func(f url.Values) { f.Set("field_2_value", "Recycling") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := e.postMultipart(c, "/settings", form(tt.change))
			p.wantStatus(t, http.StatusUnprocessableEntity)
			if got := p.fieldErrors()[tt.field]; got != tt.message {
				t.Errorf("error on %s = %q, want %q", tt.field, got, tt.message)
			}
			a, err := e.svc.AccountByUsername(t.Context(), "amira")
			if err != nil || a.Actor.DisplayName != amira.Actor.DisplayName || len(a.Actor.Fields) != 0 {
				t.Errorf("a refused form changed the profile: %q %v (%v)", a.Actor.DisplayName, a.Actor.Fields, err)
			}
		})
	}
	bad := e.postMultipart(c, "/settings", form(func(f url.Values) { f.Set("avatar_description", "Me") }), upload{"avatar", "me.png", "image/png", []byte("not an image")})
	bad.wantStatus(t, http.StatusUnprocessableEntity)
	if got := bad.fieldErrors()["avatar"]; !strings.HasPrefix(got, "The picture could not be used") {
		t.Errorf("avatar error = %q", got)
	}

	e.postMultipart(c, "/settings", form(func(f url.Values) { f.Set("locked", "1"); f.Set("avatar_description", "Amira at her desk") }),
		upload{"avatar", "me.png", "image/png", pngImage(t)}).wantRedirect(t, "/settings?saved=1")
	e.get(c, "/settings?saved=1").wantBody(t, "Your profile has been saved", `value="Team leader"`, `name="locked" value="1" checked`)
	p := e.get(c, "/@amira")
	p.wantBody(t, "<h1>Amira K</h1>", "Waste services lead", "<dt>Job title</dt><dd>Team leader</dd>", "Approves followers", `<img src="`+e.svc.BaseURL())
}
