package streaming

import (
	"context"
	"slices"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
)

// match returns the subscriptions of this connection that should carry env, after the checks
// that need the database: visibility (blocks included), home audience, list membership, mutes.
func (c *client) match(ctx context.Context, viewer *activitypub.Account, env *envelope) []stream {
	subs := c.subscriptions()
	me := viewer.Actor.ID
	var out []stream
	if env.Type == "notification" {
		if env.Notification == nil || !slices.Contains(env.UserIDs, me) {
			return nil
		}
		// The user stream carries notifications too, but only for tokens that may read them.
		userToo := accounts.ScopeGranted(c.scopes, "read:notifications")
		for _, s := range subs {
			if s.name == streamNotification || (s.name == streamUser && userToo) {
				out = append(out, s)
			}
		}
		return out
	}
	if env.Type != "update" && env.Type != "status.update" && env.Type != "delete" {
		return nil // an event kind this API does not stream
	}
	st, orig, err := env.load()
	if err != nil {
		if !activitypub.IsNotFound(err) {
			c.hub.log.Warn("streaming: loading a status", "status", env.StatusID, "err", err)
		}
		return nil
	}
	// A deleted status is visible to nobody, yet its delete must still reach those who had it.
	if env.Type != "delete" && !c.canSee(ctx, viewer, st) {
		return nil
	}
	pub, localPub, tags := env.Public, env.LocalPublic, env.Tags
	if env.Type != "update" {
		// Edits and deletes carry no audience, so it is worked out from the status.
		pub = pub || st.Visibility == activitypub.Public
		localPub = st.Local && (pub || st.Visibility == activitypub.LocalOnly)
		tags = st.Tags
	}
	home := lazyBool(func() bool { return c.inHome(ctx, env, st) })
	for _, s := range subs {
		ok, filterMutes := false, true
		switch s.name {
		case streamUser:
			ok, filterMutes = home(), false // the home timeline is the fan-out's decision, as in HomeTimeline
		case streamDirect:
			ok, filterMutes = st.Visibility == activitypub.Direct && (st.ActorID == me || mentions(st, me)), false
		case streamList:
			ok = home() && c.listHas(ctx, s.arg, st.ActorID)
		case streamHashtag:
			// Every streaming viewer is local, and local viewers may see local-only posts.
			ok = (pub || localPub) && hasTag(tags, s.arg)
		case streamHashtagLocal:
			ok = localPub && st.Local && hasTag(tags, s.arg)
		default:
			if p, isPublic := publicStreams[s.name]; isPublic {
				ok = pub && (!p.remote || !st.Local)
				if p.local {
					ok = localPub && st.Local
				}
				ok = ok && (!p.media || hasMedia(st, orig))
			}
		}
		if ok && filterMutes && env.Type != "delete" && c.mutes(ctx, me, st, orig) {
			ok = false
		}
		if ok {
			out = append(out, s)
		}
	}
	return out
}

// canSee applies the domain's visibility rules, which cover a boost's original and both authors.
func (c *client) canSee(ctx context.Context, viewer *activitypub.Account, st *activitypub.Status) bool {
	ok, err := c.hub.svc.CanSee(ctx, activitypub.Viewer{Actor: &viewer.Actor}, st)
	if err != nil {
		c.hub.log.Warn("streaming: checking visibility", "status", st.ID, "err", err)
	}
	return err == nil && ok
}

// inHome reports whether the status is (or was) in the viewer's home timeline. A new status says
// so in its event; for an edit or a delete the home fan-out's rule is applied again.
func (c *client) inHome(ctx context.Context, env *envelope, st *activitypub.Status) bool {
	if env.Type == "update" {
		return slices.Contains(env.UserIDs, c.actorID)
	}
	in, err := c.hub.svc.InHome(ctx, &activitypub.Actor{ID: c.actorID}, st)
	if err != nil {
		c.hub.log.Warn("streaming: checking home membership", "err", err)
	}
	return err == nil && in
}

// listHas reports whether the viewer's list contains author. Membership is asked per event, not
// cached at subscribe time, so adding or removing a member takes effect at once.
func (c *client) listHas(ctx context.Context, listID, author string) bool {
	if c.hub.opts.ListMembership == nil {
		return false
	}
	owner, members, err := c.hub.opts.ListMembership(ctx, listID)
	if err != nil {
		c.hub.log.Debug("streaming: list membership", "list", listID, "err", err)
		return false
	}
	return owner == c.actorID && slices.Contains(members, author)
}

// mutes reports whether the viewer muted the author (or the boosted author): muted accounts stay
// out of public, hashtag and list streams, as in Mastodon.
func (c *client) mutes(ctx context.Context, me string, st, orig *activitypub.Status) bool {
	authors := []string{st.ActorID}
	if orig != nil {
		authors = append(authors, orig.ActorID)
	}
	muted, err := c.hub.svc.MutesAny(ctx, me, authors...)
	return err != nil || muted // when in doubt, leave it out: the timeline can be reloaded
}

// lazyBool computes f at most once, on first use.
func lazyBool(f func() bool) func() bool {
	var done, v bool
	return func() bool {
		if !done {
			done, v = true, f()
		}
		return v
	}
}
