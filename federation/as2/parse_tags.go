package as2

import (
	"strings"

	"github.com/go-fed/activity/streams/vocab"
)

type (
	withTag interface {
		GetActivityStreamsTag() vocab.ActivityStreamsTagProperty
	}
	withAttachment interface {
		GetActivityStreamsAttachment() vocab.ActivityStreamsAttachmentProperty
	}
)

// goFedAt returns go-fed's typed value for element i of a list property when the raw list and
// go-fed's view line up (they do unless the document repeats the property under an alias).
func goFedAt[I idIter](p idSeq[I], rawLen, i int) vocab.Type {
	if p == nil || p.Len() != rawLen {
		return nil
	}
	return p.At(i).GetType()
}

// parseTags reads Mentions through go-fed, and Hashtags and Emoji from the raw map: go-fed v1.0.0
// knows as:Mention and toot:Emoji but not the Hashtag type Mastodon and everyone after it use.
func parseTags(t vocab.Type, raw map[string]any) ([]ParsedTag, error) {
	list := rawList(raw, "tag")
	if len(list) > MaxTags {
		return nil, tooLarge("tag", MaxTags)
	}
	var p vocab.ActivityStreamsTagProperty
	if w, ok := t.(withTag); ok {
		p = w.GetActivityStreamsTag()
	}
	var tags []ParsedTag
	for i, v := range list {
		m, ok := v.(map[string]any)
		if !ok {
			continue // a bare IRI tag carries nothing we can show
		}
		tag := ParsedTag{Type: firstType(m), Href: rawString(m, "href"), Name: rawString(m, "name")}
		if gt := goFedAt[vocab.ActivityStreamsTagPropertyIterator](p, len(list), i); gt != nil {
			if mention, ok := gt.(vocab.ActivityStreamsMention); ok {
				if h := mention.GetActivityStreamsHref(); h != nil {
					tag.Href = urlString(h.Get())
				}
				if n := mention.GetActivityStreamsName(); n != nil {
					tag.Name, _ = seqText[vocab.ActivityStreamsNamePropertyIterator](n)
				}
			}
		}
		switch tag.Type {
		case TagMention:
			if checkURL("tag.href", tag.Href) != nil || tag.Href == "" {
				continue
			}
		case TagHashtag:
			tag.Name = strings.TrimPrefix(tag.Name, "#")
			if tag.Name == "" {
				continue
			}
			if checkURL("tag.href", tag.Href) != nil {
				tag.Href = ""
			}
		case TagEmoji:
			if icon, ok := m["icon"].(map[string]any); ok {
				tag.Icon = rawString(icon, "url")
			}
			// XSS-07: an emoji without a usable http(s) image, or with a shortcode outside
			// [A-Za-z0-9_], is dropped.
			if !validShortcode(tag.Name) || checkURL("tag.icon", tag.Icon) != nil || tag.Icon == "" {
				continue
			}
		default:
			continue
		}
		if len(tag.Name) > MaxNameBytes {
			return nil, tooLarge("tag.name", MaxNameBytes)
		}
		tags = append(tags, tag)
	}
	return tags, nil
}

func validShortcode(name string) bool {
	s := strings.TrimSuffix(strings.TrimPrefix(name, ":"), ":")
	if s == "" || len(s) > 100 || len(s)+2 != len(name) {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// parseAttachments reads Document, Image, Video and Audio through go-fed and falls back to the raw
// map for Lemmy's Link attachments and for the focalPoint Mastodon adds.
func parseAttachments(t vocab.Type, raw map[string]any) ([]ParsedAttachment, error) {
	list := rawList(raw, "attachment")
	if len(list) > MaxAttachments {
		return nil, tooLarge("attachment", MaxAttachments)
	}
	var p vocab.ActivityStreamsAttachmentProperty
	if w, ok := t.(withAttachment); ok {
		p = w.GetActivityStreamsAttachment()
	}
	var out []ParsedAttachment
	for i, v := range list {
		m, ok := v.(map[string]any)
		if !ok {
			continue
		}
		a := ParsedAttachment{Type: firstType(m)}
		if a.Type == "PropertyValue" {
			continue // profile fields live on actors
		}
		gt := goFedAt[vocab.ActivityStreamsAttachmentPropertyIterator](p, len(list), i)
		if gt != nil {
			a.URL = firstURL(gt)
			if w, ok := gt.(withMediaType); ok && w.GetActivityStreamsMediaType() != nil {
				a.MediaType = w.GetActivityStreamsMediaType().Get()
			}
			if w, ok := gt.(withName); ok {
				a.Name, _ = seqText[vocab.ActivityStreamsNamePropertyIterator](w.GetActivityStreamsName())
			}
			if a.Name == "" { // GoToSocial puts alt text in summary
				if w, ok := gt.(withSummary); ok {
					a.Name, _ = seqText[vocab.ActivityStreamsSummaryPropertyIterator](w.GetActivityStreamsSummary())
				}
			}
			if w, ok := gt.(withWidth); ok && w.GetActivityStreamsWidth() != nil {
				a.Width = w.GetActivityStreamsWidth().Get()
			}
			if w, ok := gt.(withHeight); ok && w.GetActivityStreamsHeight() != nil {
				a.Height = w.GetActivityStreamsHeight().Get()
			}
			if w, ok := gt.(withBlurhash); ok && w.GetTootBlurhash() != nil {
				a.Blurhash = w.GetTootBlurhash().Get()
			}
			if l, ok := gt.(vocab.ActivityStreamsLink); ok && l.GetActivityStreamsHref() != nil {
				a.URL = urlString(l.GetActivityStreamsHref().Get())
			}
		}
		if a.URL == "" {
			if a.URL = rawString(m, "url"); a.URL == "" {
				a.URL = rawString(m, "href")
			}
		}
		if a.MediaType == "" {
			a.MediaType = rawString(m, "mediaType")
		}
		if a.Name == "" {
			if a.Name = rawString(m, "name"); a.Name == "" {
				a.Name = rawString(m, "summary")
			}
		}
		if a.Width == 0 {
			a.Width, a.Height = rawInt(m, "width"), rawInt(m, "height")
		}
		if a.Blurhash == "" {
			a.Blurhash = rawString(m, "blurhash")
		}
		if fp, ok := m["focalPoint"].([]any); ok && len(fp) == 2 {
			x, _ := fp[0].(float64)
			y, _ := fp[1].(float64)
			if x >= -1 && x <= 1 && y >= -1 && y <= 1 {
				a.FocusX, a.FocusY = x, y
			}
		}
		if a.URL == "" || checkURL("attachment.url", a.URL) != nil {
			continue // RES-05: nothing but http(s) media is ever fetched or linked
		}
		if len(a.Name) > MaxNameBytes*4 { // alt text may be long (Mastodon allows 1500 chars)
			return nil, tooLarge("attachment.name", MaxNameBytes*4)
		}
		if len(a.Blurhash) > 200 || len(a.MediaType) > 200 {
			return nil, malformed("attachment", "blurhash or mediaType too long")
		}
		out = append(out, a)
	}
	return out, nil
}
