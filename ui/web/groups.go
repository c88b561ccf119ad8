package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/gorilla/mux"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/groups"
)

// The group pages: the directory, a group's page with its posts and the join, leave and
// request buttons, its members, the creation form, and (groups_moderate.go) the moderators'
// page. Every button is a plain form, so all of it works without JavaScript.

// groupPage is what the group pages show beyond the common view.
type groupPage struct {
	Group      groupCard
	Membership groups.Membership
	Reach      groups.Reach
	Rules      []string // paragraphs of the plain-text rules
	Rel        *activitypub.Relationship
	Moderator  bool // the viewer may moderate: the moderation links and buttons are shown
	Moderators []actorView
	Posts      []groupPostView
	Older      string
	Compose    composeView
	Invited    bool // the viewer holds an invitation to this invite-only group

	// The directory.
	Query       string
	Remote      bool
	Cards       []groupCard
	Mine        []groupCard
	Invitations []groupCard

	// The moderators' page.
	Requests, Members, Banned, Invites memberList
	Form                               groupForm
}

// memberList is a list of people on the moderators' page, each with the buttons that act on them.
type memberList struct {
	CSRF string
	Rows []memberRow
}

type memberRow struct {
	A       actorView
	Buttons []actionView
}

// groupCard is a group in a list: its actor, its page and its counts.
type groupCard struct {
	actorView
	Page    string // /groups/name, or /groups/name@host for a remote group
	Members int
	Posts   int
}

// groupPostView is a post on a group's page, with the state its moderators act on.
type groupPostView struct {
	P              postView
	Pinned, Locked bool
	Mod            []actionView // the moderators' buttons: remove, pin or unpin, lock or unlock
}

// groupForm is the creation and settings form.
type groupForm struct {
	Action, Submit string
	Creating       bool
	Handle         string
	DisplayName    string
	Description    string
	Rules          string
	Membership     string
	Reach          string
}

// membershipOptions and reachOptions are the radios of the group form, in this order.
var (
	membershipOptions = []visibilityOption{
		{Value: activitypub.Visibility(groups.Open), Label: "Open", Hint: "Anyone who asks joins at once"},
		{Value: activitypub.Visibility(groups.Approval), Label: "Approval", Hint: "A moderator accepts or refuses each request to join"},
		{Value: activitypub.Visibility(groups.Invite), Label: "Invitation only", Hint: "Only people a moderator invites may join; other requests are refused"},
	}
	reachOptions = []visibilityOption{
		{Value: activitypub.Visibility(groups.Federated), Label: "Federated", Hint: "People on any server may find and join it"},
		{Value: activitypub.Visibility(groups.Internal), Label: "This council only", Hint: "Never sent to other servers; their people cannot join"},
		{Value: activitypub.Visibility(groups.Partners), Label: "Partner councils", Hint: "This council and the partner councils the administrators list"},
	}
)

// groupRoutes are the group pages. Fixed paths come before /groups/{handle}.
func (h *Handler) groupRoutes() []route {
	get, post := http.MethodGet, http.MethodPost
	return []route{
		{method: get, path: "/groups", handle: h.groupDirectory},
		{method: post, path: "/groups/find", csrf: csrfSession, handle: h.groupFind},
		{method: get, path: "/groups/new", handle: h.groupNewForm},
		{method: post, path: "/groups/new", csrf: csrfSession, handle: h.groupCreate},
		{method: get, path: "/groups/{handle}", handle: h.groupShow},
		{method: post, path: "/groups/{handle}/{verb:join|leave}", csrf: csrfSession, handle: h.groupJoin},
		{method: get, path: "/groups/{handle}/members", handle: h.groupMembers},
		{method: get, path: "/groups/{handle}/moderate", handle: h.groupModerate},
		{method: post, path: "/groups/{handle}/settings", csrf: csrfSession, handle: h.groupSettings},
		{method: post, path: "/groups/{handle}/invites", csrf: csrfSession, handle: h.groupInvite},
		{method: post, path: "/groups/{handle}/requests/{actor}/{verb:approve|reject}", csrf: csrfSession, handle: h.groupRequest},
		{method: post, path: "/groups/{handle}/members/{actor}/{verb:remove|ban|unban|uninvite}", csrf: csrfSession, handle: h.groupMember},
		{method: post, path: "/groups/{handle}/posts/{id}/{verb:remove|pin|unpin|lock|unlock}", csrf: csrfSession, handle: h.groupPostAction},
	}
}

// groupsOn is the common start of every group page: the area must be configured and the
// viewer signed in (the pages are staff pages; the federation documents serve everyone else).
func (h *Handler) groupsOn(w http.ResponseWriter, r *http.Request) (*activitypub.Account, bool, error) {
	if h.groups == nil {
		return nil, false, errNotFound
	}
	acct := AccountFrom(r.Context())
	if acct == nil {
		return nil, false, redirect(w, r, signInURL(r))
	}
	return acct, true, nil
}

// groupHref is a group's page on this site.
func (h *Handler) groupHref(a *activitypub.Actor) string {
	if a.Local() {
		return "/groups/" + url.PathEscape(a.Username)
	}
	return "/groups/" + url.PathEscape(a.Username) + "@" + url.PathEscape(a.Domain)
}

func (h *Handler) groupCard(pr presenter, a *activitypub.Actor) groupCard {
	return groupCard{actorView: pr.actor(a), Page: h.groupHref(a), Members: a.FollowersCount, Posts: a.StatusesCount}
}

// groupFromPath finds the group a /groups/{handle} path names: a local group by name, or a
// remote group already known here by name@host. The settings are nil for a remote group.
func (h *Handler) groupFromPath(r *http.Request) (*activitypub.Actor, *groups.Settings, error) {
	username, domain, _ := strings.Cut(mux.Vars(r)["handle"], "@")
	if strings.EqualFold(domain, h.svc.Domain()) {
		domain = ""
	}
	if username == "" {
		return nil, nil, errNotFound
	}
	if domain == "" {
		g, err := h.groups.ByHandle(r.Context(), username)
		if err != nil {
			return nil, nil, err
		}
		return &g.Actor, &g.Settings, nil
	}
	a, err := h.svc.ActorByHandle(r.Context(), username, domain)
	if err != nil {
		return nil, nil, err
	}
	if a.Kind != activitypub.KindGroup || gone(a) {
		return nil, nil, errNotFound
	}
	return a, nil, nil
}

// Person is the group as the avatar component takes an actor.
func (c groupCard) Person() actorView { return c.actorView }

// groupDirectory lists the viewer's groups, then local groups or (remote=1) groups known from
// other servers, matching q.
func (h *Handler) groupDirectory(w http.ResponseWriter, r *http.Request) error {
	acct, ok, err := h.groupsOn(w, r)
	if !ok {
		return err
	}
	ctx := r.Context()
	q := r.URL.Query()
	gp := &groupPage{Query: strings.TrimSpace(q.Get("q")), Remote: q.Get("remote") == "1"}
	pr := h.presenter(r)
	if gp.Query == "" && q.Get("max_id") == "" {
		mine, err := h.groups.MemberGroups(ctx, acct.Actor.ID)
		if err != nil {
			return err
		}
		for _, a := range mine {
			gp.Mine = append(gp.Mine, h.groupCard(pr, a))
		}
		invs, err := h.groups.InvitationsFor(ctx, acct.Actor.ID)
		if err != nil {
			return err
		}
		for _, a := range invs {
			gp.Invitations = append(gp.Invitations, h.groupCard(pr, a))
		}
	}
	list, err := h.groups.Directory(ctx, gp.Query, gp.Remote, activitypub.Page{MaxID: q.Get("max_id"), Limit: pageSize})
	if err != nil {
		return err
	}
	for _, a := range list {
		gp.Cards = append(gp.Cards, h.groupCard(pr, a))
	}
	if len(list) == pageSize {
		v := url.Values{"max_id": {list[len(list)-1].ID}}
		if gp.Query != "" {
			v.Set("q", gp.Query)
		}
		if gp.Remote {
			v.Set("remote", "1")
		}
		gp.Older = "/groups?" + v.Encode()
	}
	return h.render(w, r, http.StatusOK, "groups", view{Title: "Groups", Section: "groups", Group: gp,
		Values: map[string]string{"handle": ""}})
}

// groupFind looks a group up by its address, asking its server when it is not known here yet.
func (h *Handler) groupFind(w http.ResponseWriter, r *http.Request) error {
	acct, ok, err := h.groupsOn(w, r)
	if !ok {
		return err
	}
	handle := strings.TrimSpace(r.PostForm.Get("handle"))
	fail := func(msg string) error {
		return h.render(w, r, http.StatusUnprocessableEntity, "groups", view{Title: "Groups", Section: "groups",
			Group: &groupPage{}, Values: map[string]string{"handle": handle},
			Errors: []fieldError{{Field: "handle", Message: msg}}})
	}
	m := handleForm.FindStringSubmatch(handle)
	if m == nil {
		return fail("Enter a group's address like @web-managers@council.example")
	}
	res, err := h.svc.Search(r.Context(), acct, "@"+m[1]+"@"+m[2], activitypub.SearchOptions{Type: "accounts", Resolve: true})
	if err != nil && activitypub.KindOf(err) == activitypub.Other {
		return err
	}
	if err != nil || len(res.Actors) == 0 || gone(res.Actors[0]) {
		return fail("No group with the address @" + m[1] + "@" + m[2] + " was found. Check the spelling and the server name")
	}
	if res.Actors[0].Kind != activitypub.KindGroup {
		return fail("@" + m[1] + "@" + m[2] + " is a person, not a group")
	}
	return redirect(w, r, h.groupHref(res.Actors[0]))
}

// groupShow is a group's page: about, rules, counts, the join button, the posts and, for
// members, the form to post in it.
func (h *Handler) groupShow(w http.ResponseWriter, r *http.Request) error {
	if h.groups == nil {
		return errNotFound
	}
	ctx := r.Context()
	acct := AccountFrom(ctx)
	a, set, err := h.groupFromPath(r)
	if err != nil {
		return err
	}
	if acct == nil && (set == nil || set.Reach != groups.Federated) {
		// Signed out, only a local federated group's page is shown, as its profile was.
		return redirect(w, r, signInURL(r))
	}
	pr := h.presenter(r)
	gp := &groupPage{Group: h.groupCard(pr, a), Compose: h.newCompose(h.groupHref(a), true)}
	gp.Compose.Group, gp.Compose.GroupFixed = a.ID, true
	gp.Compose.Heading = "Post in " + gp.Group.Name
	if r.URL.Path != gp.Group.Page {
		return redirect(w, r, gp.Group.Page)
	}
	if acct != nil {
		if gp.Rel, err = h.svc.Relationship(ctx, acct.Actor.ID, a.ID); err != nil {
			return err
		}
	}
	if set != nil {
		if err := h.localGroupDetails(ctx, pr, acct, a, set, gp); err != nil {
			return err
		}
	}
	if err := h.groupPosts(r, pr, a, set != nil, gp); err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "group", view{Title: gp.Group.Name, Section: "groups", Group: gp,
		Message: doneMessage(r)})
}

func (h *Handler) localGroupDetails(ctx context.Context, pr presenter, acct *activitypub.Account, a *activitypub.Actor, set *groups.Settings, gp *groupPage) error {
	gp.Membership, gp.Reach, gp.Rules = set.Membership, set.Reach, paragraphsOf(set.Rules)
	if set.Reach == groups.Internal {
		gp.Compose.Visibility = activitypub.LocalOnly
	}
	mods, err := h.groups.Moderators(ctx, a.ID)
	if err != nil {
		return err
	}
	for _, m := range mods {
		if !gone(m) {
			gp.Moderators = append(gp.Moderators, pr.actor(m))
		}
	}
	if acct == nil {
		return nil
	}
	if gp.Moderator, err = h.groups.MayModerate(ctx, acct, a.ID); err != nil {
		return err
	}
	if set.Membership == groups.Invite {
		gp.Invited, err = h.groups.Invited(ctx, a.ID, acct.Actor.ID)
	}
	return err
}

// groupPosts loads a page of a group's posts: what a local group relayed (replies too), or a
// remote group's boosts that reached this instance.
func (h *Handler) groupPosts(r *http.Request, pr presenter, a *activitypub.Actor, local bool, gp *groupPage) error {
	ctx := r.Context()
	acct := AccountFrom(ctx)
	p := activitypub.Page{MaxID: r.URL.Query().Get("max_id"), Limit: pageSize}
	var sts []*activitypub.Status
	state := map[string]*groups.Post{}
	cursor := ""
	if local {
		posts, err := h.groups.Posts(ctx, a.ID, p)
		if err != nil {
			return err
		}
		for _, gpost := range posts {
			cursor = gpost.StatusID
			st, err := h.svc.GetStatus(ctx, viewerOf(acct), gpost.StatusID)
			if activitypub.IsNotFound(err) {
				continue
			}
			if err != nil {
				return err
			}
			state[st.ID] = gpost
			sts = append(sts, st)
		}
		if len(posts) < pageSize {
			cursor = ""
		}
	} else {
		var err error
		if sts, err = h.svc.ActorStatuses(ctx, viewerOf(acct), a.ID, activitypub.StatusFilter{}, p); err != nil {
			return err
		}
		if len(sts) == pageSize {
			cursor = sts[len(sts)-1].ID
		}
	}
	pr.query = activitypub.ViewQuery{Filter: activitypub.FilterPublic, DropHidden: true}
	views, err := pr.posts(ctx, sts)
	if err != nil {
		return err
	}
	for _, v := range views {
		gv := groupPostView{P: v}
		if s := state[v.ID]; s != nil {
			gv.Pinned, gv.Locked = s.Pinned, s.Locked
			if gp.Moderator {
				gv.Mod = moderationActions(gp.Group.Page, gv)
			}
		}
		gp.Posts = append(gp.Posts, gv)
	}
	if cursor != "" {
		gp.Older = gp.Group.Page + "?max_id=" + url.QueryEscape(cursor)
	}
	return nil
}

// paragraphsOf splits plain text at blank lines, for rules shown as paragraphs.
func paragraphsOf(text string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// groupJoin handles the join (or request to join) and leave buttons.
func (h *Handler) groupJoin(w http.ResponseWriter, r *http.Request) error {
	acct, ok, err := h.groupsOn(w, r)
	if !ok {
		return err
	}
	a, _, err := h.groupFromPath(r)
	if err != nil {
		return err
	}
	if mux.Vars(r)["verb"] == "join" {
		_, err = h.groups.Join(r.Context(), acct, a.ID)
	} else {
		_, err = h.groups.Leave(r.Context(), acct, a.ID)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, h.groupHref(a))
}

// groupMembers lists a group's members, for its members and moderators. A remote group's
// members are its server's to show.
func (h *Handler) groupMembers(w http.ResponseWriter, r *http.Request) error {
	acct, ok, err := h.groupsOn(w, r)
	if !ok {
		return err
	}
	a, set, err := h.groupFromPath(r)
	if err != nil {
		return err
	}
	if set == nil {
		return errNotFound
	}
	fs, err := h.groups.Members(r.Context(), &acct.Actor, acct.User.Admin, a.ID,
		activitypub.Page{MaxID: r.URL.Query().Get("max_id"), Limit: pageSize})
	if err != nil {
		return err
	}
	pr := h.presenter(r)
	person := pr.actor(a)
	person.Href = h.groupHref(a)
	pv := peopleView{Person: person, Heading: "Members of " + person.Name}
	if pv.People, err = h.followerViews(r.Context(), pr, fs); err != nil {
		return err
	}
	if len(fs) == pageSize {
		pv.Older = r.URL.Path + "?max_id=" + url.QueryEscape(fs[len(fs)-1].ID)
	}
	return h.render(w, r, http.StatusOK, "people", view{Title: pv.Heading, Section: "groups", Page: pv})
}

// followerViews presents the followers of a page of follows, in its order, leaving out the gone.
func (h *Handler) followerViews(ctx context.Context, pr presenter, fs []*activitypub.Follow) ([]actorView, error) {
	ids := make([]string, 0, len(fs))
	for _, f := range fs {
		ids = append(ids, f.FollowerID)
	}
	return h.actorViews(ctx, pr, ids)
}

func (h *Handler) actorViews(ctx context.Context, pr presenter, ids []string) ([]actorView, error) {
	actors, err := h.svc.ActorsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*activitypub.Actor, len(actors))
	for _, a := range actors {
		byID[a.ID] = a
	}
	var out []actorView
	for _, id := range ids {
		if a := byID[id]; !gone(a) {
			out = append(out, pr.actor(a))
		}
	}
	return out, nil
}

// moderationActions are the moderators' buttons under a post on the group's page.
func moderationActions(groupPage string, gv groupPostView) []actionView {
	base := groupPage + "/posts/" + url.PathEscape(gv.P.ID) + "/"
	who := " the post by " + gv.P.Author.Name
	pin, lock := "pin", "lock"
	pinLabel, lockLabel := "Pin", "Lock replies"
	if gv.Pinned {
		pin, pinLabel = "unpin", "Unpin"
	}
	if gv.Locked {
		lock, lockLabel = "unlock", "Unlock replies"
	}
	return []actionView{
		{Href: base + "remove", Label: "Remove", Hidden: who + " from the group", Danger: true},
		{Href: base + pin, Label: pinLabel, Hidden: who},
		{Href: base + lock, Label: lockLabel, Hidden: " to" + who},
	}
}
