package delivery

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/federation/as2"
	"github.com/guildhall/guildhall/federation/fetch"
)

// prepared is an outbox record ready to POST: rendered once, signed per request.
type prepared struct {
	body  []byte
	keyID string
	key   *rsa.PrivateKey
	// skip, when set, says why the record must not be sent at all (its status is gone).
	skip string
}

// errPermanent marks failures that no retry can fix.
var errPermanent = errors.New("permanent")

// send makes one attempt at one delivery and records the outcome.
func (w *Worker) send(ctx context.Context, d *ap.Delivery) {
	p, err := w.cache.get(d.OutboxID, func() (*prepared, error) { return w.prepare(ctx, d.OutboxID) })
	if err != nil {
		if ctx.Err() != nil {
			return // shutting down: the lease expires and the next run tries again
		}
		if errors.Is(err, errPermanent) {
			w.record(ctx, d, outcome{fail: true, msg: err.Error()})
			return
		}
		w.record(ctx, d, outcome{msg: err.Error()})
		return
	}
	if p.skip != "" {
		w.record(ctx, d, outcome{fail: true, msg: p.skip})
		return
	}
	pctx, cancel := context.WithTimeout(ctx, w.o.Timeout)
	defer cancel()
	start := time.Now()
	status, err := w.o.Poster.Post(pctx, d.Inbox, p.body, fetch.Signer{KeyID: p.keyID, Key: p.key})
	if err != nil && ctx.Err() != nil {
		return // cancelled by shutdown, not the remote's fault
	}
	oc := classify(status, err)
	w.log.DebugContext(ctx, "delivery attempt", "inbox", d.Inbox, "status", status, "ok", oc.ok,
		"attempt", d.Attempts+1, "took", time.Since(start), "err", err)
	w.record(ctx, d, oc)
}

// outcome is what one attempt means for the delivery.
type outcome struct {
	ok   bool
	fail bool // give up now
	msg  string
}

// classify follows Mastodon's rules: 2xx is done; 4xx means the remote will never take it, except
// 401 (the remote may not have our key yet, or failed to fetch it), 408 and 429, which are worth
// retrying like 5xx and network errors. A refused address or scheme is our policy, not a fault.
func classify(status int, err error) outcome {
	switch {
	case err == nil && status >= 200 && status < 300:
		return outcome{ok: true}
	case errors.Is(err, fetch.ErrForbiddenAddress), errors.Is(err, fetch.ErrForbiddenScheme):
		return outcome{fail: true, msg: err.Error()}
	case status == http.StatusUnauthorized, status == http.StatusRequestTimeout, status == http.StatusTooManyRequests:
		return outcome{msg: errMsg(status, err)}
	case status >= 400 && status < 500:
		return outcome{fail: true, msg: errMsg(status, err)}
	default: // 5xx, 3xx (a redirected inbox may be a migration in progress), network errors
		return outcome{msg: errMsg(status, err)}
	}
}

func errMsg(status int, err error) string {
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("status %d", status)
}

// batcher is a store that can share one commit among concurrent independent writes (SQLite's
// group commit). Recording outcomes through it matters: with one writer, a commit per delivery
// would cap fan-out at the disk's commit rate, far below the signing rate.
type batcher interface {
	InBatchTx(ctx context.Context, fn func(ctx context.Context) error) error
}

// record stores the outcome: done, retry later with backoff, or given up.
func (w *Worker) record(ctx context.Context, d *ap.Delivery, oc outcome) {
	if b, ok := w.o.Store.(batcher); ok {
		_ = b.InBatchTx(ctx, func(ctx context.Context) error { w.recordIn(ctx, d, oc); return nil })
		return
	}
	w.recordIn(ctx, d, oc)
}

func (w *Worker) recordIn(ctx context.Context, d *ap.Delivery, oc outcome) {
	var err error
	now := w.o.Now()
	switch {
	case oc.ok:
		err = w.o.Store.CompleteDelivery(ctx, d.ID)
	case oc.fail:
		w.log.InfoContext(ctx, "delivery failed permanently", "inbox", d.Inbox, "outbox", d.OutboxID, "err", oc.msg)
		err = w.o.Store.FailDelivery(ctx, d.ID, oc.msg)
	case now.Sub(d.CreatedAt) >= w.o.GiveUpAfter:
		w.log.InfoContext(ctx, "delivery given up", "inbox", d.Inbox, "outbox", d.OutboxID,
			"attempts", d.Attempts+1, "err", oc.msg)
		err = w.o.Store.FailDelivery(ctx, d.ID, "gave up: "+oc.msg)
	default:
		next := now.Add(w.o.Backoff(d.Attempts + 1))
		err = w.o.Store.RetryDelivery(ctx, d.ID, next, oc.msg)
	}
	if err != nil && ctx.Err() == nil {
		// The lease will expire and the delivery be tried again; at worst a duplicate, which
		// inboxes ignore by activity id.
		w.log.ErrorContext(ctx, "recording delivery outcome", "delivery", d.ID, "err", err)
	}
}

// prepare loads and renders an outbox record and its signing key.
func (w *Worker) prepare(ctx context.Context, outboxID string) (*prepared, error) {
	it, err := w.o.Store.OutboxItem(ctx, outboxID)
	if ap.IsNotFound(err) {
		return nil, fmt.Errorf("delivery: outbox record %s vanished: %w", outboxID, errPermanent)
	}
	if err != nil {
		return nil, fmt.Errorf("delivery: load outbox record %s: %w", outboxID, err)
	}
	actor, err := w.o.Store.ActorByID(ctx, it.ActorID)
	if ap.IsNotFound(err) {
		return nil, fmt.Errorf("delivery: actor %s of %s vanished: %w", it.ActorID, outboxID, errPermanent)
	}
	if err != nil {
		return nil, fmt.Errorf("delivery: load actor %s: %w", it.ActorID, err)
	}
	key, err := w.o.Keys.PrivateKey(ctx, actor.ID)
	if err != nil {
		return nil, fmt.Errorf("delivery: signing key of %s: %w", actor.URI, err)
	}
	act := it.Activity
	object, skip, err := w.object(ctx, &act, actor)
	if err != nil {
		return nil, fmt.Errorf("delivery: render object of %s %s: %w", act.Type, act.ID, err)
	}
	if skip != "" {
		return &prepared{skip: skip}, nil
	}
	doc, err := w.render.Activity(&act, object)
	if err != nil {
		return nil, fmt.Errorf("delivery: render %s: %w: %w", act.ID, err, errPermanent)
	}
	for _, ext := range w.o.Extensions {
		if err := ext.ExtendActivity(ctx, &act, doc); err != nil {
			return nil, fmt.Errorf("delivery: extend %s: %w", act.ID, err)
		}
	}
	body, err := as2.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("delivery: %w: %w", err, errPermanent)
	}
	return &prepared{body: body, keyID: actor.PublicKeyID, key: key}, nil
}

// object renders what an activity embeds: the Note of a Create or Update, the actor of a profile
// Update. Everything else names its object by id or is embedded by the renderer itself.
func (w *Worker) object(ctx context.Context, act *ap.Activity, actor *ap.Actor) (map[string]any, string, error) {
	switch {
	case (act.Type == as2.TypeCreate || act.Type == as2.TypeUpdate) && act.StatusID != "":
		st, err := w.o.Store.StatusByID(ctx, act.StatusID)
		if ap.IsNotFound(err) {
			return nil, "status deleted before delivery", nil
		}
		if err != nil {
			return nil, "", err
		}
		if st.DeletedAt != nil {
			// Its Delete follows in the queue; sending the emptied status first would only
			// show peers a blank post.
			return nil, "status deleted before delivery", nil
		}
		author := actor
		if st.ActorID != actor.ID {
			if author, err = w.o.Store.ActorByID(ctx, st.ActorID); err != nil {
				return nil, "", err
			}
		}
		note, err := w.render.Note(st, author, as2.Audience{To: act.To, Cc: act.Cc, Group: w.groupURI(ctx, st)})
		if err != nil {
			return nil, "", err
		}
		return note, "", w.extendNote(ctx, st, note)
	case act.Type == as2.TypeAnnounce && act.Inner != nil && act.StatusID != "" &&
		(act.Inner.Type == as2.TypeCreate || act.Inner.Type == as2.TypeUpdate):
		return w.relayedCreate(ctx, act.Inner)
	case act.Type == as2.TypeUpdate && act.Object == actor.URI:
		doc, err := w.render.Actor(actor)
		return doc, "", err
	}
	return nil, "", nil
}

// relayedCreate renders the Create (or, after an edit, the Update) a group re-announces
// (FEP-1b12 Announce{Create}): the author's post with the group as its audience. Receivers verify it against the author's origin.
func (w *Worker) relayedCreate(ctx context.Context, inner *ap.Activity) (map[string]any, string, error) {
	st, err := w.o.Store.StatusByID(ctx, inner.StatusID)
	if ap.IsNotFound(err) {
		return nil, "status deleted before delivery", nil
	}
	if err != nil {
		return nil, "", err
	}
	if st.DeletedAt != nil {
		return nil, "status deleted before delivery", nil
	}
	author, err := w.o.Store.ActorByID(ctx, st.ActorID)
	if err != nil {
		return nil, "", err
	}
	aud := as2.Audience{To: inner.To, Cc: inner.Cc, Group: w.groupURI(ctx, st)}
	note, err := w.render.Note(st, author, aud)
	if err != nil {
		return nil, "", err
	}
	if err := w.extendNote(ctx, st, note); err != nil {
		return nil, "", err
	}
	doc, err := w.render.Activity(inner, note)
	if err != nil {
		return nil, "", err
	}
	if aud.Group != "" {
		doc["audience"] = aud.Group
	}
	return doc, "", nil
}

// groupURI is the id of the group a status was posted to, "" for none.
func (w *Worker) groupURI(ctx context.Context, st *ap.Status) string {
	if st.GroupID == "" {
		return ""
	}
	g, err := w.o.Store.ActorByID(ctx, st.GroupID)
	if err != nil {
		return ""
	}
	return g.URI
}

// extendNote lets each extension add its terms to a rendered local status.
func (w *Worker) extendNote(ctx context.Context, st *ap.Status, note map[string]any) error {
	for _, ext := range w.o.Extensions {
		if err := ext.ExtendNote(ctx, st, note); err != nil {
			return fmt.Errorf("extend note %s: %w", st.URI, err)
		}
	}
	return nil
}
