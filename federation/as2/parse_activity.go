package as2

import (
	"context"

	"github.com/go-fed/activity/streams/vocab"
)

// activityTypes are the activities the inbox understands; anything else is ErrUnsupported.
var activityTypes = map[string]bool{
	"Create": true, "Update": true, "Delete": true, "Follow": true, "Accept": true, "Reject": true,
	"Undo": true, "Like": true, "Announce": true, "Block": true, "Flag": true, "Add": true,
	"Remove": true, "Move": true, "Invite": true,
}

// IsActivityType reports whether t is an activity type the inbox handles.
func IsActivityType(t string) bool { return activityTypes[t] }

// ParseActivity parses an inbound activity. Embedded objects are parsed too, but stay claims the
// caller must check against their origin.
func ParseActivity(ctx context.Context, m map[string]any) (*ParsedActivity, error) {
	t, err := toType(ctx, m)
	if err != nil {
		return nil, err
	}
	return parseActivity(t, m, 0)
}

func parseActivity(t vocab.Type, raw map[string]any, depth int) (*ParsedActivity, error) {
	if !IsActivityType(t.GetTypeName()) {
		return nil, &ParseError{Field: "type", Reason: t.GetTypeName() + " is not a supported activity", Err: ErrUnsupported}
	}
	a := &ParsedActivity{ID: typeID(t), Type: t.GetTypeName()}
	if a.ID == "" {
		return nil, malformed("id", "missing")
	}
	if w, ok := t.(withActor); ok {
		ids, err := seqIDs[vocab.ActivityStreamsActorPropertyIterator](w.GetActivityStreamsActor(), "actor", 4)
		if err != nil {
			return nil, err
		}
		if len(ids) > 0 {
			a.Actor = ids[0]
		}
	}
	if a.Actor == "" {
		return nil, malformed("actor", "missing")
	}
	if w, ok := t.(withTarget); ok {
		if ids, _ := seqIDs[vocab.ActivityStreamsTargetPropertyIterator](w.GetActivityStreamsTarget(), "target", 4); len(ids) > 0 {
			a.Target = ids[0]
		}
	}
	var err error
	if a.To, a.Cc, a.Audience, err = parseAddressing(t); err != nil {
		return nil, err
	}
	a.Published = parsedPublished(t)
	a.IdeaAdoption = a.Type == TypeAnnounce && rawBool(raw, TermIdeaAdoption)
	if w, ok := t.(withContent); ok {
		a.Content, _ = seqText[vocab.ActivityStreamsContentPropertyIterator](w.GetActivityStreamsContent())
	}
	if err := parseActivityObject(t, raw, a, depth); err != nil {
		return nil, err
	}
	return a, a.check()
}

// parseActivityObject fills Object and Objects. go-fed gives the ids and typed values; an
// embedded value of a type go-fed does not know (Hashtag, EmojiReact, ChatMessage) comes back
// untyped, so its id and type are read from the raw map.
func parseActivityObject(t vocab.Type, raw map[string]any, a *ParsedActivity, depth int) error {
	list := rawList(raw, "object")
	if len(list) == 0 {
		return malformed("object", "missing")
	}
	if len(list) > MaxFlagObjects {
		return tooLarge("object", MaxFlagObjects)
	}
	var p vocab.ActivityStreamsObjectProperty
	if w, ok := t.(withObject); ok {
		p = w.GetActivityStreamsObject()
	}
	for i, v := range list {
		var id string
		switch x := v.(type) {
		case string:
			id = x
		case map[string]any:
			id = rawString(x, "id")
		}
		if id == "" {
			if m, ok := v.(map[string]any); ok && (a.Type == "Add" || a.Type == "Remove") && rawTypeOf(m) == "Hashtag" {
				// Mastodon's featured tags: Add/Remove of an id-less Hashtag. Understood, and
				// not supported, rather than malformed (the sender would retry or give up).
				return &ParseError{Field: "object", Reason: "featured hashtags are not supported", Err: ErrUnsupported}
			}
			// ORI-03: an embedded object without an id cannot be checked against its origin.
			return malformed("object", "embedded object without id")
		}
		if err := checkURL("object", id); err != nil {
			return err
		}
		a.Objects = append(a.Objects, id)
		if i > 0 {
			continue
		}
		ref := &ParsedRef{ID: id}
		a.Object = ref
		sub, ok := v.(map[string]any)
		if !ok {
			continue
		}
		ref.Type = firstType(sub)
		gt := goFedAt[vocab.ActivityStreamsObjectPropertyIterator](p, len(list), 0)
		if gt == nil {
			continue
		}
		var err error
		switch name := gt.GetTypeName(); {
		case IsActorType(name):
			ref.Actor, err = parseActor(gt, sub)
		case IsActivityType(name):
			if depth >= maxEmbeddingDepth {
				return malformed("object", "activities nested too deeply")
			}
			ref.Activity, err = parseActivity(gt, sub, depth+1)
		case IsStatusType(name) || name == "Tombstone":
			ref.Object, err = parseObject(gt, sub)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (a *ParsedActivity) check() error {
	for _, f := range []struct{ name, v string }{{"id", a.ID}, {"actor", a.Actor}, {"target", a.Target}} {
		if err := checkURL(f.name, f.v); err != nil {
			return err
		}
	}
	if err := checkLen("content", a.Content, MaxSummaryBytes); err != nil {
		return err
	}
	return checkURLs(a.To, a.Cc, a.Audience)
}
