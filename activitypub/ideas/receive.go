package ideas

import (
	"context"
	"slices"

	ap "github.com/guildhall/guildhall/activitypub"
)

// Terms are the idea properties a status document carries (the Guildhall ideas extension).
type Terms struct {
	State     State
	Reason    string
	AdoptedBy []string // domains
}

// Terms returns what a local idea's document should carry; ok is false for anything that is not
// a local idea.
func (x *Ideas) Terms(ctx context.Context, st *ap.Status) (Terms, bool, error) {
	if st == nil || !st.Local || st.Kind != ap.KindIdea {
		return Terms{}, false, nil
	}
	i, err := x.idea(ctx, st)
	if err != nil {
		return Terms{}, false, ap.Wrap("ideas.Terms", err)
	}
	adoptions, err := x.store.IdeaAdoptions(ctx, st.ID)
	if err != nil {
		return Terms{}, false, ap.Wrap("ideas.Terms", err)
	}
	return Terms{State: i.State, Reason: i.Reason, AdoptedBy: adoptedBy(i, adoptions)}, true, nil
}

// ReceiveTerms applies the idea properties of a remote status its author's server sent (in a
// Create or an Update the inbox verified): the status becomes an idea here, with the state,
// reason and adoptions its origin publishes; a change of state goes into its history. Only the
// author may: a status stored as someone else's, or a local one, is refused whatever the
// document claims.
func (x *Ideas) ReceiveTerms(ctx context.Context, from *ap.Actor, st *ap.Status, t Terms) error {
	const op = "ideas.ReceiveTerms"
	if st == nil {
		return nil
	}
	if from == nil || st.Local || st.ActorID != from.ID {
		return ap.E(op, ap.Forbidden, "only an idea's author's server sets its status")
	}
	if !t.State.Valid() {
		return ap.E(op, ap.Invalid, stateError(t.State))
	}
	if len(t.AdoptedBy) > MaxAdoptedBy {
		t.AdoptedBy = t.AdoptedBy[:MaxAdoptedBy]
	}
	return ap.Wrap(op, x.svc.InTx(ctx, func(ctx context.Context) error {
		i, err := x.store.IdeaByStatus(ctx, st.ID)
		fresh := ap.IsNotFound(err)
		if err != nil && !fresh {
			return err
		}
		now := x.svc.Now()
		if fresh {
			i = &Idea{StatusID: st.ID, State: Proposed, CreatedAt: now}
		}
		if st.Kind != ap.KindIdea {
			if err := x.store.SetStatusKind(ctx, st.ID, ap.KindIdea); err != nil {
				return err
			}
		}
		changed := i.State != t.State || i.Reason != t.Reason
		if !changed && !fresh && slices.Equal(i.DeclaredAdoptedBy, t.AdoptedBy) {
			return nil
		}
		i.State, i.Reason, i.DeclaredAdoptedBy, i.Body, i.UpdatedAt = t.State, t.Reason, t.AdoptedBy, st.Content, now
		if err := x.store.SaveIdea(ctx, i); err != nil {
			return err
		}
		if !changed || fresh && t.State == Proposed {
			return nil
		}
		return x.store.AddIdeaChange(ctx, &Change{ID: x.svc.NewID(), StatusID: st.ID, State: t.State,
			Reason: t.Reason, ActorID: from.ID, CreatedAt: now})
	}))
}
