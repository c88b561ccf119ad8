package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/gorilla/mux"

	"github.com/guildhall/guildhall/activitypub"
)

// profileView is a person's page: who they are, how the viewer relates to them, their posts.
type profileView struct {
	Person actorView
	Self   bool
	Rel    *activitypub.Relationship
	Posts  []postView
	Older  string
	// Counts are shown only for local people: a remote server's numbers are whatever it says.
	Followers, Following, Statuses int
	// Header is the header image, for local people; the alt texts are what they wrote.
	Header, HeaderAlt, AvatarAlt string
}

// peopleView is a list of people: followers or following.
type peopleView struct {
	Person  actorView
	Heading string
	People  []actorView
	Older   string
	// Removable is true on the viewer's own followers list: each row gets a remove button.
	Removable bool
}

// profileActor finds the person a /@name or /@name@host path names. Only people already known
// here are shown; finding someone new goes through the follow page, which asks their server.
func (h *Handler) profileActor(r *http.Request) (*activitypub.Actor, error) {
	handle := mux.Vars(r)["handle"]
	username, domain, _ := strings.Cut(handle, "@")
	if strings.EqualFold(domain, h.svc.Domain()) {
		domain = ""
	}
	if username == "" {
		return nil, errNotFound
	}
	if domain == "" {
		acct, err := h.svc.AccountByUsername(r.Context(), username)
		if activitypub.IsNotFound(err) && h.groups != nil {
			if g, gerr := h.groups.ByHandle(r.Context(), username); gerr == nil {
				return &g.Actor, nil // a local group: an actor without an account
			}
		}
		if err != nil {
			return nil, err
		}
		return &acct.Actor, nil
	}
	res, err := h.svc.Search(r.Context(), AccountFrom(r.Context()), "@"+username+"@"+domain,
		activitypub.SearchOptions{Type: "accounts"})
	if err != nil {
		return nil, err
	}
	if len(res.Actors) == 0 || gone(res.Actors[0]) {
		return nil, errNotFound
	}
	return res.Actors[0], nil
}

func (h *Handler) profile(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	acct := AccountFrom(ctx)
	a, err := h.profileActor(r)
	if err != nil {
		return err
	}
	if a.Kind == activitypub.KindGroup && h.groups != nil {
		return redirect(w, r, h.groupHref(a)) // a group's page says more than its profile
	}
	pr := h.presenter(r)
	pv := profileView{Person: pr.actor(a), Followers: a.FollowersCount, Following: a.FollowingCount, Statuses: a.StatusesCount}
	if r.URL.Path != pv.Person.Href {
		return redirect(w, r, pv.Person.Href)
	}
	if err := h.profileImages(r, a, &pv); err != nil {
		return err
	}
	if acct != nil {
		pv.Self = acct.Actor.ID == a.ID
		if !pv.Self {
			if pv.Rel, err = h.svc.Relationship(ctx, acct.Actor.ID, a.ID); err != nil {
				return err
			}
		}
	}
	sts, err := h.svc.ActorStatuses(ctx, viewerOf(acct), a.ID, activitypub.StatusFilter{},
		activitypub.Page{MaxID: r.URL.Query().Get("max_id"), Limit: pageSize})
	if err != nil {
		return err
	}
	pr.query = activitypub.ViewQuery{Filter: activitypub.FilterAccount, DropHidden: true}
	if pv.Posts, err = pr.posts(ctx, sts); err != nil {
		return err
	}
	if len(sts) == pageSize {
		pv.Older = pv.Person.Href + "?max_id=" + url.QueryEscape(sts[len(sts)-1].ID)
	}
	v := view{Title: pv.Person.Name, Page: pv}
	if pv.Self {
		v.Section = "profile"
	}
	return h.render(w, r, http.StatusOK, "profile", v)
}

// people lists followers or following.
func (h *Handler) people(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a, err := h.profileActor(r)
	if err != nil {
		return err
	}
	pr := h.presenter(r)
	pv := peopleView{Person: pr.actor(a)}
	p := activitypub.Page{MaxID: r.URL.Query().Get("max_id"), Limit: pageSize}
	var fs []*activitypub.Follow
	following := strings.HasSuffix(r.URL.Path, "/following")
	if following {
		pv.Heading = "People " + pv.Person.Name + " follows"
		fs, err = h.svc.Following(ctx, a.ID, p)
	} else {
		pv.Heading = "People who follow " + pv.Person.Name
		pv.Removable = AccountFrom(ctx) != nil && AccountFrom(ctx).Actor.ID == a.ID
		fs, err = h.svc.Followers(ctx, a.ID, p)
	}
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(fs))
	for _, f := range fs {
		if following {
			ids = append(ids, f.FolloweeID)
		} else {
			ids = append(ids, f.FollowerID)
		}
	}
	actors, err := h.svc.ActorsByIDs(ctx, ids)
	if err != nil {
		return err
	}
	byID := map[string]*activitypub.Actor{}
	for _, x := range actors {
		byID[x.ID] = x
	}
	for _, id := range ids {
		if x := byID[id]; !gone(x) {
			pv.People = append(pv.People, pr.actor(x))
		}
	}
	if len(fs) == pageSize {
		pv.Older = r.URL.Path + "?max_id=" + url.QueryEscape(fs[len(fs)-1].ID)
	}
	return h.render(w, r, http.StatusOK, "people", view{Title: pv.Heading, Page: pv})
}

// relate handles the follow and unfollow buttons on a profile.
func (h *Handler) relate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	acct := AccountFrom(ctx)
	a, err := h.profileActor(r)
	if err != nil {
		return err
	}
	switch mux.Vars(r)["verb"] {
	case "follow":
		_, err = h.follow(ctx, acct, a)
	case "unfollow":
		_, err = h.svc.Unfollow(ctx, acct, a.ID)
	default:
		return errNotFound
	}
	if err != nil {
		return err
	}
	return redirect(w, r, h.presenter(r).actor(a).Href)
}

// handleForm matches what people type for someone on another server: @name@host or name@host.
var handleForm = regexp.MustCompile(`^@?([A-Za-z0-9_.\-]+)@([A-Za-z0-9.\-]+\.[A-Za-z0-9\-]+(?::\d+)?)$`)

func (h *Handler) followForm(w http.ResponseWriter, r *http.Request) error {
	if AccountFrom(r.Context()) == nil {
		return redirect(w, r, signInURL(r))
	}
	return h.render(w, r, http.StatusOK, "follow", view{Title: "Find people", Section: "follow",
		Values: map[string]string{"handle": r.URL.Query().Get("handle")}})
}

// followHandle follows someone by handle: a local name, or a remote one resolved through WebFinger.
func (h *Handler) followHandle(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	acct := AccountFrom(ctx)
	handle := strings.TrimSpace(r.PostForm.Get("handle"))
	v := view{Title: "Find people", Section: "follow", Values: map[string]string{"handle": handle}}
	fail := func(msg string) error {
		v.Errors = []fieldError{{Field: "handle", Message: msg}}
		return h.render(w, r, http.StatusUnprocessableEntity, "follow", v)
	}
	m := handleForm.FindStringSubmatch(handle)
	if handle == "" {
		return fail("Enter the address of the person you want to follow")
	}
	if m == nil {
		return fail("Enter an address like @name@council.example")
	}
	res, err := h.svc.Search(ctx, acct, "@"+m[1]+"@"+m[2], activitypub.SearchOptions{Type: "accounts", Resolve: true})
	if err != nil && activitypub.KindOf(err) == activitypub.Other {
		return err
	}
	if err != nil || len(res.Actors) == 0 || gone(res.Actors[0]) {
		return fail("Nobody with the address @" + m[1] + "@" + m[2] + " was found. Check the spelling and the server name")
	}
	target := res.Actors[0]
	if target.ID == acct.Actor.ID {
		return fail("That is your own address")
	}
	if _, err := h.follow(ctx, acct, target); err != nil {
		if k := activitypub.KindOf(err); k == activitypub.Forbidden || k == activitypub.Invalid {
			return fail(sentence(activitypub.Message(err)))
		}
		return err
	}
	return redirect(w, r, h.presenter(r).actor(target).Href)
}
