package activitypub

import (
	"context"
	"time"
)

// The storage interfaces the domain needs, one per concern, so no caller depends on more than it
// uses. storage.Store satisfies all of them. Every method takes the context first; a transaction
// started by Transactor.InTx travels in that context, so methods called with it join the
// transaction. Not-found is always an error of kind NotFound, never (nil, nil); a unique-key
// violation is an error of kind Conflict.

// Transactor runs fn in one database transaction: all of fn's writes commit together or none do.
type Transactor interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
	// InBatchTx is InTx for work independent of other callers': the store may run it in a
	// transaction shared with theirs (group commit), undoing only fn's writes when fn fails, and
	// returns once the shared transaction has committed. fn must use the context it is given.
	InBatchTx(ctx context.Context, fn func(ctx context.Context) error) error
}

// ActorStore keeps local and remote actors.
type ActorStore interface {
	CreateActor(ctx context.Context, a *Actor) error
	UpdateActor(ctx context.Context, a *Actor) error
	ActorByID(ctx context.Context, id string) (*Actor, error)
	ActorByURI(ctx context.Context, uri string) (*Actor, error)
	// ActorByUsername finds an actor by case-insensitive username and domain ("" for local).
	ActorByUsername(ctx context.Context, username, domain string) (*Actor, error)
	ActorByKeyID(ctx context.Context, keyID string) (*Actor, error)
	ActorsByIDs(ctx context.Context, ids []string) ([]*Actor, error)
	// SearchActors matches username, domain and display name by prefix, local ones first.
	SearchActors(ctx context.Context, query string, limit int) ([]*Actor, error)
	CountLocalActors(ctx context.Context, kind ActorKind) (int, error)
	// AdjustActorCounts adds the deltas to an actor's denormalised counters.
	AdjustActorCounts(ctx context.Context, id string, followers, following, statuses int) error
	// SetPrivateKey and PrivateKey keep the PEM private key of a local actor.
	SetPrivateKey(ctx context.Context, actorID, pem string) error
	PrivateKey(ctx context.Context, actorID string) (string, error)
}

// UserStore keeps the sign-in side of local people.
type UserStore interface {
	CreateUser(ctx context.Context, u *User) error
	UpdateUser(ctx context.Context, u *User) error
	UserByActorID(ctx context.Context, actorID string) (*User, error)
	// UserByLogin finds a user by case-insensitive email or local username.
	UserByLogin(ctx context.Context, login string) (*User, error)
	CountAdmins(ctx context.Context) (int, error)
	CountUsers(ctx context.Context) (int, error)
}

// SessionStore keeps browser sessions, shared by every server process.
type SessionStore interface {
	CreateSession(ctx context.Context, s *Session) error
	SessionByHash(ctx context.Context, idHash string) (*Session, error)
	TouchSession(ctx context.Context, idHash string, seen, expires time.Time) error
	DeleteSession(ctx context.Context, idHash string) error
	DeleteUserSessions(ctx context.Context, userID string) error
}

// SettingStore keeps instance-wide values (the one-time setup token, policy mode...).
type SettingStore interface {
	Setting(ctx context.Context, key string) (string, error)
	SetSetting(ctx context.Context, key, value string) error
	// TakeSetting deletes key and returns its value, atomically: of two callers only one gets it.
	TakeSetting(ctx context.Context, key string) (string, error)
	DeleteSetting(ctx context.Context, key string) error
}

// RateLimitStore counts attempts per key in fixed windows, shared by every server process.
type RateLimitStore interface {
	// Hit records one attempt for key in the window starting at windowStart and returns the
	// number of attempts in that window so far, this one included.
	Hit(ctx context.Context, key string, windowStart time.Time) (int, error)
	ResetHits(ctx context.Context, key string) error
}

// FollowStore keeps follows and follow requests.
type FollowStore interface {
	CreateFollow(ctx context.Context, f *Follow) error
	FollowByID(ctx context.Context, id string) (*Follow, error)
	FollowByURI(ctx context.Context, uri string) (*Follow, error)
	FollowBetween(ctx context.Context, followerID, followeeID string) (*Follow, error)
	AcceptFollow(ctx context.Context, id string) error
	DeleteFollow(ctx context.Context, id string) error
	// Followers lists accepted followers of an actor, newest first, paged by follow id.
	Followers(ctx context.Context, actorID string, p Page) ([]*Follow, error)
	Following(ctx context.Context, actorID string, p Page) ([]*Follow, error)
	FollowRequests(ctx context.Context, followeeID string, p Page) ([]*Follow, error)
	CountFollowRequests(ctx context.Context, followeeID string) (int, error)
	// FollowerInboxes returns the distinct inboxes (shared inbox preferred) of an actor's remote
	// accepted followers.
	FollowerInboxes(ctx context.Context, actorID string) ([]string, error)
	// LocalFollowerIDs returns the actor ids of an actor's local accepted followers.
	LocalFollowerIDs(ctx context.Context, actorID string) ([]string, error)
}

// BlockStore keeps blocks and mutes.
type BlockStore interface {
	CreateBlock(ctx context.Context, b *Block) error
	BlockBetween(ctx context.Context, actorID, targetID string) (*Block, error)
	BlockByURI(ctx context.Context, uri string) (*Block, error)
	DeleteBlock(ctx context.Context, id string) error
	// Blocked reports whether either actor blocks the other.
	Blocked(ctx context.Context, a, b string) (bool, error)
	// BlockersOf returns those of readers who block any of targets.
	BlockersOf(ctx context.Context, readers, targets []string) ([]string, error)
	Blocks(ctx context.Context, actorID string, p Page) ([]*Block, error)
	SetMute(ctx context.Context, m *Mute) error
	DeleteMute(ctx context.Context, actorID, targetID string) error
	Mutes(ctx context.Context, actorID string, p Page) ([]*Mute, error)
	Muted(ctx context.Context, actorID, targetID string) (bool, error)
}

// StatusStore keeps statuses with their mentions, tags, attachments and edits.
type StatusStore interface {
	// CreateStatus writes the status row and its mentions, tags and attachment links.
	CreateStatus(ctx context.Context, s *Status) error
	// UpdateStatus rewrites content fields, mentions, tags and attachments.
	UpdateStatus(ctx context.Context, s *Status) error
	StatusByID(ctx context.Context, id string) (*Status, error)
	StatusByURI(ctx context.Context, uri string) (*Status, error)
	StatusesByIDs(ctx context.Context, ids []string) ([]*Status, error)
	// MarkStatusDeleted tombstones a status: content cleared, deleted_at set, timeline rows removed.
	MarkStatusDeleted(ctx context.Context, id string, at time.Time) error
	ReblogOf(ctx context.Context, actorID, statusID string) (*Status, error)
	// ActorStatuses lists an actor's statuses newest first; the filter narrows them.
	ActorStatuses(ctx context.Context, actorID string, f StatusFilter, p Page) ([]*Status, error)
	// Replies lists the direct and indirect replies of a status, oldest first.
	Descendants(ctx context.Context, statusID string, limit int) ([]*Status, error)
	AdjustStatusCounts(ctx context.Context, id string, replies, reblogs, favourites int) error
	AddStatusEdit(ctx context.Context, e *StatusEdit) error
	StatusEdits(ctx context.Context, statusID string) ([]*StatusEdit, error)
	// PublicTimeline lists public statuses; local restricts to local, remote to remote ones.
	PublicTimeline(ctx context.Context, local, remote bool, p Page) ([]*Status, error)
	// CouncilTimeline lists local statuses that are public or local-only, for local viewers.
	CouncilTimeline(ctx context.Context, p Page) ([]*Status, error)
	TagTimeline(ctx context.Context, tag string, localOnly bool, p Page) ([]*Status, error)
	SearchStatuses(ctx context.Context, query string, p Page) ([]*Status, error)
	CountLocalStatuses(ctx context.Context) (int, error)
}

// StatusFilter narrows an actor's statuses.
type StatusFilter struct {
	ExcludeReplies bool
	ExcludeReblogs bool
	OnlyMedia      bool
	Pinned         bool
	MaxVisibility  []Visibility // the visibilities the viewer may see
}

// InteractionStore keeps favourites, bookmarks and pins.
type InteractionStore interface {
	CreateFavourite(ctx context.Context, f *Favourite) error
	FavouriteBetween(ctx context.Context, actorID, statusID string) (*Favourite, error)
	FavouriteByURI(ctx context.Context, uri string) (*Favourite, error)
	DeleteFavourite(ctx context.Context, id string) error
	// Favourites lists the favourites a user made, newest first, paged by favourite id.
	Favourites(ctx context.Context, actorID string, p Page) ([]*Favourite, error)
	FavouritedBy(ctx context.Context, statusID string, p Page) ([]*Favourite, error)
	RebloggedBy(ctx context.Context, statusID string, p Page) ([]*Status, error)
	SetBookmark(ctx context.Context, actorID, statusID, id string, at time.Time) error
	DeleteBookmark(ctx context.Context, actorID, statusID string) error
	Bookmarks(ctx context.Context, actorID string, p Page) (ids []string, statusIDs []string, err error)
	SetPin(ctx context.Context, actorID, statusID string, at time.Time) error
	DeletePin(ctx context.Context, actorID, statusID string) error
	// ViewerState reports, for each status id, whether viewer favourited, reblogged, bookmarked
	// or pinned it, in one query.
	ViewerState(ctx context.Context, viewerID string, statusIDs []string) (map[string]ViewerFlags, error)
}

// ViewerFlags are the per-viewer booleans Mastodon clients show on a status.
type ViewerFlags struct {
	Favourited, Reblogged, Bookmarked, Pinned, Muted bool
}

// TimelineStore keeps each local user's home timeline.
type TimelineStore interface {
	// AddToHomes inserts a status into the home timelines of the given users.
	AddToHomes(ctx context.Context, statusID string, userIDs []string) error
	RemoveFromHome(ctx context.Context, userID, statusID string) error
	// RemoveActorFromHome removes every status by actor from one user's home (after unfollow).
	RemoveActorFromHome(ctx context.Context, userID, actorID string) error
	HomeTimeline(ctx context.Context, userID string, p Page) ([]*Status, error)
}

// NotificationStore keeps notifications.
type NotificationStore interface {
	// CreateNotification is a no-op when the same (recipient, type, from, status) exists.
	CreateNotification(ctx context.Context, n *Notification) error
	Notifications(ctx context.Context, recipientID string, f NotificationFilter, p Page) ([]*Notification, error)
	NotificationByID(ctx context.Context, recipientID, id string) (*Notification, error)
	DeleteNotification(ctx context.Context, recipientID, id string) error
	ClearNotifications(ctx context.Context, recipientID string) error
}

// NotificationFilter narrows a notification list.
type NotificationFilter struct {
	Types        []NotificationType
	ExcludeTypes []NotificationType
	FromActorID  string
}

// OutboxStore is the durable delivery queue. Enqueue runs inside the transaction of the action that
// caused it (transactional outbox), so a crash cannot lose an accepted delivery.
type OutboxStore interface {
	Enqueue(ctx context.Context, item *OutboxItem) error
	// PendingOutbox returns items not yet expanded into deliveries, oldest first.
	PendingOutbox(ctx context.Context, limit int) ([]*OutboxItem, error)
	OutboxItem(ctx context.Context, id string) (*OutboxItem, error)
	// ExpandOutbox records one delivery per inbox and marks the item expanded, atomically.
	ExpandOutbox(ctx context.Context, itemID string, deliveries []*Delivery) error
	// ClaimDeliveries leases up to limit due pending deliveries until leaseUntil, skipping hosts
	// in busyHosts, so several processes never send the same delivery at once.
	ClaimDeliveries(ctx context.Context, now, leaseUntil time.Time, limit int, busyHosts []string) ([]*Delivery, error)
	CompleteDelivery(ctx context.Context, id string) error
	RetryDelivery(ctx context.Context, id string, next time.Time, lastErr string) error
	FailDelivery(ctx context.Context, id string, lastErr string) error
	CountDeliveries(ctx context.Context, state string) (int, error)
}

// InboxStore remembers processed activities and deleted remote objects.
type InboxStore interface {
	// MarkActivitySeen records an inbound activity id; it returns false when it was already seen.
	MarkActivitySeen(ctx context.Context, uri string, at time.Time) (bool, error)
	AddTombstone(ctx context.Context, uri string, at time.Time) error
	IsTombstoned(ctx context.Context, uri string) (bool, error)
}

// OAuthStore keeps Mastodon API applications, codes and tokens (hashed).
type OAuthStore interface {
	CreateApp(ctx context.Context, a *OAuthApp) error
	AppByClientID(ctx context.Context, clientID string) (*OAuthApp, error)
	AppByID(ctx context.Context, id string) (*OAuthApp, error)
	CreateCode(ctx context.Context, c *OAuthCode) error
	// TakeCode deletes and returns a code, so it can be exchanged once only.
	TakeCode(ctx context.Context, codeHash string) (*OAuthCode, error)
	CreateToken(ctx context.Context, t *OAuthToken) error
	TokenByHash(ctx context.Context, tokenHash string) (*OAuthToken, error)
	RevokeToken(ctx context.Context, tokenHash string, at time.Time) error
}

// Store is everything the domain service needs from storage.
type Store interface {
	Transactor
	ActorStore
	UserStore
	SessionStore
	SettingStore
	RateLimitStore
	FollowStore
	BlockStore
	StatusStore
	InteractionStore
	TimelineStore
	NotificationStore
	OutboxStore
	InboxStore
	OAuthStore
	AuditStore
	PartnerStore
	ExpertiseStore
	Ping(ctx context.Context) error
}
