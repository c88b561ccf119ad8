package ideas

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	ap "github.com/guildhall/guildhall/activitypub"
)

// Ideas holds the ideas use cases. Build it with New.
type Ideas struct {
	svc    *ap.Service
	store  Store
	groups Groups // nil: ideas cannot be posted in groups and group roles grant nothing
	log    *slog.Logger
}

// New returns the ideas area over the kernel service and a store; groups may be nil.
func New(svc *ap.Service, store Store, groups Groups, log *slog.Logger) (*Ideas, error) {
	if svc == nil || store == nil {
		return nil, errors.New("ideas: service and store are required")
	}
	if log == nil {
		log = slog.Default()
	}
	return &Ideas{svc: svc, store: store, groups: groups, log: log}, nil
}

// Input is a new idea by a local author.
type Input struct {
	Title      string
	Content    string // what the author typed
	Format     ap.ContentFormat
	GroupID    string // a local group to post it in, or ""
	Visibility ap.Visibility
	// IdempotencyKey makes a retried request return the first idea instead of posting twice.
	IdempotencyKey string
}

// Create posts an idea: a status of kind idea (in a group when GroupID is set), proposed.
func (x *Ideas) Create(ctx context.Context, by *ap.Account, in Input) (*View, error) {
	const op = "ideas.Create"
	if by == nil {
		return nil, ap.E(op, ap.Unauthorized, "sign in first")
	}
	if strings.TrimSpace(in.Title) == "" {
		return nil, ap.E(op, ap.Invalid, "an idea needs a title")
	}
	if in.Visibility == ap.Direct {
		return nil, ap.E(op, ap.Invalid, "an idea cannot be a direct message")
	}
	pin := ap.PostInput{Text: in.Content, Format: in.Format, Visibility: in.Visibility, Title: in.Title,
		Kind: ap.KindIdea, IdempotencyKey: in.IdempotencyKey}
	var st *ap.Status
	var err error
	switch {
	case in.GroupID == "":
		st, err = x.svc.Post(ctx, by, pin)
	case x.groups == nil:
		return nil, ap.E(op, ap.NotFound, "group not found")
	default:
		st, err = x.groups.Post(ctx, by, in.GroupID, pin)
	}
	if err != nil {
		return nil, err
	}
	// The status is the idea; its row only holds what changes. A status of kind idea without
	// one reads as proposed, so a failure here loses nothing and is not worth failing a post
	// that has already gone out.
	now := x.svc.Now()
	idea := &Idea{StatusID: st.ID, State: Proposed, Body: st.Content, CreatedAt: now, UpdatedAt: now}
	if err := x.store.CreateIdea(ctx, idea); err != nil && ap.KindOf(err) != ap.Conflict {
		x.log.WarnContext(ctx, "idea row not stored", "status", st.ID, "err", err)
	}
	return x.view(ctx, st)
}

// Get returns an idea the viewer may see, local or from another server.
func (x *Ideas) Get(ctx context.Context, v ap.Viewer, id string) (*View, error) {
	const op = "ideas.Get"
	st, err := x.visibleIdea(ctx, op, v, id)
	if err != nil {
		return nil, err
	}
	return x.view(ctx, st)
}

// visibleIdea loads an idea by status id, as not found when the viewer may not see it.
func (x *Ideas) visibleIdea(ctx context.Context, op string, v ap.Viewer, id string) (*ap.Status, error) {
	st, err := x.store.StatusByID(ctx, id)
	if ap.IsNotFound(err) {
		return nil, ap.E(op, ap.NotFound, "idea not found")
	}
	if err != nil {
		return nil, ap.Wrap(op, err)
	}
	if st.Kind != ap.KindIdea || st.DeletedAt != nil || st.ReblogOfID != "" {
		return nil, ap.E(op, ap.NotFound, "idea not found")
	}
	ok, err := x.svc.CanSee(ctx, v, st)
	if err != nil {
		return nil, ap.Wrap(op, err)
	}
	if !ok {
		return nil, ap.E(op, ap.NotFound, "idea not found")
	}
	return st, nil
}

// idea returns the idea row of a status, or the proposed default when it has none yet.
func (x *Ideas) idea(ctx context.Context, st *ap.Status) (*Idea, error) {
	i, err := x.store.IdeaByStatus(ctx, st.ID)
	if ap.IsNotFound(err) {
		return proposed(st), nil
	}
	return i, err
}

// proposed is the idea row of a status that has none yet.
func proposed(st *ap.Status) *Idea {
	return &Idea{StatusID: st.ID, State: Proposed, Body: st.Content, CreatedAt: st.CreatedAt, UpdatedAt: st.CreatedAt}
}

func (x *Ideas) view(ctx context.Context, st *ap.Status) (*View, error) {
	const op = "ideas.view"
	i, err := x.idea(ctx, st)
	if err != nil {
		return nil, ap.Wrap(op, err)
	}
	changes, err := x.store.IdeaChanges(ctx, st.ID)
	if err != nil {
		return nil, ap.Wrap(op, err)
	}
	adoptions, err := x.store.IdeaAdoptions(ctx, st.ID)
	if err != nil {
		return nil, ap.Wrap(op, err)
	}
	return &View{Status: st, Idea: i, Changes: changes, AdoptedBy: adoptedBy(i, adoptions)}, nil
}

// adoptedBy merges what a remote idea's origin declares with the adoptions known here (for a
// local idea, the only source), each domain once, in order.
func adoptedBy(i *Idea, adoptions []*Adoption) []string {
	out := make([]string, 0, len(i.DeclaredAdoptedBy)+len(adoptions))
	seen := map[string]bool{}
	for _, d := range i.DeclaredAdoptedBy {
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	for _, a := range adoptions {
		if !seen[a.Domain] {
			seen[a.Domain] = true
			out = append(out, a.Domain)
		}
	}
	return out
}

// List returns the ideas the viewer may see that match q.
func (x *Ideas) List(ctx context.Context, v ap.Viewer, q Query) ([]*View, error) {
	const op = "ideas.List"
	if q.Sort == "" {
		q.Sort = ByNewest
	}
	if !q.Sort.Valid() {
		return nil, ap.E(op, ap.Invalid, fmt.Sprintf("sort %q is not one of votes, newest, status", q.Sort))
	}
	if q.State != "" && !q.State.Valid() {
		return nil, ap.E(op, ap.Invalid, stateError(q.State))
	}
	if q.Limit <= 0 || q.Limit > 40 {
		q.Limit = min(max(q.Limit, 20), 40)
	}
	sts, err := x.store.ListIdeas(ctx, q)
	if err != nil {
		return nil, ap.Wrap(op, err)
	}
	if sts, err = x.svc.Visible(ctx, v, sts); err != nil {
		return nil, ap.Wrap(op, err)
	}
	// Two reads for the whole page, not two per idea.
	ids := make([]string, len(sts))
	for i, st := range sts {
		ids[i] = st.ID
	}
	rows, err := x.store.IdeasByStatuses(ctx, ids)
	if err != nil {
		return nil, ap.Wrap(op, err)
	}
	adoptions, err := x.store.IdeaAdoptionsOf(ctx, ids)
	if err != nil {
		return nil, ap.Wrap(op, err)
	}
	out := make([]*View, 0, len(sts))
	for _, st := range sts {
		i, ok := rows[st.ID]
		if !ok {
			i = proposed(st)
		}
		out = append(out, &View{Status: st, Idea: i, AdoptedBy: adoptedBy(i, adoptions[st.ID])})
	}
	return out, nil
}

func stateError(s State) string {
	return fmt.Sprintf("status %q is not one of proposed, under_review, planned, adopted, declined", s)
}

// StateCount is how many ideas are in one state.
type StateCount struct {
	State State
	Count int
}

// CountByState counts the ideas of a group (or, with groupID "", of every idea this instance
// knows, local and remote) in each state, in lifecycle order, for the list page and for
// analytics ("ideas by status"). Counts cover ideas that are not direct messages, whoever may
// see them: they say how many, never which.
func (x *Ideas) CountByState(ctx context.Context, groupID string) ([]StateCount, error) {
	m, err := x.store.IdeaStateCounts(ctx, groupID)
	if err != nil {
		return nil, ap.Wrap("ideas.CountByState", err)
	}
	out := make([]StateCount, 0, len(States()))
	for _, s := range States() {
		out = append(out, StateCount{State: s, Count: m[s]})
	}
	return out, nil
}
