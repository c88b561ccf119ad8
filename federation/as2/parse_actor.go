package as2

import (
	"context"
	"regexp"

	"github.com/go-fed/activity/streams/vocab"
)

// actorTypes are the ActivityStreams actor types.
var actorTypes = map[string]bool{
	"Person": true, "Group": true, "Service": true, "Application": true, "Organization": true,
}

// IsActorType reports whether t is an actor type.
func IsActorType(t string) bool { return actorTypes[t] }

// usernamePattern is what a remote preferredUsername may be. Mastodon allows [A-Za-z0-9_] (and
// dots and dashes remotely); anything else (spaces, U+2800 blanks, "@") is refused so a handle
// cannot be made to look like someone else's (XSS-08b).
var usernamePattern = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,99}$`)

// The go-fed getters every actor type shares.
type (
	withPreferredUsername interface {
		GetActivityStreamsPreferredUsername() vocab.ActivityStreamsPreferredUsernameProperty
	}
	withInbox interface {
		GetActivityStreamsInbox() vocab.ActivityStreamsInboxProperty
	}
	withOutbox interface {
		GetActivityStreamsOutbox() vocab.ActivityStreamsOutboxProperty
	}
	withFollowers interface {
		GetActivityStreamsFollowers() vocab.ActivityStreamsFollowersProperty
	}
	withFollowing interface {
		GetActivityStreamsFollowing() vocab.ActivityStreamsFollowingProperty
	}
	withFeatured interface {
		GetTootFeatured() vocab.TootFeaturedProperty
	}
	withDiscoverable interface {
		GetTootDiscoverable() vocab.TootDiscoverableProperty
	}
	withIcon interface {
		GetActivityStreamsIcon() vocab.ActivityStreamsIconProperty
	}
	withImage interface {
		GetActivityStreamsImage() vocab.ActivityStreamsImageProperty
	}
	withPublicKey interface {
		GetW3IDSecurityV1PublicKey() vocab.W3IDSecurityV1PublicKeyProperty
	}
)

// ParseActor parses an actor document.
func ParseActor(ctx context.Context, m map[string]any) (*ParsedActor, error) {
	t, err := toType(ctx, m)
	if err != nil {
		return nil, err
	}
	if !IsActorType(t.GetTypeName()) {
		return nil, &ParseError{Field: "type", Reason: t.GetTypeName() + " is not an actor", Err: ErrUnsupported}
	}
	return parseActor(t, m)
}

func parseActor(t vocab.Type, raw map[string]any) (*ParsedActor, error) {
	a := &ParsedActor{ID: typeID(t), Type: t.GetTypeName()}
	if a.ID == "" {
		return nil, malformed("id", "missing")
	}
	a.Bot = a.Type == "Service" || a.Type == "Application"
	if w, ok := t.(withPreferredUsername); ok && w.GetActivityStreamsPreferredUsername() != nil {
		a.PreferredUsername = w.GetActivityStreamsPreferredUsername().GetXMLSchemaString()
	}
	if w, ok := t.(withName); ok {
		a.Name, _ = seqText[vocab.ActivityStreamsNamePropertyIterator](w.GetActivityStreamsName())
	}
	if w, ok := t.(withSummary); ok {
		a.Summary, _ = seqText[vocab.ActivityStreamsSummaryPropertyIterator](w.GetActivityStreamsSummary())
	}
	a.URL = firstURL(t)
	if w, ok := t.(withInbox); ok && w.GetActivityStreamsInbox() != nil {
		a.Inbox = iterID(w.GetActivityStreamsInbox())
	}
	if w, ok := t.(withOutbox); ok && w.GetActivityStreamsOutbox() != nil {
		a.Outbox = iterID(w.GetActivityStreamsOutbox())
	}
	if w, ok := t.(withFollowers); ok && w.GetActivityStreamsFollowers() != nil {
		a.Followers = iterID(w.GetActivityStreamsFollowers())
	}
	if w, ok := t.(withFollowing); ok && w.GetActivityStreamsFollowing() != nil {
		a.Following = iterID(w.GetActivityStreamsFollowing())
	}
	if w, ok := t.(withFeatured); ok && w.GetTootFeatured() != nil {
		a.Featured = iterID(w.GetTootFeatured())
	}
	if w, ok := t.(withDiscoverable); ok && w.GetTootDiscoverable() != nil && w.GetTootDiscoverable().IsXMLSchemaBoolean() {
		a.Discoverable = w.GetTootDiscoverable().Get()
	}
	if w, ok := t.(withIcon); ok && w.GetActivityStreamsIcon() != nil {
		a.Icon = imageURL[vocab.ActivityStreamsIconPropertyIterator](w.GetActivityStreamsIcon())
	}
	if w, ok := t.(withImage); ok && w.GetActivityStreamsImage() != nil {
		a.Image = imageURL[vocab.ActivityStreamsImagePropertyIterator](w.GetActivityStreamsImage())
	}
	a.Published = parsedPublished(t)
	if err := parseKeys(t, a); err != nil {
		return nil, err
	}
	// Not in go-fed v1.0.0: manuallyApprovesFollowers, indexable, endpoints.sharedInbox,
	// PropertyValue fields, movedTo.
	a.ManuallyApprovesFollowers = rawBool(raw, "manuallyApprovesFollowers")
	a.Indexable = rawBool(raw, "indexable")
	if ep, ok := raw["endpoints"].(map[string]any); ok {
		a.SharedInbox = rawString(ep, "sharedInbox")
	}
	a.MovedTo = rawString(raw, "movedTo")
	fields, err := parseFields(raw)
	if err != nil {
		return nil, err
	}
	a.Fields = fields
	return a, a.check()
}

// imageURL reads the url of the first Image (or Link) of icon or image.
func imageURL[I idIter](p idSeq[I]) string {
	if p == nil {
		return ""
	}
	for i := 0; i < p.Len(); i++ {
		it := p.At(i)
		if it.IsIRI() {
			return urlString(it.GetIRI())
		}
		if t := it.GetType(); t != nil {
			if u := firstURL(t); u != "" {
				return u
			}
			if l, ok := t.(vocab.ActivityStreamsLink); ok && l.GetActivityStreamsHref() != nil {
				return urlString(l.GetActivityStreamsHref().Get())
			}
		}
	}
	return ""
}

// parseKeys reads publicKey (one object, or a list of them) with go-fed's security vocabulary.
func parseKeys(t vocab.Type, a *ParsedActor) error {
	w, ok := t.(withPublicKey)
	if !ok || w.GetW3IDSecurityV1PublicKey() == nil {
		return nil
	}
	p := w.GetW3IDSecurityV1PublicKey()
	if p.Len() > MaxPublicKeys {
		return tooLarge("publicKey", MaxPublicKeys) // SIG-21
	}
	for i := 0; i < p.Len(); i++ {
		it := p.At(i)
		if !it.IsW3IDSecurityV1PublicKey() {
			continue
		}
		k := it.Get()
		pk := ParsedKey{ID: typeID(k)}
		if k.GetW3IDSecurityV1Owner() != nil {
			pk.Owner = urlString(k.GetW3IDSecurityV1Owner().Get())
		}
		if k.GetW3IDSecurityV1PublicKeyPem() != nil {
			pk.PEM = k.GetW3IDSecurityV1PublicKeyPem().Get()
		}
		if pk.ID == "" || pk.PEM == "" {
			continue
		}
		if len(pk.PEM) > 16<<10 {
			return tooLarge("publicKeyPem", 16<<10)
		}
		if err := checkURL("publicKey.id", pk.ID); err != nil {
			return err
		}
		a.PublicKeys = append(a.PublicKeys, pk)
	}
	if len(a.PublicKeys) > 0 {
		a.PublicKey = a.PublicKeys[0]
	}
	return nil
}

// parseFields reads schema.org PropertyValue rows from attachment.
func parseFields(raw map[string]any) ([]ParsedField, error) {
	var out []ParsedField
	for _, v := range rawList(raw, "attachment") {
		m, ok := v.(map[string]any)
		if !ok || rawTypeOf(m) != "PropertyValue" {
			continue
		}
		if len(out) == MaxFields {
			return nil, tooLarge("attachment", MaxFields)
		}
		f := ParsedField{Name: rawString(m, "name"), Value: rawString(m, "value")}
		if len(f.Name) > MaxNameBytes || len(f.Value) > MaxSummaryBytes {
			return nil, tooLarge("attachment.value", MaxSummaryBytes)
		}
		out = append(out, f)
	}
	return out, nil
}

func (a *ParsedActor) check() error {
	for _, f := range []struct{ name, v string }{
		{"id", a.ID}, {"inbox", a.Inbox}, {"outbox", a.Outbox}, {"endpoints.sharedInbox", a.SharedInbox},
		{"followers", a.Followers}, {"following", a.Following}, {"featured", a.Featured},
	} {
		if err := checkURL(f.name, f.v); err != nil {
			return err
		}
	}
	if a.Inbox == "" {
		return malformed("inbox", "missing")
	}
	if !usernamePattern.MatchString(a.PreferredUsername) {
		return malformed("preferredUsername", "missing or not a safe username")
	}
	// Display-only URLs: drop rather than refuse (ORI-06, RES-05).
	for _, p := range []*string{&a.URL, &a.Icon, &a.Image, &a.MovedTo} {
		if checkURL("url", *p) != nil {
			*p = ""
		}
	}
	if err := checkLen("name", a.Name, MaxNameBytes); err != nil {
		return err
	}
	return checkLen("summary", a.Summary, MaxSummaryBytes)
}
