package groups

import (
	"context"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
)

// ReceiveAnnounce takes a remote group's relay of a post, on a member's server. The inbox has
// checked that the group itself signed the Announce and has the post from the store or from
// its author's origin, never from the group's embedded copy. The post is stored as boosted by
// the group, so it shows in the members' home timelines, and remembered as posted to the group.
// A local post keeps what it says: a remote group's claims about it change nothing here.
func (g *Groups) ReceiveAnnounce(ctx context.Context, group *ap.Actor, announceURI string, orig *ap.Status, published time.Time, vis ap.Visibility) error {
	const op = "groups.ReceiveAnnounce"
	if group == nil || group.Local() || group.Kind != ap.KindGroup {
		return ap.E(op, ap.Forbidden, "only a remote group relays posts")
	}
	if orig == nil || orig.DeletedAt != nil {
		return nil
	}
	if !orig.Local && orig.GroupID == "" {
		if err := g.store.SetStatusGroup(ctx, orig.ID, group.ID); err != nil {
			return ap.Wrap(op, err)
		}
	}
	_, err := g.svc.ReceiveAnnounce(ctx, group, announceURI, orig, published, vis)
	return err
}

// ReceiveRemove applies a remote group's removal of a post it had relayed (Remove, or an
// announced Delete by a moderator): the group's boost goes, and with it the post from the
// members' home timelines. The post itself is its author's and stays.
func (g *Groups) ReceiveRemove(ctx context.Context, group *ap.Actor, statusURI string) error {
	if group == nil || group.Local() || group.Kind != ap.KindGroup {
		return ap.E("groups.ReceiveRemove", ap.Forbidden, "only a remote group removes posts from itself")
	}
	return g.svc.ReceiveUndo(ctx, group, ap.Undone{Type: "Announce", Object: statusURI})
}
