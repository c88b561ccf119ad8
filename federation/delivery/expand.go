package delivery

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/federation/as2"
)

// expandLoop turns pending outbox records into deliveries whenever woken, and at every poll.
func (w *Worker) expandLoop(ctx context.Context) {
	tick := time.NewTicker(w.o.Poll)
	defer tick.Stop()
	for {
		for {
			n, err := w.ExpandPending(ctx)
			if err != nil {
				if ctx.Err() == nil {
					w.log.ErrorContext(ctx, "expanding the outbox", "err", err)
				}
				break
			}
			if n > 0 {
				poke(w.claim)
			}
			if n < w.o.Batch {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		case <-tick.C:
		}
	}
}

// ExpandPending expands one batch of pending outbox records and returns how many it expanded.
// Exported so tests and tools can drive the queue step by step.
func (w *Worker) ExpandPending(ctx context.Context) (int, error) {
	items, err := w.o.Store.PendingOutbox(ctx, w.o.Batch)
	if err != nil {
		return 0, fmt.Errorf("delivery: read pending outbox: %w", err)
	}
	for i, it := range items {
		inboxes, err := w.Recipients(ctx, it)
		if err != nil {
			return i, fmt.Errorf("delivery: expand %s: %w", it.ID, err)
		}
		now := w.o.Now().UTC()
		ds := make([]*ap.Delivery, 0, len(inboxes))
		for _, inbox := range inboxes {
			if ok, err := w.hostAllowed(ctx, hostOf(inbox)); err != nil {
				return i, fmt.Errorf("delivery: policy for %s: %w", inbox, err)
			} else if !ok {
				w.log.DebugContext(ctx, "inbox on a refused domain, not queued", "outbox", it.ID, "inbox", inbox)
				continue
			}
			ds = append(ds, &ap.Delivery{ID: w.o.NewID(), OutboxID: it.ID, Inbox: inbox, Host: hostOf(inbox),
				State: ap.DeliveryPending, NextAttemptAt: now, CreatedAt: now})
		}
		if err := w.o.Store.ExpandOutbox(ctx, it.ID, ds); err != nil {
			return i, fmt.Errorf("delivery: record deliveries of %s: %w", it.ID, err)
		}
		w.log.DebugContext(ctx, "outbox expanded", "outbox", it.ID, "type", it.Activity.Type, "inboxes", len(ds))
	}
	return len(items), nil
}

// Recipients computes the inboxes an outbox record goes to: the (shared) inboxes of the remote
// followers when a local followers collection is addressed, the (shared) inbox of each remote
// actor addressed, and any explicit inboxes. The public collection adds no one by itself, and
// local recipients are never included: the domain already handled them in its transaction.
func (w *Worker) Recipients(ctx context.Context, it *ap.OutboxItem) ([]string, error) {
	act := it.Activity
	seen := map[string]bool{}
	var out []string
	add := func(inbox string) {
		if inbox == "" || w.isLocal(inbox) || seen[inbox] {
			return
		}
		seen[inbox] = true
		out = append(out, inbox)
	}
	audience := make([]string, 0, len(act.To)+len(act.Cc))
	audience = append(append(audience, act.To...), act.Cc...)
	for _, uri := range audience {
		switch {
		case isPublic(uri):
		case w.isLocal(uri):
			followers, ok := strings.CutSuffix(uri, "/followers")
			if !ok {
				continue // a local actor: the domain delivered it in-process
			}
			owner, err := w.o.Store.ActorByURI(ctx, followers)
			if ap.IsNotFound(err) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("followers collection %s: %w", uri, err)
			}
			inboxes, err := w.o.Store.FollowerInboxes(ctx, owner.ID)
			if err != nil {
				return nil, fmt.Errorf("follower inboxes of %s: %w", owner.URI, err)
			}
			for _, in := range inboxes {
				add(in)
			}
		default:
			a, err := w.o.Store.ActorByURI(ctx, uri)
			if ap.IsNotFound(err) {
				// A remote collection (someone else's followers) or an actor we never fetched:
				// there is no inbox to deliver to, and fetching here would stall the queue.
				w.log.DebugContext(ctx, "recipient unknown, skipped", "outbox", it.ID, "uri", uri)
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("recipient %s: %w", uri, err)
			}
			if a.Local() {
				continue
			}
			if a.SharedInbox != "" {
				add(a.SharedInbox)
			} else {
				add(a.Inbox)
			}
		}
	}
	for _, in := range act.Inboxes {
		add(in)
	}
	return out, nil
}

// hostAllowed asks federation policy about host; without a policy every host is allowed.
func (w *Worker) hostAllowed(ctx context.Context, host string) (bool, error) {
	if w.o.HostAllowed == nil {
		return true, nil
	}
	return w.o.HostAllowed(ctx, host)
}

func isPublic(uri string) bool {
	return uri == as2.Public || uri == "as:Public" || uri == "Public"
}

// isLocal reports whether uri is under our base URL (scheme and host compared case-insensitively).
func (w *Worker) isLocal(uri string) bool {
	u, err := url.Parse(uri)
	return err == nil && strings.EqualFold(u.Host, w.baseHost)
}

// hostOf is the host (with port) deliveries are grouped and limited by.
func hostOf(inbox string) string {
	u, err := url.Parse(inbox)
	if err != nil {
		return inbox
	}
	return strings.ToLower(u.Host)
}
