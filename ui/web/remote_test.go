package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/guildhall/guildhall/activitypub"
)

// TestRemoteContentLoadsNothingRemote: a post from another server shows its images as links
// (rel nofollow noopener ugc), not as images that would make the browser fetch the remote
// server, and the remote author gets an initial rather than their avatar.
func TestRemoteContentLoadsNothingRemote(t *testing.T) {
	e := newEnv(t, envOptions{})
	c, _ := e.user("amira")
	ctx := t.Context()
	remote, err := e.svc.StoreRemoteActor(ctx, &activitypub.Actor{
		URI: "https://other.example/users/sam", Kind: activitypub.KindPerson, Username: "sam", Domain: "other.example",
		DisplayName: "Sam Remote", Inbox: "https://other.example/users/sam/inbox", URL: "https://other.example/@sam",
		AvatarURL: "https://other.example/avatar.png", PublicKeyID: "https://other.example/users/sam#main-key",
	}, false)
	if err != nil {
		t.Fatal(err)
	}
	st, err := e.svc.StoreFetchedStatus(ctx, remote, &activitypub.Status{
		URI: "https://other.example/users/sam/statuses/1", URL: "https://other.example/@sam/1",
		Visibility: activitypub.Public, Content: "<p>Our new depot</p>", CreatedAt: time.Now().Add(-time.Hour),
		ObjectType: "Note",
		Attachments: []activitypub.Attachment{{Type: "image", ContentType: "image/png",
			URL: "https://other.example/media/depot.png", Description: "The new depot building"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	p := e.get(c, "/@sam@other.example/"+st.ID)
	p.wantStatus(t, http.StatusOK)
	p.wantBody(t, "Our new depot", `<a href="https://other.example/media/depot.png" rel="nofollow noopener ugc" class="remote-image">Image on another server: The new depot building</a>`,
		"@sam@other.example")
	if strings.Contains(p.body, `src="https://other.example`) {
		t.Error("the page loads an image from the remote server")
	}
	prof := e.get(c, "/@sam@other.example")
	prof.wantStatus(t, http.StatusOK)
	prof.wantBody(t, "<h1>Sam Remote</h1>", `<span class="avatar" aria-hidden="true">S</span>`)
	if strings.Contains(prof.body, `src="https://other.example`) {
		t.Error("the profile loads the remote avatar")
	}
}
