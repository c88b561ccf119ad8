package activitypub

import "context"

// What the areas (groups, accounts, moderation) use of the kernel beyond its store and Service.InTx: building local
// actors, the durable outbox, and hearing of local posts.

// NewLocalActor builds, but does not store, a local actor of the given kind with a fresh key
// pair, returning the private key as PEM for the caller to store in the same transaction.
func (s *Service) NewLocalActor(kind ActorKind, username, displayName string) (*Actor, string, error) {
	if err := ValidateUsername(username); err != nil {
		return nil, "", err
	}
	return s.newLocalActor(kind, username, displayName)
}

// Enqueue puts an activity by a local actor in the durable outbox, in the transaction ctx
// carries. Remote actors' activities are not ours to send and are dropped.
func (s *Service) Enqueue(ctx context.Context, actor *Actor, a Activity) error {
	return s.enqueue(ctx, actor, a)
}

// PostListener hears of each local post once it is stored, so an area can act on it: a group
// relays a local post that mentions it, as it does a remote one.
type PostListener func(ctx context.Context, author *Actor, st *Status)

// OnLocalPost adds a listener; set it up before serving, it is not safe to call concurrently
// with posting.
func (s *Service) OnLocalPost(fn PostListener) { s.onPost = append(s.onPost, fn) }

// Publish hands a domain event to the listener (streaming), or, inside InTx, queues it until the
// transaction commits.
func (s *Service) Publish(ctx context.Context, e Event) { s.publish(ctx, e) }

// LookupHandle finds the actor user@domain, resolving a remote one through federation when it is
// not known yet (as following by handle does).
func (s *Service) LookupHandle(ctx context.Context, username, domain string) (*Actor, error) {
	return s.lookupHandle(ctx, username, domain)
}

// Passwords is the password hasher the service was built with, for the accounts area.
func (s *Service) Passwords() PasswordHasher { return s.passwords }

// OnLocalDelete adds a listener for a local author's deletion of a post (not of a boost), heard
// after it commits: a group that relayed the post takes it back from its members. Set it up
// before serving, as OnLocalPost.
func (s *Service) OnLocalDelete(fn PostListener) { s.onDelete = append(s.onDelete, fn) }

// OnLocalEdit adds a listener for a local author's edit of a post, heard after it commits: a
// group that relayed the post re-announces the new version.
func (s *Service) OnLocalEdit(fn PostListener) { s.onEdit = append(s.onEdit, fn) }
