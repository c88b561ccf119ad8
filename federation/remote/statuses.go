package remote

import (
	"context"
	"errors"
	"fmt"
	"strings"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/federation/as2"
	"github.com/guildhall/guildhall/federation/fetch"
)

// Bounds on remote status text once sanitised.
const (
	maxSpoiler = 1000
	maxTitle   = 500
	maxAltText = 1500
)

func isGone(err error) bool { return errors.Is(err, fetch.ErrGone) }

// ResolveStatus returns a stored status by id, or fetches it from its origin, resolves its author
// and stores it without notifying anyone. The author must live where the status does (ORI-03).
func (d *Dereferencer) ResolveStatus(ctx context.Context, uri string) (*ap.Status, error) {
	const op = "remote.ResolveStatus"
	if st, err := d.store.StatusByURI(ctx, uri); err == nil {
		return st, nil
	} else if !ap.IsNotFound(err) {
		return nil, ap.Wrap(op, err)
	}
	if d.svc.IsLocalURI(uri) {
		return nil, ap.E(op, ap.NotFound, "no such local status")
	}
	if tomb, err := d.store.IsTombstoned(ctx, uri); err != nil {
		return nil, ap.Wrap(op, err)
	} else if tomb {
		return nil, ap.E(op, ap.Gone, "status was deleted")
	}
	o, err := d.FetchObject(ctx, uri)
	if err != nil {
		return nil, err
	}
	author, err := d.ResolveActor(ctx, o.AttributedTo)
	if err != nil {
		return nil, fmt.Errorf("%s: author: %w", op, err)
	}
	return d.svc.StoreFetchedStatus(ctx, author, d.StatusFromObject(o, author))
}

// FetchObject fetches a status-like object from its own id and checks that it is attributed to an
// actor on the same host. It is how the inbox replaces an embedded object it may not trust
// (ORI-03, ORI-07).
func (d *Dereferencer) FetchObject(ctx context.Context, uri string) (*as2.ParsedObject, error) {
	const op = "remote.FetchObject"
	doc, err := d.get(ctx, uri)
	if err != nil {
		if isGone(err) {
			if terr := d.store.AddTombstone(ctx, uri, d.svc.Now()); terr != nil {
				d.log.WarnContext(ctx, "tombstone not recorded", "uri", uri, "err", terr)
			}
		}
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if doc.ID != uri {
		return nil, ap.E(op, ap.Forbidden, "object moved to another id")
	}
	o, err := as2.ParseObject(ctx, doc.Map)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if !as2.IsStatusType(o.Type) {
		return nil, ap.E(op, ap.Invalid, o.Type+" is not a status")
	}
	if o.AttributedTo == "" || !as2.SameOrigin(o.AttributedTo, o.ID) {
		return nil, ap.E(op, ap.Forbidden, "object is attributed to an actor on another host")
	}
	return o, nil
}

// StatusFromObject converts a parsed object (whose origin has been checked) into a domain status
// by author, sanitising its HTML. Mentions carry URIs only; the domain matches them to actors.
func (d *Dereferencer) StatusFromObject(o *as2.ParsedObject, author *ap.Actor) *ap.Status {
	st := &ap.Status{
		URI: o.ID, URL: o.URL, InReplyToURI: o.InReplyTo, ContextURI: o.Context, ObjectType: o.Type,
		Kind: ap.KindPost, Visibility: ap.VisibilityFromAddressing(o.To, o.Cc, author.FollowersURI),
		Content:     d.sanitize.Sanitize(o.Content),
		SpoilerText: d.sanitize.SanitizeText(o.Summary, maxSpoiler),
		Title:       d.sanitize.SanitizeText(o.Name, maxTitle),
		Sensitive:   o.Sensitive || o.Summary != "", Language: clipLang(o.Language),
		CreatedAt: o.Published,
	}
	if st.URL == "" {
		st.URL = o.ID
	}
	if st.Visibility == ap.Direct && len(o.Partners) > 0 {
		// A Guildhall partner-only post: addressed to some of our users by name, and to be kept
		// from the rest of them too. The domain cleans the list.
		st.Visibility, st.Partners = ap.Partners, o.Partners
	}
	if o.PostKind == as2.PostKindQuestion && o.InReplyTo == "" && st.Title != "" {
		// A Guildhall question: a Note whose name is its title.
		st.Kind, st.AcceptedAnswerURI = ap.KindQuestion, o.AcceptedAnswer
	} else if o.Idea != nil {
		// A Guildhall idea: a Note whose name is its title, repeated as the content's first
		// paragraph for servers that show no name; we show the name.
		st.Kind = ap.KindIdea
		st.Content = d.sanitize.Sanitize(strings.TrimPrefix(o.Content, as2.IdeaTitleHTML(o.Name)))
	} else if o.Type == "Note" {
		st.Title = "" // Notes have no title; some servers mirror the summary into name
	}
	if !o.Updated.IsZero() && o.Updated.After(o.Published) {
		u := o.Updated
		st.EditedAt = &u
	}
	seenTag := map[string]bool{}
	for _, t := range o.Tags {
		switch t.Type {
		case as2.TagMention:
			st.Mentions = append(st.Mentions, ap.Mention{URI: t.Href})
		case as2.TagHashtag:
			name := strings.ToLower(t.Name)
			if !seenTag[name] && validTag(name) {
				seenTag[name] = true
				st.Tags = append(st.Tags, name)
			}
		}
	}
	for _, a := range o.Attachments {
		st.Attachments = append(st.Attachments, ap.Attachment{
			Type: mediaKind(a.MediaType, a.Type), ContentType: a.MediaType, URL: a.URL, RemoteURL: a.URL,
			Description: d.sanitize.SanitizeText(a.Name, maxAltText), Blurhash: a.Blurhash,
			Width: a.Width, Height: a.Height, FocusX: a.FocusX, FocusY: a.FocusY,
		})
	}
	return st
}

func validTag(name string) bool {
	if name == "" || len(name) > 100 {
		return false
	}
	for _, r := range name {
		if !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r > 127 && r != 0x2800) {
			return false
		}
	}
	return true
}

func clipLang(l string) string {
	if len(l) > 16 {
		return ""
	}
	return l
}

// mediaKind maps a media type to Mastodon's attachment types.
func mediaKind(mediaType, asType string) string {
	switch {
	case strings.HasPrefix(mediaType, "image/"):
		return "image"
	case strings.HasPrefix(mediaType, "video/"):
		return "video"
	case strings.HasPrefix(mediaType, "audio/"):
		return "audio"
	}
	switch asType {
	case "Image":
		return "image"
	case "Video":
		return "video"
	case "Audio":
		return "audio"
	}
	return "unknown"
}
