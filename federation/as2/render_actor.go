package as2

import (
	"fmt"
	"mime"
	"path"
	"time"

	"github.com/go-fed/activity/streams"
	"github.com/go-fed/activity/streams/vocab"

	ap "github.com/guildhall/guildhall/activitypub"
)

// actorType is what Person, Group, Application and Service have in common in go-fed.
type actorType interface {
	vocab.Type
	SetJSONLDId(vocab.JSONLDIdProperty)
	SetActivityStreamsInbox(vocab.ActivityStreamsInboxProperty)
	SetActivityStreamsOutbox(vocab.ActivityStreamsOutboxProperty)
	SetActivityStreamsFollowers(vocab.ActivityStreamsFollowersProperty)
	SetActivityStreamsFollowing(vocab.ActivityStreamsFollowingProperty)
	SetActivityStreamsPreferredUsername(vocab.ActivityStreamsPreferredUsernameProperty)
	SetActivityStreamsName(vocab.ActivityStreamsNameProperty)
	SetActivityStreamsSummary(vocab.ActivityStreamsSummaryProperty)
	SetActivityStreamsUrl(vocab.ActivityStreamsUrlProperty)
	SetActivityStreamsPublished(vocab.ActivityStreamsPublishedProperty)
	SetActivityStreamsIcon(vocab.ActivityStreamsIconProperty)
	SetActivityStreamsImage(vocab.ActivityStreamsImageProperty)
	SetTootDiscoverable(vocab.TootDiscoverableProperty)
	SetTootFeatured(vocab.TootFeaturedProperty)
	SetW3IDSecurityV1PublicKey(vocab.W3IDSecurityV1PublicKeyProperty)
}

func newActorType(k ap.ActorKind) (actorType, error) {
	switch k {
	case ap.KindPerson, "":
		return streams.NewActivityStreamsPerson(), nil
	case ap.KindGroup:
		return streams.NewActivityStreamsGroup(), nil
	case ap.KindApplication:
		return streams.NewActivityStreamsApplication(), nil
	case ap.KindService:
		return streams.NewActivityStreamsService(), nil
	case ap.KindOrganization:
		return streams.NewActivityStreamsOrganization(), nil
	}
	return nil, fmt.Errorf("as2: unknown actor kind %q", k)
}

// Actor renders a local actor document: Person for staff, Group for groups, Application for the
// instance actor, with the key peers need to verify our signatures.
func (r Renderer) Actor(a *ap.Actor) (map[string]any, error) {
	t, err := newActorType(a.Kind)
	if err != nil {
		return nil, err
	}
	var p iriParser
	t.SetJSONLDId(p.id(a.URI))
	inbox := streams.NewActivityStreamsInboxProperty()
	inbox.SetIRI(p.parse(a.Inbox))
	t.SetActivityStreamsInbox(inbox)
	outbox := streams.NewActivityStreamsOutboxProperty()
	outbox.SetIRI(p.parse(a.Outbox))
	t.SetActivityStreamsOutbox(outbox)
	if a.FollowersURI != "" {
		f := streams.NewActivityStreamsFollowersProperty()
		f.SetIRI(p.parse(a.FollowersURI))
		t.SetActivityStreamsFollowers(f)
	}
	if a.FollowingURI != "" {
		f := streams.NewActivityStreamsFollowingProperty()
		f.SetIRI(p.parse(a.FollowingURI))
		t.SetActivityStreamsFollowing(f)
	}
	if a.FeaturedURI != "" {
		f := streams.NewTootFeaturedProperty()
		f.SetIRI(p.parse(a.FeaturedURI))
		t.SetTootFeatured(f)
	}
	pu := streams.NewActivityStreamsPreferredUsernameProperty()
	pu.SetXMLSchemaString(a.Username)
	t.SetActivityStreamsPreferredUsername(pu)
	// Mastodon shows the username when name is empty, but some peers show "", so always send one.
	display := a.DisplayName
	if display == "" {
		display = a.Username
	}
	t.SetActivityStreamsName(propName(display))
	if a.Summary != "" {
		t.SetActivityStreamsSummary(propSummary(a.Summary))
	}
	if a.URL != "" {
		t.SetActivityStreamsUrl(p.url(a.URL))
	}
	if !a.CreatedAt.IsZero() {
		// Mastodon shows "joined" by day; midnight UTC avoids leaking the exact moment.
		t.SetActivityStreamsPublished(propPublished(a.CreatedAt.UTC().Truncate(24 * time.Hour)))
	}
	if a.AvatarURL != "" {
		icon := streams.NewActivityStreamsIconProperty()
		icon.AppendActivityStreamsImage(imageOf(&p, a.AvatarURL))
		t.SetActivityStreamsIcon(icon)
	}
	if a.HeaderURL != "" {
		img := streams.NewActivityStreamsImageProperty()
		img.AppendActivityStreamsImage(imageOf(&p, a.HeaderURL))
		t.SetActivityStreamsImage(img)
	}
	disc := streams.NewTootDiscoverableProperty()
	disc.Set(a.Discoverable)
	t.SetTootDiscoverable(disc)
	if a.PublicKeyPEM != "" {
		t.SetW3IDSecurityV1PublicKey(publicKeyProp(&p, a))
	}
	if p.err != nil {
		return nil, fmt.Errorf("as2: actor %s: %w", a.URI, p.err)
	}
	m, err := serializeDoc(t)
	if err != nil {
		return nil, err
	}
	// Terms go-fed v1.0.0 lacks.
	m["manuallyApprovesFollowers"] = a.ManuallyApproves
	m["indexable"] = a.Indexable // FEP-5feb: absent means false, so say it either way
	m["memorial"] = false
	if a.SharedInbox != "" {
		m["endpoints"] = map[string]any{"sharedInbox": a.SharedInbox}
	}
	fields := make([]any, 0, len(a.Fields))
	for _, f := range a.Fields {
		fields = append(fields, map[string]any{"type": TypePropertyVal, "name": f.Name, "value": f.Value})
	}
	m["attachment"] = fields
	m["tag"] = []any{}
	if a.Kind == ap.KindGroup {
		// FEP-1b12 and Lemmy: the moderators are the group's attributedTo collection; anyone
		// may post (Lemmy's postingRestrictedToMods).
		m["attributedTo"] = GroupModeratorsURI(a)
		m["postingRestrictedToMods"] = false
	}
	return m, nil
}

func publicKeyProp(p *iriParser, a *ap.Actor) vocab.W3IDSecurityV1PublicKeyProperty {
	key := streams.NewW3IDSecurityV1PublicKey()
	key.SetJSONLDId(p.id(a.PublicKeyID))
	owner := streams.NewW3IDSecurityV1OwnerProperty()
	owner.SetIRI(p.parse(a.URI))
	key.SetW3IDSecurityV1Owner(owner)
	pemProp := streams.NewW3IDSecurityV1PublicKeyPemProperty()
	pemProp.Set(a.PublicKeyPEM)
	key.SetW3IDSecurityV1PublicKeyPem(pemProp)
	prop := streams.NewW3IDSecurityV1PublicKeyProperty()
	prop.AppendW3IDSecurityV1PublicKey(key)
	return prop
}

// image is an avatar or header; the media type comes from the file extension when it has one.
func imageOf(p *iriParser, href string) vocab.ActivityStreamsImage {
	img := streams.NewActivityStreamsImage()
	img.SetActivityStreamsUrl(p.url(href))
	if mt := mime.TypeByExtension(path.Ext(p.parse(href).Path)); mt != "" {
		img.SetActivityStreamsMediaType(propMediaType(mt))
	}
	return img
}

// GroupModeratorsURI is the id of a local group's moderators collection.
func GroupModeratorsURI(a *ap.Actor) string { return a.URI + "/moderators" }
