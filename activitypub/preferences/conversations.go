package preferences

import (
	"context"
	"github.com/guildhall/guildhall/activitypub"
	"time"
)

// A conversation is computed, not stored: for one viewer it is the set of direct statuses of one
// thread that the viewer wrote or is mentioned in, which are exactly the direct statuses CanSee
// lets them read. Computing it from statuses and mentions means every way a direct status can
// arrive (a local post, an inbound Create, a fetched reply) makes or extends a conversation
// without any write path knowing about conversations. Only what the viewer did to it (read it,
// removed it) is stored, per viewer and thread.
//
// A thread is the status's ContextURI, or its own URI when it has none (a remote post that names
// no context and replies to nothing we know). A conversation's id is the id of the first status of
// its thread that the viewer was involved in, deleted or not: stable for the viewer and the
// thread, known without a write, and cheap to turn back into the thread (that status's own
// thread). Two participants usually share the id; Mastodon's ids are per account, but clients
// only ever use them with the token that listed them.

// ConversationSummary is one thread as the store sums it up for one viewer. Ids are status ids;
// "" means none.
type ConversationSummary struct {
	ID           string // the first status of the thread the viewer was involved in
	Thread       string // the thread key: context URI, else the first status's URI
	LastStatusID string // the newest live status
	LastOtherID  string // the newest live status by someone else
	LastOwnID    string // the newest status by the viewer
	ReadID       string // the last status the viewer marked read
}

// ConversationStore sums direct threads up per viewer and keeps what each viewer did to them.
// The involved statuses leave out those by actors the viewer blocks or is blocked by.
type ConversationStore interface {
	// Conversations lists viewerID's conversations newest first, paged by LastStatusID, leaving
	// out those without a live status and those removed since their last status.
	Conversations(ctx context.Context, viewerID string, p activitypub.Page) ([]*ConversationSummary, error)
	// ConversationByID finds the conversation whose id is id (removed ones included); NotFound
	// when viewerID has none with that id.
	ConversationByID(ctx context.Context, viewerID, id string) (*ConversationSummary, error)
	// ConversationParticipants returns, per thread, the authors and mentioned actors of
	// viewerID's live involved statuses, viewerID left out, ordered by actor id.
	ConversationParticipants(ctx context.Context, viewerID string, threads []string) (map[string][]string, error)
	// MarkConversationRead records that viewerID read thread up to statusID; it never moves back.
	MarkConversationRead(ctx context.Context, viewerID, thread, statusID string, at time.Time) error
	// HideConversation removes thread from viewerID's list until a status newer than statusID.
	HideConversation(ctx context.Context, viewerID, thread, statusID string, at time.Time) error
}

// Conversation is one direct-message thread as a viewer sees it.
type Conversation struct {
	ID         string
	Thread     string
	Accounts   []*activitypub.Actor // the other participants
	LastStatus *activitypub.Status
	// Unread is true when someone else posted after the viewer last read the conversation or
	// posted in it (posting in a conversation reads it, as in Mastodon).
	Unread bool
}

// unread applies the rule of Conversation.Unread to a summary. Ids are ULIDs: text order is
// time order.
func (c *ConversationSummary) unread() bool {
	return c.LastOtherID != "" && c.LastOtherID > max(c.ReadID, c.LastOwnID)
}

// Conversations holds the direct-message use cases, over their own store.
type Conversations struct {
	svc   *activitypub.Service
	store ConversationStore
}

// NewConversations returns the conversation use cases over store.
func NewConversations(svc *activitypub.Service, store ConversationStore) (*Conversations, error) {
	if svc == nil || store == nil {
		return nil, activitypub.E("preferences.NewConversations", activitypub.Invalid, "service and store are required")
	}
	return &Conversations{svc: svc, store: store}, nil
}

// List returns acct's conversations newest first by their last status, paged by that status's id.
func (c *Conversations) List(ctx context.Context, acct *activitypub.Account, p activitypub.Page) ([]*Conversation, error) {
	const op = "preferences.Conversations"
	sums, err := c.store.Conversations(ctx, acct.Actor.ID, activitypub.ClampPage(p))
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	out, err := c.build(ctx, acct, sums)
	return out, activitypub.Wrap(op, err)
}

// MarkRead marks the conversation read up to its last status and returns it.
func (c *Conversations) MarkRead(ctx context.Context, acct *activitypub.Account, id string) (*Conversation, error) {
	const op = "preferences.MarkConversationRead"
	sum, err := c.store.ConversationByID(ctx, acct.Actor.ID, id)
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	if err := c.store.MarkConversationRead(ctx, acct.Actor.ID, sum.Thread, sum.LastStatusID, c.svc.Now()); err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	sum.ReadID = max(sum.ReadID, sum.LastStatusID)
	out, err := c.build(ctx, acct, []*ConversationSummary{sum})
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	if len(out) == 0 {
		return nil, activitypub.E(op, activitypub.NotFound, "Record not found")
	}
	return out[0], nil
}

// Remove hides the conversation from acct's list until a new status arrives in it. Nobody
// else's view changes and no status is deleted.
func (c *Conversations) Remove(ctx context.Context, acct *activitypub.Account, id string) error {
	const op = "preferences.RemoveConversation"
	sum, err := c.store.ConversationByID(ctx, acct.Actor.ID, id)
	if err != nil {
		return activitypub.Wrap(op, err)
	}
	return activitypub.Wrap(op, c.store.HideConversation(ctx, acct.Actor.ID, sum.Thread, sum.LastStatusID, c.svc.Now()))
}

// build loads the last statuses and the participants of summaries with a fixed number of queries.
// A conversation whose last status the viewer may not see after all is left out.
func (c *Conversations) build(ctx context.Context, acct *activitypub.Account, sums []*ConversationSummary) ([]*Conversation, error) {
	out := make([]*Conversation, 0, len(sums))
	if len(sums) == 0 {
		return out, nil
	}
	threads := make([]string, len(sums))
	lastIDs := make([]string, len(sums))
	for i, s := range sums {
		threads[i], lastIDs[i] = s.Thread, s.LastStatusID
	}
	parts, err := c.store.ConversationParticipants(ctx, acct.Actor.ID, threads)
	if err != nil {
		return nil, err
	}
	sts, err := c.svc.StatusesByIDs(ctx, lastIDs)
	if err != nil {
		return nil, err
	}
	statusByID := make(map[string]*activitypub.Status, len(sts))
	for _, st := range sts {
		statusByID[st.ID] = st
	}
	var actorIDs []string
	seen := map[string]bool{}
	for _, ids := range parts {
		for _, id := range ids {
			if !seen[id] {
				seen[id] = true
				actorIDs = append(actorIDs, id)
			}
		}
	}
	actorByID := map[string]*activitypub.Actor{}
	if len(actorIDs) > 0 {
		as, err := c.svc.ActorsByIDs(ctx, actorIDs)
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			actorByID[a.ID] = a
		}
	}
	viewer := activitypub.Viewer{Actor: &acct.Actor}
	for _, s := range sums {
		st := statusByID[s.LastStatusID]
		if st == nil {
			continue
		}
		if ok, err := c.svc.CanSee(ctx, viewer, st); err != nil {
			return nil, err
		} else if !ok {
			continue
		}
		conv := &Conversation{ID: s.ID, Thread: s.Thread, LastStatus: st, Unread: s.unread(), Accounts: []*activitypub.Actor{}}
		for _, id := range parts[s.Thread] {
			if a := actorByID[id]; a != nil {
				conv.Accounts = append(conv.Accounts, a)
			}
		}
		out = append(out, conv)
	}
	return out, nil
}
