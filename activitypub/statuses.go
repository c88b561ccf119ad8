package activitypub

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on what a local author may post. Councils write longer than microblogs, so the status
// limit is ten times Mastodon's.
const (
	MaxStatusChars    = 5000
	MaxTitleChars     = 200
	MaxSpoilerChars   = 500
	MaxAttachments    = 4
	maxThreadAncestry = 40
)

// PostInput is what a local author submits.
type PostInput struct {
	Text          string
	Format        ContentFormat
	Visibility    Visibility
	InReplyToID   string
	SpoilerText   string
	Sensitive     bool
	Language      string
	Title         string
	Kind          StatusKind
	AttachmentIDs []string
	// Partners names the partner councils of a partner-only post (host names). Given with
	// visibility private (or none), it makes the post partner-only; visibility partners with no
	// list addresses the instance's configured partner list.
	Partners []string
	// IdempotencyKey makes a retried request return the first result instead of posting twice.
	IdempotencyKey string
}

func (in *PostInput) normalise() error {
	const op = "activitypub.Post"
	in.Text = strings.TrimSpace(in.Text)
	if in.Format == "" {
		in.Format = FormatPlain
	}
	if in.Format != FormatPlain && in.Format != FormatMarkdown {
		return E(op, Invalid, "format must be plain or markdown")
	}
	if len(in.Partners) > 0 && (in.Visibility == "" || in.Visibility == Private) {
		in.Visibility = Partners
	}
	if in.Visibility == "" {
		in.Visibility = Public
	}
	if !in.Visibility.Valid() {
		return E(op, Invalid, fmt.Sprintf("visibility %q is not one of public, unlisted, private, direct, local, partners", in.Visibility))
	}
	if len(in.Partners) > 0 && in.Visibility != Partners {
		return E(op, Invalid, "partner councils can only be named for a partner-only (or followers-only) post")
	}
	if in.Kind == "" {
		in.Kind = KindPost
	}
	switch in.Kind {
	case KindPost, KindQuestion, KindIdea:
	default:
		return E(op, Invalid, "kind must be post, question or idea")
	}
	if in.Text == "" && len(in.AttachmentIDs) == 0 {
		return E(op, Invalid, "Validation failed: Text can't be blank")
	}
	if n := utf8.RuneCountInString(in.Text); n > MaxStatusChars {
		return E(op, Invalid, fmt.Sprintf("Validation failed: Text character limit of %d exceeded", MaxStatusChars))
	}
	if utf8.RuneCountInString(in.SpoilerText) > MaxSpoilerChars {
		return E(op, Invalid, fmt.Sprintf("content warning must be at most %d characters", MaxSpoilerChars))
	}
	if utf8.RuneCountInString(in.Title) > MaxTitleChars {
		return E(op, Invalid, fmt.Sprintf("title must be at most %d characters", MaxTitleChars))
	}
	if in.Kind != KindPost && strings.TrimSpace(in.Title) == "" {
		return E(op, Invalid, "questions and ideas need a title")
	}
	if len(in.AttachmentIDs) > MaxAttachments {
		return E(op, Invalid, fmt.Sprintf("at most %d attachments", MaxAttachments))
	}
	if in.SpoilerText != "" {
		in.Sensitive = true
	}
	return nil
}

// Post publishes a status by a local author: it renders the text, writes the status, the home
// timeline entries, notifications and one outbox record in one transaction.
func (s *Service) Post(ctx context.Context, author *Account, in PostInput) (*Status, error) {
	const op = "activitypub.Post"
	if err := in.normalise(); err != nil {
		return nil, err
	}
	if s.render == nil {
		return nil, E(op, Other, "no renderer configured")
	}
	if in.Visibility == Partners {
		list, err := s.partnerList(ctx, op, in.Partners)
		if err != nil {
			return nil, err
		}
		in.Partners = list
	}
	var parent *Status
	if in.InReplyToID != "" {
		p, err := s.store.StatusByID(ctx, in.InReplyToID)
		if err != nil {
			return nil, Wrap(op, err)
		}
		if ok, err := s.CanSee(ctx, Viewer{&author.Actor}, p); err != nil || !ok {
			if err != nil {
				return nil, Wrap(op, err)
			}
			return nil, E(op, NotFound, "Record not found")
		}
		parent = p
	}
	mentions, rendered, err := s.renderLocal(ctx, in.Text, in.Format)
	if err != nil {
		return nil, Wrap(op, err)
	}
	// Stored to the millisecond: the status returned below without reloading it must read back
	// the same as it will from the store.
	now := s.Now().Truncate(time.Millisecond)
	st := &Status{
		ID: s.NewID(), ActorID: author.Actor.ID, ObjectType: "Note", Kind: in.Kind,
		Visibility: in.Visibility, Local: true, Title: strings.TrimSpace(in.Title),
		Content: rendered.HTML, Source: in.Text, Format: in.Format, SpoilerText: in.SpoilerText,
		Sensitive: in.Sensitive, Language: in.Language, CreatedAt: now, Mentions: mentions,
		Tags: rendered.Tags, Partners: in.Partners,
	}
	st.URI = s.StatusURI(author.Actor.Username, st.ID)
	st.URL = author.Actor.URL + "/" + st.ID
	st.ContextURI = st.URI + "/context"
	if parent != nil {
		st.InReplyToID, st.InReplyToURI, st.InReplyToActorID = parent.ID, parent.URI, parent.ActorID
		st.ContextURI = parent.ContextURI
		if parent.Kind == KindQuestion && parent.InReplyToID == "" {
			st.Kind = KindPost // an answer
		}
	}
	for _, id := range in.AttachmentIDs {
		st.Attachments = append(st.Attachments, Attachment{ID: id})
	}
	var homes []string
	err = s.inBatchTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateStatus(ctx, st); err != nil {
			return err
		}
		if err := s.store.AdjustActorCounts(ctx, author.Actor.ID, 0, 0, 1); err != nil {
			return err
		}
		if parent != nil {
			if err := s.store.AdjustStatusCounts(ctx, parent.ID, 1, 0, 0); err != nil {
				return err
			}
		}
		var err error
		if homes, err = s.fanOutBy(ctx, &author.Actor, st); err != nil {
			return err
		}
		if err := s.notifyMentions(ctx, st, parent); err != nil {
			return err
		}
		return s.enqueueStatus(ctx, "Create", &author.Actor, st)
	})
	if err != nil {
		return nil, Wrap(op, err)
	}
	s.publish(ctx, Event{Type: "update", UserIDs: homes, StatusID: st.ID,
		Public: st.Visibility == Public, LocalPublic: st.Visibility == Public || st.Visibility == LocalOnly, Tags: st.Tags})
	for _, fn := range s.onPost {
		fn(ctx, &author.Actor, st)
	}
	if len(st.Attachments) > 0 {
		return s.store.StatusByID(ctx, st.ID) // the media rows hold what the ids alone do not
	}
	// Everything else the store holds is what st holds already: mentions as resolved (unique, in
	// order), tags as rendered (lower-cased, unique, in order), counters at zero. Reloading cost a
	// read of the status and one of its relations per post.
	return st, nil
}

// renderLocal renders text and resolves its mentions to actors (remote ones through WebFinger).
func (s *Service) renderLocal(ctx context.Context, text string, format ContentFormat) ([]Mention, Rendered, error) {
	var mentions []Mention
	seen := map[string]bool{}
	r, err := s.render.Render(text, format, func(username, domain string) (string, bool) {
		a, err := s.lookupHandle(ctx, username, domain)
		if err != nil {
			return "", false
		}
		if !seen[a.ID] {
			seen[a.ID] = true
			mentions = append(mentions, Mention{ActorID: a.ID, URI: a.URI, Username: a.Username, Domain: a.Domain, URL: a.URL})
		}
		href := a.URL
		if href == "" {
			href = a.URI
		}
		return href, true
	})
	return mentions, r, err
}

// lookupHandle finds an actor by handle: locally, then in the store, then over the network.
func (s *Service) lookupHandle(ctx context.Context, username, domain string) (*Actor, error) {
	domain = strings.ToLower(domain)
	if domain == s.Domain() || domain == s.host {
		domain = ""
	}
	a, err := s.store.ActorByUsername(ctx, username, domain)
	if err == nil || !IsNotFound(err) || domain == "" || s.resolver == nil {
		return a, err
	}
	return s.resolver.ResolveHandle(ctx, username, domain)
}

// fanOut inserts a new status into the home timelines of its local audience and returns them.
func (s *Service) fanOut(ctx context.Context, st *Status) ([]string, error) {
	author, err := s.store.ActorByID(ctx, st.ActorID)
	if err != nil {
		return nil, err
	}
	return s.fanOutBy(ctx, author, st)
}

// fanOutBy is fanOut when the caller already holds the author, sparing a read inside the
// transaction (which, on SQLite, holds the only writer while it waits).
func (s *Service) fanOutBy(ctx context.Context, author *Actor, st *Status) ([]string, error) {
	homes := []string{}
	if author.Local() {
		homes = append(homes, author.ID)
	}
	if st.Visibility == Partners && !s.partnerReaches(st) {
		return homes, nil // a partner-only post that names some other council: nobody here
	}
	if st.Visibility != Direct {
		followers, err := s.store.LocalFollowerIDs(ctx, st.ActorID)
		if err != nil {
			return nil, err
		}
		homes = append(homes, followers...)
	}
	if st.Visibility == Direct || st.Visibility == Private || st.Visibility == Partners {
		for _, m := range st.Mentions {
			if m.Domain == "" && m.ActorID != st.ActorID {
				homes = append(homes, m.ActorID)
			}
		}
	}
	homes = dedupe(homes)
	homes, err := s.withoutBlockers(ctx, st, homes)
	if err != nil {
		return nil, err
	}
	if len(homes) == 0 {
		return homes, nil
	}
	return homes, s.store.AddToHomes(ctx, st.ID, homes)
}

// withoutBlockers drops from homes the readers who block an account the status replies to or
// mentions, as Mastodon does: a blocked account must not reach its blocker through a third
// person's reply (security catalogue ORI-19b). It costs a query only when there is someone to
// check.
func (s *Service) withoutBlockers(ctx context.Context, st *Status, homes []string) ([]string, error) {
	var involved []string
	if st.InReplyToActorID != "" && st.InReplyToActorID != st.ActorID {
		involved = append(involved, st.InReplyToActorID)
	}
	for _, m := range st.Mentions {
		if m.ActorID != "" && m.ActorID != st.ActorID {
			involved = append(involved, m.ActorID)
		}
	}
	if len(involved) == 0 || len(homes) == 0 {
		return homes, nil
	}
	blockers, err := s.store.BlockersOf(ctx, homes, involved)
	if err != nil || len(blockers) == 0 {
		return homes, err
	}
	out := homes[:0]
	for _, h := range homes {
		if h == st.ActorID || !containsString(blockers, h) {
			out = append(out, h)
		}
	}
	return out, nil
}

func dedupe(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := ids[:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// notifyMentions tells mentioned local users, and the author of the parent, about a new status.
func (s *Service) notifyMentions(ctx context.Context, st *Status, parent *Status) error {
	if st.Visibility == Partners && !s.partnerReaches(st) {
		return nil // nobody here may see it, so nobody here hears of it
	}
	told := map[string]bool{st.ActorID: true}
	for _, m := range st.Mentions {
		if m.Domain != "" || told[m.ActorID] {
			continue
		}
		told[m.ActorID] = true
		if err := s.notify(ctx, m.ActorID, NotifyMention, st.ActorID, st.ID); err != nil {
			return err
		}
	}
	if parent != nil && parent.Kind == KindQuestion && !told[parent.ActorID] {
		if a, err := s.store.ActorByID(ctx, parent.ActorID); err == nil && a.Local() {
			return s.notify(ctx, parent.ActorID, NotifyAnswer, st.ActorID, st.ID)
		}
	}
	return nil
}

// enqueueStatus writes the outbox record that federates a local status action. Local-only
// statuses never enter the outbox.
func (s *Service) enqueueStatus(ctx context.Context, typ string, author *Actor, st *Status) error {
	if st.Visibility == LocalOnly {
		return nil
	}
	var mentionURIs []string
	for _, m := range st.Mentions {
		mentionURIs = append(mentionURIs, m.URI)
	}
	to, cc := addressing(st.Visibility, author.FollowersURI, mentionURIs)
	id := st.URI + "/activity"
	if typ != "Create" {
		id = st.URI + "#" + strings.ToLower(typ) + "-" + s.NewID()
	}
	if st.Visibility == Partners {
		var parentAuthor *Actor
		if st.InReplyToActorID != "" {
			parentAuthor, _ = s.store.ActorByID(ctx, st.InReplyToActorID)
		}
		return s.enqueuePartners(ctx, id, typ, author, st, parentAuthor)
	}
	if st.InReplyToActorID != "" && st.Visibility != Direct {
		if pa, err := s.store.ActorByID(ctx, st.InReplyToActorID); err == nil && !pa.Local() && !containsString(cc, pa.URI) && !containsString(to, pa.URI) {
			cc = append(cc, pa.URI)
		}
	}
	return s.enqueue(ctx, author, Activity{
		ID: id, Type: typ, Actor: author.URI, Object: st.URI, StatusID: st.ID, To: to, Cc: cc,
	})
}

func containsString(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// enqueue writes an outbox record for a local actor's activity.
func (s *Service) enqueue(ctx context.Context, actor *Actor, a Activity) error {
	if !actor.Local() {
		return nil
	}
	a.ActorID = actor.ID
	if a.Actor == "" {
		a.Actor = actor.URI
	}
	if a.Published.IsZero() {
		a.Published = s.Now()
	}
	if err := s.store.Enqueue(ctx, &OutboxItem{ID: s.NewID(), ActorID: actor.ID, Activity: a, CreatedAt: s.Now()}); err != nil {
		return err
	}
	s.publish(ctx, Event{Type: EventOutbox})
	return nil
}

// notify creates a notification for a local recipient unless they muted or blocked the actor.
func (s *Service) notify(ctx context.Context, recipientID string, typ NotificationType, fromID, statusID string) error {
	if recipientID == fromID {
		return nil
	}
	if blocked, err := s.store.Blocked(ctx, recipientID, fromID); err != nil || blocked {
		return err
	}
	if muted, err := s.store.Muted(ctx, recipientID, fromID); err != nil || muted {
		return err
	}
	n := &Notification{ID: s.NewID(), RecipientID: recipientID, Type: typ, FromActorID: fromID, StatusID: statusID, CreatedAt: s.Now()}
	if err := s.store.CreateNotification(ctx, n); err != nil {
		return err
	}
	s.publish(ctx, Event{Type: "notification", UserIDs: []string{recipientID}, Notification: n})
	return nil
}
