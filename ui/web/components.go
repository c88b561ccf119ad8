package web

import (
	"context"
	"fmt"
	"html/template"
	"slices"
	"strconv"
	"time"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/preferences"
)

// The shared components (templates/components.html) are what other areas of the UI build on: a
// page calls {{template "post" postArgs . $post}} for a post and {{template "compose" compose . $c}}
// for the compose form, and gets the same markup, actions and accessibility as the timelines.

// postArgs is what the "post" template needs: the post and the token its action buttons carry.
type postArgs struct {
	CSRF   string
	Return string // the page the action buttons come back to
	P      postView
}

// composeView is the compose component's state: what was typed (kept after an error), where the
// form posts, and the post being replied to.
type composeView struct {
	// Action is the URL the form posts to; "/compose" unless a page handles its own.
	Action      string
	Text        string
	Markdown    bool
	Visibility  activitypub.Visibility
	SpoilerText string
	InReplyTo   string
	// Alts are the image descriptions typed, by slot, so a refused form keeps them.
	Alts [activitypub.MaxAttachments]string
	// Preview is the rendered text after the Preview button; empty otherwise.
	Preview template.HTML
	// Parent is the post replied to, shown above the form.
	Parent *postView
	// Quote is the id of the post quoted and Quoted the post, shown above the form; quoteURL
	// is its address, added to the text when posting.
	Quote    string
	Quoted   *postView
	quoteURL string
	// Heading labels the form's region; "Write a post" unless replying.
	Heading string
	// Compact folds the options into a disclosure, for the form on top of a timeline.
	Compact bool
	// Images says whether image upload is available (a media service is configured).
	Images bool
	// Return is where to go after posting.
	Return string
	// PartnerOptions is the instance's partner list, offered as checkboxes for a partner-only
	// post (only on the compose page: timelines offer the free-text field alone).
	PartnerOptions []string
	// Partners are the partner councils chosen (checked or typed), PartnersOther what was typed.
	Partners      []string
	PartnersOther string
	// Group is the id of the group the post goes in, "" for none. GroupFixed (the form on a
	// group's page) sends it hidden; otherwise Groups, when any, are offered as a choice.
	Group      string
	GroupFixed bool
	Groups     []groupChoice
}

// groupChoice is one group the compose form offers to post in.
type groupChoice struct {
	ID, Name string
}

type composeArgs struct {
	V view
	C composeView
}

// Slots numbers the image inputs.
func (c composeView) Slots() []int {
	out := make([]int, activitypub.MaxAttachments)
	for i := range out {
		out[i] = i
	}
	return out
}

// Alt is the description typed for slot i.
func (c composeView) Alt(i int) string { return c.Alts[i] }

// Remaining is how many characters are left, shown as the count's starting value.
func (c composeView) Remaining() int {
	return activitypub.MaxStatusChars - len([]rune(c.Text))
}

// PartnerChosen reports whether domain is among the partner councils chosen.
func (c composeView) PartnerChosen(domain string) bool { return slices.Contains(c.Partners, domain) }

// Selected reports whether v is the chosen visibility.
func (c composeView) Selected(v activitypub.Visibility) bool {
	if c.Visibility == "" {
		return v == activitypub.Public
	}
	return c.Visibility == v
}

type visibilityOption struct {
	Value activitypub.Visibility
	Label string
	Hint  string
}

// visibilityOptions are offered in this order; "internal" is second because most council posts
// are meant for colleagues.
var visibilityOptions = []visibilityOption{
	{activitypub.Public, visibilityLabel(activitypub.Public), "Anyone, on any server, and in public timelines"},
	{activitypub.LocalOnly, visibilityLabel(activitypub.LocalOnly), "Only people signed in to this council's Guildhall; never sent to other servers"},
	{activitypub.Unlisted, visibilityLabel(activitypub.Unlisted), "Anyone with the link, but not in public timelines"},
	{activitypub.Private, visibilityLabel(activitypub.Private), "Only your followers"},
	{activitypub.Partners, visibilityLabel(activitypub.Partners), "Only your followers here and on the partner councils you name below; no one else, on any server"},
	{activitypub.Direct, visibilityLabel(activitypub.Direct), "Only the people you mention"},
}

// humanTime is a short relative time for a post, with the exact time in the <time> element.
func humanTime(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute", "minutes") + " ago"
	case d < 24*time.Hour:
		return plural(int(d/time.Hour), "hour", "hours") + " ago"
	case t.Year() == now.Year():
		return t.UTC().Format("2 Jan")
	default:
		return t.UTC().Format("2 Jan 2006")
	}
}

// plural is "1 reply" or "3 replies": the caller gives both forms, English being irregular.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// unreadLimit caps the count in the navigation; past it the badge says "40+".
const unreadLimit = 40

// unreadCount is the number of notifications newer than the person's read marker. A failure is
// logged and shown as none: the count must not take the page down.
func (h *Handler) unreadCount(ctx context.Context, acct *activitypub.Account) int {
	last, err := h.notificationsMarker(ctx, acct)
	if err != nil {
		h.log.WarnContext(ctx, "web: reading the notifications marker", "err", err)
		return 0
	}
	ns, err := h.svc.Notifications(ctx, acct, activitypub.NotificationFilter{},
		activitypub.Page{SinceID: last, Limit: unreadLimit + 1})
	if err != nil {
		h.log.WarnContext(ctx, "web: counting notifications", "err", err)
		return 0
	}
	return len(ns)
}

func (h *Handler) notificationsMarker(ctx context.Context, acct *activitypub.Account) (string, error) {
	if h.markers == nil {
		return "", nil
	}
	ms, err := h.markers.Get(ctx, acct, []string{preferences.MarkerNotifications})
	if err != nil {
		return "", fmt.Errorf("markers: %w", err)
	}
	if m := ms[preferences.MarkerNotifications]; m != nil {
		return m.LastReadID, nil
	}
	return "", nil
}

// UnreadLabel is the navigation badge's text.
func (v view) UnreadLabel() string {
	if v.Unread > unreadLimit {
		return strconv.Itoa(unreadLimit) + "+"
	}
	return strconv.Itoa(v.Unread)
}
