package activitypub

import (
	"context"
	"errors"
)

// StoreRemoteActor inserts or updates a remote actor by URI and returns the stored row. The caller
// (the dereferencer) has fetched the document from its own id and sanitised its HTML.
//
// A changed public key is refused unless keyChangeAllowed: only an authenticated Update from the
// actor itself or a refetch made because a signature failed with the stored key (rotation) may
// change it; a refresh triggered by a third party may not (SIG-20).
func (s *Service) StoreRemoteActor(ctx context.Context, a *Actor, keyChangeAllowed bool) (*Actor, error) {
	const op = "activitypub.StoreRemoteActor"
	if a.URI == "" || a.Domain == "" || a.Username == "" {
		return nil, E(op, Invalid, "remote actor needs an id, a domain and a username")
	}
	if s.IsLocalURI(a.URI) || hostOf(a.URI) == "" {
		return nil, E(op, Forbidden, "cannot store a local actor as remote") // SIG-19
	}
	now := s.Now()
	existing, err := s.store.ActorByURI(ctx, a.URI)
	if IsNotFound(err) {
		if tomb, err := s.store.IsTombstoned(ctx, a.URI); err != nil {
			return nil, Wrap(op, err)
		} else if tomb {
			return nil, E(op, Gone, "actor was deleted")
		}
		n := *a
		n.ID, n.CreatedAt, n.UpdatedAt, n.FetchedAt = s.NewID(), now, now, &now
		n.FollowersCount, n.FollowingCount, n.StatusesCount = 0, 0, 0
		n.SuspendedAt, n.DeletedAt = nil, nil
		err := s.store.InTx(ctx, func(ctx context.Context) error {
			if err := s.store.CreateActor(ctx, &n); err != nil {
				return err
			}
			return s.indexExpertise(ctx, &n)
		})
		if KindOf(err) == Conflict { // another process stored it first: update that row
			return s.StoreRemoteActor(ctx, a, keyChangeAllowed)
		}
		if err != nil {
			return nil, Wrap(op, err)
		}
		return &n, nil
	}
	if err != nil {
		return nil, Wrap(op, err)
	}
	if existing.Local() {
		return nil, E(op, Forbidden, "cannot overwrite a local actor")
	}
	if existing.DeletedAt != nil {
		return nil, E(op, Gone, "actor was deleted")
	}
	if existing.PublicKeyPEM != "" && !keyChangeAllowed &&
		(existing.PublicKeyPEM != a.PublicKeyPEM || existing.PublicKeyID != a.PublicKeyID) {
		return nil, E(op, Forbidden, "public key changed (key rotation required)")
	}
	u := *existing
	u.Kind, u.Username, u.DisplayName, u.Summary, u.URL = a.Kind, a.Username, a.DisplayName, a.Summary, a.URL
	u.Inbox, u.Outbox, u.SharedInbox = a.Inbox, a.Outbox, a.SharedInbox
	u.FollowersURI, u.FollowingURI, u.FeaturedURI = a.FollowersURI, a.FollowingURI, a.FeaturedURI
	u.AvatarURL, u.HeaderURL = a.AvatarURL, a.HeaderURL
	u.PublicKeyID, u.PublicKeyPEM = a.PublicKeyID, a.PublicKeyPEM
	u.ManuallyApproves, u.Discoverable, u.Indexable, u.Bot = a.ManuallyApproves, a.Discoverable, a.Indexable, a.Bot
	u.Fields, u.UpdatedAt, u.FetchedAt = a.Fields, now, &now
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.UpdateActor(ctx, &u); err != nil {
			return err
		}
		return s.indexExpertise(ctx, &u)
	})
	if err != nil {
		return nil, Wrap(op, err)
	}
	return &u, nil
}

// ReceiveUpdateActor applies an Update{Person} sent by the actor itself. The signature proved the
// sender holds the current key, so the document may rotate it.
func (s *Service) ReceiveUpdateActor(ctx context.Context, from *Actor, a *Actor) (*Actor, error) {
	const op = "activitypub.ReceiveUpdateActor"
	if err := checkSender(op, from); err != nil {
		return nil, err
	}
	if a.URI != from.URI {
		return nil, E(op, Forbidden, "an actor may only update itself") // ORI-08
	}
	var out *Actor
	err := s.receiveTx(ctx, func(ctx context.Context) error {
		var err error
		out, err = s.StoreRemoteActor(ctx, a, true)
		return err
	})
	if err != nil {
		return nil, Wrap(op, err)
	}
	return out, nil
}

// maxDeletedStatuses bounds the work one actor Delete does inline; the rest stays hidden because
// the actor is marked deleted and every read checks that.
const maxDeletedStatuses = 2000

// deleteRemoteActor handles Delete{actor}: the actor is marked deleted, its follows both ways
// end and its statuses are tombstoned.
func (s *Service) deleteRemoteActor(ctx context.Context, from *Actor) error {
	now := s.Now()
	return s.receiveTx(ctx, func(ctx context.Context) error {
		gone := *from
		gone.DeletedAt, gone.UpdatedAt = &now, now
		if err := s.store.UpdateActor(ctx, &gone); err != nil {
			return err
		}
		if err := s.store.AddTombstone(ctx, from.URI, now); err != nil {
			return err
		}
		if err := s.endFollows(ctx, from); err != nil {
			return err
		}
		all := StatusFilter{MaxVisibility: []Visibility{Public, Unlisted, Private, Direct, LocalOnly}}
		p := Page{Limit: 200}
		for done := 0; done < maxDeletedStatuses; {
			sts, err := s.store.ActorStatuses(ctx, from.ID, all, p)
			if err != nil || len(sts) == 0 {
				return err
			}
			for _, st := range sts {
				if err := s.deleteStatusRows(ctx, st); err != nil {
					return err
				}
			}
			done += len(sts)
			p.MaxID = sts[len(sts)-1].ID
		}
		return nil
	})
}

// endFollows removes every follow to and from a remote actor, fixing counters and homes.
func (s *Service) endFollows(ctx context.Context, remote *Actor) error {
	for _, list := range []func(context.Context, string, Page) ([]*Follow, error){s.store.Followers, s.store.Following} {
		for i := 0; i < 100; i++ { // bounded: 100 pages of 200
			fs, err := list(ctx, remote.ID, Page{Limit: 200})
			if err != nil || len(fs) == 0 {
				return err
			}
			for _, f := range fs {
				follower, err := s.store.ActorByID(ctx, f.FollowerID)
				if err != nil {
					return err
				}
				followee, err := s.store.ActorByID(ctx, f.FolloweeID)
				if err != nil {
					return err
				}
				if err := s.removeFollow(ctx, f, follower, followee, false); err != nil && !IsNotFound(err) {
					return err
				}
			}
		}
	}
	return nil
}

// errIgnore ends a receive transaction without changes; the caller turns it into nil.
var errIgnore = errors.New("activitypub: ignored")
