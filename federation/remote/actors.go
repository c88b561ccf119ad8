package remote

import (
	"context"
	"errors"
	"fmt"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/federation/as2"
	"github.com/guildhall/guildhall/federation/fetch"
	"github.com/guildhall/guildhall/federation/httpsig"
)

// Bounds on remote profile text once sanitised.
const (
	maxDisplayName = 100
	maxFieldName   = 255
)

// ResolveActor returns a remote actor by id, fetching it when unknown or stale. A stored actor is
// returned as is when a refresh fails, so a remote outage does not break reads. Local ids are
// answered from the store only (SIG-19).
func (d *Dereferencer) ResolveActor(ctx context.Context, uri string) (*ap.Actor, error) {
	const op = "remote.ResolveActor"
	stored, err := d.store.ActorByURI(ctx, uri)
	if err == nil && (stored.Local() || !stored.Stale(d.svc.Now())) {
		return stored, nil
	}
	if err != nil && !ap.IsNotFound(err) {
		return nil, ap.Wrap(op, err)
	}
	if d.svc.IsLocalURI(uri) {
		return nil, ap.E(op, ap.NotFound, "no such local actor")
	}
	a, ferr := d.fetchActor(ctx, uri, false)
	if ferr != nil && stored != nil && stored.DeletedAt == nil && !errors.Is(ferr, fetch.ErrGone) {
		d.log.DebugContext(ctx, "actor refresh failed; using stored copy", "uri", uri, "err", ferr)
		return stored, nil
	}
	return a, ferr
}

// fetchActor fetches an actor from its own id and stores it. keyChange allows a different public
// key than the stored one (SIG-20): only key resolution, which needs the new key, passes true.
func (d *Dereferencer) fetchActor(ctx context.Context, uri string, keyChange bool) (*ap.Actor, error) {
	const op = "remote.fetchActor"
	if tomb, err := d.store.IsTombstoned(ctx, uri); err != nil {
		return nil, ap.Wrap(op, err)
	} else if tomb {
		return nil, ap.E(op, ap.Gone, "actor was deleted")
	}
	doc, err := d.get(ctx, uri)
	if err != nil {
		if errors.Is(err, fetch.ErrGone) {
			d.markGone(ctx, uri)
		}
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return d.storeActorDoc(ctx, uri, doc, keyChange)
}

// storeActorDoc checks and stores an actor document fetched from uri; fetchActor and key
// resolution (which already holds the document) share it.
func (d *Dereferencer) storeActorDoc(ctx context.Context, uri string, doc *fetch.Document, keyChange bool) (*ap.Actor, error) {
	const op = "remote.fetchActor"
	// The fetcher guarantees doc.ID is the final URL; a redirect must not turn one identity
	// into another (SIG-18).
	if doc.ID != stripFragment(uri) {
		return nil, ap.E(op, ap.Forbidden, "actor document moved to another id")
	}
	p, err := as2.ParseActor(ctx, doc.Map)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	a, err := d.ActorFromParsed(p)
	if err != nil {
		return nil, ap.Wrap(op, err)
	}
	stored, err := d.svc.StoreRemoteActor(ctx, a, keyChange)
	if err != nil {
		return nil, ap.Wrap(op, err)
	}
	return stored, nil
}

// markGone records that a remote actor answered 410 Gone: a tombstone so it is never fetched
// again, and its stored row marked deleted with its content (SIG-15).
func (d *Dereferencer) markGone(ctx context.Context, uri string) {
	uri = stripFragment(uri)
	if a, err := d.store.ActorByURI(ctx, uri); err == nil && !a.Local() {
		if err := d.svc.ReceiveDelete(ctx, a, a.URI); err != nil {
			d.log.WarnContext(ctx, "gone actor not deleted", "uri", uri, "err", err)
		}
		return
	}
	if err := d.store.AddTombstone(ctx, uri, d.svc.Now()); err != nil {
		d.log.WarnContext(ctx, "tombstone not recorded", "uri", uri, "err", err)
	}
}

// ActorFromParsed checks a parsed actor document (fetched from its own id, or sent by the actor
// itself in an Update) and converts it, sanitising its HTML.
func (d *Dereferencer) ActorFromParsed(p *as2.ParsedActor) (*ap.Actor, error) {
	const op = "remote.actor"
	if d.svc.IsLocalURI(p.ID) {
		return nil, ap.E(op, ap.Forbidden, "cannot dereference local account") // SIG-19
	}
	host := as2.Host(p.ID)
	if p.PublicKey.ID != "" {
		if as2.Host(p.PublicKey.ID) != host {
			return nil, ap.E(op, ap.Forbidden, "public key lives on another host") // SIG-21
		}
		if p.PublicKey.Owner != "" && p.PublicKey.Owner != p.ID {
			return nil, ap.E(op, ap.Forbidden, "public key names another owner") // SIG-17
		}
		if _, err := parseKey(p.PublicKey.PEM); err != nil {
			return nil, ap.E(op, ap.Invalid, err.Error())
		}
	}
	a := &ap.Actor{
		URI: p.ID, Kind: kindOf(p.Type), Username: p.PreferredUsername, Domain: host,
		DisplayName: d.sanitize.SanitizeText(p.Name, maxDisplayName),
		Summary:     d.sanitize.Sanitize(p.Summary), URL: p.URL,
		Inbox: p.Inbox, Outbox: p.Outbox, SharedInbox: p.SharedInbox,
		FollowersURI: p.Followers, FollowingURI: p.Following, FeaturedURI: p.Featured,
		AvatarURL: p.Icon, HeaderURL: p.Image, PublicKeyID: p.PublicKey.ID, PublicKeyPEM: p.PublicKey.PEM,
		ManuallyApproves: p.ManuallyApprovesFollowers, Discoverable: p.Discoverable, Indexable: p.Indexable,
		Bot: p.Bot,
	}
	if !p.Published.IsZero() {
		a.CreatedAt = p.Published
	}
	for _, f := range p.Fields {
		a.Fields = append(a.Fields, ap.Field{Name: d.sanitize.SanitizeText(f.Name, maxFieldName), Value: d.sanitize.Sanitize(f.Value)})
	}
	return a, nil
}

// parseKey parses a PEM public key and enforces the minimum size (SIG-21).
func parseKey(pemText string) (*httpsig.Key, error) {
	pub, err := httpsig.ParsePublicKeyPEM(pemText)
	if err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	if pub.N.BitLen() < httpsig.MinRSABits {
		return nil, fmt.Errorf("public key: RSA key of %d bits is below %d", pub.N.BitLen(), httpsig.MinRSABits)
	}
	return &httpsig.Key{PublicKey: pub}, nil
}

func kindOf(t string) ap.ActorKind {
	switch t {
	case "Group":
		return ap.KindGroup
	case "Service":
		return ap.KindService
	case "Application":
		return ap.KindApplication
	case "Organization":
		return ap.KindOrganization
	}
	return ap.KindPerson
}
