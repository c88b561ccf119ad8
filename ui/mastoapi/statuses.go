package mastoapi

import (
	"context"
	"net/http"

	"github.com/guildhall/guildhall/activitypub"
)

func (h *Handler) createStatus(w http.ResponseWriter, r *http.Request, c *call) error {
	if c.p.has("scheduled_at") && c.p.str("scheduled_at") != "" {
		return errStatus(http.StatusUnprocessableEntity, "Scheduled statuses are not supported yet")
	}
	if len(c.p.strs("poll[options]")) > 0 {
		return errStatus(http.StatusUnprocessableEntity, "Polls are not supported yet")
	}
	vis := activitypub.Visibility(c.p.str("visibility"))
	if c.p.boolean("local_only") { // GoToSocial's and Akkoma's way of saying it
		vis = activitypub.LocalOnly
	}
	partners := c.p.strs("guildhall_partners")
	if vis == "" && len(partners) > 0 {
		vis = activitypub.Partners // naming partners is choosing partner-only, whatever the default
	}
	if vis == "" {
		var err error
		if vis, err = h.defaultVisibility(r.Context(), c.account); err != nil {
			return err
		}
	}
	// content_type is the Pleroma/GoToSocial extension clients use to send Markdown.
	format := activitypub.FormatPlain
	switch c.p.str("content_type") {
	case "", "text/plain":
	case "text/markdown":
		format = activitypub.FormatMarkdown
	default:
		return errStatus(http.StatusUnprocessableEntity, "content_type must be text/plain or text/markdown")
	}
	st, err := h.svc.PostOnce(r.Context(), c.account, activitypub.PostInput{
		Text: c.p.str("status"), Format: format, Visibility: vis, InReplyToID: c.p.str("in_reply_to_id"),
		SpoilerText: c.p.str("spoiler_text"), Sensitive: c.p.boolean("sensitive"),
		Language: c.p.str("language"), AttachmentIDs: c.p.strs("media_ids"),
		Partners:       partners, // with visibility private (or none): partner-only
		IdempotencyKey: r.Header.Get("Idempotency-Key"),
	})
	if err != nil {
		return err
	}
	return h.writeStatus(w, r, c, st)
}

func (h *Handler) writeStatus(w http.ResponseWriter, r *http.Request, c *call, st *activitypub.Status) error {
	out, err := h.presentStatus(r.Context(), c, st)
	if err != nil {
		return err
	}
	return ok(w, out)
}

func (h *Handler) status(w http.ResponseWriter, r *http.Request, c *call) error {
	st, err := h.svc.GetStatus(r.Context(), c.viewer(), pathID(r))
	if err != nil {
		return err
	}
	return h.writeStatus(w, r, c, st)
}

// statusesByIDs is GET /api/v1/statuses?id[]=…, which Phanpy uses on Mastodon 4.3 to refresh
// several posts at once. Unknown and invisible ids are skipped, as Mastodon does.
func (h *Handler) statusesByIDs(w http.ResponseWriter, r *http.Request, c *call) error {
	ids := uniq(c.p.strs("id"))
	if len(ids) > 40 {
		return errStatus(http.StatusUnprocessableEntity, "Too many ids (at most 40)")
	}
	sts, err := h.statusesByID(r.Context(), c, ids)
	if err != nil {
		return err
	}
	out, err := h.presentStatuses(r.Context(), c, sts)
	if err != nil {
		return err
	}
	return ok(w, out)
}

func (h *Handler) editStatus(w http.ResponseWriter, r *http.Request, c *call) error {
	in := activitypub.EditInput{
		Text: c.p.str("status"), SpoilerText: c.p.str("spoiler_text"), Sensitive: c.p.boolean("sensitive"),
		Language: c.p.str("language"),
	}
	if c.p.has("media_ids") {
		in.AttachmentIDs = append([]string{}, c.p.strs("media_ids")...)
	}
	st, err := h.svc.EditStatus(r.Context(), c.account, pathID(r), in)
	if err != nil {
		return err
	}
	return h.writeStatus(w, r, c, st)
}

func (h *Handler) deleteStatus(w http.ResponseWriter, r *http.Request, c *call) error {
	st, err := h.svc.DeleteStatus(r.Context(), c.account, pathID(r))
	if err != nil {
		return err
	}
	st.DeletedAt = nil // present it as it was, for delete-and-redraft
	out, err := h.presentStatus(r.Context(), c, st)
	if err != nil {
		return err
	}
	text := st.Source
	out.Text = &text
	return ok(w, out)
}

func (h *Handler) statusSource(w http.ResponseWriter, r *http.Request, c *call) error {
	st, err := h.svc.GetStatus(r.Context(), c.viewer(), pathID(r))
	if err != nil {
		return err
	}
	if st.ActorID != c.account.Actor.ID {
		return errNotFound
	}
	return ok(w, statusSource{ID: st.ID, Text: st.Source, SpoilerText: st.SpoilerText})
}

func (h *Handler) statusHistory(w http.ResponseWriter, r *http.Request, c *call) error {
	edits, st, err := h.svc.StatusHistory(r.Context(), c.viewer(), pathID(r))
	if err != nil {
		return err
	}
	author, err := h.svc.ActorByID(r.Context(), st.ActorID)
	if err != nil {
		return err
	}
	acct := h.presentAccount(author)
	media := h.presentMedia(st.Attachments)
	out := make([]statusEdit, 0, len(edits)+1)
	for _, e := range edits {
		out = append(out, statusEdit{Content: e.Content, SpoilerText: e.SpoilerText, Sensitive: e.Sensitive,
			CreatedAt: fmtTime(e.CreatedAt), Account: acct, MediaAttachments: media, Emojis: []emoji{}})
	}
	current := st.CreatedAt
	if st.EditedAt != nil {
		current = *st.EditedAt
	}
	out = append(out, statusEdit{Content: st.Content, SpoilerText: st.SpoilerText, Sensitive: st.Sensitive,
		CreatedAt: fmtTime(current), Account: acct, MediaAttachments: media, Emojis: []emoji{}})
	return ok(w, out)
}

func (h *Handler) statusContext(w http.ResponseWriter, r *http.Request, c *call) error {
	anc, desc, err := h.svc.Thread(r.Context(), c.viewer(), pathID(r))
	if err != nil {
		return err
	}
	a, err := h.presentStatuses(r.Context(), c, anc)
	if err != nil {
		return err
	}
	d, err := h.presentStatuses(r.Context(), c, desc)
	if err != nil {
		return err
	}
	return ok(w, threadContext{Ancestors: a, Descendants: d})
}

func (h *Handler) favouritedBy(w http.ResponseWriter, r *http.Request, c *call) error {
	st, err := h.svc.GetStatus(r.Context(), c.viewer(), pathID(r))
	if err != nil {
		return err
	}
	fs, err := h.svc.FavouritedBy(r.Context(), st.ID, page(c.p, 40, 80))
	if err != nil {
		return err
	}
	cursors, ids := make([]string, 0, len(fs)), make([]string, 0, len(fs))
	for _, f := range fs {
		cursors, ids = append(cursors, f.ID), append(ids, f.ActorID)
	}
	return h.writeActorPage(w, r, cursors, ids)
}

func (h *Handler) rebloggedBy(w http.ResponseWriter, r *http.Request, c *call) error {
	st, err := h.svc.GetStatus(r.Context(), c.viewer(), pathID(r))
	if err != nil {
		return err
	}
	bs, err := h.svc.RebloggedBy(r.Context(), st.ID, page(c.p, 40, 80))
	if err != nil {
		return err
	}
	cursors, ids := make([]string, 0, len(bs)), make([]string, 0, len(bs))
	for _, b := range bs {
		cursors, ids = append(cursors, b.ID), append(ids, b.ActorID)
	}
	return h.writeActorPage(w, r, cursors, ids)
}

// statusAction is favourite, reblog, bookmark... : a domain call answered with the status.
func (h *Handler) statusAction(w http.ResponseWriter, r *http.Request, c *call,
	do func(ctx context.Context, by *activitypub.Account, id string) (*activitypub.Status, error)) error {
	st, err := do(r.Context(), c.account, pathID(r))
	if err != nil {
		return err
	}
	return h.writeStatus(w, r, c, st)
}

func (h *Handler) favourite(w http.ResponseWriter, r *http.Request, c *call) error {
	return h.statusAction(w, r, c, h.svc.Favourite)
}

func (h *Handler) unfavourite(w http.ResponseWriter, r *http.Request, c *call) error {
	return h.statusAction(w, r, c, h.svc.Unfavourite)
}

func (h *Handler) reblog(w http.ResponseWriter, r *http.Request, c *call) error {
	return h.statusAction(w, r, c, h.svc.Reblog)
}

func (h *Handler) unreblog(w http.ResponseWriter, r *http.Request, c *call) error {
	return h.statusAction(w, r, c, h.svc.Unreblog)
}

func (h *Handler) bookmark(w http.ResponseWriter, r *http.Request, c *call) error {
	return h.statusAction(w, r, c, h.svc.Bookmark)
}

func (h *Handler) unbookmark(w http.ResponseWriter, r *http.Request, c *call) error {
	return h.statusAction(w, r, c, h.svc.Unbookmark)
}

func (h *Handler) pin(w http.ResponseWriter, r *http.Request, c *call) error {
	return h.statusAction(w, r, c, h.svc.Pin)
}

func (h *Handler) unpin(w http.ResponseWriter, r *http.Request, c *call) error {
	return h.statusAction(w, r, c, h.svc.Unpin)
}
