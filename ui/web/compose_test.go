package web_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/guildhall/guildhall/activitypub"
)

// TestComposeRefusesBadInput: each mistake is a 422 with the message on its field, everything
// typed is still in the form, and nothing is posted or uploaded.
func TestComposeRefusesBadInput(t *testing.T) {
	e := newEnv(t, envOptions{})
	c, acct := e.user("amira")
	token := e.csrfOf(c)
	img := pngImage(t)
	long := strings.Repeat("a", activitypub.MaxStatusChars+1)
	tests := []struct {
		name      string
		form      url.Values
		files     []upload
		field     string
		message   string
		keptValue string
	}{
		{"empty post", url.Values{"text": {"   "}}, nil,
			"compose-text", "Enter what you want to say", ""},
		{"too long", url.Values{"text": {long}}, nil,
			"compose-text", "Your post must be 5000 characters or fewer; it has 5001", long},
		{"image without alt text", url.Values{"text": {"Our new office"}, "spoiler_text": {"building work"}},
			[]upload{{"image_1", "office.png", "image/png", img}},
			"image_1_alt", "Describe image 1 for people who cannot see it", "building work"},
		{"description without an image", url.Values{"text": {"Look"}, "image_2_alt": {"A map of the ward"}}, nil,
			"image_2", "Choose image 2 again, or clear its description", "A map of the ward"},
		{"content warning too long", url.Values{"text": {"Hello"}, "spoiler_text": {strings.Repeat("w", 501)}}, nil,
			"spoiler_text", "The content warning must be 500 characters or fewer", "Hello"},
		{"unknown visibility", url.Values{"text": {"Hello there"}, "visibility": {"everyone"}}, nil,
			"compose-visibility-public", "Choose who can see this post", "Hello there"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.form.Set("csrf_token", token)
			tt.form.Set("action", "post")
			p := e.postMultipart(c, "/compose", tt.form, tt.files...)
			p.wantStatus(t, http.StatusUnprocessableEntity)
			if got := p.fieldErrors()[tt.field]; got != tt.message {
				t.Errorf("error on %s = %q, want %q (all: %v)", tt.field, got, tt.message, p.fieldErrors())
			}
			p.wantBody(t, `<a href="#`+tt.field+`">`+tt.message, "<title>Error: ")
			if tt.keptValue != "" && !strings.Contains(p.body, html.EscapeString(tt.keptValue)) {
				t.Errorf("the draft %.40q was not kept in the form", tt.keptValue)
			}
			if sts := e.statusesBy(acct); len(sts) != 0 {
				t.Errorf("%d statuses were stored", len(sts))
			}
		})
	}
}

// TestComposePreviewThenPost: Preview renders the Markdown and keeps the draft without posting;
// Post then publishes it with the chosen visibility, content warning and described image.
func TestComposePreviewThenPost(t *testing.T) {
	e := newEnv(t, envOptions{})
	c, acct := e.user("amira")
	form := url.Values{
		"csrf_token": {e.csrfOf(c)}, "text": {"Bins go out on **Tuesday** this week"},
		"markdown": {"1"}, "visibility": {"local"}, "spoiler_text": {"bin day"},
		"image_1_alt": {"A green wheelie bin at the kerb"}, "action": {"preview"},
	}
	p := e.postMultipart(c, "/compose", form, upload{"image_1", "bin.png", "image/png", pngImage(t)})
	p.wantStatus(t, http.StatusOK)
	p.wantBody(t, `<h3 id="preview-heading">Preview</h3>`, "<strong>Tuesday</strong>",
		`value="local" checked`, `value="bin day"`, `name="markdown" value="1" checked`)
	if sts := e.statusesBy(acct); len(sts) != 0 {
		t.Fatalf("preview stored %d statuses", len(sts))
	}

	form.Set("action", "post")
	form.Set("return", "/")
	p = e.postMultipart(c, "/compose", form, upload{"image_1", "bin.png", "image/png", pngImage(t)})
	p.wantStatus(t, http.StatusSeeOther)
	sts := e.statusesBy(acct)
	if len(sts) != 1 {
		t.Fatalf("%d statuses stored, want 1", len(sts))
	}
	st := sts[0]
	if loc := p.Header.Get("Location"); loc != "/#post-"+st.ID {
		t.Errorf("Location = %q, want back to the timeline at the post", loc)
	}
	if st.Visibility != activitypub.LocalOnly || st.SpoilerText != "bin day" || !strings.Contains(st.Content, "<strong>Tuesday</strong>") {
		t.Errorf("stored %q %q %q", st.Visibility, st.SpoilerText, st.Content)
	}
	if len(st.Attachments) != 1 || st.Attachments[0].Description != "A green wheelie bin at the kerb" {
		t.Fatalf("attachments = %+v", st.Attachments)
	}

	home := e.get(c, "/")
	home.wantStatus(t, http.StatusOK)
	home.wantBody(t, `id="post-`+st.ID+`"`, "Internal: this council only", "Content warning:</span> bin day",
		`alt="A green wheelie bin at the kerb"`)
}

// TestComposeWithoutSessionIsRefused: the form needs the session's token.
func TestComposeWithoutSessionIsRefused(t *testing.T) {
	e := newEnv(t, envOptions{})
	c, acct := e.user("amira")
	e.postMultipart(c, "/compose", url.Values{"text": {"forged"}, "csrf_token": {"nope"}}).wantStatus(t, http.StatusForbidden)
	if sts := e.statusesBy(acct); len(sts) != 0 {
		t.Fatalf("a forged form posted %d statuses", len(sts))
	}
	anon := newClient(t, e.srv)
	e.get(anon, "/compose").wantRedirect(t, "/login?next=%2Fcompose")
	e.get(anon, "/").wantRedirect(t, "/login?next=%2F")
}
