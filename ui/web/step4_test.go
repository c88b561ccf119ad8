package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/guildhall/guildhall/activitypub"
)

// TestQuotePost: Quote opens the compose page with the quoted post shown above the form; the
// posted quote carries a link to it; an internal post's quote starts internal; followers-only
// posts cannot be quoted; and an empty quote is refused with the context still on screen.
func TestQuotePost(t *testing.T) {
	e := newEnv(t, envOptions{})
	c, amira := e.user("amira")
	_, ben := e.user("ben")
	public := e.postAs(ben, "Bin collections move to Tuesdays", activitypub.Public, "")
	internal := e.postAs(ben, "Depot closed for stocktake", activitypub.LocalOnly, "")
	private := e.postAs(ben, "For my followers only", activitypub.Private, "")
	if _, err := e.svc.Follow(t.Context(), amira, ben.Actor.ID, true, false); err != nil {
		t.Fatal(err)
	}
	e.get(c, postHref(ben, public)).wantBody(t, `href="/compose?quote=`+public.ID+`"`)
	if strings.Contains(e.get(c, postHref(ben, private)).body, "/compose?quote=") {
		t.Error("a followers-only post offers Quote")
	}
	form := e.get(c, "/compose?quote="+public.ID)
	form.wantStatus(t, http.StatusOK)
	form.wantBody(t, `<h2 id="quote-context-heading">Quoting</h2>`, "Bin collections move to Tuesdays",
		`name="quote" value="`+public.ID+`"`)
	e.get(c, "/compose?quote="+internal.ID).wantBody(t, `id="compose-visibility-local" name="visibility" value="local" checked`)
	e.get(c, "/compose?quote="+private.ID).wantStatus(t, http.StatusForbidden)

	token := form.csrf(t)
	empty := e.post(c, "/compose", url.Values{"csrf_token": {token}, "quote": {public.ID}, "text": {""}, "visibility": {"public"}, "action": {"post"}})
	empty.wantStatus(t, http.StatusUnprocessableEntity)
	empty.wantBody(t, "Bin collections move to Tuesdays", `name="quote" value="`+public.ID+`"`)

	e.post(c, "/compose", url.Values{"csrf_token": {token}, "quote": {public.ID}, "text": {"Worth knowing"},
		"visibility": {"public"}, "action": {"post"}}).wantStatus(t, http.StatusSeeOther)
	sts := e.statusesBy(amira)
	if len(sts) != 1 || !strings.Contains(sts[0].Source, "Worth knowing\n\nRE: "+public.URL) || public.URL == "" {
		t.Fatalf("quote post = %d posts, source %q (quoted URL %q)", len(sts), sts[0].Source, public.URL)
	}
	if e.post(c, "/compose", url.Values{"csrf_token": {token}, "quote": {private.ID}, "text": {"Leak"}, "action": {"post"}}).StatusCode != http.StatusForbidden {
		t.Error("quoting a followers-only post was not refused")
	}
}

// TestRejectFollowRequest: the Reject button on a follow request refuses it: no follow, no
// request left, and the buttons are gone.
func TestRejectFollowRequest(t *testing.T) {
	e := newEnv(t, envOptions{})
	c, amira := e.user("amira")
	_, cleo := e.user("cleo")
	locked := true
	if _, err := e.svc.UpdateProfile(t.Context(), amira, activitypub.ProfileInput{Locked: &locked}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Follow(t.Context(), cleo, amira.Actor.ID, true, false); err != nil {
		t.Fatal(err)
	}
	p := e.get(c, "/notifications")
	p.wantBody(t, `action="/notifications/requests/`+cleo.Actor.ID+`/reject"`, ">Reject<")
	e.post(c, "/notifications/requests/"+cleo.Actor.ID+"/reject", url.Values{"csrf_token": {p.csrf(t)}}).
		wantRedirect(t, "/notifications")
	rel, err := e.svc.Relationship(t.Context(), cleo.Actor.ID, amira.Actor.ID)
	if err != nil || rel.Following || rel.Requested {
		t.Fatalf("after rejecting: following %v, requested %v (%v)", rel.Following, rel.Requested, err)
	}
	if n, err := e.svc.CountFollowRequests(t.Context(), amira); err != nil || n != 0 {
		t.Errorf("follow requests after rejecting = %d, %v", n, err)
	}
	if strings.Contains(e.get(c, "/notifications").body, ">Reject<") {
		t.Error("an answered request still offers Reject")
	}
}

// TestServerErrorPage: when the database fails, pages answer 500 with the apology and the
// reference to quote, and nothing of the error itself (no SQL, no Go error text, no stack).
func TestServerErrorPage(t *testing.T) {
	e := newEnv(t, envOptions{})
	c, _ := e.user("amira")
	if err := e.store.Close(); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/notifications", "/@amira"} {
		p := e.get(c, path)
		p.wantStatus(t, http.StatusInternalServerError)
		p.wantBody(t, "Sorry, there is a problem with the service", "quote the reference below", testRequestID)
		for _, leak := range []string{"sql", "database", "storage.", "activitypub.", "goroutine", ".go:", "closed"} {
			if strings.Contains(strings.ToLower(p.body), leak) {
				t.Errorf("%s: the 500 page shows %q", path, leak)
			}
		}
		if ct := p.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("%s: Content-Type = %q", path, ct)
		}
	}
}
