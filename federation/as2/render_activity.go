package as2

import (
	"fmt"

	"github.com/go-fed/activity/streams"
	"github.com/go-fed/activity/streams/vocab"

	ap "github.com/guildhall/guildhall/activitypub"
)

// activityType is what every activity has in common in go-fed.
type activityType interface {
	vocab.Type
	SetJSONLDId(vocab.JSONLDIdProperty)
	SetActivityStreamsActor(vocab.ActivityStreamsActorProperty)
	SetActivityStreamsObject(vocab.ActivityStreamsObjectProperty)
	SetActivityStreamsTo(vocab.ActivityStreamsToProperty)
	SetActivityStreamsCc(vocab.ActivityStreamsCcProperty)
	SetActivityStreamsPublished(vocab.ActivityStreamsPublishedProperty)
}

func newActivityType(typ string) (activityType, error) {
	switch typ {
	case TypeCreate:
		return streams.NewActivityStreamsCreate(), nil
	case TypeUpdate:
		return streams.NewActivityStreamsUpdate(), nil
	case TypeDelete:
		return streams.NewActivityStreamsDelete(), nil
	case TypeAnnounce:
		return streams.NewActivityStreamsAnnounce(), nil
	case TypeLike:
		return streams.NewActivityStreamsLike(), nil
	case TypeFollow:
		return streams.NewActivityStreamsFollow(), nil
	case TypeAccept:
		return streams.NewActivityStreamsAccept(), nil
	case TypeReject:
		return streams.NewActivityStreamsReject(), nil
	case TypeUndo:
		return streams.NewActivityStreamsUndo(), nil
	case TypeBlock:
		return streams.NewActivityStreamsBlock(), nil
	case TypeFlag:
		return streams.NewActivityStreamsFlag(), nil
	case TypeRemove:
		return streams.NewActivityStreamsRemove(), nil
	case TypeInvite:
		return streams.NewActivityStreamsInvite(), nil
	}
	return nil, fmt.Errorf("as2: cannot render activity type %q", typ)
}

// Activity renders an outgoing activity. object is the rendered document to embed (the Note of a
// Create or Update, the actor of a profile Update); nil means the activity names its object by id,
// except that Delete embeds a Tombstone and Accept, Reject and Undo embed their inner activity, as
// Mastodon sends them.
func (r Renderer) Activity(a *ap.Activity, object map[string]any) (map[string]any, error) {
	t, err := newActivityType(a.Type)
	if err != nil {
		return nil, err
	}
	var p iriParser
	t.SetJSONLDId(p.id(a.ID))
	t.SetActivityStreamsActor(p.actor(a.Actor))
	t.SetActivityStreamsObject(p.object(a.Object))
	if len(a.To) > 0 {
		t.SetActivityStreamsTo(p.to(a.To))
	}
	if len(a.Cc) > 0 {
		t.SetActivityStreamsCc(p.cc(a.Cc))
	}
	if !a.Published.IsZero() && publishes(a.Type) {
		t.SetActivityStreamsPublished(propPublished(a.Published))
	}
	if p.err != nil {
		return nil, fmt.Errorf("as2: %s %s: %w", a.Type, a.ID, p.err)
	}
	m, err := serializeDoc(t)
	if err != nil {
		return nil, err
	}
	normaliseArrays(m)
	if a.Target != "" {
		m["target"] = a.Target
	}
	if a.Content != "" {
		m["content"] = a.Content // a Flag's comment
	}
	if len(a.MoreObjects) > 0 && object == nil {
		objs := []any{a.Object}
		for _, o := range a.MoreObjects {
			objs = append(objs, o)
		}
		m["object"] = objs
	}
	switch {
	case object != nil:
		embedDoc(m, "object", object)
	case a.Type == TypeDelete:
		ts, err := r.Tombstone(a.Object, nil)
		if err != nil {
			return nil, err
		}
		embedDoc(m, "object", ts)
	case a.Inner != nil && (a.Type == TypeAccept || a.Type == TypeReject || a.Type == TypeUndo ||
		a.Type == TypeAnnounce && a.Inner.Type == TypeDelete): // a group's Announce{Delete}
		inner, err := r.Activity(a.Inner, nil)
		if err != nil {
			return nil, fmt.Errorf("as2: %s %s: inner: %w", a.Type, a.ID, err)
		}
		embedDoc(m, "object", inner)
	}
	return m, nil
}

// publishes reports whether Mastodon stamps this activity type with published; it does so for the
// ones that carry or share content.
func publishes(typ string) bool {
	switch typ {
	case TypeCreate, TypeUpdate, TypeAnnounce:
		return true
	}
	return false
}
