package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/guildhall/guildhall/activitypub"
)

// TestFollowByHandle: the find-people form follows a local person by address, and refuses a
// malformed or unknown address on the field without following anyone.
func TestFollowByHandle(t *testing.T) {
	e := newEnv(t, envOptions{})
	c, amira := e.user("amira")
	_, ben := e.user("ben")
	token := e.csrfOf(c)
	tests := []struct {
		name, handle, message string
	}{
		{"empty", "  ", "Enter the address of the person you want to follow"},
		{"not an address", "ben", "Enter an address like @name@council.example"},
		{"spaces inside", "@ben smith@" + e.svc.Domain(), "Enter an address like @name@council.example"},
		{"unknown person", "@nobody@" + e.svc.Domain(), "Nobody with the address @nobody@" + e.svc.Domain() + " was found. Check the spelling and the server name"},
		{"own address", "@amira@" + e.svc.Domain(), "That is your own address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := e.post(c, "/follow", url.Values{"csrf_token": {token}, "handle": {tt.handle}})
			p.wantStatus(t, http.StatusUnprocessableEntity)
			if got := p.fieldErrors()["handle"]; got != tt.message {
				t.Errorf("error = %q, want %q", got, tt.message)
			}
			if strings.TrimSpace(tt.handle) != "" {
				p.wantBody(t, `value="`+strings.TrimSpace(tt.handle)+`"`)
			}
		})
	}
	rel, err := e.svc.Relationship(t.Context(), amira.Actor.ID, ben.Actor.ID)
	if err != nil || rel.Following {
		t.Fatalf("after refused forms: following=%v err=%v", rel.Following, err)
	}

	e.post(c, "/follow", url.Values{"csrf_token": {token}, "handle": {"@ben@" + e.svc.Domain()}}).wantRedirect(t, "/@ben")
	if rel, _ = e.svc.Relationship(t.Context(), amira.Actor.ID, ben.Actor.ID); !rel.Following {
		t.Fatal("following by handle did not follow")
	}
	p := e.get(c, "/@ben")
	p.wantBody(t, ">Unfollow<", "<strong>1</strong> followers")
	e.get(c, "/@ben/followers").wantBody(t, "People who follow Ben Smith", `href="/@amira"`)
	e.get(c, "/@amira/following").wantBody(t, `href="/@ben"`)

	e.post(c, "/@ben/unfollow", url.Values{"csrf_token": {token}}).wantRedirect(t, "/@ben")
	if rel, _ = e.svc.Relationship(t.Context(), amira.Actor.ID, ben.Actor.ID); rel.Following {
		t.Fatal("unfollow left the follow")
	}
	e.post(c, "/@ben/follow", url.Values{"csrf_token": {token}}).wantRedirect(t, "/@ben")
	if rel, _ = e.svc.Relationship(t.Context(), amira.Actor.ID, ben.Actor.ID); !rel.Following {
		t.Fatal("the profile's Follow button did not follow")
	}
}

// TestProfileShowsFieldsAndPosts: fields are a definition list; internal posts are hidden from
// people who are not signed in.
func TestProfileShowsFieldsAndPosts(t *testing.T) {
	e := newEnv(t, envOptions{})
	c, amira := e.user("amira")
	if _, err := e.svc.UpdateProfile(t.Context(), amira, activitypub.ProfileInput{
		Fields: &[]activitypub.Field{{Name: "Team", Value: "Waste services"}, {Name: "Job title", Value: "Officer"}},
	}); err != nil {
		t.Fatal(err)
	}
	e.postAs(amira, "Public update", activitypub.Public, "")
	e.postAs(amira, "Internal note", activitypub.LocalOnly, "")

	p := e.get(c, "/@amira")
	p.wantStatus(t, http.StatusOK)
	p.wantBody(t, "<h1>Amira Smith</h1>", "@amira@"+e.svc.Domain(), "<dt>Team</dt><dd>Waste services</dd>",
		"Public update", "Internal note")
	anon := e.get(newClient(t, e.srv), "/@amira")
	anon.wantBody(t, "Public update")
	if strings.Contains(anon.body, "Internal note") {
		t.Error("an internal post is shown to someone not signed in")
	}
	e.get(c, "/@amira@"+e.svc.Domain()).wantRedirect(t, "/@amira")
	e.get(c, "/@nobody").wantStatus(t, http.StatusNotFound)
	e.get(c, "/@nobody@elsewhere.example").wantStatus(t, http.StatusNotFound)
}
