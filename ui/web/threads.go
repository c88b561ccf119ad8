package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gorilla/mux"

	"github.com/guildhall/guildhall/activitypub"
)

// threadView is a post with what it replies to above and its replies below, both oldest first.
type threadView struct {
	Ancestors []postView
	Post      postView
	Replies   []postView
	Compose   composeView
}

func viewerOf(acct *activitypub.Account) activitypub.Viewer {
	if acct == nil {
		return activitypub.Viewer{}
	}
	return activitypub.Viewer{Actor: &acct.Actor}
}

// visiblePost loads the post a route names, as the viewer may see it, with its view.
func (h *Handler) visiblePost(r *http.Request) (*activitypub.Status, postView, error) {
	ctx := r.Context()
	st, err := h.svc.GetStatus(ctx, viewerOf(AccountFrom(ctx)), mux.Vars(r)["id"])
	if err != nil {
		return nil, postView{}, err
	}
	ps, err := h.presenter(r).posts(ctx, []*activitypub.Status{st})
	if err != nil {
		return nil, postView{}, err
	}
	if len(ps) == 0 || st.ReblogOfID != "" {
		return nil, postView{}, errNotFound
	}
	return st, ps[0], nil
}

// statusRedirect sends /statuses/{id} to the post's own address, which names its author.
func (h *Handler) statusRedirect(w http.ResponseWriter, r *http.Request) error {
	_, p, err := h.visiblePost(r)
	if err != nil {
		return err
	}
	return redirect(w, r, p.Href)
}

// thread is the page of one post.
func (h *Handler) thread(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	acct := AccountFrom(ctx)
	st, p, err := h.visiblePost(r)
	if err != nil {
		return err
	}
	if r.URL.Path != p.Href {
		return redirect(w, r, p.Href)
	}
	anc, desc, err := h.svc.Thread(ctx, viewerOf(acct), st.ID)
	if err != nil {
		return err
	}
	pr := h.presenter(r)
	pr.query.Filter = activitypub.FilterThread
	tv := threadView{Post: p}
	tv.Post.Focus = true
	if tv.Ancestors, err = pr.posts(ctx, anc); err != nil {
		return err
	}
	if tv.Replies, err = pr.posts(ctx, desc); err != nil {
		return err
	}
	if acct != nil {
		tv.Compose = h.newCompose(p.Href, true)
		tv.Compose.InReplyTo, tv.Compose.Heading = st.ID, "Reply"
		if st.Visibility != activitypub.Public {
			tv.Compose.Visibility = st.Visibility
		}
	}
	return h.render(w, r, http.StatusOK, "thread", view{Title: "Post by " + p.Author.Name, Page: tv})
}

// toggle handles like, boost and bookmark buttons, then goes back to the page the button was on.
func (h *Handler) toggle(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	acct := AccountFrom(ctx)
	st, p, err := h.visiblePost(r)
	if err != nil {
		return err
	}
	undo := r.PostForm.Get("undo") != ""
	switch verb := mux.Vars(r)["verb"]; {
	case verb == "like" && !undo:
		_, err = h.svc.Favourite(ctx, acct, st.ID)
	case verb == "like":
		_, err = h.svc.Unfavourite(ctx, acct, st.ID)
	case verb == "boost" && !undo:
		_, err = h.svc.Reblog(ctx, acct, st.ID)
	case verb == "boost":
		_, err = h.svc.Unreblog(ctx, acct, st.ID)
	case verb == "bookmark" && !undo:
		_, err = h.svc.Bookmark(ctx, acct, st.ID)
	case verb == "bookmark":
		_, err = h.svc.Unbookmark(ctx, acct, st.ID)
	default:
		return errNotFound
	}
	if err != nil {
		return err
	}
	back := safeReturn(r.PostForm.Get("return"))
	if back == "" {
		back = p.Href
	}
	return redirect(w, r, back+"#post-"+url.QueryEscape(st.ID))
}

// ownPost loads a post the signed-in person wrote; anyone else's is Forbidden.
func (h *Handler) ownPost(r *http.Request) (*activitypub.Status, postView, error) {
	st, p, err := h.visiblePost(r)
	if err != nil {
		return nil, p, err
	}
	if !p.Mine {
		return nil, p, activitypub.E("web.ownPost", activitypub.Forbidden, "only the author can change a post")
	}
	return st, p, nil
}

// editView is the edit form.
type editView struct {
	Post        postView
	Text        string
	SpoilerText string
}

func (h *Handler) editForm(w http.ResponseWriter, r *http.Request) error {
	st, p, err := h.ownPost(r)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "edit", view{Title: "Edit your post",
		Page: editView{Post: p, Text: st.Source, SpoilerText: st.SpoilerText}})
}

func (h *Handler) edit(w http.ResponseWriter, r *http.Request) error {
	st, p, err := h.ownPost(r)
	if err != nil {
		return err
	}
	ev := editView{Post: p, Text: r.PostForm.Get("text"), SpoilerText: strings.TrimSpace(r.PostForm.Get("spoiler_text"))}
	var errs []fieldError
	switch n := utf8.RuneCountInString(strings.TrimSpace(ev.Text)); {
	case n == 0 && len(st.Attachments) == 0:
		errs = append(errs, fieldError{Field: "edit-text", Message: "Enter what you want to say"})
	case n > activitypub.MaxStatusChars:
		errs = append(errs, fieldError{Field: "edit-text", Message: fmt.Sprintf(
			"Your post must be %d characters or fewer; it has %d", activitypub.MaxStatusChars, n)})
	}
	if utf8.RuneCountInString(ev.SpoilerText) > activitypub.MaxSpoilerChars {
		errs = append(errs, fieldError{Field: "spoiler_text", Message: fmt.Sprintf(
			"The content warning must be %d characters or fewer", activitypub.MaxSpoilerChars)})
	}
	if len(errs) == 0 {
		_, err = h.svc.EditStatus(r.Context(), AccountFrom(r.Context()), st.ID, activitypub.EditInput{
			Text: ev.Text, SpoilerText: ev.SpoilerText, Sensitive: ev.SpoilerText != "" || st.Sensitive,
			Language: st.Language, Title: st.Title,
		})
		if activitypub.KindOf(err) == activitypub.Invalid {
			errs = append(errs, fieldError{Field: "edit-text", Message: sentence(activitypub.Message(err))})
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return h.render(w, r, http.StatusUnprocessableEntity, "edit", view{Title: "Edit your post", Errors: errs, Page: ev})
	}
	return redirect(w, r, p.Href)
}

// historyView lists a post's versions, newest first.
type historyView struct {
	Post     postView
	Versions []versionView
}

type versionView struct {
	At          time.Time
	Content     template.HTML
	SpoilerText string
	Current     bool
}

func (h *Handler) history(w http.ResponseWriter, r *http.Request) error {
	_, p, err := h.visiblePost(r)
	if err != nil {
		return err
	}
	edits, st, err := h.svc.StatusHistory(r.Context(), viewerOf(AccountFrom(r.Context())), p.ID)
	if err != nil {
		return err
	}
	// The stored edits are the earlier versions; the status itself is the current one.
	at := st.CreatedAt
	if st.EditedAt != nil {
		at = *st.EditedAt
	}
	hv := historyView{Post: p, Versions: []versionView{{At: at, Content: template.HTML(st.Content), // sanitised when stored
		SpoilerText: st.SpoilerText, Current: true}}}
	for i := len(edits) - 1; i >= 0; i-- {
		e := edits[i]
		hv.Versions = append(hv.Versions, versionView{At: e.CreatedAt, Content: template.HTML(e.Content), // sanitised when stored
			SpoilerText: e.SpoilerText})
	}
	return h.render(w, r, http.StatusOK, "history", view{Title: "Edit history", Page: hv})
}

func (h *Handler) deleteForm(w http.ResponseWriter, r *http.Request) error {
	_, p, err := h.ownPost(r)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "delete", view{Title: "Delete this post?", Page: p})
}

func (h *Handler) deletePost(w http.ResponseWriter, r *http.Request) error {
	st, p, err := h.ownPost(r)
	if err != nil {
		return err
	}
	if _, err := h.svc.DeleteStatus(r.Context(), AccountFrom(r.Context()), st.ID); err != nil {
		return err
	}
	return redirect(w, r, p.Author.Href)
}
