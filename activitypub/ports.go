package activitypub

import "context"

// Resolver looks remote actors and objects up over the network. federation implements it; the
// domain calls it when a local action names something it does not have yet (a mention of
// @user@host, a search with resolve=true, a reply to a remote status).
type Resolver interface {
	// ResolveHandle finds a remote actor by @username@domain through WebFinger, fetching and
	// storing it if it is new or stale.
	ResolveHandle(ctx context.Context, username, domain string) (*Actor, error)
	// ResolveActor fetches (or refreshes) a remote actor by its id.
	ResolveActor(ctx context.Context, uri string) (*Actor, error)
	// ResolveStatus fetches a remote status by its id and stores it.
	ResolveStatus(ctx context.Context, uri string) (*Status, error)
}

// Renderer turns what a local author typed into safe HTML, with the mentions and hashtags found.
type Renderer interface {
	Render(text string, format ContentFormat, resolve func(username, domain string) (href string, ok bool)) (Rendered, error)
	// PlainText strips HTML, for search and notifications.
	PlainText(html string) string
	// Sanitize cleans remote HTML.
	Sanitize(html string) string
}

// Rendered is the output of a Renderer.
type Rendered struct {
	HTML     string
	Mentions []RenderedMention
	Tags     []string
}

// RenderedMention is a mention the renderer linked.
type RenderedMention struct {
	Username, Domain, Href string
}

// EventOutbox says the outbox has new records, so delivery can start at once instead of at its
// next poll. It carries nothing else.
const EventOutbox = "outbox"

// Event is something a connected client should hear about at once (the streaming API), or, for
// EventOutbox, that deliveries are waiting.
type Event struct {
	Type         string   // "update", "notification", "delete", "status.update"
	UserIDs      []string // home timelines / notification recipients concerned
	StatusID     string
	Notification *Notification
	Public       bool // also for the public streams
	LocalPublic  bool // also for the local public stream
	Tags         []string
}

// Events receives domain events after their transaction commits. Delivery is best effort.
type Events interface {
	Publish(ctx context.Context, e Event)
}
