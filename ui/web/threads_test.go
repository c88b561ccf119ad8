package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/guildhall/guildhall/activitypub"
)

// TestThreadShowsAncestorsAndRepliesInOrder: the page of a reply shows the post it answers above
// and its own replies below, oldest first.
func TestThreadShowsAncestorsAndRepliesInOrder(t *testing.T) {
	e := newEnv(t, envOptions{})
	c, amira := e.user("amira")
	_, ben := e.user("ben")
	root := e.postAs(amira, "Who has the key to room 4?", activitypub.Public, "")
	mid := e.postAs(ben, "I think facilities do", activitypub.Public, root.ID)
	r1 := e.postAs(amira, "Thanks, asking them", activitypub.Public, mid.ID)
	r2 := e.postAs(ben, "Ask for Sam", activitypub.Public, mid.ID)

	p := e.get(c, postHref(ben, mid))
	p.wantStatus(t, http.StatusOK)
	order := []string{root.ID, mid.ID, r1.ID, r2.ID}
	last := -1
	for _, id := range order {
		i := strings.Index(p.body, `id="post-`+id+`"`)
		if i < 0 || i < last {
			t.Fatalf("post %s missing or out of order in the thread page", id)
		}
		last = i
	}
	p.wantBody(t, "<h1>Post by Ben Smith</h1>", "2 replies", `class="post post-focus" id="post-`+mid.ID+`"`,
		`name="in_reply_to" value="`+mid.ID+`"`)

	// A wrong author in the address goes to the right one; a made-up id is a 404 page.
	e.get(c, "/@amira/"+mid.ID).wantRedirect(t, postHref(ben, mid))
	e.get(c, "/statuses/"+mid.ID).wantRedirect(t, postHref(ben, mid))
	nf := e.get(c, "/@ben/01NOSUCHPOST")
	nf.wantStatus(t, http.StatusNotFound)
	nf.wantBody(t, "Page not found")

	// Signed out, a public thread is readable and offers sign-in instead of buttons.
	anon := e.get(newClient(t, e.srv), postHref(ben, mid))
	anon.wantStatus(t, http.StatusOK)
	anon.wantBody(t, "Sign in to reply")
	if strings.Contains(anon.body, `class="post-actions"`) {
		t.Error("signed-out page shows post buttons")
	}
}

// TestPostButtons: like, boost and bookmark work as plain forms, toggle, and come back to the page.
func TestPostButtons(t *testing.T) {
	e := newEnv(t, envOptions{})
	c, amira := e.user("amira")
	_, ben := e.user("ben")
	st := e.postAs(ben, "Fire drill at 11", activitypub.Public, "")
	token := e.csrfOf(c)
	href := postHref(ben, st)
	for _, verb := range []string{"like", "boost", "bookmark"} {
		e.post(c, href+"/"+verb, url.Values{"csrf_token": {token}, "return": {"/local"}}).
			wantRedirect(t, "/local#post-"+st.ID)
	}
	flags, err := e.store.ViewerState(t.Context(), amira.Actor.ID, []string{st.ID})
	if err != nil {
		t.Fatal(err)
	}
	if f := flags[st.ID]; !f.Favourited || !f.Reblogged || !f.Bookmarked {
		t.Fatalf("after pressing the buttons: %+v", f)
	}
	p := e.get(c, href)
	p.wantBody(t, ">Unlike<", ">Undo boost<", ">Remove bookmark<")
	e.get(c, "/bookmarks").wantBody(t, "<h1>Bookmarks</h1>", `id="post-`+st.ID+`"`)

	e.post(c, href+"/like", url.Values{"csrf_token": {token}, "undo": {"1"}}).wantRedirect(t, href+"#post-"+st.ID)
	flags, _ = e.store.ViewerState(t.Context(), amira.Actor.ID, []string{st.ID})
	if flags[st.ID].Favourited {
		t.Error("Unlike left the like")
	}
	// A forged button press changes nothing.
	e.post(c, href+"/like", url.Values{"csrf_token": {"forged"}}).wantStatus(t, http.StatusForbidden)
	flags, _ = e.store.ViewerState(t.Context(), amira.Actor.ID, []string{st.ID})
	if flags[st.ID].Favourited {
		t.Error("a forged like was stored")
	}
	// A return address on another site is ignored.
	e.post(c, href+"/like", url.Values{"csrf_token": {token}, "return": {"//evil.example/"}}).wantRedirect(t, "/#post-"+st.ID)
}

// TestEditKeepsHistoryAndOnlyTheAuthorMayEdit.
func TestEditKeepsHistoryAndOnlyTheAuthorMayEdit(t *testing.T) {
	e := newEnv(t, envOptions{})
	c, amira := e.user("amira")
	other, _ := e.user("ben")
	st := e.postAs(amira, "Meeting at 3", activitypub.Public, "")
	href := postHref(amira, st)
	token := e.csrfOf(c)

	form := e.get(c, href+"/edit")
	form.wantStatus(t, http.StatusOK)
	form.wantBody(t, ">Meeting at 3</textarea>")

	bad := e.post(c, href+"/edit", url.Values{"csrf_token": {token}, "text": {""}})
	bad.wantStatus(t, http.StatusUnprocessableEntity)
	if got := bad.fieldErrors()["edit-text"]; got != "Enter what you want to say" {
		t.Errorf("empty edit error = %q", got)
	}
	e.post(c, href+"/edit", url.Values{"csrf_token": {token}, "text": {"Meeting at 4, not 3"}}).wantRedirect(t, href)

	p := e.get(c, href)
	p.wantBody(t, "Meeting at 4, not 3", href+"/history")
	h := e.get(c, href+"/history")
	h.wantStatus(t, http.StatusOK)
	h.wantBody(t, "Meeting at 4, not 3", "Meeting at 3", "(current)")
	if strings.Index(h.body, "Meeting at 4, not 3") > strings.Index(h.body, "<p>Meeting at 3</p>") {
		t.Error("history is not newest first")
	}

	e.get(other, href+"/edit").wantStatus(t, http.StatusForbidden)
	e.post(other, href+"/edit", url.Values{"csrf_token": {e.csrfOf(other)}, "text": {"hijacked"}}).wantStatus(t, http.StatusForbidden)
	if got, _ := e.svc.GetStatus(t.Context(), activitypub.Viewer{}, st.ID); !strings.Contains(got.Content, "Meeting at 4") {
		t.Errorf("content after another person's edit = %q", got.Content)
	}
}

func TestDeleteAsksThenDeletes(t *testing.T) {
	e := newEnv(t, envOptions{})
	c, amira := e.user("amira")
	st := e.postAs(amira, "Typo post", activitypub.Public, "")
	href := postHref(amira, st)
	e.get(c, href+"/delete").wantBody(t, "Delete this post?", "Yes, delete it")
	e.post(c, href+"/delete", url.Values{"csrf_token": {e.csrfOf(c)}}).wantRedirect(t, "/@amira")
	e.get(c, href).wantStatus(t, http.StatusNotFound)
}
