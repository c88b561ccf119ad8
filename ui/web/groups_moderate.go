package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gorilla/mux"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/groups"
)

// The group creation form and the moderators' page: join requests, members, bans,
// invitations and settings. Every action is a form that comes back to the page with a notice.

// groupDone are the notices shown after a group action (?done=), so nothing from the address
// is printed as typed.
var groupDone = map[string]string{
	"created": "The group has been created. You are its owner.", "settings": "The settings have been saved.",
	"invited": "The invitation has been sent.", "approved": "The request has been approved.",
	"rejected": "The request has been refused.", "removed": "The member has been removed.",
	"banned": "The member has been banned.", "unbanned": "The ban has been lifted.",
	"uninvited": "The invitation has been withdrawn.", "remove": "The post has been removed from the group.",
	"pin": "The post has been pinned.", "unpin": "The post has been unpinned.",
	"lock": "Replies to the post are locked.", "unlock": "Replies to the post are open again.",
}

func doneMessage(r *http.Request) string { return groupDone[r.URL.Query().Get("done")] }

// groupFieldFor names the form field a domain error is about, so the message sits on it.
func groupFieldFor(msg string) string {
	for _, f := range []struct{ prefix, field string }{
		{"handle", "handle"}, {"the handle", "handle"}, {"display name", "display_name"},
		{"description", "description"}, {"rules", "rules"}, {"membership", "membership-open"}, {"reach", "reach-federated"},
	} {
		if strings.HasPrefix(msg, f.prefix) {
			return f.field
		}
	}
	return "display_name"
}

func readGroupForm(r *http.Request) groupForm {
	f := r.PostForm
	return groupForm{Handle: strings.TrimSpace(f.Get("handle")), DisplayName: strings.TrimSpace(f.Get("display_name")),
		Description: f.Get("description"), Rules: f.Get("rules"), Membership: f.Get("membership"), Reach: f.Get("reach")}
}

func (gf groupForm) input() groups.Input {
	return groups.Input{Handle: gf.Handle, DisplayName: gf.DisplayName, Description: gf.Description, Rules: gf.Rules,
		Membership: groups.Membership(gf.Membership), Reach: groups.Reach(gf.Reach)}
}

// groupNewForm is the creation form. Any staff member may create a group; they become its owner.
func (h *Handler) groupNewForm(w http.ResponseWriter, r *http.Request) error {
	if _, ok, err := h.groupsOn(w, r); !ok {
		return err
	}
	gf := groupForm{Action: "/groups/new", Submit: "Create group", Creating: true, Membership: string(groups.Open),
		Reach: string(groups.Federated)}
	return h.render(w, r, http.StatusOK, "group_form", view{Title: "Create a group", Section: "groups", Group: &groupPage{Form: gf}})
}

func (h *Handler) groupCreate(w http.ResponseWriter, r *http.Request) error {
	acct, ok, err := h.groupsOn(w, r)
	if !ok {
		return err
	}
	gf := readGroupForm(r)
	gf.Action, gf.Submit, gf.Creating = "/groups/new", "Create group", true
	if gf.Handle == "" {
		return h.groupFormAgain(w, r, "Create a group", gf, fieldError{Field: "handle", Message: "Enter the group's handle"})
	}
	grp, err := h.groups.Create(r.Context(), acct, gf.input())
	if k := activitypub.KindOf(err); k == activitypub.Invalid || k == activitypub.Conflict {
		msg := activitypub.Message(err)
		return h.groupFormAgain(w, r, "Create a group", gf, fieldError{Field: groupFieldFor(msg), Message: sentence(msg)})
	}
	if err != nil {
		return err
	}
	return redirect(w, r, h.groupHref(&grp.Actor)+"?done=created")
}

func (h *Handler) groupFormAgain(w http.ResponseWriter, r *http.Request, title string, gf groupForm, fe fieldError) error {
	return h.render(w, r, http.StatusUnprocessableEntity, "group_form", view{Title: title, Section: "groups",
		Errors: []fieldError{fe}, Group: &groupPage{Form: gf}})
}

// moderatedGroup loads the local group of the path for a moderator; anyone else gets a 403.
func (h *Handler) moderatedGroup(w http.ResponseWriter, r *http.Request) (*activitypub.Account, *activitypub.Actor, *groups.Settings, bool, error) {
	acct, ok, err := h.groupsOn(w, r)
	if !ok {
		return nil, nil, nil, false, err
	}
	a, set, err := h.groupFromPath(r)
	if err != nil {
		return nil, nil, nil, false, err
	}
	if set == nil {
		return nil, nil, nil, false, errNotFound // a remote group is moderated on its own server
	}
	may, err := h.groups.MayModerate(r.Context(), acct, a.ID)
	if err != nil {
		return nil, nil, nil, false, err
	}
	if !may {
		return nil, nil, nil, false, activitypub.E("web.groups", activitypub.Forbidden, "only the group's moderators may do this")
	}
	return acct, a, set, true, nil
}

// groupModerate is the moderators' page.
func (h *Handler) groupModerate(w http.ResponseWriter, r *http.Request) error {
	acct, a, set, ok, err := h.moderatedGroup(w, r)
	if !ok {
		return err
	}
	return h.renderModerate(w, r, http.StatusOK, acct, a, set, nil, doneMessage(r))
}

func (h *Handler) renderModerate(w http.ResponseWriter, r *http.Request, status int, acct *activitypub.Account,
	a *activitypub.Actor, set *groups.Settings, errs []fieldError, done string) error {
	ctx := r.Context()
	pr := h.presenter(r)
	gp := &groupPage{Group: h.groupCard(pr, a), Membership: set.Membership, Reach: set.Reach, Moderator: true,
		Form: groupForm{Action: h.groupHref(a) + "/settings", Submit: "Save settings", DisplayName: a.DisplayName,
			Description: a.SummarySource, Rules: set.Rules, Membership: string(set.Membership), Reach: string(set.Reach)}}
	p := activitypub.Page{Limit: pageSize}
	reqs, err := h.groups.Requests(ctx, acct, a.ID, p)
	if err != nil {
		return err
	}
	members, err := h.groups.Members(ctx, &acct.Actor, true, a.ID, p)
	if err != nil {
		return err
	}
	bans, err := h.groups.Bans(ctx, acct, a.ID, p)
	if err != nil {
		return err
	}
	invs, err := h.groups.Invitations(ctx, acct, a.ID)
	if err != nil {
		return err
	}
	lists := []struct {
		into    *memberList
		ids     []string
		buttons []memberButton
	}{
		{&gp.Requests, followerIDs(reqs), []memberButton{{"requests", "approve", "Approve", false}, {"requests", "reject", "Refuse", true}}},
		{&gp.Members, followerIDs(members), []memberButton{{"members", "remove", "Remove", false}, {"members", "ban", "Ban", true}}},
		{&gp.Banned, blockedIDs(bans), []memberButton{{"members", "unban", "Lift the ban on", false}}},
		{&gp.Invites, invitedIDs(invs), []memberButton{{"members", "uninvite", "Withdraw the invitation of", true}}},
	}
	for _, l := range lists {
		people, err := h.actorViews(ctx, pr, l.ids)
		if err != nil {
			return err
		}
		l.into.CSRF = pr.csrf
		for _, person := range people {
			l.into.Rows = append(l.into.Rows, memberRow{A: person, Buttons: memberButtons(gp.Group.Page, person, l.buttons)})
		}
	}
	if errs != nil {
		gp.Form = readGroupForm(r)
		gp.Form.Action, gp.Form.Submit = h.groupHref(a)+"/settings", "Save settings"
	}
	return h.render(w, r, status, "group_moderate", view{Title: "Moderate " + gp.Group.Name, Section: "groups",
		Group: gp, Errors: errs, Message: done, Values: map[string]string{"invite": r.PostForm.Get("invite")}})
}

// groupSettings saves the settings form of the moderators' page.
func (h *Handler) groupSettings(w http.ResponseWriter, r *http.Request) error {
	acct, a, set, ok, err := h.moderatedGroup(w, r)
	if !ok {
		return err
	}
	in := readGroupForm(r).input()
	in.Handle = ""
	_, err = h.groups.Update(r.Context(), acct, a.ID, in)
	if activitypub.KindOf(err) == activitypub.Invalid {
		msg := activitypub.Message(err)
		return h.renderModerate(w, r, http.StatusUnprocessableEntity, acct, a, set,
			[]fieldError{{Field: groupFieldFor(msg), Message: sentence(msg)}}, "")
	}
	if err != nil {
		return err
	}
	return redirect(w, r, h.groupHref(a)+"/moderate?done=settings")
}

// groupInvite invites someone by handle: a local name, or @name@host resolved through their
// server.
func (h *Handler) groupInvite(w http.ResponseWriter, r *http.Request) error {
	acct, a, set, ok, err := h.moderatedGroup(w, r)
	if !ok {
		return err
	}
	ctx := r.Context()
	handle := strings.TrimSpace(r.PostForm.Get("invite"))
	fail := func(msg string) error {
		return h.renderModerate(w, r, http.StatusUnprocessableEntity, acct, a, set,
			[]fieldError{{Field: "invite", Message: msg}}, "")
	}
	var target *activitypub.Actor
	if m := handleForm.FindStringSubmatch(handle); m != nil && !strings.EqualFold(m[2], h.svc.Domain()) {
		res, err := h.svc.Search(ctx, acct, "@"+m[1]+"@"+m[2], activitypub.SearchOptions{Type: "accounts", Resolve: true})
		if err != nil && activitypub.KindOf(err) == activitypub.Other {
			return err
		}
		if err == nil && len(res.Actors) > 0 {
			target = res.Actors[0]
		}
	} else if name := strings.TrimPrefix(strings.SplitN(handle, "@"+h.svc.Domain(), 2)[0], "@"); name != "" {
		if inv, err := h.svc.AccountByUsername(ctx, name); err == nil {
			target = &inv.Actor
		}
	}
	if handle == "" {
		return fail("Enter the address of the person to invite")
	}
	if target == nil || gone(target) {
		return fail("Nobody with the address " + handle + " was found. Check the spelling and the server name")
	}
	err = h.groups.Invite(ctx, acct, a.ID, target.ID)
	if k := activitypub.KindOf(err); k == activitypub.Invalid || k == activitypub.Conflict || k == activitypub.Forbidden {
		return fail(sentence(activitypub.Message(err)))
	}
	if err != nil {
		return err
	}
	return redirect(w, r, h.groupHref(a)+"/moderate?done=invited")
}

// groupRequest approves or rejects a join request.
func (h *Handler) groupRequest(w http.ResponseWriter, r *http.Request) error {
	acct, a, _, ok, err := h.moderatedGroup(w, r)
	if !ok {
		return err
	}
	vars := mux.Vars(r)
	if vars["verb"] == "approve" {
		err = h.groups.Approve(r.Context(), acct, a.ID, vars["actor"])
	} else {
		err = h.groups.Reject(r.Context(), acct, a.ID, vars["actor"])
	}
	if err != nil {
		return err
	}
	return redirect(w, r, h.groupHref(a)+"/moderate?done="+vars["verb"]+"d")
}

// groupMember removes, bans or unbans a member, or withdraws an invitation.
func (h *Handler) groupMember(w http.ResponseWriter, r *http.Request) error {
	acct, a, _, ok, err := h.moderatedGroup(w, r)
	if !ok {
		return err
	}
	vars := mux.Vars(r)
	ctx, target := r.Context(), vars["actor"]
	done := ""
	switch vars["verb"] {
	case "remove":
		err, done = h.groups.RemoveMember(ctx, acct, a.ID, target), "removed"
	case "ban":
		err, done = h.groups.Ban(ctx, acct, a.ID, target), "banned"
	case "unban":
		err, done = h.groups.Unban(ctx, acct, a.ID, target), "unbanned"
	case "uninvite":
		err, done = h.groups.Uninvite(ctx, acct, a.ID, target), "uninvited"
	}
	if err != nil {
		return err
	}
	return redirect(w, r, h.groupHref(a)+"/moderate?done="+done)
}

// groupPostAction removes, pins or locks a post from the group's page; it comes back there.
func (h *Handler) groupPostAction(w http.ResponseWriter, r *http.Request) error {
	acct, a, _, ok, err := h.moderatedGroup(w, r)
	if !ok {
		return err
	}
	vars := mux.Vars(r)
	ctx, id := r.Context(), vars["id"]
	switch vars["verb"] {
	case "remove":
		err = h.groups.RemovePost(ctx, acct, a.ID, id)
	case "pin", "unpin":
		err = h.groups.Pin(ctx, acct, a.ID, id, vars["verb"] == "pin")
	case "lock", "unlock":
		err = h.groups.Lock(ctx, acct, a.ID, id, vars["verb"] == "lock")
	}
	if err != nil {
		return err
	}
	to := h.groupHref(a) + "?done=" + url.QueryEscape(vars["verb"])
	if vars["verb"] != "remove" {
		to += "#post-" + url.QueryEscape(id)
	}
	return redirect(w, r, to)
}

// Memberships and Reaches are the form's radios.
func (groupForm) Memberships() []visibilityOption { return membershipOptions }

// Reaches are the reach radios.
func (groupForm) Reaches() []visibilityOption { return reachOptions }

// MembershipLabel and ReachLabel are a setting in words.
func (gp *groupPage) MembershipLabel() string {
	return optionLabel(membershipOptions, string(gp.Membership))
}

// ReachLabel is the reach in words.
func (gp *groupPage) ReachLabel() string { return optionLabel(reachOptions, string(gp.Reach)) }

func optionLabel(opts []visibilityOption, v string) string {
	for _, o := range opts {
		if string(o.Value) == v {
			return o.Label
		}
	}
	return v
}

// memberButton is one kind of button on the moderators' lists.
type memberButton struct {
	list, verb, label string
	danger            bool
}

// memberButtons builds a person's buttons. The visible label is the verb; the person's name
// follows for screen readers, so each button says whom it acts on.
func memberButtons(groupPage string, person actorView, bs []memberButton) []actionView {
	out := make([]actionView, 0, len(bs))
	for _, b := range bs {
		label, hidden := b.label, " "+person.Name
		if i := strings.Index(label, " "); i > 0 {
			label, hidden = label[:i], label[i:]+hidden
		}
		out = append(out, actionView{Href: groupPage + "/" + b.list + "/" + url.PathEscape(person.ID) + "/" + b.verb,
			Label: label, Hidden: hidden, Danger: b.danger})
	}
	return out
}

func followerIDs(fs []*activitypub.Follow) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, f.FollowerID)
	}
	return out
}

func blockedIDs(bs []*activitypub.Block) []string {
	out := make([]string, 0, len(bs))
	for _, b := range bs {
		out = append(out, b.TargetID)
	}
	return out
}

func invitedIDs(invs []*groups.Invitation) []string {
	out := make([]string, 0, len(invs))
	for _, inv := range invs {
		out = append(out, inv.ActorID)
	}
	return out
}
