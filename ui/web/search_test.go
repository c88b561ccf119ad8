package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/guildhall/guildhall/activitypub"
)

func TestSearch(t *testing.T) {
	e := newEnv(t, envOptions{})
	c, _ := e.user("amira")
	_, ben := e.user("ben")
	st := e.postAs(ben, "Potholes on #HighStreet reported today", activitypub.Public, "")

	empty := e.get(c, "/search?q=+")
	empty.wantStatus(t, http.StatusBadRequest)
	if got := empty.fieldErrors()["q"]; got != "Enter a name, an address, a word or a #hashtag" {
		t.Errorf("empty search error = %q", got)
	}
	people := e.get(c, "/search?q="+url.QueryEscape("@ben@"+e.svc.Domain()))
	people.wantStatus(t, http.StatusOK)
	people.wantBody(t, `href="/@ben"`, "Ben Smith")

	tags := e.get(c, "/search?q="+url.QueryEscape("#highstreet"))
	tags.wantBody(t, `href="/tags/highstreet"`)
	tl := e.get(c, "/tags/highstreet")
	tl.wantStatus(t, http.StatusOK)
	tl.wantBody(t, "<h1>#highstreet</h1>", `id="post-`+st.ID+`"`)
	if strings.Contains(tl.body, "data-stream=") {
		t.Error("a hashtag page subscribes to a live stream it has none of")
	}
	none := e.get(c, "/search?q=zzzz")
	none.wantBody(t, "Nobody found.", "No posts found.")
}
