package federation

import (
	"context"
	"net/http"

	"github.com/gorilla/mux"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/ideas"
	"github.com/guildhall/guildhall/federation/as2"
)

// ideaTerms is the ideas area's extension of the documents we render: a local idea's Note
// carries ideaStatus, ideaStatusReason and ideaAdoptedBy, and our adoption activities carry
// ideaAdoption, each with the ideas context (as2.IdeasContext) named.
type ideaTerms struct {
	ideas   *ideas.Ideas
	baseURL string
}

func (t ideaTerms) ExtendNote(ctx context.Context, st *ap.Status, note map[string]any) error {
	terms, ok, err := t.ideas.Terms(ctx, st)
	if err != nil || !ok {
		return err
	}
	as2.SetIdeaTerms(note, t.baseURL, as2.IdeaTerms{Status: string(terms.State), Reason: terms.Reason, AdoptedBy: terms.AdoptedBy})
	return nil
}

func (t ideaTerms) ExtendActivity(_ context.Context, act *ap.Activity, doc map[string]any) error {
	if act.Type == as2.TypeAnnounce && ideas.IsAdoptionURI(act.ID) && act.StatusID == "" {
		as2.SetIdeaAdoption(doc, t.baseURL)
		return nil
	}
	// An embedded idea (Create, Update, a group's Announce{Create}) lost its @context to the
	// activity's: name the ideas context there.
	for obj, depth := doc["object"], 0; depth < 2; depth++ {
		m, ok := obj.(map[string]any)
		if !ok {
			break
		}
		if _, ok := m[as2.TermIdeaStatus]; ok {
			as2.AddContext(doc, t.baseURL+as2.IdeasContextPath)
			break
		}
		obj = m["object"]
	}
	return nil
}

// ideasContext serves the JSON-LD context of the ideas terms.
func (f *Federation) ideasContext(w http.ResponseWriter, _ *http.Request) {
	body, err := as2.Marshal(as2.IdeasContext(f.svc.BaseURL()))
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/ld+json")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	_, _ = w.Write(body)
}

func (f *Federation) ideasRoutes(r *mux.Router) {
	r.HandleFunc(as2.IdeasContextPath, f.ideasContext).Methods(http.MethodGet, http.MethodHead)
}
