package groups

import (
	"context"

	ap "github.com/guildhall/guildhall/activitypub"
)

// moderated loads a group and a post it relayed, checking that by may moderate it.
func (g *Groups) moderated(ctx context.Context, op string, by *ap.Account, groupID, statusID string) (*Group, *Post, error) {
	grp, err := g.Get(ctx, groupID)
	if err != nil {
		return nil, nil, err
	}
	if err := g.mayModerate(ctx, op, by, grp); err != nil {
		return nil, nil, err
	}
	p, err := g.store.GroupPost(ctx, grp.Actor.ID, statusID)
	if err != nil {
		return nil, nil, ap.Wrap(op, err)
	}
	return grp, p, nil
}

// RemovePost takes a post out of a group: the group's boost is deleted (an Undo{Announce} that
// Mastodon followers act on) and its Announce{Create} undone, so the post leaves members' home
// timelines on every Guildhall instance. The post stays its author's.
func (g *Groups) RemovePost(ctx context.Context, by *ap.Account, groupID, statusID string) error {
	const op = "groups.RemovePost"
	grp, p, err := g.moderated(ctx, op, by, groupID, statusID)
	if err != nil {
		return err
	}
	return ap.Wrap(op, g.unrelay(ctx, grp, p))
}

// AuthorDeleted takes a post its author deleted out of every local group that relayed it, so
// members whose servers never heard the author's Delete (they follow the group, not the author)
// drop it too.
func (g *Groups) AuthorDeleted(ctx context.Context, statusURI string) error {
	const op = "groups.AuthorDeleted"
	st, err := g.store.StatusByURI(ctx, statusURI)
	if ap.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return ap.Wrap(op, err)
	}
	posts, err := g.store.GroupPostsByStatus(ctx, st.ID)
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
		relayed := p.RemovedAt == nil
		if err := g.unrelay(ctx, grp, p); err != nil {
			return ap.Wrap(op, err)
		}
		if relayed {
			if err := g.announceDelete(ctx, grp, st); err != nil {
				return ap.Wrap(op, err)
			}
		}
	}
	return nil
}

// unrelay undoes a group's relay of a post.
func (g *Groups) unrelay(ctx context.Context, grp *Group, p *Post) error {
	if p.RemovedAt != nil {
		return nil
	}
	st, err := g.store.StatusByID(ctx, p.StatusID)
	if err != nil {
		return err
	}
	now := g.svc.Now()
	p.RemovedAt, p.Pinned = &now, false
	return g.svc.InTx(ctx, func(ctx context.Context) error {
		if err := g.store.UpdateGroupPost(ctx, p); err != nil {
			return err
		}
		if p.AnnounceID != "" {
			if _, err := g.svc.DeleteStatus(ctx, groupAccount(grp), p.AnnounceID); err != nil && !ap.IsNotFound(err) {
				return err
			}
		}
		if grp.Settings.Reach == Internal {
			return nil
		}
		relay := RelayID(&grp.Actor, p.StatusID)
		to, cc := []string{grp.Actor.FollowersURI}, []string{ap.PublicAudience}
		if err := g.svc.Enqueue(ctx, &grp.Actor, ap.Activity{ID: relay + "/undo", Type: "Undo", Object: relay,
			To: to, Cc: cc, Inner: &ap.Activity{ID: relay, Type: "Announce", Actor: grp.Actor.URI, Object: p.CreateURI}}); err != nil {
			return err
		}
		// Lemmy and Mbin take a moderator's removal as the group's Remove of the object from
		// its outbox.
		return g.svc.Enqueue(ctx, &grp.Actor, ap.Activity{ID: grp.Actor.URI + "#removes/" + g.svc.NewID(), Type: "Remove",
			Object: st.URI, Target: grp.Actor.Outbox, To: to, Cc: cc})
	})
}

// Ban blocks a member: their membership ends, their server hears the group's Block, and the
// group refuses their later posts.
func (g *Groups) Ban(ctx context.Context, by *ap.Account, groupID, actorID string) error {
	const op = "groups.Ban"
	grp, err := g.Get(ctx, groupID)
	if err != nil {
		return err
	}
	if err := g.mayModerate(ctx, op, by, grp); err != nil {
		return err
	}
	if r, err := g.role(ctx, grp.Actor.ID, actorID); err != nil {
		return ap.Wrap(op, err)
	} else if r == Owner {
		return ap.E(op, ap.Invalid, "an owner cannot be banned")
	}
	_, err = g.svc.Block(ctx, groupAccount(grp), actorID)
	return ap.Wrap(op, err)
}

// Unban lifts a ban.
func (g *Groups) Unban(ctx context.Context, by *ap.Account, groupID, actorID string) error {
	const op = "groups.Unban"
	grp, err := g.Get(ctx, groupID)
	if err != nil {
		return err
	}
	if err := g.mayModerate(ctx, op, by, grp); err != nil {
		return err
	}
	_, err = g.svc.Unblock(ctx, groupAccount(grp), actorID)
	return ap.Wrap(op, err)
}

// Lock stops (or, with locked false, resumes) relaying replies under a post.
func (g *Groups) Lock(ctx context.Context, by *ap.Account, groupID, statusID string, locked bool) error {
	const op = "groups.Lock"
	_, p, err := g.moderated(ctx, op, by, groupID, statusID)
	if err != nil {
		return err
	}
	p.Locked = locked
	return ap.Wrap(op, g.store.UpdateGroupPost(ctx, p))
}

// Pin features (or unfeatures) a post in the group's featured collection.
func (g *Groups) Pin(ctx context.Context, by *ap.Account, groupID, statusID string, pinned bool) error {
	const op = "groups.Pin"
	_, p, err := g.moderated(ctx, op, by, groupID, statusID)
	if err != nil {
		return err
	}
	if p.RemovedAt != nil && pinned {
		return ap.E(op, ap.Invalid, "a removed post cannot be pinned")
	}
	p.Pinned = pinned
	return ap.Wrap(op, g.store.UpdateGroupPost(ctx, p))
}

// Featured lists a group's pinned posts, for its featured collection.
func (g *Groups) Featured(ctx context.Context, groupID string) ([]*ap.Status, error) {
	const op = "groups.Featured"
	posts, err := g.store.GroupPosts(ctx, groupID, true, ap.Page{Limit: 40})
	if err != nil {
		return nil, ap.Wrap(op, err)
	}
	out := make([]*ap.Status, 0, len(posts))
	for _, p := range posts {
		st, err := g.store.StatusByID(ctx, p.StatusID)
		if ap.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, ap.Wrap(op, err)
		}
		out = append(out, st)
	}
	return out, nil
}

// Posts lists the posts a group relayed and did not remove, newest first.
func (g *Groups) Posts(ctx context.Context, groupID string, p ap.Page) ([]*Post, error) {
	out, err := g.store.GroupPosts(ctx, groupID, false, p)
	return out, ap.Wrap("groups.Posts", err)
}
