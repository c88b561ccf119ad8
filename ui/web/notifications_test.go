package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/guildhall/guildhall/activitypub"
)

// TestNotifications: the navigation counts what is unread; the page lists mentions, likes, boosts
// and follow requests, which can be accepted there; reading the page clears the count.
func TestNotifications(t *testing.T) {
	e := newEnv(t, envOptions{})
	c, amira := e.user("amira")
	_, ben := e.user("ben")
	_, cleo := e.user("cleo")
	locked := true
	if _, err := e.svc.UpdateProfile(t.Context(), amira, activitypub.ProfileInput{Locked: &locked}); err != nil {
		t.Fatal(err)
	}
	mine := e.postAs(amira, "Recycling figures are out", activitypub.Public, "")
	ctx := t.Context()
	if _, err := e.svc.Favourite(ctx, ben, mine.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Reblog(ctx, cleo, mine.ID); err != nil {
		t.Fatal(err)
	}
	e.postAs(ben, "@amira can you share the spreadsheet?", activitypub.Public, mine.ID)
	if _, err := e.svc.Follow(ctx, cleo, amira.Actor.ID, true, false); err != nil {
		t.Fatal(err)
	}

	home := e.get(c, "/")
	home.wantBody(t, `<span class="count" id="unread-count">4<span class="visually-hidden"> unread</span></span>`)

	p := e.get(c, "/notifications")
	p.wantStatus(t, http.StatusOK)
	for _, want := range []string{"Ben Smith</strong></a> <span class=\"handle\">@ben@" + e.svc.Domain() + "</span> liked your post",
		"boosted your post", "mentioned you", "asked to follow you", "can you share the spreadsheet?", ">Accept<"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("notifications page lacks %q", want)
		}
	}
	if strings.Contains(e.get(c, "/").body, `id="unread-count"`) {
		t.Error("the unread count stays after reading the notifications")
	}

	e.post(c, "/notifications/requests/"+cleo.Actor.ID+"/accept", url.Values{"csrf_token": {p.csrf(t)}}).
		wantRedirect(t, "/notifications")
	rel, err := e.svc.Relationship(ctx, cleo.Actor.ID, amira.Actor.ID)
	if err != nil || !rel.Following {
		t.Fatalf("after accepting, cleo follows amira = %v (%v)", rel.Following, err)
	}
	if strings.Contains(e.get(c, "/notifications").body, ">Accept<") {
		t.Error("an answered request still offers Accept")
	}
}
