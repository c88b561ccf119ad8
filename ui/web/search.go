package web

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/guildhall/guildhall/activitypub"
)

// searchView is the search page: the query and what it found.
type searchView struct {
	Query  string
	Done   bool
	People []actorView
	Posts  []postView
	Tags   []string
}

// search finds people, posts and hashtags. A handle (@name@council.example) or a link to a post
// on another server is looked up there, so people can find what they were sent.
func (h *Handler) search(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	acct := AccountFrom(ctx)
	if acct == nil {
		return redirect(w, r, signInURL(r))
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	sv := searchView{Query: q}
	v := view{Title: "Search", Section: "search", Values: map[string]string{"q": q}}
	if r.URL.Query().Has("q") && q == "" {
		v.Errors = []fieldError{{Field: "q", Message: "Enter a name, an address, a word or a #hashtag"}}
		v.Page = sv
		return h.render(w, r, http.StatusBadRequest, "search", v)
	}
	if q != "" {
		res, err := h.svc.Search(ctx, acct, q, activitypub.SearchOptions{Resolve: true, Limit: 20})
		if err != nil && activitypub.KindOf(err) == activitypub.Other {
			return err
		}
		sv.Done = true
		if err == nil {
			pr := h.presenter(r)
			for _, a := range res.Actors {
				if !gone(a) {
					sv.People = append(sv.People, pr.actor(a))
				}
			}
			if sv.Posts, err = pr.posts(ctx, res.Statuses); err != nil {
				return err
			}
			sv.Tags = res.Tags
		}
		v.Title = "Search results for " + q
	}
	v.Page = sv
	return h.render(w, r, http.StatusOK, "search", v)
}

// tagPage is the timeline of one hashtag.
func (h *Handler) tagPage(w http.ResponseWriter, r *http.Request) error {
	tag := strings.ToLower(strings.TrimPrefix(mux.Vars(r)["tag"], "#"))
	if tag == "" {
		return errNotFound
	}
	return h.timeline(w, r, timelineKind{
		section: "search", heading: "#" + tag, query: publicQuery,
		intro: "Public posts with the hashtag #" + tag + ", newest first.",
		empty: "No posts with #" + tag + " yet.",
		load: func(h *Handler, r *http.Request, acct *activitypub.Account, p activitypub.Page) ([]*activitypub.Status, error) {
			return h.svc.TagTimeline(r.Context(), viewerOf(acct), tag, false, p)
		},
	})
}

// bookmarks lists the posts the person bookmarked, newest bookmark first.
func (h *Handler) bookmarks(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	acct := AccountFrom(ctx)
	if acct == nil {
		return redirect(w, r, signInURL(r))
	}
	cursors, ids, err := h.svc.Bookmarks(ctx, acct, activitypub.Page{MaxID: r.URL.Query().Get("max_id"), Limit: pageSize})
	if err != nil {
		return err
	}
	sts, err := h.svc.StatusesByIDs(ctx, ids)
	if err != nil {
		return err
	}
	visible, err := h.visibleOnly(ctx, acct, sts)
	if err != nil {
		return err
	}
	posts, err := h.presenter(r).posts(ctx, visible)
	if err != nil {
		return err
	}
	tv := timelineView{Heading: "Bookmarks", Intro: "Posts you bookmarked, most recent first.", Posts: posts,
		Empty:   "You have not bookmarked anything yet. Use a post's Bookmark button to keep it here.",
		Compose: h.newCompose(r.URL.Path, true)}
	h.composeDefault(r, &tv.Compose)
	if len(cursors) == pageSize {
		tv.Older = "/bookmarks?max_id=" + cursors[len(cursors)-1]
	}
	return h.render(w, r, http.StatusOK, "timeline", view{Title: "Bookmarks", Section: "bookmarks", Page: tv})
}
