package web

import (
	"net/http"
	"net/url"

	"github.com/guildhall/guildhall/activitypub"
)

// pageSize is how many posts a timeline page shows; the largest page the domain serves.
const pageSize = 40

// timelineView is a timeline page: its posts, the compose form on top and the link to older posts.
type timelineView struct {
	Heading string
	Intro   string
	Posts   []postView
	Older   string // the "load older posts" link, empty on the last page
	// Stream names the live stream the script subscribes to ("home", "local", "federated").
	Stream  string
	Compose composeView
	Empty   string
}

type timelineKind struct {
	section, heading, intro, empty string
	// query picks the viewer's filters that apply (and keeps exclusive lists out of home).
	query activitypub.ViewQuery
	load  func(h *Handler, r *http.Request, acct *activitypub.Account, p activitypub.Page) ([]*activitypub.Status, error)
}

// publicQuery applies the viewer's public-timeline filters.
var publicQuery = activitypub.ViewQuery{Filter: activitypub.FilterPublic, DropHidden: true}

var (
	homeTimeline = timelineKind{
		section: "home", heading: "Home",
		query: activitypub.ViewQuery{Filter: activitypub.FilterHome, DropHidden: true, Home: true},
		intro: "Posts from you and the people you follow, newest first.",
		empty: "Nothing here yet. Find people to follow, or write the first post.",
		load: func(h *Handler, r *http.Request, acct *activitypub.Account, p activitypub.Page) ([]*activitypub.Status, error) {
			return h.svc.HomeTimeline(r.Context(), acct, p)
		},
	}
	localTimeline = timelineKind{
		section: "local", heading: "This council",
		query: publicQuery,
		intro: "Public and internal posts by everyone at this council.",
		empty: "Nobody at this council has posted yet.",
		load: func(h *Handler, r *http.Request, acct *activitypub.Account, p activitypub.Page) ([]*activitypub.Status, error) {
			return h.svc.PublicTimeline(r.Context(), activitypub.Viewer{Actor: &acct.Actor}, true, false, p)
		},
	}
	federatedTimeline = timelineKind{
		section: "federated", heading: "Federated",
		query: publicQuery,
		intro: "Public posts from this council and the other servers it knows.",
		empty: "No public posts yet.",
		load: func(h *Handler, r *http.Request, acct *activitypub.Account, p activitypub.Page) ([]*activitypub.Status, error) {
			return h.svc.PublicTimeline(r.Context(), activitypub.Viewer{Actor: &acct.Actor}, true, true, p)
		},
	}
)

func (h *Handler) home(w http.ResponseWriter, r *http.Request) error {
	return h.timeline(w, r, homeTimeline)
}

func (h *Handler) localPage(w http.ResponseWriter, r *http.Request) error {
	return h.timeline(w, r, localTimeline)
}

func (h *Handler) federatedPage(w http.ResponseWriter, r *http.Request) error {
	return h.timeline(w, r, federatedTimeline)
}

// timeline renders one timeline page. Paging is by link: "load older posts" carries max_id, so
// it works without JavaScript and every page has its own address.
func (h *Handler) timeline(w http.ResponseWriter, r *http.Request, k timelineKind) error {
	acct := AccountFrom(r.Context())
	if acct == nil {
		return redirect(w, r, signInURL(r))
	}
	maxID := r.URL.Query().Get("max_id")
	sts, err := k.load(h, r, acct, activitypub.Page{MaxID: maxID, Limit: pageSize})
	if err != nil {
		return err
	}
	pr := h.presenter(r)
	pr.query = k.query
	posts, err := pr.posts(r.Context(), sts)
	if err != nil {
		return err
	}
	tv := timelineView{Heading: k.heading, Intro: k.intro, Posts: posts, Empty: k.empty,
		Compose: h.newCompose(r.URL.Path, true)}
	h.composeDefault(r, &tv.Compose)
	if k.section != "search" {
		tv.Stream = k.section // the live stream of the same name
	}
	if len(sts) == pageSize {
		tv.Older = r.URL.Path + "?max_id=" + url.QueryEscape(sts[len(sts)-1].ID)
	}
	title := k.heading
	if maxID != "" {
		title += " (older posts)"
	}
	return h.render(w, r, http.StatusOK, "timeline", view{Title: title, Section: k.section, Page: tv})
}
