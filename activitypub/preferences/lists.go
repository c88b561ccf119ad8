package preferences

import (
	"context"
	"github.com/guildhall/guildhall/activitypub"
	"strings"
	"time"
	"unicode/utf8"
)

// RepliesPolicy says which replies by list members a list timeline shows.
type RepliesPolicy string

// Replies policies, as in Mastodon.
const (
	RepliesFollowed RepliesPolicy = "followed" // replies to anyone the owner follows
	RepliesList     RepliesPolicy = "list"     // replies to members of the list
	RepliesNone     RepliesPolicy = "none"     // no replies, except to oneself
)

// MaxListTitle bounds a list's title, in characters.
const MaxListTitle = 200

// List is a named set of accounts a local user follows, with its own timeline. An exclusive
// list's members are left out of its owner's home timeline (Mastodon 4.2).
type List struct {
	ID            string
	OwnerID       string // the owner's actor id
	Title         string
	RepliesPolicy RepliesPolicy
	Exclusive     bool
	CreatedAt     time.Time
}

// ListStore keeps lists and their members.
type ListStore interface {
	CreateList(ctx context.Context, l *List) error
	// UpdateList rewrites title, replies policy and exclusivity.
	UpdateList(ctx context.Context, l *List) error
	DeleteList(ctx context.Context, id string) error
	ListByID(ctx context.Context, id string) (*List, error)
	// Lists returns an owner's lists, oldest first.
	Lists(ctx context.Context, ownerID string) ([]*List, error)
	// ListsWithMember returns the owner's lists that contain actorID.
	ListsWithMember(ctx context.Context, ownerID, actorID string) ([]*List, error)
	// AddListMembers adds actors to a list; adding a member twice is harmless.
	AddListMembers(ctx context.Context, listID string, actorIDs []string, at time.Time) error
	RemoveListMembers(ctx context.Context, listID string, actorIDs []string) error
	// ListMembers pages a list's member actor ids, newest actor id first.
	ListMembers(ctx context.Context, listID string, p activitypub.Page) ([]string, error)
	// AllListMembers returns every member's actor id.
	AllListMembers(ctx context.Context, listID string) ([]string, error)
	// ListTimeline lists statuses (boosts included) by the list's members, newest first, paged by
	// status id, narrowed by visibility and the list's replies policy.
	ListTimeline(ctx context.Context, l *List, vis []activitypub.Visibility, p activitypub.Page) ([]*activitypub.Status, error)
	// ExclusiveMembers returns the actor ids that are members of any exclusive list of ownerID.
	ExclusiveMembers(ctx context.Context, ownerID string) ([]string, error)
	// FollowBetween finds a follow (in any state); NotFound when there is none. Lists need it
	// because only accounts the owner follows may be members.
	FollowBetween(ctx context.Context, followerID, followeeID string) (*activitypub.Follow, error)
}

// ListInput creates or changes a list; nil fields keep their value (or take the default).
type ListInput struct {
	Title         *string
	RepliesPolicy *string
	Exclusive     *bool
}

// Lists holds the list use cases, over their own store.
type Lists struct {
	svc   *activitypub.Service
	store ListStore
}

// NewLists returns the list use cases over store.
func NewLists(svc *activitypub.Service, store ListStore) (*Lists, error) {
	if svc == nil || store == nil {
		return nil, activitypub.E("preferences.NewLists", activitypub.Invalid, "service and store are required")
	}
	return &Lists{svc: svc, store: store}, nil
}

// Create makes a list for acct.
func (l *Lists) Create(ctx context.Context, acct *activitypub.Account, in ListInput) (*List, error) {
	const op = "preferences.CreateList"
	list := &List{ID: l.svc.NewID(), OwnerID: acct.Actor.ID, RepliesPolicy: RepliesList, CreatedAt: l.svc.Now()}
	if in.Title == nil {
		return nil, activitypub.E(op, activitypub.Invalid, "Title can't be blank")
	}
	if err := applyListInput(op, list, in); err != nil {
		return nil, err
	}
	return list, activitypub.Wrap(op, l.store.CreateList(ctx, list))
}

func applyListInput(op string, list *List, in ListInput) error {
	if in.Title != nil {
		t := strings.TrimSpace(*in.Title)
		if t == "" {
			return activitypub.E(op, activitypub.Invalid, "Title can't be blank")
		}
		if utf8.RuneCountInString(t) > MaxListTitle {
			return activitypub.E(op, activitypub.Invalid, "Title is too long")
		}
		list.Title = t
	}
	if in.RepliesPolicy != nil && *in.RepliesPolicy != "" {
		switch p := RepliesPolicy(*in.RepliesPolicy); p {
		case RepliesFollowed, RepliesList, RepliesNone:
			list.RepliesPolicy = p
		default:
			return activitypub.E(op, activitypub.Invalid, "Replies policy must be followed, list or none")
		}
	}
	if in.Exclusive != nil {
		list.Exclusive = *in.Exclusive
	}
	return nil
}

// Get returns one of acct's lists. Another user's list is not found, not forbidden: its
// existence is nobody else's business.
func (l *Lists) Get(ctx context.Context, acct *activitypub.Account, id string) (*List, error) {
	const op = "preferences.List"
	list, err := l.store.ListByID(ctx, id)
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	if list.OwnerID != acct.Actor.ID {
		return nil, activitypub.E(op, activitypub.NotFound, "Record not found")
	}
	return list, nil
}

// All returns acct's lists.
func (l *Lists) All(ctx context.Context, acct *activitypub.Account) ([]*List, error) {
	lists, err := l.store.Lists(ctx, acct.Actor.ID)
	return lists, activitypub.Wrap("preferences.Lists", err)
}

// Update changes one of acct's lists.
func (l *Lists) Update(ctx context.Context, acct *activitypub.Account, id string, in ListInput) (*List, error) {
	const op = "preferences.UpdateList"
	list, err := l.Get(ctx, acct, id)
	if err != nil {
		return nil, err
	}
	if err := applyListInput(op, list, in); err != nil {
		return nil, err
	}
	return list, activitypub.Wrap(op, l.store.UpdateList(ctx, list))
}

// Delete removes one of acct's lists with its memberships.
func (l *Lists) Delete(ctx context.Context, acct *activitypub.Account, id string) error {
	const op = "preferences.DeleteList"
	if _, err := l.Get(ctx, acct, id); err != nil {
		return err
	}
	return activitypub.Wrap(op, l.store.DeleteList(ctx, id))
}

// WithMember returns acct's lists that contain actorID.
func (l *Lists) WithMember(ctx context.Context, acct *activitypub.Account, actorID string) ([]*List, error) {
	lists, err := l.store.ListsWithMember(ctx, acct.Actor.ID, actorID)
	return lists, activitypub.Wrap("preferences.ListsWithMember", err)
}

// AddMembers adds accounts to one of acct's lists. Every one must be followed by acct (an
// accepted follow): a list is a view of the home timeline, as in Mastodon.
func (l *Lists) AddMembers(ctx context.Context, acct *activitypub.Account, id string, actorIDs []string) error {
	const op = "preferences.AddListMembers"
	if _, err := l.Get(ctx, acct, id); err != nil {
		return err
	}
	if len(actorIDs) == 0 {
		return activitypub.E(op, activitypub.Invalid, "account_ids must name at least one account")
	}
	for _, a := range actorIDs {
		f, err := l.store.FollowBetween(ctx, acct.Actor.ID, a)
		switch {
		case activitypub.IsNotFound(err) || (err == nil && f.State != activitypub.FollowAccepted):
			return activitypub.E(op, activitypub.Invalid, "You must be following an account to add it to a list")
		case err != nil:
			return activitypub.Wrap(op, err)
		}
	}
	return activitypub.Wrap(op, l.store.AddListMembers(ctx, id, actorIDs, l.svc.Now()))
}

// RemoveMembers takes accounts out of one of acct's lists.
func (l *Lists) RemoveMembers(ctx context.Context, acct *activitypub.Account, id string, actorIDs []string) error {
	const op = "preferences.RemoveListMembers"
	if _, err := l.Get(ctx, acct, id); err != nil {
		return err
	}
	return activitypub.Wrap(op, l.store.RemoveListMembers(ctx, id, actorIDs))
}

// Members pages the actor ids of one of acct's lists.
func (l *Lists) Members(ctx context.Context, acct *activitypub.Account, id string, p activitypub.Page) ([]string, error) {
	if _, err := l.Get(ctx, acct, id); err != nil {
		return nil, err
	}
	ids, err := l.store.ListMembers(ctx, id, p)
	return ids, activitypub.Wrap("preferences.ListMembers", err)
}

// Membership returns a list's owner and every member, for the streaming API's list stream.
func (l *Lists) Membership(ctx context.Context, id string) (ownerID string, memberIDs []string, err error) {
	const op = "preferences.ListMembership"
	list, err := l.store.ListByID(ctx, id)
	if err != nil {
		return "", nil, activitypub.Wrap(op, err)
	}
	members, err := l.store.AllListMembers(ctx, id)
	return list.OwnerID, members, activitypub.Wrap(op, err)
}

// Timeline lists the statuses of one of acct's lists that acct may see, newest first.
func (l *Lists) Timeline(ctx context.Context, acct *activitypub.Account, id string, p activitypub.Page) ([]*activitypub.Status, error) {
	const op = "preferences.ListTimeline"
	list, err := l.Get(ctx, acct, id)
	if err != nil {
		return nil, err
	}
	vis := []activitypub.Visibility{activitypub.Public, activitypub.Unlisted, activitypub.Private, activitypub.Direct, activitypub.LocalOnly}
	sts, err := l.store.ListTimeline(ctx, list, vis, activitypub.ClampPage(p))
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	return l.svc.Visible(ctx, activitypub.Viewer{Actor: &acct.Actor}, sts)
}

// HomeExclusions returns the authors whose posts stay out of acct's home timeline because they
// are members of one of acct's exclusive lists. acct's own posts are never excluded.
func (l *Lists) HomeExclusions(ctx context.Context, acct *activitypub.Account) (map[string]bool, error) {
	ids, err := l.store.ExclusiveMembers(ctx, acct.Actor.ID)
	if err != nil {
		return nil, activitypub.Wrap("preferences.HomeExclusions", err)
	}
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		if id != acct.Actor.ID {
			out[id] = true
		}
	}
	return out, nil
}
