// Package groups is the groups area of the domain (FEP-1b12): local Group actors that people on
// any server join by following, post into by addressing or mentioning, and that relay what they
// accept to every member as Announce; plus how a member server takes a remote group's relays.
//
// A group is an activitypub.Actor of kind Group (so follows, blocks, boosts and the delivery queue
// are the kernel's) with a Settings row for what only groups have.
package groups

import (
	"context"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
)

// Membership says who may join a group.
type Membership string

// Membership modes.
const (
	Open     Membership = "open"     // any follow is accepted at once
	Approval Membership = "approval" // a moderator accepts or rejects each request
	Invite   Membership = "invite"   // only people a moderator invites; other follows are refused
)

// Valid reports whether m is a known mode.
func (m Membership) Valid() bool { return m == Open || m == Approval || m == Invite }

// Reach says which servers may see and join a group.
type Reach string

// Reaches.
const (
	Federated Reach = "federated" // anyone on any server
	Internal  Reach = "internal"  // this instance only: no federation at all
	Partners  Reach = "partners"  // this instance and the instances on its partner list
)

// Valid reports whether r is a known reach.
func (r Reach) Valid() bool { return r == Federated || r == Internal || r == Partners }

// Settings is what a local group has beyond its actor.
type Settings struct {
	ActorID    string
	Rules      string
	Membership Membership
	Reach      Reach
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Group is a local group: its actor and its settings.
type Group struct {
	Actor    ap.Actor
	Settings Settings
}

// Role is a person's standing in a group beyond membership.
type Role string

// Roles.
const (
	Owner     Role = "owner"
	Moderator Role = "moderator"
)

// RoleHolder is one owner or moderator of a group.
type RoleHolder struct {
	GroupID   string
	ActorID   string
	Role      Role
	CreatedAt time.Time
}

// Post is a status a local group accepted and relayed.
type Post struct {
	GroupID    string
	StatusID   string
	CreateURI  string // the author's Create, re-announced as Announce{Create}
	AnnounceID string // the group's boost row (Announce{Note}), for top-level posts
	Pinned     bool
	Locked     bool
	CreatedAt  time.Time
	RemovedAt  *time.Time
}

// Invitation is an invitation to an invite-only group: one a local group sent to an actor on
// any server, or one a local person received from a remote group.
type Invitation struct {
	GroupID   string
	ActorID   string
	InvitedBy string // the inviting moderator's actor id; "" for a received invitation
	CreatedAt time.Time
}

// Store is what the groups area needs from storage: its own rows plus the few kernel reads it
// makes. storage.Store satisfies it.
type Store interface {
	ap.Transactor
	CreateGroupSettings(ctx context.Context, g *Settings) error
	UpdateGroupSettings(ctx context.Context, g *Settings) error
	GroupSettings(ctx context.Context, actorID string) (*Settings, error)
	// LocalGroups lists local groups newest first; query, when set, matches the handle, name
	// or description.
	LocalGroups(ctx context.Context, query string, p ap.Page) ([]*ap.Actor, error)
	// RemoteGroups lists groups seen on other servers, for the directory.
	RemoteGroups(ctx context.Context, query string, p ap.Page) ([]*ap.Actor, error)
	// LocalGroupRefs lists every local group that has settings, deleted and suspended ones too.
	LocalGroupRefs(ctx context.Context) ([]Ref, error)

	SetGroupRole(ctx context.Context, r *RoleHolder) error
	DeleteGroupRole(ctx context.Context, groupID, actorID string) error
	GroupRoles(ctx context.Context, groupID string) ([]*RoleHolder, error)

	AddPartnerDomain(ctx context.Context, domain string, at time.Time) error
	DeletePartnerDomain(ctx context.Context, domain string) error
	PartnerDomains(ctx context.Context) ([]string, error)

	// AddGroupPost records that a group relayed a status; false when it already had.
	AddGroupPost(ctx context.Context, p *Post) (bool, error)
	GroupPost(ctx context.Context, groupID, statusID string) (*Post, error)
	UpdateGroupPost(ctx context.Context, p *Post) error
	// GroupPosts lists the posts a group relayed and did not remove, newest first by status
	// id; pinned narrows them to the pinned ones.
	GroupPosts(ctx context.Context, groupID string, pinned bool, p ap.Page) ([]*Post, error)
	// GroupPostsByStatus lists the local groups that relayed a status.
	GroupPostsByStatus(ctx context.Context, statusID string) ([]*Post, error)
	// SetStatusGroup records the group a status was posted to (its audience).
	SetStatusGroup(ctx context.Context, statusID, groupID string) error
	// MemberGroups lists the groups an actor is an accepted member of, by name.
	MemberGroups(ctx context.Context, actorID string, limit int) ([]*ap.Actor, error)

	AddGroupInvite(ctx context.Context, inv *Invitation) error
	// DeleteGroupInvite reports whether there was an invitation to delete.
	DeleteGroupInvite(ctx context.Context, groupID, actorID string) (bool, error)
	GroupInvited(ctx context.Context, groupID, actorID string) (bool, error)
	// GroupInvites lists a group's invitations (byGroup) or an actor's, newest first.
	GroupInvites(ctx context.Context, id string, byGroup bool, limit int) ([]*Invitation, error)

	CreateActor(ctx context.Context, a *ap.Actor) error
	SetPrivateKey(ctx context.Context, actorID, pem string) error
	ActorByID(ctx context.Context, id string) (*ap.Actor, error)
	ActorByURI(ctx context.Context, uri string) (*ap.Actor, error)
	ActorsByIDs(ctx context.Context, ids []string) ([]*ap.Actor, error)
	ActorByUsername(ctx context.Context, username, domain string) (*ap.Actor, error)
	UpdateActor(ctx context.Context, a *ap.Actor) error
	FollowBetween(ctx context.Context, followerID, followeeID string) (*ap.Follow, error)
	Followers(ctx context.Context, actorID string, p ap.Page) ([]*ap.Follow, error)
	FollowRequests(ctx context.Context, followeeID string, p ap.Page) ([]*ap.Follow, error)
	Blocked(ctx context.Context, a, b string) (bool, error)
	StatusByID(ctx context.Context, id string) (*ap.Status, error)
	StatusByURI(ctx context.Context, uri string) (*ap.Status, error)
}
