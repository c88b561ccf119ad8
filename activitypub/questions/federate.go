package questions

import (
	"context"

	ap "github.com/guildhall/guildhall/activitypub"
)

// groupActor loads the group a question was asked in, nil when none or when the group is not
// local (a remote group boosts and pins on its own server).
func (q *Questions) groupActor(ctx context.Context, groupID string) (*ap.Actor, error) {
	if groupID == "" || q.groups == nil {
		return nil, nil
	}
	a, err := q.store.ActorByID(ctx, groupID)
	if ap.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !a.Local() || a.Kind != ap.KindGroup {
		return nil, nil
	}
	return a, nil
}

// enqueueUpdate queues the visible Update of a question. Besides the asker's followers it is
// addressed to the group's members (the group's followers collection, which delivery expands)
// and to the answer's author, so every server that showed the question or wrote the answer
// hears of the acceptance even when no one there follows the asker.
func (q *Questions) enqueueUpdate(ctx context.Context, asker, group, answerAuthor *ap.Actor, qs *ap.Status) error {
	var to, cc []string
	switch qs.Visibility {
	case ap.Public:
		to, cc = []string{ap.PublicAudience}, []string{asker.FollowersURI}
	case ap.Unlisted:
		to, cc = []string{asker.FollowersURI}, []string{ap.PublicAudience}
	case ap.Private:
		to = []string{asker.FollowersURI}
	default:
		// Local-only and direct questions do not federate their acceptance; nor, for now, do
		// partner-only ones: their audience is the kernel's to compute, and sending nothing
		// cannot leak one to a server that is not a partner.
		return nil
	}
	if group != nil {
		cc = append(cc, group.URI, group.FollowersURI)
	}
	if answerAuthor != nil && !answerAuthor.Local() {
		cc = append(cc, answerAuthor.URI)
	}
	for _, m := range qs.Mentions {
		cc = append(cc, m.URI)
	}
	return q.svc.Enqueue(ctx, asker, ap.Activity{ID: qs.URI + "#update-" + q.svc.NewID(), Type: "Update",
		Object: qs.URI, StatusID: qs.ID, To: to, Cc: cc})
}

// groupFeature moves the group's boost and pin from the answer accepted before (oldID) to ans.
// The group boosts as Mastodon followers see boosts; the pin puts the answer in the group's
// featured collection. A group pins only posts it relayed: an answer it refused (a banned
// author, a locked thread) is boosted but not pinned. The asker may not be a moderator, and
// pinning is a moderator's act in the groups area, so the group's own account acts then: the
// asker's right to accept is the authority.
func (q *Questions) groupFeature(ctx context.Context, by *ap.Account, mod bool, group *ap.Actor, qs *ap.Status, oldID string, ans *ap.Status) error {
	if group == nil || qs.Visibility == ap.Private || qs.Visibility == ap.Direct || qs.Visibility == ap.Partners {
		return nil
	}
	groupAcct := &ap.Account{Actor: *group}
	pinner := by
	if !mod {
		pinner = &ap.Account{Actor: *group, User: ap.User{Admin: true}}
	}
	if oldID != "" {
		if _, err := q.svc.Unreblog(ctx, groupAcct, oldID); err != nil && !ap.IsNotFound(err) {
			return err
		}
		if err := q.groups.Pin(ctx, pinner, group.ID, oldID, false); err != nil && !ap.IsNotFound(err) {
			return err
		}
	}
	if ans == nil {
		return nil
	}
	if _, err := q.svc.Reblog(ctx, groupAcct, ans.ID); err != nil {
		return err
	}
	err := q.groups.Pin(ctx, pinner, group.ID, ans.ID, true)
	if ap.IsNotFound(err) {
		q.log.InfoContext(ctx, "accepted answer not pinned: the group did not relay it", "group", group.URI, "answer", ans.URI)
		return nil
	}
	return err
}
