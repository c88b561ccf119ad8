package activitypub

import (
	"context"
	"errors"
	"strings"
	"time"
)

// The Receive… methods are what the inbox calls once federation has verified the signature,
// parsed the activity and checked that the signer may speak for what it touches (origins). They
// still check ownership against stored rows, because only the domain knows who owns what.
//
// A method that decides to ignore an activity (a Like of a status it does not have, a reply to a
// local user who blocks the sender) returns nil: the sender is told 202 and nothing is stored.

// ErrAlreadySeen is returned (wrapped) when the activity id carried by WithActivityID was processed
// before: the redelivery is a no-op.
var ErrAlreadySeen = errors.New("activitypub: activity already processed")

type activityIDKey struct{}

// WithActivityID tells the Receive… method called with ctx which inbound activity it processes.
// The method records the id as seen inside the transaction that applies the activity, so a
// redelivery is a no-op while a delivery whose processing failed (rolled back) can be retried.
func WithActivityID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, activityIDKey{}, id)
}

// receiveTx runs fn in a transaction that first records the inbound activity id, if any.
// Inbound activities are independent of each other, so they share commits (inBatchTx); the events
// fn raises are published once it has committed.
func (s *Service) receiveTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.inBatchTx(ctx, func(ctx context.Context) error {
		if id, _ := ctx.Value(activityIDKey{}).(string); id != "" {
			fresh, err := s.store.MarkActivitySeen(ctx, id, s.Now())
			if err != nil {
				return err
			}
			if !fresh {
				return ErrAlreadySeen
			}
			// Recorded once: nested receive transactions must not record it again.
			ctx = context.WithValue(ctx, activityIDKey{}, "")
		}
		return fn(ctx)
	})
}

// checkSender refuses activities from actors an administrator suspended or that were deleted
// (ORI-20).
func checkSender(op string, from *Actor) error {
	if from == nil || from.Local() {
		return E(op, Forbidden, "sender must be a remote actor")
	}
	if from.SuspendedAt != nil {
		return E(op, Forbidden, "requesting account suspended")
	}
	if from.DeletedAt != nil {
		return E(op, Gone, "requesting account deleted")
	}
	return nil
}

// isPublic matches the three spellings of the public collection servers use.
func isPublic(id string) bool {
	return id == PublicAudience || id == "as:Public" || id == "Public"
}

// VisibilityFromAddressing derives Mastodon's visibility of a remote status from its addressing:
// public in to → public; public in cc → unlisted; the author's followers → private; else direct.
func VisibilityFromAddressing(to, cc []string, followersURI string) Visibility {
	for _, id := range to {
		if isPublic(id) {
			return Public
		}
	}
	for _, id := range cc {
		if isPublic(id) {
			return Unlisted
		}
	}
	if followersURI != "" {
		for _, id := range append(append([]string{}, to...), cc...) {
			if id == followersURI {
				return Private
			}
		}
	}
	return Direct
}

// maxFetchDepth bounds how many parents ReceiveCreate fetches up a reply chain (RES-11): a remote
// serving an endless chain costs a few fetches, not a crawl.
const maxFetchDepth = 8

type fetchDepthKey struct{}

func fetchDepth(ctx context.Context) int {
	d, _ := ctx.Value(fetchDepthKey{}).(int)
	return d
}

// StaleAfter is how old a stored remote actor may get before it is refetched.
const StaleAfter = 24 * time.Hour

// Stale reports whether a remote actor should be refetched.
func (a *Actor) Stale(now time.Time) bool {
	return !a.Local() && (a.FetchedAt == nil || now.Sub(*a.FetchedAt) > StaleAfter)
}

// hostOf returns the lowercased host of a URI for origin comparisons.
func hostOf(uri string) string {
	rest, ok := strings.CutPrefix(uri, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(uri, "http://"); !ok {
			return ""
		}
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	return strings.ToLower(rest)
}
