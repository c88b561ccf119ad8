// Package as2 converts between the domain (package activitypub) and ActivityStreams 2.0 JSON as
// Mastodon and its peers speak it. Rendering builds go-fed streams values, serializes them with
// streams.Serialize and then adds the extension terms go-fed v1.0.0 does not know (sensitive,
// Hashtag, manuallyApprovesFollowers, indexable, endpoints, PropertyValue, contentMap, focalPoint,
// conversation). Parsing lives in parse*.go.
package as2

// Media types of ActivityStreams documents.
const (
	// ContentType labels every document we serve and deliver.
	ContentType = "application/activity+json"
	// LDContentType is the JSON-LD form peers may ask for in Accept.
	LDContentType = `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`
)

// Namespaces and well-known identifiers.
const (
	NSActivityStreams = "https://www.w3.org/ns/activitystreams"
	NSSecurity        = "https://w3id.org/security/v1"
	NSToot            = "http://joinmastodon.org/ns#"
	NSSchema          = "http://schema.org#"
	NSOStatus         = "http://ostatus.org#"
	// Public is the special collection meaning "everyone".
	Public = "https://www.w3.org/ns/activitystreams#Public"
	// ApplicationRel is the NodeInfo link relation of the instance actor (FEP-2677).
	ApplicationRel = "https://www.w3.org/ns/activitystreams#Application"
)

// Activity and object types Guildhall renders or understands.
const (
	TypeCreate      = "Create"
	TypeUpdate      = "Update"
	TypeDelete      = "Delete"
	TypeAnnounce    = "Announce"
	TypeLike        = "Like"
	TypeFollow      = "Follow"
	TypeAccept      = "Accept"
	TypeReject      = "Reject"
	TypeUndo        = "Undo"
	TypeBlock       = "Block"
	TypeFlag        = "Flag"
	TypeRemove      = "Remove"
	TypeInvite      = "Invite"
	TypeNote        = "Note"
	TypeArticle     = "Article"
	TypeQuestion    = "Question"
	TypeTombstone   = "Tombstone"
	TypePerson      = "Person"
	TypeGroup       = "Group"
	TypeApplication = "Application"
	TypeService     = "Service"
	TypeMention     = "Mention"
	TypeHashtag     = "Hashtag"
	TypeDocument    = "Document"
	TypeImage       = "Image"
	TypePropertyVal = "PropertyValue"
	TypeCollection  = "Collection"
	TypeCollPage    = "CollectionPage"
	TypeOrderedColl = "OrderedCollection"
	TypeOrderedPage = "OrderedCollectionPage"
)

const ctxKeyJSONLD = "@context"

// Context returns the JSON-LD @context of every document we produce: the ActivityStreams and
// security vocabularies plus the extension terms Mastodon defines, one superset for all documents
// so a peer that caches contexts sees one. It is built on each call so no caller can mutate a
// shared value.
func Context() []any {
	return []any{
		NSActivityStreams,
		NSSecurity,
		map[string]any{
			"manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
			"sensitive":                 "as:sensitive",
			"Hashtag":                   "as:Hashtag",
			"movedTo":                   map[string]any{"@id": "as:movedTo", "@type": "@id"},
			"alsoKnownAs":               map[string]any{"@id": "as:alsoKnownAs", "@type": "@id"},
			"toot":                      NSToot,
			"featured":                  map[string]any{"@id": "toot:featured", "@type": "@id"},
			"featuredTags":              map[string]any{"@id": "toot:featuredTags", "@type": "@id"},
			"discoverable":              "toot:discoverable",
			"indexable":                 "toot:indexable",
			"suspended":                 "toot:suspended",
			"memorial":                  "toot:memorial",
			"blurhash":                  "toot:blurhash",
			"votersCount":               "toot:votersCount",
			"focalPoint":                map[string]any{"@container": "@list", "@id": "toot:focalPoint"},
			"schema":                    NSSchema,
			"PropertyValue":             "schema:PropertyValue",
			"value":                     "schema:value",
			"ostatus":                   NSOStatus,
			"atomUri":                   "ostatus:atomUri",
			"inReplyToAtomUri":          "ostatus:inReplyToAtomUri",
			"conversation":              "ostatus:conversation",
			"guildhall":                 NSGuildhall,
			"partners":                  map[string]any{"@id": "guildhall:partners", "@container": "@set"},
		},
	}
}
