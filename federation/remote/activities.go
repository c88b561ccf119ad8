package remote

import (
	"context"
	"fmt"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/federation/as2"
)

// OriginFetchSlot takes a slot of the per-host budget for verifying forwarded activities at
// their origin (the same limits as key fetches, counted apart): a server with a valid key could
// otherwise make us fetch from any victim host by forwarding activities it never sent (RES-13).
// It fails with ErrKeyFetchLimited when the host's budget is spent; call release when done.
func (d *Dereferencer) OriginFetchSlot(uri string) (release func(), err error) {
	return d.origins.acquire(keyHost(uri), d.svc.Now())
}

// FetchActivity fetches an activity from its own id (signed as the instance actor) and parses it.
// It is how the inbox checks an activity that a third server forwarded (ORI-16): the origin's copy
// is used, never the forwarder's. The fetcher has already checked that the document's id is the
// URL it was fetched from.
func (d *Dereferencer) FetchActivity(ctx context.Context, uri string) (*as2.ParsedActivity, error) {
	const op = "remote.FetchActivity"
	doc, err := d.get(ctx, uri)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	act, err := as2.ParseActivity(ctx, doc.Map)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if act.ID != uri {
		return nil, ap.E(op, ap.Forbidden, "activity moved to another id")
	}
	return act, nil
}
