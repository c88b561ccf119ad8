package as2

import (
	"fmt"
	"time"

	"github.com/go-fed/activity/streams"
	"github.com/go-fed/activity/streams/vocab"

	ap "github.com/guildhall/guildhall/activitypub"
)

// objectType is what Note and Article have in common in go-fed.
type objectType interface {
	vocab.Type
	SetJSONLDId(vocab.JSONLDIdProperty)
	SetActivityStreamsAttributedTo(vocab.ActivityStreamsAttributedToProperty)
	SetActivityStreamsTo(vocab.ActivityStreamsToProperty)
	SetActivityStreamsCc(vocab.ActivityStreamsCcProperty)
	SetActivityStreamsInReplyTo(vocab.ActivityStreamsInReplyToProperty)
	SetActivityStreamsContent(vocab.ActivityStreamsContentProperty)
	SetActivityStreamsSummary(vocab.ActivityStreamsSummaryProperty)
	SetActivityStreamsName(vocab.ActivityStreamsNameProperty)
	SetActivityStreamsPublished(vocab.ActivityStreamsPublishedProperty)
	SetActivityStreamsUpdated(vocab.ActivityStreamsUpdatedProperty)
	SetActivityStreamsUrl(vocab.ActivityStreamsUrlProperty)
	SetActivityStreamsTag(vocab.ActivityStreamsTagProperty)
	SetActivityStreamsAttachment(vocab.ActivityStreamsAttachmentProperty)
	SetActivityStreamsReplies(vocab.ActivityStreamsRepliesProperty)
	SetActivityStreamsContext(vocab.ActivityStreamsContextProperty)
}

// Audience is who a status is addressed to.
type Audience struct {
	To, Cc []string
	// Group is the id of the group the status was posted to (FEP-1b12 audience), if any.
	Group string
}

// Addressing returns the to and cc of a status as Mastodon addresses them: public posts to
// everyone with the followers in cc, unlisted the other way round, followers-only to the
// followers, direct to the mentioned only. parentAuthor (the URI of the author of the status
// replied to, or "") is copied into cc so the person replied to hears of it.
func Addressing(st *ap.Status, author *ap.Actor, parentAuthor string) Audience {
	var mentions []string
	for _, m := range st.Mentions {
		mentions = append(mentions, m.URI)
	}
	var a Audience
	switch st.Visibility {
	case ap.Public:
		a = Audience{To: []string{Public}, Cc: append([]string{author.FollowersURI}, mentions...)}
	case ap.Unlisted:
		a = Audience{To: []string{author.FollowersURI}, Cc: append([]string{Public}, mentions...)}
	case ap.Private:
		a = Audience{To: []string{author.FollowersURI}, Cc: mentions}
	case ap.Direct:
		a = Audience{To: mentions}
	default:
		return Audience{} // local-only: addressed to no one outside
	}
	if parentAuthor != "" && st.Visibility != ap.Direct && !hasString(a.To, parentAuthor) && !hasString(a.Cc, parentAuthor) {
		a.Cc = append(a.Cc, parentAuthor)
	}
	return a
}

func hasString(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// Note renders a status as a Note (Article when it has a title and is a forum thread), the way
// Mastodon renders one, addressed to aud.
func (r Renderer) Note(st *ap.Status, author *ap.Actor, aud Audience) (map[string]any, error) {
	var t objectType = streams.NewActivityStreamsNote()
	if st.ObjectType == TypeArticle {
		t = streams.NewActivityStreamsArticle()
	}
	var p iriParser
	t.SetJSONLDId(p.id(st.URI))
	attr := streams.NewActivityStreamsAttributedToProperty()
	attr.AppendIRI(p.parse(author.URI))
	t.SetActivityStreamsAttributedTo(attr)
	t.SetActivityStreamsTo(p.to(aud.To))
	t.SetActivityStreamsCc(p.cc(aud.Cc))
	if st.InReplyToURI != "" {
		irt := streams.NewActivityStreamsInReplyToProperty()
		irt.AppendIRI(p.parse(st.InReplyToURI))
		t.SetActivityStreamsInReplyTo(irt)
	}
	t.SetActivityStreamsContent(propContent(st.Content))
	if st.SpoilerText != "" {
		t.SetActivityStreamsSummary(propSummary(st.SpoilerText))
	}
	if st.Title != "" {
		t.SetActivityStreamsName(propName(st.Title))
	}
	t.SetActivityStreamsPublished(propPublished(st.CreatedAt))
	if st.EditedAt != nil {
		t.SetActivityStreamsUpdated(propUpdated(*st.EditedAt))
	}
	if st.URL != "" {
		t.SetActivityStreamsUrl(p.url(st.URL))
	}
	if tags := r.mentions(&p, st); tags.Len() > 0 {
		t.SetActivityStreamsTag(tags)
	}
	if len(st.Attachments) > 0 {
		t.SetActivityStreamsAttachment(attachmentProp(&p, st.Attachments))
	}
	if st.ContextURI != "" {
		c := streams.NewActivityStreamsContextProperty()
		c.AppendIRI(p.parse(st.ContextURI))
		t.SetActivityStreamsContext(c)
	}
	if st.Local {
		t.SetActivityStreamsReplies(repliesProp(&p, st.URI))
	}
	if p.err != nil {
		return nil, fmt.Errorf("as2: note %s: %w", st.URI, p.err)
	}
	m, err := serializeDoc(t)
	if err != nil {
		return nil, err
	}
	normaliseArrays(m)
	// Terms go-fed v1.0.0 lacks or writes differently.
	m["sensitive"] = st.Sensitive
	if st.Language != "" {
		// go-fed would write the map as a second "content" value; peers read contentMap.
		m["contentMap"] = map[string]any{st.Language: st.Content}
	}
	if st.InReplyToURI == "" {
		m["inReplyTo"] = nil // Mastodon sends an explicit null; some peers look for the key
	}
	if st.ContextURI != "" {
		m["conversation"] = st.ContextURI
	}
	if aud.Group != "" {
		m["audience"] = aud.Group
	}
	if st.Visibility == ap.Partners && len(st.Partners) > 0 {
		m["partners"] = anyStrings(st.Partners)
	}
	tags := arrayOf(m["tag"])
	for _, tag := range st.Tags {
		tags = append(tags, map[string]any{"type": TypeHashtag, "href": r.hashtagHref(tag), "name": "#" + tag})
	}
	m["tag"] = tags
	r.attachmentExtras(m, st.Attachments)
	r.questionTerms(m, st)
	return m, nil
}

// mentions builds the Mention tags, named @user@domain as Mastodon names them.
func (r Renderer) mentions(p *iriParser, st *ap.Status) vocab.ActivityStreamsTagProperty {
	tags := streams.NewActivityStreamsTagProperty()
	for _, m := range st.Mentions {
		domain := m.Domain
		if domain == "" {
			domain = r.Domain
		}
		mt := streams.NewActivityStreamsMention()
		href := streams.NewActivityStreamsHrefProperty()
		href.Set(p.parse(m.URI))
		mt.SetActivityStreamsHref(href)
		mt.SetActivityStreamsName(propName("@" + m.Username + "@" + domain))
		tags.AppendActivityStreamsMention(mt)
	}
	return tags
}

func attachmentProp(p *iriParser, atts []ap.Attachment) vocab.ActivityStreamsAttachmentProperty {
	prop := streams.NewActivityStreamsAttachmentProperty()
	for _, a := range atts {
		// Mastodon sends every attachment as a Document and lets mediaType say what it is.
		d := streams.NewActivityStreamsDocument()
		d.SetActivityStreamsUrl(p.url(attachmentURL(a)))
		if a.ContentType != "" {
			d.SetActivityStreamsMediaType(propMediaType(a.ContentType))
		}
		if a.Description != "" {
			d.SetActivityStreamsName(propName(a.Description))
		}
		if a.Blurhash != "" {
			b := streams.NewTootBlurhashProperty()
			b.Set(a.Blurhash)
			d.SetTootBlurhash(b)
		}
		prop.AppendActivityStreamsDocument(d)
	}
	return prop
}

func attachmentURL(a ap.Attachment) string {
	if a.URL != "" {
		return a.URL
	}
	return a.RemoteURL
}

// attachmentExtras adds width and height (go-fed has them on Image only, Mastodon sends them on
// Document), focalPoint (go-fed has no such term) and an explicit null name, which Mastodon sends
// when there is no description.
func (r Renderer) attachmentExtras(m map[string]any, atts []ap.Attachment) {
	docs := arrayOf(m["attachment"])
	for i, d := range docs {
		if i >= len(atts) {
			break
		}
		doc, ok := d.(map[string]any)
		if !ok {
			continue
		}
		if _, ok := doc["name"]; !ok {
			doc["name"] = nil
		}
		if atts[i].Width > 0 && atts[i].Height > 0 {
			doc["width"], doc["height"] = atts[i].Width, atts[i].Height
		}
		if atts[i].FocusX != 0 || atts[i].FocusY != 0 {
			doc["focalPoint"] = []any{atts[i].FocusX, atts[i].FocusY}
		}
	}
	m["attachment"] = docs
}

// replies links the replies collection, with an empty first page as Mastodon does, so peers know
// where to look without fetching it when there is nothing there.
func repliesProp(p *iriParser, statusURI string) vocab.ActivityStreamsRepliesProperty {
	c := streams.NewActivityStreamsCollection()
	c.SetJSONLDId(p.id(statusURI + "/replies"))
	first := streams.NewActivityStreamsCollectionPage()
	next := streams.NewActivityStreamsNextProperty()
	next.SetIRI(p.parse(statusURI + "/replies?only_other_accounts=true&page=true"))
	first.SetActivityStreamsNext(next)
	part := streams.NewActivityStreamsPartOfProperty()
	part.SetIRI(p.parse(statusURI + "/replies"))
	first.SetActivityStreamsPartOf(part)
	first.SetActivityStreamsItems(streams.NewActivityStreamsItemsProperty())
	fp := streams.NewActivityStreamsFirstProperty()
	fp.SetActivityStreamsCollectionPage(first)
	c.SetActivityStreamsFirst(fp)
	prop := streams.NewActivityStreamsRepliesProperty()
	prop.SetActivityStreamsCollection(c)
	return prop
}

// Tombstone renders what a deleted object's id answers with (410) and what a Delete embeds.
func (r Renderer) Tombstone(uri string, deletedAt *time.Time) (map[string]any, error) {
	var p iriParser
	t := streams.NewActivityStreamsTombstone()
	t.SetJSONLDId(p.id(uri))
	if deletedAt != nil {
		d := streams.NewActivityStreamsDeletedProperty()
		d.Set(deletedAt.UTC().Truncate(time.Second))
		t.SetActivityStreamsDeleted(d)
	}
	if p.err != nil {
		return nil, fmt.Errorf("as2: tombstone: %w", p.err)
	}
	m, err := serializeDoc(t)
	if err != nil {
		return nil, err
	}
	m["atomUri"] = uri // Mastodon matches deletions of OStatus-era posts by this
	return m, nil
}
