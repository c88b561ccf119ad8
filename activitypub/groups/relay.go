package groups

import (
	"context"

	ap "github.com/guildhall/guildhall/activitypub"
)

// maxLockDepth bounds the walk up a reply chain looking for a locked thread.
const maxLockDepth = 40

// Addressed is how a post named the groups it is for: the ids in its to, cc and audience, and
// its mentions. A reply to a post a group relayed is for that group too.
type Addressed []string

// Relay offers a post whose author is verified (a local author, or a Create that arrived signed
// by its author with the object from the author's origin) to the local groups it is addressed
// to. Each group that accepts it records it once and relays it to every member: Announce{Create}
// for group-aware servers, and for a top-level post also a plain boost, Announce{Note}, so
// Mastodon followers see the post boosted by the group. A group refuses (a Reject to the author,
// nothing relayed) posts from banned authors, from servers its reach does not admit, from
// non-members of approval and invite-only groups, and replies in locked threads.
//
// Groups never relay posts by groups, and relay only Creates (never another group's Announce),
// so groups that are members of each other cannot loop.
func (g *Groups) Relay(ctx context.Context, author *ap.Actor, createURI string, st *ap.Status, to Addressed) error {
	const op = "groups.Relay"
	if st == nil || author == nil || author.Kind == ap.KindGroup || st.ReblogOfID != "" || st.DeletedAt != nil {
		return nil
	}
	targets, err := g.targets(ctx, st, to)
	if err != nil {
		return ap.Wrap(op, err)
	}
	for _, grp := range targets {
		if err := g.relayTo(ctx, grp, author, createURI, st); err != nil {
			return ap.Wrap(op, err)
		}
	}
	return nil
}

// targets finds the local groups among the addressed ids, and the group of the parent post.
// Only the ids the index knows as local groups are loaded: a post names several local actors
// that are not groups (its addressee, followers collections), on every incoming Create.
func (g *Groups) targets(ctx context.Context, st *ap.Status, to Addressed) ([]*Group, error) {
	groupURIs, groupIDs, err := g.index.current(ctx)
	if err != nil {
		return nil, err
	}
	if len(groupURIs) == 0 {
		return nil, nil
	}
	seen := map[string]bool{}
	var out []*Group
	add := func(a *ap.Actor) error {
		if seen[a.ID] {
			return nil
		}
		seen[a.ID] = true
		set, ok, err := g.Settings(ctx, a)
		if err != nil || !ok {
			return err
		}
		out = append(out, &Group{Actor: *a, Settings: *set})
		return nil
	}
	uris := append(Addressed{}, to...)
	for _, m := range st.Mentions {
		uris = append(uris, m.URI)
	}
	looked := map[string]bool{}
	for _, uri := range uris {
		if len(seen) >= 20 || looked[uri] || !groupURIs[uri] || !g.svc.IsLocalURI(uri) {
			continue
		}
		looked[uri] = true
		a, err := g.store.ActorByURI(ctx, uri)
		if ap.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if err := add(a); err != nil {
			return nil, err
		}
	}
	if st.InReplyToID != "" {
		parent, err := g.store.StatusByID(ctx, st.InReplyToID)
		if err != nil && !ap.IsNotFound(err) {
			return nil, err
		}
		if parent != nil && groupIDs[parent.GroupID] && !seen[parent.GroupID] {
			a, err := g.store.ActorByID(ctx, parent.GroupID)
			if err != nil && !ap.IsNotFound(err) {
				return nil, err
			}
			if a != nil {
				if err := add(a); err != nil {
					return nil, err
				}
			}
		}
	}
	return out, nil
}

// refusal says why a group does not relay a post from an author, "" when it does.
func (g *Groups) refusal(ctx context.Context, grp *Group, author *ap.Actor, st *ap.Status) (string, error) {
	if admitted, err := g.admits(ctx, &grp.Settings, author); err != nil || !admitted {
		return "reach", err
	}
	if blocked, err := g.store.Blocked(ctx, grp.Actor.ID, author.ID); err != nil || blocked {
		return "banned", err
	}
	if grp.Settings.Membership != Open {
		member, err := g.IsMember(ctx, grp.Actor.ID, author.ID)
		if err != nil {
			return "", err
		}
		if !member {
			r, err := g.role(ctx, grp.Actor.ID, author.ID)
			if err != nil {
				return "", err
			}
			if r == "" {
				return "not a member", nil
			}
		}
	}
	locked, err := g.threadLocked(ctx, grp.Actor.ID, st)
	if err != nil || locked {
		return "thread locked", err
	}
	return "", nil
}

// threadLocked reports whether a reply sits under a post the group locked.
func (g *Groups) threadLocked(ctx context.Context, groupID string, st *ap.Status) (bool, error) {
	id := st.InReplyToID
	for depth := 0; id != "" && depth < maxLockDepth; depth++ {
		p, err := g.store.GroupPost(ctx, groupID, id)
		if err == nil && p.Locked {
			return true, nil
		}
		if err != nil && !ap.IsNotFound(err) {
			return false, err
		}
		parent, err := g.store.StatusByID(ctx, id)
		if ap.IsNotFound(err) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		id = parent.InReplyToID
	}
	return false, nil
}

// RelayID is the id of a group's Announce{Create} of a status.
func RelayID(group *ap.Actor, statusID string) string { return group.URI + "/relays/" + statusID }

func (g *Groups) relayTo(ctx context.Context, grp *Group, author *ap.Actor, createURI string, st *ap.Status) error {
	why, err := g.refusal(ctx, grp, author, st)
	if err != nil {
		return err
	}
	if why != "" {
		g.log.InfoContext(ctx, "group refused a post", "group", grp.Actor.Username, "status", st.URI, "why", why)
		if author.Local() {
			return ap.E("groups.Relay", ap.Forbidden, "the group does not accept this post: "+why)
		}
		return g.svc.InTx(ctx, func(ctx context.Context) error {
			return g.svc.Enqueue(ctx, &grp.Actor, ap.Activity{ID: grp.Actor.URI + "#rejects/posts/" + g.svc.NewID(),
				Type: "Reject", Object: createURI, To: []string{author.URI}, Content: "refused: " + why,
				Inner: &ap.Activity{ID: createURI, Type: "Create", Actor: author.URI, Object: st.URI}})
		})
	}
	if st.Visibility != ap.Public && st.Visibility != ap.Unlisted && st.Visibility != ap.LocalOnly {
		return nil // followers-only and direct posts are not the group's to broadcast
	}
	post := &Post{GroupID: grp.Actor.ID, StatusID: st.ID, CreateURI: createURI, CreatedAt: g.svc.Now()}
	return g.svc.InTx(ctx, func(ctx context.Context) error {
		fresh, err := g.store.AddGroupPost(ctx, post)
		if err != nil || !fresh {
			return err
		}
		if st.GroupID == "" {
			if err := g.store.SetStatusGroup(ctx, st.ID, grp.Actor.ID); err != nil {
				return err
			}
		}
		if st.InReplyToID == "" {
			// The plain boost: members' home timelines here, Announce{Note} to every member.
			b, err := g.svc.Reblog(ctx, groupAccount(grp), st.ID)
			if err != nil {
				return err
			}
			post.AnnounceID = b.ID
			if err := g.store.UpdateGroupPost(ctx, post); err != nil {
				return err
			}
		}
		if grp.Settings.Reach == Internal || st.Visibility == ap.LocalOnly {
			return nil
		}
		return g.svc.Enqueue(ctx, &grp.Actor, ap.Activity{ID: RelayID(&grp.Actor, st.ID), Type: "Announce",
			Object: createURI, StatusID: st.ID, To: []string{grp.Actor.FollowersURI}, Cc: []string{ap.PublicAudience},
			Inner: &ap.Activity{ID: createURI, Type: "Create", Actor: author.URI, Object: st.URI, StatusID: st.ID,
				To: []string{ap.PublicAudience}, Cc: []string{grp.Actor.URI}}})
	})
}

// PostInput is a local member's post into a group.
type PostInput = ap.PostInput

// Post publishes a local member's post in a group and relays it. The author must be a member
// (or a moderator) of a group that is not open; anyone on this instance may post in an open one.
func (g *Groups) Post(ctx context.Context, by *ap.Account, groupID string, in PostInput) (*ap.Status, error) {
	const op = "groups.Post"
	grp, err := g.Get(ctx, groupID)
	if err != nil {
		return nil, err
	}
	if in.Visibility == "" {
		in.Visibility = ap.Public
	}
	if grp.Settings.Reach == Internal && (in.Visibility == ap.Public || in.Visibility == ap.Unlisted) {
		// An internal group's posts never leave the instance, not even as the author's own Create.
		in.Visibility = ap.LocalOnly
	}
	if in.Visibility != ap.Public && in.Visibility != ap.Unlisted && in.Visibility != ap.LocalOnly {
		return nil, ap.E(op, ap.Invalid, "posts in a group are public, unlisted or local")
	}
	probe := &ap.Status{InReplyToID: in.InReplyToID}
	if why, err := g.refusal(ctx, grp, &by.Actor, probe); err != nil {
		return nil, ap.Wrap(op, err)
	} else if why != "" {
		return nil, ap.E(op, ap.Forbidden, "the group does not accept this post: "+why)
	}
	st, err := g.svc.Post(ctx, by, in)
	if err != nil {
		return nil, err
	}
	if err := g.relayTo(ctx, grp, &by.Actor, st.URI+"/activity", st); err != nil {
		return nil, ap.Wrap(op, err)
	}
	return g.store.StatusByID(ctx, st.ID)
}

// LocalPosted relays a local post (from any surface: the Mastodon API, the web UI) to the local
// groups it mentions or whose thread it replies to. A refusal is only logged: the post itself
// stands, as a remote author's does.
func (g *Groups) LocalPosted(ctx context.Context, author *ap.Actor, st *ap.Status) {
	if err := g.Relay(ctx, author, st.URI+"/activity", st, nil); err != nil {
		g.log.InfoContext(ctx, "local post not relayed by a group", "status", st.URI, "err", err)
	}
}
