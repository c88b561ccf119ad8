package web

import (
	"context"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/guildhall/guildhall/activitypub"
)

// actorView is a person as every page shows them: a name, a handle and a link to their profile
// on this site (never the remote one, so reading a profile does not leave the instance).
type actorView struct {
	ID     string
	Name   string
	Handle string // @name@host, the form people type to find them
	Href   string // /@name for local people, /@name@host for remote ones
	Local  bool
	// Avatar is set only for images this instance serves itself: a remote avatar would tell the
	// remote server who reads what, so remote people get their initial instead.
	Avatar  string
	Initial string
	Locked  bool
	Bot     bool
	Summary template.HTML
	Fields  []fieldView
	Actor   *activitypub.Actor
}

// fieldView is one profile field; the value is sanitised HTML from the domain.
type fieldView struct {
	Name  string
	Value template.HTML
}

// postView is the post component's data: everything it shows, already decided.
type postView struct {
	ID          string
	Href        string // the thread page
	Author      actorView
	BoostedBy   *actorView // set when this entry is someone's boost of the post
	Content     template.HTML
	SpoilerText string
	Title       string
	Visibility  activitypub.Visibility
	CreatedAt   time.Time
	EditedAt    *time.Time
	Images      []imageView
	InReplyTo   string // the parent's thread page, when it is known here
	Replies     int
	Boosts      int
	Likes       int
	Liked       bool
	Boosted     bool
	Bookmarked  bool
	Mine        bool // the viewer wrote it: edit and delete are offered
	SignedIn    bool
	// Focus marks the post a thread page is about.
	Focus bool
	// When and ISO are the relative and exact times, and VisibilityLabel the audience in words,
	// worked out here rather than in the template: a timeline has forty posts and template
	// function calls are the most expensive part of rendering it.
	When, ISO       string
	VisibilityLabel string
	// Actions is the list of buttons, already HTML: written by actionsHTML, which escapes every
	// value, because forty posts of six forms each made the template the slowest part of a page.
	Actions template.HTML
}

// actionView is one button or link under a post. Forms carry the page's token and address, so
// the template only prints fields.
type actionView struct {
	Link         bool   // a link (reply, edit, delete) rather than a form button
	Href         string // the link, or the form's action
	Label        string
	Hidden       string // words for screen readers that say which post
	On           bool   // a toggle that is on: the button undoes it
	Count        int
	Danger       bool
	PostID       string
	CSRF, Return string
}

// imageView is an attachment. Local files are shown; a remote one is only linked, for the same
// reason remote avatars are not loaded.
type imageView struct {
	URL, Preview, Alt string
	Local             bool
}

// visibilityLabel is the words shown for a visibility; the internal one names the council, since
// "local" means nothing to staff.
func visibilityLabel(v activitypub.Visibility) string {
	switch v {
	case activitypub.Public:
		return "Public"
	case activitypub.Unlisted:
		return "Unlisted"
	case activitypub.Private:
		return "Followers only"
	case activitypub.Direct:
		return "Mentioned people only"
	case activitypub.LocalOnly:
		return "Internal: this council only"
	case activitypub.Partners:
		return "Partner councils only"
	}
	return string(v)
}

// presenter turns domain objects into views for one viewer and one page: csrf and ret are what
// the post buttons send back (the session's token and the page to return to).
type presenter struct {
	h         *Handler
	viewer    *activitypub.Account
	csrf, ret string
	now       time.Time
	// query says where the posts are shown, which decides the viewer's filters that apply.
	query activitypub.ViewQuery
}

func (h *Handler) presenter(r *http.Request) presenter {
	p := presenter{h: h, viewer: AccountFrom(r.Context()), ret: safeNext(r.URL.RequestURI()), now: time.Now()}
	if s := sessionFrom(r.Context()); s != nil {
		p.csrf = s.CSRFToken
	}
	return p
}

// actor is the view of one actor.
func (p presenter) actor(a *activitypub.Actor) actorView {
	v := actorView{ID: a.ID, Name: strings.TrimSpace(a.DisplayName), Local: a.Local(), Locked: a.ManuallyApproves,
		Bot:     a.Bot || a.Kind == activitypub.KindService || a.Kind == activitypub.KindApplication,
		Summary: template.HTML(a.Summary), Actor: a} // #nosec: Summary is sanitised by the domain
	if v.Name == "" {
		v.Name = a.Username
	}
	host := a.Domain
	if a.Local() {
		host = p.h.svc.Domain()
		v.Href = "/@" + url.PathEscape(a.Username)
	} else {
		v.Href = "/@" + url.PathEscape(a.Username) + "@" + url.PathEscape(a.Domain)
	}
	v.Handle = "@" + a.Username + "@" + host
	if p.h.ownMedia(a.AvatarURL) {
		v.Avatar = a.AvatarURL
	}
	for _, r := range v.Name {
		v.Initial = strings.ToUpper(string(r))
		break
	}
	for _, f := range a.Fields {
		v.Fields = append(v.Fields, fieldView{Name: f.Name, Value: template.HTML(f.Value)}) // sanitised by the domain
	}
	return v
}

// ownMedia reports whether u is a file this instance serves, so the page loads nothing remote.
func (h *Handler) ownMedia(u string) bool {
	if u == "" {
		return false
	}
	base := h.svc.BaseURL() + "/"
	return strings.HasPrefix(u, base) || (strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//"))
}

// gone reports whether an actor must not be shown: unknown, deleted or suspended.
func gone(a *activitypub.Actor) bool { return activitypub.AuthorGone(a) }

// posts renders statuses through the domain's read model, which loads the boosted originals,
// the authors and the viewer's flags once for the whole list and leaves out what must not be
// shown (gone authors, boosts of deleted posts, the viewer's hide filters).
func (p presenter) posts(ctx context.Context, sts []*activitypub.Status) ([]postView, error) {
	q := p.query
	q.Viewer = p.viewer
	svs, err := p.h.views.StatusViews(ctx, q, sts)
	if err != nil {
		return nil, err
	}
	out := make([]postView, 0, len(svs))
	for _, sv := range svs {
		if sv.Reblog == nil {
			out = append(out, p.post(sv.Status, sv.Author, sv.Flags))
			continue
		}
		v := p.post(sv.Reblog, sv.ReblogAuthor, sv.ReblogFlags)
		booster := p.actor(sv.Author)
		v.BoostedBy = &booster
		out = append(out, v)
	}
	return out, nil
}

func (p presenter) post(st *activitypub.Status, author *activitypub.Actor, f activitypub.ViewerFlags) postView {
	a := p.actor(author)
	v := postView{
		ID: st.ID, Href: a.Href + "/" + url.PathEscape(st.ID), Author: a,
		Content:     template.HTML(st.Content), // sanitised by the domain (local rendering or bluemonday)
		SpoilerText: st.SpoilerText, Title: st.ShownTitle(), Visibility: st.Visibility,
		CreatedAt: st.CreatedAt, EditedAt: st.EditedAt,
		Replies: st.RepliesCount, Boosts: st.ReblogsCount, Likes: st.FavouritesCount,
		SignedIn: p.viewer != nil,
		When:     humanTime(p.now, st.CreatedAt), ISO: st.CreatedAt.UTC().Format(time.RFC3339),
		VisibilityLabel: visibilityLabel(st.Visibility),
	}
	if st.Visibility == activitypub.Partners {
		v.VisibilityLabel += ": " + strings.Join(st.Partners, ", ")
	}
	if st.InReplyToID != "" {
		v.InReplyTo = "/statuses/" + url.PathEscape(st.InReplyToID)
	}
	if p.viewer != nil {
		v.Liked, v.Boosted, v.Bookmarked = f.Favourited, f.Reblogged, f.Bookmarked
		v.Mine = st.ActorID == p.viewer.Actor.ID
	}
	for _, at := range st.Attachments {
		img := imageView{URL: at.URL, Preview: at.PreviewURL, Alt: at.Description, Local: p.h.ownMedia(at.URL)}
		if !img.Local && at.RemoteURL != "" {
			img.URL = at.RemoteURL
		}
		if img.Preview == "" || !p.h.ownMedia(img.Preview) {
			img.Preview = img.URL
		}
		v.Images = append(v.Images, img)
	}
	if p.viewer != nil {
		v.Actions = actionsHTML(p.actions(v))
	}
	return v
}

// actions are the buttons under a post, in the order they are shown.
func (p presenter) actions(v postView) []actionView {
	who := " post by " + v.Author.Name
	toggle := func(verb string, on bool, do, undo string, count int) actionView {
		a := actionView{Href: v.Href + "/" + verb, Label: do, Hidden: who, On: on, Count: count,
			PostID: v.ID, CSRF: p.csrf, Return: p.ret}
		if on {
			a.Label = undo
		}
		return a
	}
	out := make([]actionView, 0, 6)
	out = append(out, actionView{Link: true, Href: v.Href + "#compose-text", Label: "Reply", Hidden: " to " + v.Author.Name, Count: v.Replies})
	out = append(out, toggle("like", v.Liked, "Like", "Unlike", v.Likes))
	if v.Visibility == activitypub.Public || v.Visibility == activitypub.Unlisted || v.Visibility == activitypub.LocalOnly {
		out = append(out, toggle("boost", v.Boosted, "Boost", "Undo boost", v.Boosts),
			actionView{Link: true, Href: "/compose?quote=" + url.QueryEscape(v.ID), Label: "Quote", Hidden: who})
	}
	out = append(out, toggle("bookmark", v.Bookmarked, "Bookmark", "Remove bookmark", 0))
	if v.Mine {
		out = append(out,
			actionView{Link: true, Href: v.Href + "/edit", Label: "Edit", Hidden: " your post"},
			actionView{Link: true, Href: v.Href + "/delete", Label: "Delete", Hidden: " your post", Danger: true})
	} else if v.SignedIn {
		out = append(out, actionView{Link: true, Href: "/report?status=" + url.QueryEscape(v.ID), Label: "Report", Hidden: who})
	}
	return out
}

// actionsHTML writes the post buttons. Every value goes through html.EscapeString inside double
// quotes or as text, and every href is a path on this site built here, so nothing typed by a
// person or sent by a server can break out of its attribute.
func actionsHTML(as []actionView) template.HTML {
	var b strings.Builder
	b.Grow(len(as) * 400)
	esc := html.EscapeString
	b.WriteString(`<ul class="post-actions">`)
	for _, a := range as {
		label := esc(a.Label) + `<span class="visually-hidden">` + esc(a.Hidden) + `</span>`
		if a.Count > 0 {
			label += ` <span class="action-count">` + strconv.Itoa(a.Count) + `</span>`
		}
		if a.Link {
			class := "action"
			if a.Danger {
				class += " action-danger"
			}
			b.WriteString(`<li><a href="` + esc(a.Href) + `" class="` + class + `">` + label + `</a></li>`)
			continue
		}
		b.WriteString(`<li><form method="post" action="` + esc(a.Href) + `" class="action-form" data-post="` + esc(a.PostID) + `">`)
		b.WriteString(`<input type="hidden" name="csrf_token" value="` + esc(a.CSRF) + `">`)
		if a.On {
			b.WriteString(`<input type="hidden" name="undo" value="1">`)
		}
		b.WriteString(`<input type="hidden" name="return" value="` + esc(a.Return) + `">`)
		class := "action"
		if a.On {
			class += " action-on"
		}
		b.WriteString(`<button type="submit" class="` + class + `">` + label + `</button></form></li>`)
	}
	b.WriteString(`</ul>`)
	return template.HTML(b.String()) // #nosec: built from escaped values above
}

func uniq(ids []string) []string {
	seen := make(map[string]struct{}, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if _, ok := seen[id]; !ok && id != "" {
			seen[id] = struct{}{}
			out = append(out, id)
		}
	}
	return out
}
