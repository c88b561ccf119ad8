package as2

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/go-fed/activity/streams"
	"github.com/go-fed/activity/streams/vocab"
)

// The parse side of as2 turns untrusted ActivityStreams JSON into plain structs the inbox and the
// dereferencer can check and hand to the domain. It trusts nothing: every string, list and nesting
// level is bounded, ids must be absolute http(s) URLs, and HTML is returned raw for the caller to
// sanitise (federation/content) once it knows where the text goes.
//
// go-fed's streams package (v1.0.0) resolves the vocabulary. Where it has no property for a shape
// real servers send (Mastodon's sensitive, manuallyApprovesFollowers, endpoints, PropertyValue,
// Hashtag, indexable; Misskey's _misskey_* and quote fields; Lemmy's Link attachments), the field
// is read from the raw map instead; each such place says so.

// Sentinel causes of a *ParseError, matched with errors.Is.
var (
	// ErrMalformed: the document is not valid ActivityStreams for our purposes (400).
	ErrMalformed = errors.New("as2: malformed document")
	// ErrTooLarge: a field or list is over its bound (400; never truncated silently).
	ErrTooLarge = errors.New("as2: document too large")
	// ErrUnsupported: a well-formed document of a type Guildhall does not handle (202, ignored).
	ErrUnsupported = errors.New("as2: unsupported type")
)

// ParseError says which field was wrong and why. Error() is safe to send back to the remote.
type ParseError struct {
	Field  string
	Reason string
	Err    error // one of the sentinels
}

func (e *ParseError) Error() string {
	if e.Field == "" {
		return e.Reason
	}
	return e.Field + ": " + e.Reason
}

func (e *ParseError) Unwrap() error { return e.Err }

func malformed(field, format string, args ...any) error {
	return &ParseError{Field: field, Reason: fmt.Sprintf(format, args...), Err: ErrMalformed}
}

func tooLarge(field string, limit int) error {
	return &ParseError{Field: field, Reason: fmt.Sprintf("exceeds the limit of %d", limit), Err: ErrTooLarge}
}

// Bounds on what one inbound document may carry. The body itself is capped (1 MiB) before parsing;
// these stop a document that fits in the cap from fanning out into thousands of rows or fetches
// (RES-10).
const (
	MaxURLBytes       = 2048
	MaxContentBytes   = 100_000 // HTML of a status; Lemmy and Pleroma posts run long
	MaxSummaryBytes   = 10_000  // actor bio, content warning
	MaxNameBytes      = 2_000   // display name, title, alt text, hashtag name
	MaxRecipients     = 512     // per addressing field (to, cc, audience)
	MaxTags           = 100     // Mastodon federates at most a few dozen
	MaxAttachments    = 16
	MaxFields         = 16 // profile PropertyValue rows
	MaxPublicKeys     = 4
	MaxFlagObjects    = 100
	maxEmbeddingDepth = 3 // Undo{Announce{Note}} is as deep as anything legitimate goes
)

// ParsedActivity is an inbound activity: who did what to which object.
type ParsedActivity struct {
	ID    string
	Type  string
	Actor string
	// Object is the first object: an id, or an embedded object, actor or activity.
	Object *ParsedRef
	// Objects lists the ids of every object, in order (a Flag names an account and statuses).
	Objects   []string
	Target    string
	To        []string
	Cc        []string
	Audience  []string
	Published time.Time
	// Content is a Flag's comment or a Create's free text; raw, sanitise before storing.
	Content string
	// IdeaAdoption marks an Announce as an idea's adoption (the Guildhall ideas extension).
	IdeaAdoption bool
}

// ParsedRef is the object of an activity: always an id, and the embedded document when one was
// sent. An embedded document is a claim, not a fact: the inbox trusts it only when its id is on the
// sender's origin (ORI-03, ORI-07).
type ParsedRef struct {
	ID       string
	Type     string // "" when the object was only an IRI
	Object   *ParsedObject
	Actor    *ParsedActor
	Activity *ParsedActivity
}

// ParsedObject is a status-like object: Note, Article, Page, Question, Tombstone...
type ParsedObject struct {
	ID           string
	Type         string
	AttributedTo string
	Content      string // raw HTML; sanitise before storing
	Summary      string // content warning, raw
	Name         string // title (Article, Page, Question), raw
	InReplyTo    string
	To           []string
	Cc           []string
	Audience     []string
	Published    time.Time
	Updated      time.Time
	URL          string
	Sensitive    bool
	Language     string
	Context      string // FEP-7888 context, else OStatus conversation
	QuoteURL     string
	Partners     []string // Guildhall's partner list of a partner-only post, raw (bounded)
	Tags         []ParsedTag
	Attachments  []ParsedAttachment
	// Guildhall terms (questions.go): "question" for a question; its accepted answer's id.
	PostKind       string
	AcceptedAnswer string
	// Idea holds the Guildhall ideas terms (ideaStatus…), nil when the object has none.
	Idea *IdeaTerms
}

// Tag kinds.
const (
	TagMention = "Mention"
	TagHashtag = "Hashtag"
	TagEmoji   = "Emoji"
)

// ParsedTag is a Mention, Hashtag or Emoji.
type ParsedTag struct {
	Type string
	Href string // mentioned actor id, hashtag page
	Name string // "@user@host", "#tag", ":shortcode:"
	Icon string // emoji image URL
}

// ParsedAttachment is a remote media file, shown by its remote URL.
type ParsedAttachment struct {
	Type      string // Document, Image, Video, Audio, Link
	MediaType string
	URL       string
	Name      string // alt text (Mastodon: name; GoToSocial: summary)
	Blurhash  string
	Width     int
	Height    int
	FocusX    float64
	FocusY    float64
}

// ParsedActor is a remote actor document.
type ParsedActor struct {
	ID                        string
	Type                      string
	PreferredUsername         string
	Name                      string // raw; plain text after SanitizeText
	Summary                   string // raw HTML
	URL                       string
	Inbox                     string
	Outbox                    string
	SharedInbox               string
	Followers                 string
	Following                 string
	Featured                  string
	Icon                      string
	Image                     string
	PublicKey                 ParsedKey // the first key: the one Mastodon-compatible servers sign with
	PublicKeys                []ParsedKey
	ManuallyApprovesFollowers bool
	Discoverable              bool
	Indexable                 bool
	Bot                       bool
	Fields                    []ParsedField
	Published                 time.Time
	MovedTo                   string
}

// ParsedKey is an actor's publicKey.
type ParsedKey struct {
	ID    string
	Owner string
	PEM   string
}

// ParsedField is a profile metadata row (schema.org PropertyValue).
type ParsedField struct {
	Name  string // raw; plain text
	Value string // raw HTML
}

// Decode parses a JSON body into a map without the float rounding encoding/json applies to big
// numbers, refusing anything that is not a JSON object.
func Decode(body []byte) (map[string]any, error) {
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, malformed("", "body is not a JSON object")
	}
	if m == nil {
		return nil, malformed("", "body is not a JSON object")
	}
	return m, nil
}

// toType resolves the vocabulary with go-fed. An unknown type is ErrUnsupported, so a server that
// sends EmojiReact or ChatMessage is told 202 and ignored rather than 400.
func toType(ctx context.Context, m map[string]any) (vocab.Type, error) {
	if _, ok := m["type"]; !ok {
		return nil, malformed("type", "missing")
	}
	if _, ok := m["@context"]; !ok {
		// go-fed cannot resolve a document without @context, and servers leave it out of
		// documents they consider plain ActivityStreams (and of objects they serve bare).
		// ActivityStreams is the only sensible default; copy so the caller's map is untouched.
		withCtx := make(map[string]any, len(m)+1)
		for k, v := range m {
			withCtx[k] = v
		}
		withCtx["@context"] = "https://www.w3.org/ns/activitystreams"
		m = withCtx
	}
	t, err := streams.ToType(ctx, m)
	if err != nil {
		if errors.Is(err, streams.ErrUnhandledType) {
			return nil, &ParseError{Field: "type", Reason: fmt.Sprintf("%v is not supported", firstType(m)), Err: ErrUnsupported}
		}
		return nil, malformed("", "not valid ActivityStreams: %v", err)
	}
	return t, nil
}

// firstType reads the type name from the raw map, for documents go-fed does not know.
func firstType(m map[string]any) string {
	switch v := m["type"].(type) {
	case string:
		return v
	case []any:
		for _, x := range v {
			if s, ok := x.(string); ok {
				return s
			}
		}
	}
	return ""
}
