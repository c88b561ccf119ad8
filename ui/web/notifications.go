package web

import (
	"context"
	"net/http"
	"net/url"

	"github.com/gorilla/mux"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/preferences"
)

// notificationView is one line of the notifications page.
type notificationView struct {
	ID     string
	From   actorView
	Text   string // "followed you", "liked your post"…
	Post   *postView
	New    bool
	Asking bool // a follow request still waiting for an answer
}

type notificationsView struct {
	Items []notificationView
	Older string
}

var notificationTexts = map[activitypub.NotificationType]string{
	activitypub.NotifyFollow:        "followed you",
	activitypub.NotifyFollowRequest: "asked to follow you",
	activitypub.NotifyMention:       "mentioned you",
	activitypub.NotifyReblog:        "boosted your post",
	activitypub.NotifyFavourite:     "liked your post",
	activitypub.NotifyStatus:        "posted",
	activitypub.NotifyUpdate:        "edited a post you interacted with",
	activitypub.NotifyAnswer:        "answered your question",
	activitypub.NotifyAccepted:      "accepted your answer",
}

// notifications lists what happened, newest first. Opening the first page moves the read marker,
// as every social app does; it is the one GET that changes something, and all it changes is the
// unread count.
func (h *Handler) notifications(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	acct := AccountFrom(ctx)
	if acct == nil {
		return redirect(w, r, signInURL(r))
	}
	maxID := r.URL.Query().Get("max_id")
	ns, err := h.svc.Notifications(ctx, acct, activitypub.NotificationFilter{}, activitypub.Page{MaxID: maxID, Limit: pageSize})
	if err != nil {
		return err
	}
	lastRead, err := h.notificationsMarker(ctx, acct)
	if err != nil {
		return err
	}
	nv := notificationsView{}
	if nv.Items, err = h.notificationItems(ctx, r, acct, ns, lastRead); err != nil {
		return err
	}
	if len(ns) == pageSize {
		nv.Older = "/notifications?max_id=" + url.QueryEscape(ns[len(ns)-1].ID)
	}
	if maxID == "" && len(ns) > 0 && ns[0].ID > lastRead && h.markers != nil {
		if _, err := h.markers.Save(ctx, acct, map[string]string{preferences.MarkerNotifications: ns[0].ID}); err != nil {
			return err
		}
	}
	return h.render(w, r, http.StatusOK, "notifications", view{Title: "Notifications", Section: "notifications", Page: nv})
}

func (h *Handler) notificationItems(ctx context.Context, r *http.Request, acct *activitypub.Account, ns []*activitypub.Notification, lastRead string) ([]notificationView, error) {
	var actorIDs, statusIDs []string
	for _, n := range ns {
		actorIDs = append(actorIDs, n.FromActorID)
		if n.StatusID != "" {
			statusIDs = append(statusIDs, n.StatusID)
		}
	}
	actors, err := h.svc.ActorsByIDs(ctx, uniq(actorIDs))
	if err != nil {
		return nil, err
	}
	byID := map[string]*activitypub.Actor{}
	for _, a := range actors {
		byID[a.ID] = a
	}
	pr := h.presenter(r)
	pr.query.Filter = activitypub.FilterNotifications
	posts := map[string]postView{}
	if len(statusIDs) > 0 {
		sts, err := h.svc.StatusesByIDs(ctx, uniq(statusIDs))
		if err != nil {
			return nil, err
		}
		visible, err := h.visibleOnly(ctx, acct, sts)
		if err != nil {
			return nil, err
		}
		pvs, err := pr.posts(ctx, visible)
		if err != nil {
			return nil, err
		}
		for _, p := range pvs {
			posts[p.ID] = p
		}
	}
	var out []notificationView
	for _, n := range ns {
		from := byID[n.FromActorID]
		text, known := notificationTexts[n.Type]
		if gone(from) || !known {
			continue
		}
		item := notificationView{ID: n.ID, From: pr.actor(from), Text: text, New: n.ID > lastRead}
		if p, ok := posts[n.StatusID]; ok {
			item.Post = &p
		} else if n.StatusID != "" {
			continue // the post was deleted or is no longer visible
		}
		if n.Type == activitypub.NotifyFollowRequest {
			rel, err := h.svc.Relationship(ctx, acct.Actor.ID, from.ID)
			if err != nil {
				return nil, err
			}
			item.Asking = rel.RequestedBy
		}
		out = append(out, item)
	}
	return out, nil
}

func (h *Handler) visibleOnly(ctx context.Context, acct *activitypub.Account, sts []*activitypub.Status) ([]*activitypub.Status, error) {
	out := sts[:0:0]
	for _, st := range sts {
		ok, err := h.svc.CanSee(ctx, viewerOf(acct), st)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, st)
		}
	}
	return out, nil
}

// answerFollowRequest accepts or rejects a request to follow a locked account.
func (h *Handler) answerFollowRequest(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	acct := AccountFrom(ctx)
	follower := mux.Vars(r)["actor"]
	var err error
	if mux.Vars(r)["verb"] == "accept" {
		_, err = h.svc.AuthorizeFollowRequest(ctx, acct, follower)
	} else {
		_, err = h.svc.RejectFollowRequest(ctx, acct, follower)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/notifications")
}
