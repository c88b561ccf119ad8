package mastoapi

import (
	"context"
	"html"
	"net/url"
	"strings"

	"github.com/guildhall/guildhall/activitypub"
)

// presentAccount renders an actor as a Mastodon Account.
func (h *Handler) presentAccount(a *activitypub.Actor) account {
	acct := a.Username
	if !a.Local() {
		acct += "@" + a.Domain
	}
	avatar := a.AvatarURL
	if avatar == "" {
		avatar = h.base() + "/avatars/original/missing.png"
	}
	header := a.HeaderURL
	if header == "" {
		header = h.base() + "/headers/original/missing.png"
	}
	profile := a.URL
	if profile == "" {
		profile = a.URI
	}
	out := account{
		ID: a.ID, Username: a.Username, Acct: acct, DisplayName: a.DisplayName, Locked: a.ManuallyApproves,
		Bot:          a.Bot || a.Kind == activitypub.KindService || a.Kind == activitypub.KindApplication,
		Discoverable: a.Discoverable, Indexable: a.Indexable, Group: a.Kind == activitypub.KindGroup,
		CreatedAt: fmtTime(a.CreatedAt), Note: a.Summary, URL: profile, URI: a.URI,
		Avatar: avatar, AvatarStatic: avatar, Header: header, HeaderStatic: header,
		FollowersCount: a.FollowersCount, FollowingCount: a.FollowingCount, StatusesCount: a.StatusesCount,
		Emojis: []emoji{}, Roles: []any{}, Fields: presentFields(a.Fields), Noindex: !a.Indexable,
	}
	if a.LastStatusAt != nil {
		d := a.LastStatusAt.UTC().Format("2006-01-02") // a plain date, as Mastodon sends it
		out.LastStatusAt = &d
	}
	return out
}

func presentFields(fs []activitypub.Field) []field {
	out := make([]field, 0, len(fs))
	for _, f := range fs {
		out = append(out, field{Name: f.Name, Value: f.Value, VerifiedAt: fmtTimePtr(f.VerifiedAt)})
	}
	return out
}

// presentCredentials is verify_credentials' Account with its source.
func (h *Handler) presentCredentials(ctx context.Context, acct *activitypub.Account) (account, error) {
	a := h.presentAccount(&acct.Actor)
	fields := make([]field, 0, len(acct.Actor.Fields))
	for _, f := range acct.Actor.Fields {
		fields = append(fields, field{Name: f.Name, Value: stripTags(f.Value), VerifiedAt: fmtTimePtr(f.VerifiedAt)})
	}
	lang := acct.User.Locale
	if lang == "" {
		lang = "en"
	}
	set, err := h.accountSettings(ctx, acct)
	if err != nil {
		return account{}, err
	}
	a.Source = &source{
		Privacy: mastodonPrivacy(set.DefaultVisibility), Language: lang, Note: acct.Actor.SummarySource, Fields: fields,
		Discoverable: acct.Actor.Discoverable, Indexable: acct.Actor.Indexable,
	}
	n, err := h.svc.CountFollowRequests(ctx, acct)
	if err != nil {
		return account{}, err
	}
	a.Source.FollowRequestsCount = n
	return a, nil
}

// presentActors renders actors, keeping their order.
func (h *Handler) presentActors(actors []*activitypub.Actor) []account {
	out := make([]account, 0, len(actors))
	for _, a := range actors {
		out = append(out, h.presentAccount(a))
	}
	return out
}

// actorsByID loads actors by id, returning them in the order of ids and skipping missing ones.
func (h *Handler) actorsByID(ctx context.Context, ids []string) ([]*activitypub.Actor, error) {
	return h.svc.ActorsByIDs(ctx, ids)
}

// presentStatus renders one status.
func (h *Handler) presentStatus(ctx context.Context, c *call, st *activitypub.Status) (status, error) {
	out, err := h.presentStatuses(ctx, c, []*activitypub.Status{st})
	if err != nil {
		return status{}, err
	}
	if len(out) == 0 {
		return status{}, errNotFound
	}
	return out[0], nil
}

// presentStatuses renders statuses from the domain's read model, which decides what is left out
// (gone authors, boosts of gone originals, exclusive lists, hide filters) and loads everything
// with a fixed number of queries however long the list.
func (h *Handler) presentStatuses(ctx context.Context, c *call, sts []*activitypub.Status) ([]status, error) {
	views, err := h.views.StatusViews(ctx, viewQuery(c), sts)
	if err != nil {
		return nil, err
	}
	out := make([]status, 0, len(views))
	for _, v := range views {
		s := h.statusEntity(v.Status, v.Author, c, v.Flags)
		if v.Reblog != nil {
			inner := h.statusEntity(v.Reblog, v.ReblogAuthor, c, v.ReblogFlags)
			s.Reblog = &inner
			// The wrapper mirrors the original's flags and counts, as Mastodon does.
			s.Favourited, s.Reblogged, s.Bookmarked, s.Muted, s.Pinned = inner.Favourited, inner.Reblogged, inner.Bookmarked, inner.Muted, inner.Pinned
			s.Content, s.SpoilerText, s.Sensitive = "", "", false
		}
		if len(v.Filtered) > 0 {
			s.Filtered = presentFilterResults(v.Filtered)
			if s.Reblog != nil {
				s.Reblog.Filtered = s.Filtered
			}
		}
		out = append(out, s)
	}
	return out, nil
}

func (h *Handler) statusEntity(st *activitypub.Status, author *activitypub.Actor, c *call, f activitypub.ViewerFlags) status {
	vis := string(st.Visibility)
	localOnly := st.Visibility == activitypub.LocalOnly
	if localOnly {
		vis = "public" // clients know four visibilities; local_only says the rest (GoToSocial, Akkoma)
	}
	var partners []string
	if st.Visibility == activitypub.Partners {
		vis, partners = "private", st.Partners // as Mastodon shows its limited posts
	}
	content := st.Content
	if title := st.ShownTitle(); title != "" {
		content = "<p><strong>" + htmlEscape(title) + "</strong></p>" + content
	}
	s := status{
		ID: st.ID, URI: st.URI, CreatedAt: fmtTime(st.CreatedAt), EditedAt: fmtTimePtr(st.EditedAt),
		Account: h.presentAccount(author), Content: content, Visibility: vis, LocalOnly: localOnly,
		Sensitive: st.Sensitive, SpoilerText: st.SpoilerText, MediaAttachments: h.presentMedia(st.Attachments),
		Mentions: h.presentMentions(st.Mentions), Tags: h.presentTags(st.Tags), Emojis: []emoji{},
		ReblogsCount: st.ReblogsCount, FavouritesCount: st.FavouritesCount, RepliesCount: st.RepliesCount,
		Filtered: []any{}, GuildhallPartners: partners,
	}
	if st.URL != "" {
		u := st.URL
		s.URL = &u
	}
	if st.InReplyToID != "" {
		id := st.InReplyToID
		s.InReplyToID = &id
	}
	if st.InReplyToActorID != "" {
		id := st.InReplyToActorID
		s.InReplyToAccountID = &id
	}
	if st.Language != "" {
		l := st.Language
		s.Language = &l
	}
	if c.account != nil {
		s.Favourited, s.Reblogged, s.Bookmarked, s.Muted = &f.Favourited, &f.Reblogged, &f.Bookmarked, &f.Muted
		if st.ActorID == c.account.Actor.ID {
			s.Pinned = &f.Pinned
		}
	}
	return s
}

func (h *Handler) presentMentions(ms []activitypub.Mention) []mention {
	out := make([]mention, 0, len(ms))
	for _, m := range ms {
		acct := m.Username
		if m.Domain != "" {
			acct += "@" + m.Domain
		}
		u := m.URL
		if u == "" {
			u = m.URI
		}
		out = append(out, mention{ID: m.ActorID, Username: m.Username, Acct: acct, URL: u})
	}
	return out
}

func (h *Handler) presentTags(names []string) []tag {
	out := make([]tag, 0, len(names))
	for _, n := range names {
		out = append(out, h.presentTag(n))
	}
	return out
}

func (h *Handler) presentTag(name string) tag {
	return tag{Name: name, URL: h.base() + "/tags/" + url.PathEscape(name), History: []any{}}
}

func (h *Handler) presentRelationship(r *activitypub.Relationship) relationship {
	return relationship{
		ID: r.ID, Following: r.Following, ShowingReblogs: r.ShowingReblogs || (!r.Following && !r.Requested),
		Notifying: r.Notifying, Languages: []string{}, FollowedBy: r.FollowedBy, Blocking: r.Blocking,
		BlockedBy: r.BlockedBy, Muting: r.Muting, MutingNotifications: r.MutingNotifications,
		Requested: r.Requested, RequestedBy: r.RequestedBy,
	}
}

func uniq(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

var htmlReplacer = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")

func htmlEscape(s string) string { return htmlReplacer.Replace(s) }

// stripTags turns a short piece of our own sanitised HTML (a profile field) back into text.
func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return html.UnescapeString(b.String())
}
