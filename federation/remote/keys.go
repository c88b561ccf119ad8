package remote

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/federation/as2"
	"github.com/guildhall/guildhall/federation/httpsig"
)

// ErrKeyRefused: the key document or its owner failed an ownership check. Its message is safe to
// send to the remote.
var ErrKeyRefused = errors.New("remote: key refused")

func refuse(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrKeyRefused, fmt.Sprintf(format, args...))
}

// ResolveKey implements httpsig.KeyResolver. A key is accepted only when the actor document
// fetched from its own id lists that key id with that PEM, the key lives on the actor's host and
// is RSA of at least 2048 bits (SIG-16..21). With refresh the key is refetched once, whatever the
// store holds (rotation). Keys on our own host come from the store only (SIG-19).
func (d *Dereferencer) ResolveKey(ctx context.Context, keyID string, refresh bool) (httpsig.Key, error) {
	u, err := url.Parse(keyID)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return httpsig.Key{}, refuse("keyId must be an http(s) URL") // SIG-16: no acct: keys
	}
	now := d.svc.Now()
	if d.svc.IsLocalURI(keyID) {
		return d.storedKey(ctx, keyID)
	}
	if !refresh {
		if k, ok := d.keys.get(keyID, now); ok {
			return k, nil
		}
		k, err := d.storedKey(ctx, keyID)
		if err == nil || !ap.IsNotFound(err) {
			return k, err
		}
	}
	d.keys.drop(keyID)
	a, err := d.fetchKeyOwnerLimited(ctx, keyID, now)
	if err != nil {
		return httpsig.Key{}, err
	}
	return d.keyOf(a, keyID)
}

// fetchKeyOwnerLimited is fetchKeyOwner within the per-host key fetch budget (RES-13): a key id
// that failed recently is not fetched again, and a host past its concurrency or rate gets
// ErrKeyFetchLimited without a request.
func (d *Dereferencer) fetchKeyOwnerLimited(ctx context.Context, keyID string, now time.Time) (*ap.Actor, error) {
	if d.limits.failedRecently(keyID, now) {
		return nil, refuse("fetching key %s failed recently; not retried yet", keyID)
	}
	release, err := d.limits.acquire(keyHost(keyID), now)
	if err != nil {
		return nil, err
	}
	defer release()
	a, err := d.fetchKeyOwner(ctx, keyID)
	// A gone owner is tombstoned instead, for good, and answers its farewell Deletes (SIG-15).
	if err != nil && remoteFault(err) && !isGone(err) && ap.KindOf(err) != ap.Gone {
		d.limits.failed(keyID, now)
	}
	return a, err
}

// storedKey answers from the store. A deleted or suspended actor's key verifies nothing.
func (d *Dereferencer) storedKey(ctx context.Context, keyID string) (httpsig.Key, error) {
	a, err := d.store.ActorByKeyID(ctx, keyID)
	if err != nil {
		return httpsig.Key{}, err
	}
	if a.DeletedAt != nil {
		return httpsig.Key{}, refuse("actor %s was deleted", a.URI)
	}
	return d.keyOf(a, keyID)
}

func (d *Dereferencer) keyOf(a *ap.Actor, keyID string) (httpsig.Key, error) {
	if a.PublicKeyID != keyID {
		return httpsig.Key{}, refuse("actor %s does not list key %s", a.URI, keyID)
	}
	k, err := parseKey(a.PublicKeyPEM)
	if err != nil {
		return httpsig.Key{}, refuse("%v", err)
	}
	k.Owner = a.URI
	d.keys.put(keyID, *k, d.svc.Now())
	return *k, nil
}

// fetchKeyOwner fetches the document at keyID. It is usually the owner's actor document (Mastodon
// keys are fragments of it); a standalone key document only names an owner, which is then fetched
// from its own id and must list the same key id and PEM (SIG-17). The key document's word on who
// owns it is never enough.
func (d *Dereferencer) fetchKeyOwner(ctx context.Context, keyID string) (*ap.Actor, error) {
	// A key whose document answered 410 is never asked for again (SIG-15, REL-07): the tombstone
	// answers, so a gone actor's farewell Deletes cost no fetch.
	if tomb, err := d.store.IsTombstoned(ctx, stripFragment(keyID)); err != nil {
		return nil, ap.Wrap("remote.fetchKeyOwner", err)
	} else if tomb {
		return nil, ap.E("remote.fetchKeyOwner", ap.Gone, "key owner was deleted")
	}
	doc, err := d.get(ctx, stripFragment(keyID))
	if err != nil {
		if isGone(err) {
			d.markGone(ctx, keyID)
		}
		return nil, err
	}
	if as2.IsActorType(firstType(doc.Map)) {
		// The usual case, a key that is a fragment of the actor document: that document was just
		// fetched from its own id, so use it rather than fetch it a second time (SIG-20 refetches
		// once).
		if doc.ID == stripFragment(keyID) {
			a, err := d.storeActorDoc(ctx, doc.ID, doc, true)
			if err != nil {
				return nil, err
			}
			if a.PublicKeyID != keyID {
				return nil, refuse("actor %s does not list key %s", a.URI, keyID)
			}
			return a, nil
		}
		return d.ownerFromActorDoc(ctx, doc.ID, keyID)
	}
	owner, _ := doc.Map["owner"].(string)
	keyPEM, _ := doc.Map["publicKeyPem"].(string)
	if owner == "" || keyPEM == "" {
		return nil, refuse("key document has no owner or publicKeyPem")
	}
	if as2.Host(owner) != as2.Host(keyID) {
		return nil, refuse("key %s names an owner on another host", keyID)
	}
	a, err := d.ownerFromActorDoc(ctx, owner, keyID)
	if err != nil {
		return nil, err
	}
	if a.PublicKeyPEM != keyPEM {
		return nil, refuse("key document and owner disagree on the key")
	}
	return a, nil
}

// ownerFromActorDoc fetches the actor at id (from its own id, not from the key document's copy),
// checks it lists keyID and stores it; the key may differ from the stored one (rotation).
func (d *Dereferencer) ownerFromActorDoc(ctx context.Context, id, keyID string) (*ap.Actor, error) {
	if as2.Host(id) != as2.Host(keyID) {
		return nil, refuse("key %s is not on its owner's host", keyID)
	}
	a, err := d.fetchActor(ctx, id, true)
	if err != nil {
		return nil, err
	}
	if a.PublicKeyID != keyID {
		return nil, refuse("actor %s does not list key %s", a.URI, keyID)
	}
	return a, nil
}

func firstType(m map[string]any) string {
	switch v := m["type"].(type) {
	case string:
		return v
	case []any:
		if len(v) > 0 {
			s, _ := v[0].(string)
			return s
		}
	}
	return ""
}
