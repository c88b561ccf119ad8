package activitypub

import "context"

// ReceiveFeatured applies a remote actor's Add (add true) or Remove of one of its own statuses to
// or from its featured collection (its pinned posts). The caller has checked that the collection
// is from's featured collection; ownership of the status is checked here.
func (s *Service) ReceiveFeatured(ctx context.Context, from *Actor, st *Status, add bool) error {
	const op = "activitypub.ReceiveFeatured"
	if err := checkSender(op, from); err != nil {
		return err
	}
	if st == nil || st.ActorID != from.ID {
		return E(op, Forbidden, "only one's own statuses can be featured")
	}
	return Wrap(op, s.receiveTx(ctx, func(ctx context.Context) error {
		if add {
			if st.Visibility != Public && st.Visibility != Unlisted {
				return E(op, Invalid, "only public or unlisted statuses can be featured")
			}
			return s.store.SetPin(ctx, from.ID, st.ID, s.Now())
		}
		return s.store.DeletePin(ctx, from.ID, st.ID)
	}))
}
