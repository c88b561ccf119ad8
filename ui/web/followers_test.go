package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestRemoveFollower: "Remove from followers" works from one's own followers list and from the
// follower's profile, ends the follow without a block, and is offered to nobody else.
func TestRemoveFollower(t *testing.T) {
	e := newEnv(t, envOptions{})
	amiraC, amira := e.user("amira")
	benC, ben := e.user("ben")
	_, cara := e.user("cara")
	e.post(benC, "/@amira/follow", url.Values{"csrf_token": {e.csrfOf(benC)}}).wantRedirect(t, "/@amira")
	if _, err := e.svc.Follow(t.Context(), cara, amira.Actor.ID, true, false); err != nil {
		t.Fatal(err)
	}
	token := e.csrfOf(amiraC)

	list := e.get(amiraC, "/@amira/followers")
	list.wantBody(t, `action="/@ben/remove-follower"`, `action="/@cara/remove-follower"`)
	if others := e.get(benC, "/@amira/followers"); strings.Contains(others.body, "remove-follower") {
		t.Error("someone else's followers list offers to remove followers")
	}
	e.post(amiraC, "/@ben/remove-follower", url.Values{"csrf_token": {token}, "return": {"/@amira/followers"}}).
		wantRedirect(t, "/@amira/followers")
	e.get(amiraC, "/@cara").wantBody(t, "Remove from followers")
	e.post(amiraC, "/@cara/remove-follower", url.Values{"csrf_token": {token}}).wantRedirect(t, "/@cara")

	for _, who := range []string{ben.Actor.ID, cara.Actor.ID} {
		rel, err := e.svc.Relationship(t.Context(), amira.Actor.ID, who)
		if err != nil || rel.FollowedBy || rel.Blocking {
			t.Errorf("after removal: followed by %v, blocking %v, err %v", rel.FollowedBy, rel.Blocking, err)
		}
	}
	e.get(amiraC, "/@amira").wantBody(t, "<strong>0</strong> followers")
	// Without the session's token nothing changes.
	e.post(benC, "/@amira/follow", url.Values{"csrf_token": {e.csrfOf(benC)}}).wantRedirect(t, "/@amira")
	e.post(amiraC, "/@ben/remove-follower", url.Values{"csrf_token": {"forged"}}).wantStatus(t, http.StatusForbidden)
	if rel, _ := e.svc.Relationship(t.Context(), amira.Actor.ID, ben.Actor.ID); !rel.FollowedBy {
		t.Error("a forged form removed a follower")
	}
}
