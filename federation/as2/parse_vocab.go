package as2

import (
	"net/url"
	"strings"
	"time"

	"github.com/go-fed/activity/streams/vocab"
)

// Small views over go-fed's generated types. go-fed gives every type its own getters, so these
// interfaces let one function read, say, "to" from a Create, a Note or an Announce alike.
type (
	withTo interface {
		GetActivityStreamsTo() vocab.ActivityStreamsToProperty
	}
	withCc interface {
		GetActivityStreamsCc() vocab.ActivityStreamsCcProperty
	}
	withAudience interface {
		GetActivityStreamsAudience() vocab.ActivityStreamsAudienceProperty
	}
	withActor interface {
		GetActivityStreamsActor() vocab.ActivityStreamsActorProperty
	}
	withObject interface {
		GetActivityStreamsObject() vocab.ActivityStreamsObjectProperty
	}
	withTarget interface {
		GetActivityStreamsTarget() vocab.ActivityStreamsTargetProperty
	}
	withPublished interface {
		GetActivityStreamsPublished() vocab.ActivityStreamsPublishedProperty
	}
	withUpdated interface {
		GetActivityStreamsUpdated() vocab.ActivityStreamsUpdatedProperty
	}
	withContent interface {
		GetActivityStreamsContent() vocab.ActivityStreamsContentProperty
	}
	withSummary interface {
		GetActivityStreamsSummary() vocab.ActivityStreamsSummaryProperty
	}
	withName interface {
		GetActivityStreamsName() vocab.ActivityStreamsNameProperty
	}
	withAttributedTo interface {
		GetActivityStreamsAttributedTo() vocab.ActivityStreamsAttributedToProperty
	}
	withInReplyTo interface {
		GetActivityStreamsInReplyTo() vocab.ActivityStreamsInReplyToProperty
	}
	withURL interface {
		GetActivityStreamsUrl() vocab.ActivityStreamsUrlProperty
	}
	withMediaType interface {
		GetActivityStreamsMediaType() vocab.ActivityStreamsMediaTypeProperty
	}
	withWidth interface {
		GetActivityStreamsWidth() vocab.ActivityStreamsWidthProperty
	}
	withHeight interface {
		GetActivityStreamsHeight() vocab.ActivityStreamsHeightProperty
	}
	withBlurhash interface {
		GetTootBlurhash() vocab.TootBlurhashProperty
	}
	withContextRef interface {
		GetActivityStreamsContext() vocab.ActivityStreamsContextProperty
	}
)

// idIter is what every go-fed iterator over object-or-IRI values offers.
type idIter interface {
	IsIRI() bool
	GetIRI() *url.URL
	GetType() vocab.Type
}

// idSeq is a non-functional go-fed property of object-or-IRI values.
type idSeq[I idIter] interface {
	Len() int
	At(int) I
}

// iterID is the id of one value: the IRI itself, or the id of an embedded object. A value with
// neither (an unknown embedded type) yields "" and the caller falls back to the raw map.
func iterID(it idIter) string {
	if it.IsIRI() {
		return urlString(it.GetIRI())
	}
	if t := it.GetType(); t != nil {
		return typeID(t)
	}
	return ""
}

// seqIDs lists the ids of a property's values, refusing more than limit of them.
func seqIDs[I idIter](p idSeq[I], field string, limit int) ([]string, error) {
	if p == nil || p.Len() == 0 {
		return nil, nil
	}
	if p.Len() > limit {
		return nil, tooLarge(field, limit)
	}
	out := make([]string, 0, p.Len())
	for i := 0; i < p.Len(); i++ {
		if id := iterID(p.At(i)); id != "" {
			out = append(out, id)
		}
	}
	return out, nil
}

func typeID(t vocab.Type) string {
	if t == nil || t.GetJSONLDId() == nil {
		return ""
	}
	return urlString(t.GetJSONLDId().Get())
}

func urlString(u *url.URL) string {
	if u == nil {
		return ""
	}
	return u.String()
}

// langIter is what go-fed's content, summary and name iterators offer.
type langIter interface {
	IsXMLSchemaString() bool
	GetXMLSchemaString() string
	IsRDFLangString() bool
	GetRDFLangString() map[string]string
}

type langSeq[I langIter] interface {
	Len() int
	At(int) I
}

// seqText returns the plain value of a natural-language property, or the first value of its
// language map (contentMap) together with that language.
func seqText[I langIter](p langSeq[I]) (text, lang string) {
	if p == nil {
		return "", ""
	}
	for i := 0; i < p.Len(); i++ {
		it := p.At(i)
		if it.IsXMLSchemaString() {
			text = it.GetXMLSchemaString()
			break
		}
	}
	if text != "" {
		// contentMap next to content names the language of the same text.
		for i := 0; i < p.Len(); i++ {
			if it := p.At(i); it.IsRDFLangString() {
				if keys := sortedKeys(it.GetRDFLangString()); len(keys) == 1 {
					return text, keys[0]
				}
			}
		}
		return text, ""
	}
	for i := 0; i < p.Len(); i++ {
		it := p.At(i)
		if it.IsRDFLangString() {
			m := it.GetRDFLangString()
			for _, l := range sortedKeys(m) {
				return m[l], l
			}
		}
	}
	return "", ""
}

func parsedPublished(t vocab.Type) time.Time {
	if w, ok := t.(withPublished); ok && w.GetActivityStreamsPublished() != nil && w.GetActivityStreamsPublished().IsXMLSchemaDateTime() {
		return w.GetActivityStreamsPublished().Get().UTC()
	}
	return time.Time{}
}

func parsedUpdated(t vocab.Type) time.Time {
	if w, ok := t.(withUpdated); ok && w.GetActivityStreamsUpdated() != nil && w.GetActivityStreamsUpdated().IsXMLSchemaDateTime() {
		return w.GetActivityStreamsUpdated().Get().UTC()
	}
	return time.Time{}
}

// addressing reads to, cc and audience.
func parseAddressing(t vocab.Type) (to, cc, audience []string, err error) {
	if w, ok := t.(withTo); ok {
		if to, err = seqIDs[vocab.ActivityStreamsToPropertyIterator](w.GetActivityStreamsTo(), "to", MaxRecipients); err != nil {
			return
		}
	}
	if w, ok := t.(withCc); ok {
		if cc, err = seqIDs[vocab.ActivityStreamsCcPropertyIterator](w.GetActivityStreamsCc(), "cc", MaxRecipients); err != nil {
			return
		}
	}
	if w, ok := t.(withAudience); ok {
		audience, err = seqIDs[vocab.ActivityStreamsAudiencePropertyIterator](w.GetActivityStreamsAudience(), "audience", MaxRecipients)
	}
	return
}

// checkURL accepts an absolute http(s) URL with a host and no credentials, of bounded length.
// Hosts must be ASCII (punycode): comparing Unicode hosts invites look-alike collisions (ORI-17).
func checkURL(field, s string) error {
	if s == "" {
		return nil
	}
	if len(s) > MaxURLBytes {
		return tooLarge(field, MaxURLBytes)
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.Opaque != "" {
		return malformed(field, "%q is not an absolute http(s) URL", clip(s, 100))
	}
	for _, r := range u.Host {
		if r > 0x7e || r <= 0x20 {
			return malformed(field, "host must be ASCII (punycode)")
		}
	}
	return nil
}

// Host returns the normalised host (and port) of an id for origin comparisons: lowercased, with one
// trailing dot removed, "" when the id is not an absolute URL (ORI-17).
func Host(id string) string {
	u, err := url.Parse(id)
	if err != nil || u.Host == "" {
		return ""
	}
	h := strings.ToLower(u.Host)
	if host, port, ok := strings.Cut(h, ":"); ok && !strings.Contains(h, "]") {
		return strings.TrimSuffix(host, ".") + ":" + port
	}
	return strings.TrimSuffix(h, ".")
}

// SameOrigin reports whether two ids live on the same host.
func SameOrigin(a, b string) bool {
	ha := Host(a)
	return ha != "" && ha == Host(b)
}

func checkLen(field, s string, limit int) error {
	if len(s) > limit {
		return tooLarge(field, limit)
	}
	return nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
