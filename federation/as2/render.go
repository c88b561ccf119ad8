package as2

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/go-fed/activity/streams"
	"github.com/go-fed/activity/streams/vocab"
)

// Renderer turns domain values into ActivityStreams documents. It needs to know the instance only
// to name local things the domain stores without a URL (hashtag pages, the domain of local
// mentions).
type Renderer struct {
	// BaseURL is scheme://host of this instance, without a trailing slash.
	BaseURL string
	// Domain is the host without port: the part after @ in a local handle.
	Domain string
}

// Marshal encodes a rendered document. HTML is not escaped: content is HTML and peers compare the
// bytes under the Digest, so "<p>" beats "\u003cp\u003e" for size and readability.
func Marshal(doc map[string]any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("as2: marshal: %w", err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// serialize runs go-fed's serializer and replaces its @context with ours: go-fed builds the context
// from a map, so its order changes between runs, and it cannot name the extension terms we add.
func serializeDoc(t vocab.Type) (map[string]any, error) {
	m, err := streams.Serialize(t)
	if err != nil {
		return nil, fmt.Errorf("as2: serialize %s: %w", t.GetTypeName(), err)
	}
	m[ctxKeyJSONLD] = Context()
	return m, nil
}

// embed puts a rendered sub-document under key, without its own @context: the outer one applies.
func embedDoc(m map[string]any, key string, sub map[string]any) {
	embeddedContext(m, sub)
	delete(sub, ctxKeyJSONLD)
	m[key] = sub
}

// Embedded strips the @context of a document rendered on its own, for embedding it in another.
func Embedded(doc map[string]any) map[string]any {
	delete(doc, ctxKeyJSONLD)
	return doc
}

// iriParser parses URIs, remembering the first error, so builders can set many properties and check
// once. Our own URIs are always valid; remote ones come from the network and may not be.
type iriParser struct{ err error }

func (p *iriParser) parse(raw string) *url.URL {
	u, err := url.Parse(raw)
	if err != nil && p.err == nil {
		p.err = fmt.Errorf("as2: bad IRI %q: %w", raw, err)
	}
	if u == nil {
		u = &url.URL{}
	}
	return u
}

func (p *iriParser) id(raw string) vocab.JSONLDIdProperty {
	prop := streams.NewJSONLDIdProperty()
	prop.Set(p.parse(raw))
	return prop
}

func (p *iriParser) to(list []string) vocab.ActivityStreamsToProperty {
	prop := streams.NewActivityStreamsToProperty()
	for _, s := range list {
		prop.AppendIRI(p.parse(s))
	}
	return prop
}

func (p *iriParser) cc(list []string) vocab.ActivityStreamsCcProperty {
	prop := streams.NewActivityStreamsCcProperty()
	for _, s := range list {
		prop.AppendIRI(p.parse(s))
	}
	return prop
}

func (p *iriParser) actor(raw string) vocab.ActivityStreamsActorProperty {
	prop := streams.NewActivityStreamsActorProperty()
	prop.AppendIRI(p.parse(raw))
	return prop
}

func (p *iriParser) object(raw string) vocab.ActivityStreamsObjectProperty {
	prop := streams.NewActivityStreamsObjectProperty()
	prop.AppendIRI(p.parse(raw))
	return prop
}

func (p *iriParser) url(raw string) vocab.ActivityStreamsUrlProperty {
	prop := streams.NewActivityStreamsUrlProperty()
	prop.AppendIRI(p.parse(raw))
	return prop
}

func propPublished(t time.Time) vocab.ActivityStreamsPublishedProperty {
	prop := streams.NewActivityStreamsPublishedProperty()
	prop.Set(t.UTC().Truncate(time.Second))
	return prop
}

func propUpdated(t time.Time) vocab.ActivityStreamsUpdatedProperty {
	prop := streams.NewActivityStreamsUpdatedProperty()
	prop.Set(t.UTC().Truncate(time.Second))
	return prop
}

func propName(s string) vocab.ActivityStreamsNameProperty {
	prop := streams.NewActivityStreamsNameProperty()
	prop.AppendXMLSchemaString(s)
	return prop
}

func propSummary(s string) vocab.ActivityStreamsSummaryProperty {
	prop := streams.NewActivityStreamsSummaryProperty()
	prop.AppendXMLSchemaString(s)
	return prop
}

func propContent(s string) vocab.ActivityStreamsContentProperty {
	prop := streams.NewActivityStreamsContentProperty()
	prop.AppendXMLSchemaString(s)
	return prop
}

func propMediaType(s string) vocab.ActivityStreamsMediaTypeProperty {
	prop := streams.NewActivityStreamsMediaTypeProperty()
	prop.Set(s)
	return prop
}

// list returns v as a JSON array: go-fed writes a one-element property as a bare value, and we
// sometimes need to append to it.
func arrayOf(v any) []any {
	switch x := v.(type) {
	case nil:
		return []any{}
	case []any:
		return x
	default:
		return []any{x}
	}
}

// normaliseArrays writes these properties as arrays even with one element, as Mastodon writes
// them: some peers index to[0] without checking.
func normaliseArrays(m map[string]any) {
	for _, k := range [...]string{"to", "cc", "tag", "attachment", "orderedItems", "items"} {
		if v, ok := m[k]; ok {
			m[k] = arrayOf(v)
		}
	}
}

// hashtagHref is the page of a local hashtag.
func (r Renderer) hashtagHref(tag string) string {
	return r.BaseURL + "/tags/" + url.PathEscape(strings.ToLower(tag))
}
