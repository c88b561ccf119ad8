package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/guildhall/guildhall/activitypub"
)

// remoteIdea stores an idea by a person on another server, as federation would.
func (e *env) remoteIdea(title string) *activitypub.Status {
	e.t.Helper()
	now := time.Now().UTC().Truncate(time.Millisecond)
	carol := &activitypub.Actor{ID: "01HREMOTECAROL0000000000000", URI: "https://other.example/users/carol", Kind: activitypub.KindPerson,
		Username: "carol", Domain: "other.example", DisplayName: "Carol", Inbox: "https://other.example/users/carol/inbox",
		FollowersURI: "https://other.example/users/carol/followers", PublicKeyID: "https://other.example/users/carol#main-key",
		PublicKeyPEM: "x", CreatedAt: now, UpdatedAt: now}
	if err := e.store.CreateActor(e.t.Context(), carol); err != nil {
		e.t.Fatal(err)
	}
	st := &activitypub.Status{ID: "01HREMOTEIDEA00000000000000", URI: "https://other.example/users/carol/statuses/1", ActorID: carol.ID,
		ObjectType: "Note", Kind: activitypub.KindIdea, Visibility: activitypub.Public, Title: title,
		Content: "<p>Trial it in one department</p>", CreatedAt: now}
	if err := e.store.CreateStatus(e.t.Context(), st); err != nil {
		e.t.Fatal(err)
	}
	return st
}

// TestIdeaPages: proposing an idea, voting, changing its status (with the refusals) and
// marking a remote idea adopted here, all with plain form posts.
func TestIdeaPages(t *testing.T) {
	e := newEnv(t, envOptions{})
	admin := newClient(t, e.srv)
	e.setupAdmin(admin)
	ann, _ := e.user("ann")
	bob, _ := e.user("bob")
	csrf := e.csrfOf(ann)

	// A new idea: refused without a title, then posted.
	p := e.post(ann, "/ideas", url.Values{"csrf_token": {csrf}, "idea-text": {"One rota"}, "visibility": {"public"}})
	p.wantStatus(t, http.StatusUnprocessableEntity)
	p.wantBody(t, "Enter a title for your idea", `href="#idea-title"`, "One rota")
	p = e.post(ann, "/ideas", url.Values{"csrf_token": {csrf}, "idea-title": {"Shared gritting rota"},
		"idea-text": {"One rota for the county"}, "visibility": {"public"}})
	p.wantStatus(t, http.StatusSeeOther)
	ideaPath := p.Header.Get("Location")
	if !strings.HasPrefix(ideaPath, "/ideas/") {
		t.Fatalf("posting an idea went to %q", ideaPath)
	}
	e.get(ann, ideaPath).wantBody(t, "Shared gritting rota", "Status: Proposed", "Change the status", "0 votes")

	// Bob votes, once, and may not change its status.
	bcsrf := e.csrfOf(bob)
	for range 2 {
		e.post(bob, ideaPath+"/vote", url.Values{"csrf_token": {bcsrf}}).wantStatus(t, http.StatusSeeOther)
	}
	page := e.get(bob, ideaPath)
	page.wantBody(t, "1 vote, including yours", "Remove my vote")
	if strings.Contains(page.body, "Change the status") {
		t.Error("bob, neither author nor moderator, is offered the status form")
	}
	e.post(bob, ideaPath+"/status", url.Values{"csrf_token": {bcsrf}, "status": {"planned"}}).wantStatus(t, http.StatusForbidden)

	// Declining needs a reason; the refusal changes nothing and keeps the form filled.
	p = e.post(ann, ideaPath+"/status", url.Values{"csrf_token": {csrf}, "status": {"declined"}})
	p.wantStatus(t, http.StatusUnprocessableEntity)
	p.wantBody(t, "Declining an idea needs a reason", `href="#reason"`, `id="status-declined" name="status" value="declined" checked`, "Status: Proposed")
	e.post(ann, ideaPath+"/status", url.Values{"csrf_token": {csrf}, "status": {"shelved"}}).wantStatus(t, http.StatusUnprocessableEntity)
	e.post(ann, ideaPath+"/status", url.Values{"csrf_token": {csrf}, "status": {"planned"}}).wantRedirect(t, ideaPath+"#status-heading")
	e.post(admin, ideaPath+"/status", url.Values{"csrf_token": {e.csrfOf(admin)}, "status": {"declined"}, "reason": {"No budget"}}).
		wantRedirect(t, ideaPath+"#status-heading")
	e.get(bob, ideaPath).wantBody(t, "Status: Declined", "No budget", "Planned, by Ann Smith", "Declined — No budget, by Jo Bloggs")

	// Bob undoes his vote from the list, which sorts and filters.
	list := e.get(bob, "/ideas?sort=votes&status=declined")
	list.wantBody(t, "Shared gritting rota", "1 vote", `<option value="votes" selected>`, `<option value="declined" selected>`,
		`<a href="/ideas?sort=votes&amp;status=declined">Declined: 1</a>`, ">Planned: 0</a>")
	e.post(bob, ideaPath+"/vote", url.Values{"csrf_token": {bcsrf}, "undo": {"1"}, "return": {"/ideas?sort=votes"}}).
		wantRedirect(t, "/ideas?sort=votes")
	e.get(bob, "/ideas").wantBody(t, "0 votes")
	e.get(bob, "/ideas?status=planned").wantBody(t, "No ideas yet with this status")
	e.get(bob, "/ideas?sort=best").wantStatus(t, http.StatusUnprocessableEntity)
	e.get(bob, "/ideas?group_id=g1").wantBody(t, `href="/ideas/new?group_id=g1"`, `name="group_id" value="g1"`, "No ideas yet")
	e.get(bob, "/ideas/new?group_id=g1").wantBody(t, `<input type="hidden" name="group_id" value="g1">`)

	// A remote idea: the administrator marks it adopted here; bob is not offered the button.
	remote := e.remoteIdea("Four-day week")
	rPath := "/ideas/" + remote.ID
	if strings.Contains(e.get(bob, rPath).body, "Adopted here too") {
		t.Error("bob, not staff, is offered the adoption button")
	}
	e.post(bob, rPath+"/adopt", url.Values{"csrf_token": {bcsrf}}).wantStatus(t, http.StatusForbidden)
	e.get(admin, rPath).wantBody(t, "Adopted here too", "No other council has adopted this idea yet")
	e.post(admin, rPath+"/adopt", url.Values{"csrf_token": {e.csrfOf(admin)}}).wantRedirect(t, rPath+"#adopted-heading")
	e.get(admin, rPath).wantBody(t, "<li>"+e.svc.Domain()+"</li>", "This council ("+e.svc.Domain()+") has adopted it")
	e.get(bob, "/ideas/"+strings.Repeat("0", 26)).wantStatus(t, http.StatusNotFound)
}
