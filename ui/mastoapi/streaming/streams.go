package streaming

import (
	"strings"

	"github.com/guildhall/guildhall/activitypub"
)

// Mastodon's stream (channel) names.
const (
	streamUser         = "user"
	streamNotification = "user:notification"
	streamPublic       = "public"
	streamHashtag      = "hashtag"
	streamHashtagLocal = "hashtag:local"
	streamList         = "list"
	streamDirect       = "direct"
)

// publicStreams are the public timelines and their variants; the flags say what they narrow to.
var publicStreams = map[string]struct{ local, remote, media bool }{
	"public":              {},
	"public:media":        {media: true},
	"public:local":        {local: true},
	"public:local:media":  {local: true, media: true},
	"public:remote":       {remote: true},
	"public:remote:media": {remote: true, media: true},
}

// What a client that asks for a stream we cannot give hears, in Mastodon's words.
var (
	errUnknownStream = &streamError{"Unknown stream type", 400}
	errNeedTag       = &streamError{"No tag for stream provided", 400}
	errNeedList      = &streamError{"No list for stream provided", 400}
)

// stream is one subscription: a channel name and, for hashtag and list streams, its argument.
type stream struct {
	name string
	arg  string // the tag as the client wrote it (without '#'), or the list id
}

// parseStream validates what a client asked for (a subscribe message or the legacy query string).
func parseStream(name, tag, list string) (stream, *streamError) {
	switch name {
	case streamUser, streamNotification, streamDirect:
		return stream{name: name}, nil
	case streamHashtag, streamHashtagLocal:
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "#")
		if tag == "" {
			return stream{}, errNeedTag
		}
		return stream{name: name, arg: tag}, nil
	case streamList:
		if list == "" {
			return stream{}, errNeedList
		}
		return stream{name: name, arg: list}, nil
	}
	if _, ok := publicStreams[name]; ok {
		return stream{name: name}, nil
	}
	return stream{}, errUnknownStream
}

// key identifies a subscription regardless of the tag's case, so #Go and #go are one subscription.
func (s stream) key() string { return s.name + "\x00" + strings.ToLower(s.arg) }

// names is the "stream" array of an outgoing message. Mastodon always sends an array, and
// masto.js (Elk, Phanpy) throws on anything else.
func (s stream) names() []string {
	if s.arg == "" {
		return []string{s.name}
	}
	return []string{s.name, s.arg}
}

// scope is the OAuth scope a stream needs, as Mastodon's streaming server checks it.
func (s stream) scope() string {
	switch s.name {
	case streamNotification:
		return "read:notifications"
	case streamList:
		return "read:lists"
	}
	return "read:statuses"
}

// hasTag reports whether tags (lower-cased by the renderer) contain tag, ignoring case.
func hasTag(tags []string, tag string) bool {
	for _, t := range tags {
		if strings.EqualFold(t, tag) {
			return true
		}
	}
	return false
}

func mentions(st *activitypub.Status, actorID string) bool {
	for _, m := range st.Mentions {
		if m.ActorID == actorID {
			return true
		}
	}
	return false
}

func hasMedia(st, orig *activitypub.Status) bool {
	return len(st.Attachments) > 0 || (orig != nil && len(orig.Attachments) > 0)
}
