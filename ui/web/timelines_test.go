package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/guildhall/guildhall/activitypub"
)

// TestCouncilTimelineShowsInternalPosts: "This council" is where staff read each other's
// internal posts, so it shows them next to public ones; the federated timeline does not.
func TestCouncilTimelineShowsInternalPosts(t *testing.T) {
	e := newEnv(t, envOptions{})
	_, author := e.user("author")
	reader, _ := e.user("reader")
	e.postAs(author, "Budget open to everyone", activitypub.Public, "")
	e.postAs(author, "Budget draft for staff only", activitypub.LocalOnly, "")
	cases := []struct {
		path         string
		wantInternal bool
	}{
		{"/local", true},
		{"/federated", false},
	}
	for _, c := range cases {
		p := e.get(reader, c.path)
		p.wantStatus(t, http.StatusOK)
		p.wantBody(t, "Budget open to everyone")
		if got := strings.Contains(p.body, "Budget draft for staff only"); got != c.wantInternal {
			t.Errorf("%s shows the internal post: %v, want %v", c.path, got, c.wantInternal)
		}
	}
}
