package mastoapi

import (
	"context"
	"net/http"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/preferences"
)

// conversation is Mastodon's Conversation entity: a direct-message thread.
type conversation struct {
	ID         string    `json:"id"`
	Unread     bool      `json:"unread"`
	Accounts   []account `json:"accounts"`
	LastStatus *status   `json:"last_status"`
}

// presentConversations renders conversations with the status and account presenters, a fixed
// number of queries for the whole page. One whose last status the presenters drop (a filter
// hides it, its author is suspended) is left out rather than sent with a null last_status, which
// several clients do not expect.
func (h *Handler) presentConversations(ctx context.Context, c *call, convs []*preferences.Conversation) ([]conversation, error) {
	sts := make([]*activitypub.Status, len(convs))
	for i, cv := range convs {
		sts[i] = cv.LastStatus
	}
	rendered, err := h.presentStatuses(ctx, c, sts)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*status, len(rendered))
	for i := range rendered {
		byID[rendered[i].ID] = &rendered[i]
	}
	out := make([]conversation, 0, len(convs))
	for _, cv := range convs {
		last := byID[cv.LastStatus.ID]
		if last == nil {
			continue
		}
		others := make([]*activitypub.Actor, 0, len(cv.Accounts))
		for _, a := range cv.Accounts {
			if !activitypub.AuthorGone(a) {
				others = append(others, a)
			}
		}
		out = append(out, conversation{ID: cv.ID, Unread: cv.Unread, Accounts: h.presentActors(others), LastStatus: last})
	}
	return out, nil
}

// conversationsList is GET /api/v1/conversations, newest first and paged (max_id, since_id,
// min_id) by the id of each conversation's last status, as Mastodon does.
func (h *Handler) conversationsList(w http.ResponseWriter, r *http.Request, c *call) error {
	convs, err := h.conversations.List(r.Context(), c.account, page(c.p, 20, 40))
	if err != nil {
		return err
	}
	out, err := h.presentConversations(r.Context(), c, convs)
	if err != nil {
		return err
	}
	if len(convs) > 0 {
		h.setLink(w, r, convs[0].LastStatus.ID, convs[len(convs)-1].LastStatus.ID)
	}
	return ok(w, out)
}

// readConversation is POST /api/v1/conversations/:id/read; it answers the conversation.
func (h *Handler) readConversation(w http.ResponseWriter, r *http.Request, c *call) error {
	cv, err := h.conversations.MarkRead(r.Context(), c.account, pathID(r))
	if err != nil {
		return err
	}
	out, err := h.presentConversations(r.Context(), c, []*preferences.Conversation{cv})
	if err != nil {
		return err
	}
	if len(out) == 0 {
		return errNotFound
	}
	return ok(w, out[0])
}

// removeConversation is DELETE /api/v1/conversations/:id: hidden for the caller until a new
// message arrives in it.
func (h *Handler) removeConversation(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.conversations.Remove(r.Context(), c.account, pathID(r)); err != nil {
		return err
	}
	return ok(w, map[string]any{})
}
