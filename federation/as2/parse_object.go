package as2

import (
	"context"
	"strings"

	"github.com/go-fed/activity/streams/vocab"
)

// statusTypes are the object types stored as statuses. Lemmy posts are Pages; Misskey and
// Pleroma send Notes and Questions; Wordpress and Write.as send Articles.
var statusTypes = map[string]bool{
	"Note": true, "Article": true, "Page": true, "Question": true, "Event": true,
	"Video": true, "Audio": true, "Image": true,
}

// IsStatusType reports whether objects of type t are stored as statuses.
func IsStatusType(t string) bool { return statusTypes[t] }

// ParseObject parses a status-like document (a fetched Note, or the object of a Create).
func ParseObject(ctx context.Context, m map[string]any) (*ParsedObject, error) {
	t, err := toType(ctx, m)
	if err != nil {
		return nil, err
	}
	return parseObject(t, m)
}

func parseObject(t vocab.Type, raw map[string]any) (*ParsedObject, error) {
	o := &ParsedObject{ID: typeID(t), Type: t.GetTypeName()}
	if o.ID == "" {
		return nil, malformed("id", "missing")
	}
	var err error
	if w, ok := t.(withAttributedTo); ok {
		ids, err := seqIDs[vocab.ActivityStreamsAttributedToPropertyIterator](w.GetActivityStreamsAttributedTo(), "attributedTo", MaxRecipients)
		if err != nil {
			return nil, err
		}
		// Peertube lists the channel too; the first Person-ish id is the author.
		if len(ids) > 0 {
			o.AttributedTo = ids[0]
		}
	}
	if w, ok := t.(withContent); ok {
		o.Content, o.Language = seqText[vocab.ActivityStreamsContentPropertyIterator](w.GetActivityStreamsContent())
	}
	if w, ok := t.(withSummary); ok {
		o.Summary, _ = seqText[vocab.ActivityStreamsSummaryPropertyIterator](w.GetActivityStreamsSummary())
	}
	if w, ok := t.(withName); ok {
		o.Name, _ = seqText[vocab.ActivityStreamsNamePropertyIterator](w.GetActivityStreamsName())
	}
	if w, ok := t.(withInReplyTo); ok {
		ids, err := seqIDs[vocab.ActivityStreamsInReplyToPropertyIterator](w.GetActivityStreamsInReplyTo(), "inReplyTo", 4)
		if err != nil {
			return nil, err
		}
		if len(ids) > 0 {
			o.InReplyTo = ids[0]
		}
	}
	if o.To, o.Cc, o.Audience, err = parseAddressing(t); err != nil {
		return nil, err
	}
	o.Published, o.Updated = parsedPublished(t), parsedUpdated(t)
	o.URL = firstURL(t)
	if w, ok := t.(withContextRef); ok {
		if ids, _ := seqIDs[vocab.ActivityStreamsContextPropertyIterator](w.GetActivityStreamsContext(), "context", 4); len(ids) > 0 {
			o.Context = ids[0]
		}
	}
	// Not in go-fed v1.0.0: Mastodon's as:sensitive, OStatus conversation, quote fields
	// (Misskey _misskey_quote, Fedibird/Akkoma quoteUrl / quoteUri).
	o.Sensitive = rawBool(raw, "sensitive")
	if cm, ok := raw["contentMap"].(map[string]any); ok && o.Language == "" && len(cm) == 1 {
		for l := range cm { // go-fed keeps contentMap apart from content when both are sent
			o.Language = l
		}
	}
	if o.Context == "" {
		o.Context = rawString(raw, "conversation")
	}
	o.Partners = rawPartners(raw)
	for _, k := range []string{"quoteUrl", "_misskey_quote", "quoteUri", "quote"} {
		if q := rawString(raw, k); q != "" {
			o.QuoteURL = q
			break
		}
	}
	// Lemmy (and some Pleroma/Misskey posts with only a source) may send no HTML content but a
	// markdown source; show the source as text rather than an empty post.
	if o.Content == "" {
		if src, ok := raw["source"].(map[string]any); ok {
			if s, _ := src["content"].(string); s != "" {
				o.Content = "<p>" + escapeText(s) + "</p>"
			}
		}
	}
	parseGuildhallTerms(o, raw)
	o.Idea = parseIdeaTerms(raw)
	if o.Tags, err = parseTags(t, raw); err != nil {
		return nil, err
	}
	if o.Attachments, err = parseAttachments(t, raw); err != nil {
		return nil, err
	}
	return o, o.check()
}

// check enforces the bounds and URL rules on a parsed object.
func (o *ParsedObject) check() error {
	for _, f := range []struct{ name, v string }{
		{"id", o.ID}, {"attributedTo", o.AttributedTo}, {"inReplyTo", o.InReplyTo}, {"url", o.URL},
		{"context", o.Context}, {"quoteUrl", o.QuoteURL},
	} {
		if err := checkURL(f.name, f.v); err != nil {
			if f.name == "url" || f.name == "context" || f.name == "quoteUrl" {
				// Display-only fields (ORI-06): drop a bad one rather than the whole post.
				switch f.name {
				case "url":
					o.URL = ""
				case "context":
					o.Context = ""
				default:
					o.QuoteURL = ""
				}
				continue
			}
			return err
		}
	}
	if err := checkLen("content", o.Content, MaxContentBytes); err != nil {
		return err
	}
	if err := checkLen("summary", o.Summary, MaxSummaryBytes); err != nil {
		return err
	}
	if err := checkLen("name", o.Name, MaxNameBytes); err != nil {
		return err
	}
	return checkURLs(o.To, o.Cc, o.Audience)
}

func checkURLs(lists ...[]string) error {
	for _, l := range lists {
		for _, id := range l {
			if err := checkURL("recipient", id); err != nil {
				return err
			}
		}
	}
	return nil
}

// firstURL returns the object's human URL, preferring a text/html Link (Peertube, Lemmy send
// several).
func firstURL(t vocab.Type) string {
	w, ok := t.(withURL)
	if !ok || w.GetActivityStreamsUrl() == nil {
		return ""
	}
	p := w.GetActivityStreamsUrl()
	var first string
	for i := 0; i < p.Len() && i < 16; i++ {
		it := p.At(i)
		var u, mt string
		switch {
		case it.IsIRI():
			u = urlString(it.GetIRI())
		case it.IsXMLSchemaAnyURI():
			u = urlString(it.GetXMLSchemaAnyURI())
		case it.IsActivityStreamsLink():
			l := it.GetActivityStreamsLink()
			if l.GetActivityStreamsHref() != nil {
				u = urlString(l.GetActivityStreamsHref().Get())
			}
			if l.GetActivityStreamsMediaType() != nil {
				mt = l.GetActivityStreamsMediaType().Get()
			}
		}
		if u == "" {
			continue
		}
		if mt == "text/html" {
			return u
		}
		if first == "" {
			first = u
		}
	}
	return first
}

func escapeText(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;")
	return r.Replace(s)
}
