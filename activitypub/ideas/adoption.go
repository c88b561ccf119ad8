package ideas

import (
	"context"
	"strings"

	ap "github.com/guildhall/guildhall/activitypub"
)

// AdoptionPath is the path segment of an adoption activity's id under its actor's URI
// ({actor}/adoptions/{id}); federation recognises our own adoption activities by it when it
// renders them.
const AdoptionPath = "/adoptions/"

// IsAdoptionURI reports whether an activity id is one of the adoption activities this area
// mints.
func IsAdoptionURI(uri string) bool { return strings.Contains(uri, AdoptionPath) }

// Adopt marks an idea from another council "adopted here too", for this instance. Only the
// instance's moderators and administrators may, as it speaks for the council. The adoption is
// recorded once for this domain and sent to the idea's author as an Announce carrying the
// Guildhall ideaAdoption term, so the origin lists this domain in its adopted_by. Adopting it
// again changes nothing. A local idea is adopted by setting its status to adopted.
func (x *Ideas) Adopt(ctx context.Context, by *ap.Account, id string) (*View, error) {
	const op = "ideas.Adopt"
	if by == nil {
		return nil, ap.E(op, ap.Unauthorized, "sign in first")
	}
	st, err := x.visibleIdea(ctx, op, ap.Viewer{Actor: &by.Actor}, id)
	if err != nil {
		return nil, err
	}
	if err := mayAdopt(op, by, st); err != nil {
		return nil, err
	}
	author, err := x.store.ActorByID(ctx, st.ActorID)
	if err != nil {
		return nil, ap.Wrap(op, err)
	}
	a := &Adoption{StatusID: st.ID, Domain: x.svc.Domain(), ActorID: by.Actor.ID,
		ActivityURI: by.Actor.URI + AdoptionPath + x.svc.NewID(), CreatedAt: x.svc.Now()}
	err = x.svc.InTx(ctx, func(ctx context.Context) error {
		added, err := x.store.AddIdeaAdoption(ctx, a)
		if err != nil || !added {
			return err
		}
		return x.svc.Enqueue(ctx, &by.Actor, ap.Activity{ID: a.ActivityURI, Type: "Announce", Object: st.URI,
			To: []string{author.URI}, Cc: []string{ap.PublicAudience}})
	})
	if err != nil {
		return nil, ap.Wrap(op, err)
	}
	return x.view(ctx, st)
}

// MayAdopt reports whether an account may mark an idea adopted here, for surfaces deciding
// whether to offer the button.
func (x *Ideas) MayAdopt(by *ap.Account, st *ap.Status) bool {
	return mayAdopt("ideas.MayAdopt", by, st) == nil
}

func mayAdopt(op string, by *ap.Account, st *ap.Status) error {
	if st.Local {
		return ap.E(op, ap.Invalid, "an idea from this instance is adopted by setting its status to adopted")
	}
	if !isStaff(by) {
		return ap.E(op, ap.Forbidden, "only the instance's moderators and administrators mark an idea adopted here")
	}
	return nil
}

// ReceiveAdoption takes another council's adoption of a local idea. The inbox has checked that
// from signed the activity and that its id is on from's host; the domain recorded is from's own,
// never one the activity names, so a server can only ever claim adoptions for itself. The same
// domain adopting again (another activity, another person) changes nothing. A new adoption is
// federated as an Update of the idea, whose adoptedBy now lists the domain.
func (x *Ideas) ReceiveAdoption(ctx context.Context, from *ap.Actor, activityURI, objectURI string) error {
	const op = "ideas.ReceiveAdoption"
	if from == nil || from.Local() {
		return ap.E(op, ap.Forbidden, "adoptions come from other servers")
	}
	domain, ok := ap.NormalizeHost(from.Domain)
	if !ok {
		return ap.E(op, ap.Invalid, "the adopting actor has no domain")
	}
	st, err := x.store.StatusByURI(ctx, objectURI)
	if ap.IsNotFound(err) {
		return ap.E(op, ap.NotFound, "idea not found")
	}
	if err != nil {
		return ap.Wrap(op, err)
	}
	if !st.Local || st.Kind != ap.KindIdea || st.DeletedAt != nil {
		return ap.E(op, ap.Invalid, "only an idea from this instance can be adopted here")
	}
	if ok, err := x.svc.CanSee(ctx, ap.Viewer{Actor: from}, st); err != nil || !ok {
		if err != nil {
			return ap.Wrap(op, err)
		}
		return ap.E(op, ap.NotFound, "idea not found")
	}
	a := &Adoption{StatusID: st.ID, Domain: domain, ActorID: from.ID, ActivityURI: activityURI, CreatedAt: x.svc.Now()}
	err = x.svc.InTx(ctx, func(ctx context.Context) error {
		added, err := x.store.AddIdeaAdoption(ctx, a)
		if err != nil || !added {
			return err
		}
		return x.svc.ReviseLocalStatus(ctx, st, st.Content)
	})
	if err != nil {
		return ap.Wrap(op, err)
	}
	x.log.InfoContext(ctx, "idea adopted elsewhere", "status", st.ID, "domain", domain)
	return nil
}
