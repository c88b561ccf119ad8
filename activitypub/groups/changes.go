package groups

import (
	"context"

	ap "github.com/guildhall/guildhall/activitypub"
)

// What happens to a relayed post when its author changes it. Members follow the group, not the
// author, so their servers never hear the author's own Delete or Update: the group passes them
// on (FEP-1b12). A deletion takes the relay back (Undo{Announce} for Mastodon, Remove for Lemmy
// and Mbin) and announces the Delete; an edit is announced as Announce{Update{Note}}, which
// group-aware servers verify against the author's origin.

// localDeleted hears a local author's deletion (Service.OnLocalDelete).
func (g *Groups) localDeleted(ctx context.Context, _ *ap.Actor, st *ap.Status) {
	if err := g.AuthorDeleted(ctx, st.URI); err != nil {
		g.log.WarnContext(ctx, "groups: a deleted post was not taken back from its groups", "status", st.URI, "err", err)
	}
}

// localEdited hears a local author's edit (Service.OnLocalEdit).
func (g *Groups) localEdited(ctx context.Context, _ *ap.Actor, st *ap.Status) {
	if err := g.AuthorUpdated(ctx, st.URI); err != nil {
		g.log.WarnContext(ctx, "groups: an edited post was not re-announced", "status", st.URI, "err", err)
	}
}

// AuthorUpdated re-announces an edited post to the members of every local group that relayed
// it and did not remove it: Announce{Update{Note}}. The inbox calls it after a remote author's
// verified Update; local edits arrive through the kernel's listener.
func (g *Groups) AuthorUpdated(ctx context.Context, statusURI string) error {
	const op = "groups.AuthorUpdated"
	st, posts, err := g.relaysOf(ctx, statusURI)
	if err != nil || st == nil || st.DeletedAt != nil || st.Visibility == ap.LocalOnly {
		return ap.Wrap(op, err)
	}
	author, err := g.store.ActorByID(ctx, st.ActorID)
	if err != nil {
		return ap.Wrap(op, err)
	}
	for _, p := range posts {
		grp, err := g.Get(ctx, p.GroupID)
		if ap.IsNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		if p.RemovedAt != nil || grp.Settings.Reach == Internal {
			continue
		}
		edit := st.URI + "#updates/" + g.svc.NewID()
		if st.EditedAt != nil {
			edit = st.URI + "#updates/" + st.EditedAt.UTC().Format("20060102T150405.000Z")
		}
		err = g.svc.InTx(ctx, func(ctx context.Context) error {
			return g.svc.Enqueue(ctx, &grp.Actor, ap.Activity{ID: RelayID(&grp.Actor, st.ID) + "/updates/" + g.svc.NewID(),
				Type: "Announce", Object: edit, StatusID: st.ID, To: []string{grp.Actor.FollowersURI}, Cc: []string{ap.PublicAudience},
				Inner: &ap.Activity{ID: edit, Type: "Update", Actor: author.URI, Object: st.URI, StatusID: st.ID,
					To: []string{ap.PublicAudience}, Cc: []string{grp.Actor.URI}}})
		})
		if err != nil {
			return ap.Wrap(op, err)
		}
	}
	return nil
}

// relaysOf finds a status by URI and the local groups' relays of it; st is nil when it is
// unknown here.
func (g *Groups) relaysOf(ctx context.Context, statusURI string) (*ap.Status, []*Post, error) {
	st, err := g.store.StatusByURI(ctx, statusURI)
	if ap.IsNotFound(err) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	posts, err := g.store.GroupPostsByStatus(ctx, st.ID)
	return st, posts, err
}

// announceDelete passes the author's deletion on to a group's members as Announce{Delete}, the
// form Lemmy and Mbin send and expect.
func (g *Groups) announceDelete(ctx context.Context, grp *Group, st *ap.Status) error {
	if grp.Settings.Reach == Internal || st.Visibility == ap.LocalOnly {
		return nil
	}
	author, err := g.store.ActorByID(ctx, st.ActorID)
	if err != nil {
		return err
	}
	del := st.URI + "#delete"
	return g.svc.InTx(ctx, func(ctx context.Context) error {
		return g.svc.Enqueue(ctx, &grp.Actor, ap.Activity{ID: RelayID(&grp.Actor, st.ID) + "/delete", Type: "Announce",
			Object: del, To: []string{grp.Actor.FollowersURI}, Cc: []string{ap.PublicAudience},
			Inner: &ap.Activity{ID: del, Type: "Delete", Actor: author.URI, Object: st.URI, To: []string{ap.PublicAudience}}})
	})
}
