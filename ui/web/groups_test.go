package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/groups"
)

// groupForm is a valid creation form; tests change one field at a time.
func groupForm(csrf, handle, membership string) url.Values {
	return url.Values{"csrf_token": {csrf}, "handle": {handle}, "display_name": {"Web managers"},
		"description": {"For people who run council websites"}, "rules": {"Be kind.\n\nNo selling."},
		"membership": {membership}, "reach": {"federated"}}
}

// TestGroupCreateForm: a staff member creates a group and owns it; a bad or taken handle comes
// back on the form with the message on the handle field and nothing created.
func TestGroupCreateForm(t *testing.T) {
	e := newEnv(t, envOptions{})
	ben, benAcct := e.user("ben")
	csrf := e.csrfOf(ben)
	e.post(ben, "/groups/new", groupForm(csrf, "web_managers", "approval")).wantRedirect(t, "/groups/web_managers?done=created")
	grp, err := e.groups.ByHandle(t.Context(), "web_managers")
	if err != nil {
		t.Fatal(err)
	}
	if grp.Settings.Membership != groups.Approval || grp.Settings.Rules != "Be kind.\n\nNo selling." {
		t.Errorf("settings = %+v", grp.Settings)
	}
	if ok, err := e.groups.MayModerate(t.Context(), benAcct, grp.Actor.ID); err != nil || !ok {
		t.Errorf("creator may moderate = %v, %v", ok, err)
	}
	for _, tc := range []struct {
		name, handle, membership, want string
		status                         int
	}{
		{"empty handle", "", "open", "Enter the group&#39;s handle", http.StatusUnprocessableEntity},
		{"bad handle", "web managers!", "open", "Handle:", http.StatusUnprocessableEntity},
		{"taken handle", "web_managers", "open", "The handle web_managers is taken", http.StatusConflict},
		{"bad membership", "other", "closed", "Membership &#34;closed&#34; is not one of", http.StatusUnprocessableEntity},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := e.post(ben, "/groups/new", groupForm(csrf, tc.handle, tc.membership))
			if tc.status == http.StatusConflict {
				tc.status = http.StatusUnprocessableEntity // shown on the form all the same
			}
			p.wantStatus(t, tc.status)
			p.wantBody(t, `class="error-summary"`, tc.want, `value="`+tc.handle+`"`)
		})
	}
	if list, _ := e.groups.Directory(t.Context(), "", false, activitypub.Page{Limit: 10}); len(list) != 1 {
		t.Errorf("directory has %d groups, want 1", len(list))
	}
}

// TestGroupJourney: join by request, approval, posting from the compose page and the group's
// own form, removal, ban, and who sees the moderation page — each step through the pages,
// checked against the domain.
func TestGroupJourney(t *testing.T) {
	e := newEnv(t, envOptions{})
	ben, benAcct := e.user("ben")
	jo, joAcct := e.user("jo")
	amy, _ := e.user("amy")
	e.post(ben, "/groups/new", groupForm(e.csrfOf(ben), "web_managers", "approval")).wantRedirect(t, "/groups/web_managers?done=created")
	grp, err := e.groups.ByHandle(t.Context(), "web_managers")
	if err != nil {
		t.Fatal(err)
	}
	const page = "/groups/web_managers"

	dir := e.get(jo, "/groups?q=council+websites")
	dir.wantStatus(t, http.StatusOK)
	dir.wantBody(t, `href="`+page+`"`, "Web managers", "0 members") // the owner moderates; members join
	e.get(jo, "/groups?q=highways").wantBody(t, "No groups match")

	show := e.get(jo, page)
	show.wantStatus(t, http.StatusOK)
	show.wantBody(t, "Ask to join", "Be kind.", "No selling.", "Moderated by", "Ben Smith")
	if strings.Contains(show.body, "Moderate this group") {
		t.Error("a non-moderator is offered the moderation page")
	}
	jcsrf := show.csrf(t)
	e.post(jo, page+"/join", url.Values{"csrf_token": {jcsrf}}).wantRedirect(t, page)
	e.get(jo, page).wantBody(t, "You have asked to join")
	e.get(jo, page+"/moderate").wantStatus(t, http.StatusForbidden)

	mod := e.get(ben, page+"/moderate")
	mod.wantStatus(t, http.StatusOK)
	mod.wantBody(t, "Requests to join", "Jo Smith", page+"/requests/"+joAcct.Actor.ID+"/approve")
	bcsrf := mod.csrf(t)
	e.post(ben, page+"/requests/"+joAcct.Actor.ID+"/approve", url.Values{"csrf_token": {bcsrf}}).
		wantRedirect(t, page+"/moderate?done=approved")
	if ok, _ := e.groups.IsMember(t.Context(), grp.Actor.ID, joAcct.Actor.ID); !ok {
		t.Fatal("jo is not a member after approval")
	}

	// From the compose page: the group is offered because jo is a member.
	compose := e.get(jo, "/compose")
	compose.wantBody(t, `<select class="input" id="compose-group" name="group"`, `value="`+grp.Actor.ID+`"`)
	e.post(jo, "/compose", url.Values{"csrf_token": {jcsrf}, "text": {"Who is going to the accessibility meetup?"},
		"visibility": {"public"}, "action": {"post"}, "group": {grp.Actor.ID}}).wantStatus(t, http.StatusSeeOther)
	// From the group's page: the hidden group field.
	e.post(jo, "/compose", url.Values{"csrf_token": {jcsrf}, "text": {"Our new search is live"}, "visibility": {"public"},
		"action": {"post"}, "group": {grp.Actor.ID}, "group_fixed": {"1"}, "return": {page}}).wantStatus(t, http.StatusSeeOther)
	posts, err := e.groups.Posts(t.Context(), grp.Actor.ID, activitypub.Page{Limit: 10})
	if err != nil || len(posts) != 2 {
		t.Fatalf("group posts = %d, %v; want 2", len(posts), err)
	}
	e.get(amy, page).wantBody(t, "Our new search is live", "Who is going to the accessibility meetup?")

	// A non-member of an approval group is refused, on the form.
	refused := e.post(amy, "/compose", url.Values{"csrf_token": {e.csrfOf(amy)}, "text": {"Buy my widgets"},
		"visibility": {"public"}, "action": {"post"}, "group": {grp.Actor.ID}, "group_fixed": {"1"}})
	refused.wantStatus(t, http.StatusForbidden)
	refused.wantBody(t, "The group does not accept this post: not a member", "Buy my widgets</textarea>")

	// The moderator removes the newer post from the group's page, then bans jo.
	withMod := e.get(ben, page)
	removeURL := page + "/posts/" + posts[0].StatusID + "/remove"
	withMod.wantBody(t, "Moderate this group", `action="`+removeURL+`"`)
	e.post(ben, removeURL, url.Values{"csrf_token": {bcsrf}}).wantRedirect(t, page+"?done=remove")
	after := e.get(amy, page)
	if strings.Contains(after.body, "Our new search is live") {
		t.Error("a removed post is still on the group's page")
	}
	after.wantBody(t, "Who is going to the accessibility meetup?")

	e.post(ben, page+"/members/"+joAcct.Actor.ID+"/ban", url.Values{"csrf_token": {bcsrf}}).
		wantRedirect(t, page+"/moderate?done=banned")
	if ok, _ := e.groups.IsMember(t.Context(), grp.Actor.ID, joAcct.Actor.ID); ok {
		t.Error("a banned member is still a member")
	}
	e.get(ben, page+"/moderate").wantBody(t, "Banned", page+"/members/"+joAcct.Actor.ID+"/unban")
	banned := e.post(jo, "/compose", url.Values{"csrf_token": {jcsrf}, "text": {"Let me back in"}, "visibility": {"public"},
		"action": {"post"}, "group": {grp.Actor.ID}, "group_fixed": {"1"}})
	banned.wantStatus(t, http.StatusForbidden)
	banned.wantBody(t, "banned")

	// The group's own moderator joins an approval group at once, without asking themselves.
	e.post(ben, page+"/join", url.Values{"csrf_token": {bcsrf}}).wantRedirect(t, page)
	if ok, _ := e.groups.IsMember(t.Context(), grp.Actor.ID, benAcct.Actor.ID); !ok {
		t.Error("the owner's join of their approval group is still a request")
	}
}

// TestGroupInviteOnly: nobody joins an invitation-only group uninvited; an invited person sees
// the invitation in the directory and joins at once; a withdrawn invitation no longer admits.
func TestGroupInviteOnly(t *testing.T) {
	e := newEnv(t, envOptions{})
	ben, _ := e.user("ben")
	amy, amyAcct := e.user("amy")
	sam, samAcct := e.user("sam")
	e.post(ben, "/groups/new", groupForm(e.csrfOf(ben), "safeguarding", "invite")).wantStatus(t, http.StatusSeeOther)
	grp, err := e.groups.ByHandle(t.Context(), "safeguarding")
	if err != nil {
		t.Fatal(err)
	}
	const page = "/groups/safeguarding"
	acsrf := e.csrfOf(amy)
	e.get(amy, page).wantBody(t, "This group is by invitation only")
	e.post(amy, page+"/join", url.Values{"csrf_token": {acsrf}}).wantStatus(t, http.StatusForbidden)

	bcsrf := e.csrfOf(ben)
	for _, tc := range []struct{ name, handle, want string }{
		{"nobody", "@nobody", "Nobody with the address @nobody was found"},
		{"empty", "", "Enter the address of the person to invite"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := e.post(ben, page+"/invites", url.Values{"csrf_token": {bcsrf}, "invite": {tc.handle}})
			p.wantStatus(t, http.StatusUnprocessableEntity)
			p.wantBody(t, tc.want)
		})
	}
	e.post(ben, page+"/invites", url.Values{"csrf_token": {bcsrf}, "invite": {"@amy"}}).wantRedirect(t, page+"/moderate?done=invited")
	e.post(ben, page+"/invites", url.Values{"csrf_token": {bcsrf}, "invite": {"sam"}}).wantRedirect(t, page+"/moderate?done=invited")
	e.get(ben, page+"/moderate").wantBody(t, "Invited", "Amy Smith", "Sam Smith")
	e.get(amy, "/groups").wantBody(t, "Your invitations", `href="`+page+`"`)
	e.get(amy, page).wantBody(t, "You have been invited to join")
	e.post(amy, page+"/join", url.Values{"csrf_token": {acsrf}}).wantRedirect(t, page)
	if ok, _ := e.groups.IsMember(t.Context(), grp.Actor.ID, amyAcct.Actor.ID); !ok {
		t.Fatal("an invited person's join did not make them a member")
	}
	if inv, _ := e.groups.Invited(t.Context(), grp.Actor.ID, amyAcct.Actor.ID); inv {
		t.Error("the invitation was not used up")
	}
	e.post(ben, page+"/members/"+samAcct.Actor.ID+"/uninvite", url.Values{"csrf_token": {bcsrf}}).
		wantRedirect(t, page+"/moderate?done=uninvited")
	e.post(sam, page+"/join", url.Values{"csrf_token": {e.csrfOf(sam)}}).wantStatus(t, http.StatusForbidden)
	e.get(amy, "/groups").wantBody(t, "Your groups", "Web managers")
}

// TestGroupPageSignedOut: a federated group's page is public, like a profile, and its profile
// address leads there; an internal group's page asks to sign in first.
func TestGroupPageSignedOut(t *testing.T) {
	e := newEnv(t, envOptions{})
	_, ben := e.user("ben")
	if _, err := e.groups.Create(t.Context(), ben, groups.Input{Handle: "web_managers", DisplayName: "Web managers",
		Rules: "Be kind."}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.groups.Create(t.Context(), ben, groups.Input{Handle: "staff_only", Reach: groups.Internal}); err != nil {
		t.Fatal(err)
	}
	anon := newClient(t, e.srv)
	e.get(anon, "/@web_managers").wantRedirect(t, "/groups/web_managers")
	p := e.get(anon, "/groups/web_managers")
	p.wantStatus(t, http.StatusOK)
	p.wantBody(t, "Web managers", "Be kind.", "Sign in to join Web managers")
	if strings.Contains(p.body, `action="/groups/web_managers/join"`) {
		t.Error("a signed-out visitor is offered the join button")
	}
	if got := e.get(anon, "/groups/staff_only"); got.StatusCode != http.StatusSeeOther ||
		!strings.HasPrefix(got.Header.Get("Location"), "/login") {
		t.Errorf("signed-out internal group page: %d %q, want the sign-in page", got.StatusCode, got.Header.Get("Location"))
	}
	if got := e.get(anon, "/groups"); got.StatusCode != http.StatusSeeOther {
		t.Errorf("signed-out directory: %d, want a redirect to sign in", got.StatusCode)
	}
}
