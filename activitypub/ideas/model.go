// Package ideas is the ideas area of the domain: an idea is a status of kind idea with a title,
// a body and a lifecycle (proposed → under review → planned → adopted, or declined with a
// reason). Votes are the kernel's favourites (Like), one per person. Each status change rewrites
// the idea's status line and federates as an Update by its author; other councils mark an idea
// "adopted here too", which reaches the idea's home and is listed there (adopted_by).
//
// Who may change an idea's status: its author, the moderators and owners of the local group it
// was posted in, and the instance's moderators, administrators and owner. Only the idea's home
// server changes its status; other servers take it from the author's signed Update.
package ideas

import (
	"context"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
)

// State is where an idea is in its lifecycle.
type State string

// The states, in lifecycle order.
const (
	Proposed    State = "proposed"
	UnderReview State = "under_review"
	Planned     State = "planned"
	Adopted     State = "adopted"
	Declined    State = "declined"
)

// States lists the states in lifecycle order (sorting by status uses it).
func States() []State { return []State{Proposed, UnderReview, Planned, Adopted, Declined} }

// Valid reports whether s is a known state.
func (s State) Valid() bool {
	for _, v := range States() {
		if s == v {
			return true
		}
	}
	return false
}

// Label is the state as people read it ("Under review").
func (s State) Label() string {
	switch s {
	case Proposed:
		return "Proposed"
	case UnderReview:
		return "Under review"
	case Planned:
		return "Planned"
	case Adopted:
		return "Adopted"
	case Declined:
		return "Declined"
	}
	return string(s)
}

// Limits on what people and peers may write.
const (
	MaxReasonChars = 500
	// MaxAdoptedBy bounds the adoption list a remote origin may declare for its idea.
	MaxAdoptedBy = 200
)

// Idea is what an idea has beyond its status row.
type Idea struct {
	StatusID string
	State    State
	Reason   string // why it was declined (or any note with the last change)
	// Body is the idea's HTML without its status line, kept for local ideas so each change
	// rewrites the line rather than appending another.
	Body string
	// DeclaredAdoptedBy is, for a remote idea, the adoptions its origin publishes.
	DeclaredAdoptedBy []string
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// Change is one status change, for the idea's history.
type Change struct {
	ID        string
	StatusID  string
	State     State
	Reason    string
	ActorID   string // who changed it ("" when unknown)
	CreatedAt time.Time
}

// Adoption records that a council (an instance, by its domain) adopted an idea too.
type Adoption struct {
	StatusID    string
	Domain      string
	ActorID     string // who marked it
	ActivityURI string // the adoption activity, for a remote one
	CreatedAt   time.Time
}

// Sort orders a list of ideas.
type Sort string

// Sorts.
const (
	ByNewest Sort = "newest"
	ByVotes  Sort = "votes"
	ByStatus Sort = "status" // lifecycle order, newest first within a state
)

// Valid reports whether s is a known sort.
func (s Sort) Valid() bool { return s == ByNewest || s == ByVotes || s == ByStatus }

// Query selects ideas to list.
type Query struct {
	GroupID string
	State   State // "" for any
	Sort    Sort
	Limit   int
	MaxID   string // newest only: ideas older than this status id
}

// Store is what the ideas area needs from storage: its own rows plus the kernel reads it makes.
// storage.Store satisfies it.
type Store interface {
	ap.Transactor
	// CreateIdea stores the idea row of a status; a second one for the status is a Conflict.
	CreateIdea(ctx context.Context, i *Idea) error
	// SaveIdea writes an idea row, replacing the one the status has.
	SaveIdea(ctx context.Context, i *Idea) error
	IdeaByStatus(ctx context.Context, statusID string) (*Idea, error)
	// IdeasByStatuses returns the idea rows of several statuses by status id; statuses
	// without one are missing from the map.
	IdeasByStatuses(ctx context.Context, statusIDs []string) (map[string]*Idea, error)
	AddIdeaChange(ctx context.Context, c *Change) error
	// IdeaChanges lists an idea's changes, oldest first.
	IdeaChanges(ctx context.Context, statusID string) ([]*Change, error)
	// AddIdeaAdoption records an adoption once per idea and domain; false when it was known.
	AddIdeaAdoption(ctx context.Context, a *Adoption) (bool, error)
	// IdeaAdoptions lists an idea's adoptions, oldest first.
	IdeaAdoptions(ctx context.Context, statusID string) ([]*Adoption, error)
	// IdeaAdoptionsOf lists the adoptions of several ideas, by status id, each oldest first.
	IdeaAdoptionsOf(ctx context.Context, statusIDs []string) (map[string][]*Adoption, error)
	// ListIdeas lists undeleted ideas that are not direct messages in the query's order.
	ListIdeas(ctx context.Context, q Query) ([]*ap.Status, error)
	// IdeaStateCounts counts live ideas that are not direct messages by state, in a group or
	// (groupID "") everywhere; an idea without a row counts as proposed.
	IdeaStateCounts(ctx context.Context, groupID string) (map[State]int, error)
	// SetStatusKind marks a stored status as a question or an idea.
	SetStatusKind(ctx context.Context, statusID string, kind ap.StatusKind) error

	StatusByID(ctx context.Context, id string) (*ap.Status, error)
	StatusByURI(ctx context.Context, uri string) (*ap.Status, error)
	ActorByID(ctx context.Context, id string) (*ap.Actor, error)
}

// Groups is what the ideas area uses of the groups area; the server wires groups.Groups in.
type Groups interface {
	// Post publishes a local member's post in a local group and relays it.
	Post(ctx context.Context, by *ap.Account, groupID string, in ap.PostInput) (*ap.Status, error)
	// Moderators lists the actors who own or moderate a group.
	Moderators(ctx context.Context, groupID string) ([]*ap.Actor, error)
}

// View is an idea as surfaces show it.
type View struct {
	Status    *ap.Status
	Idea      *Idea
	AdoptedBy []string  // domains, in the order they adopted it
	Changes   []*Change // on Get only: lists leave the history out
}

// Votes is the idea's vote count: its favourites.
func (v *View) Votes() int { return v.Status.FavouritesCount }
