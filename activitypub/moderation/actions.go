package moderation

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/guildhall/guildhall/activitypub"
)

// Action is what a moderator does about a report.
type Action string

// The report actions. Every one is recorded in the audit log with the moderator's note; all but
// forward also close the report.
const (
	ActionDismiss     Action = "dismiss"      // nothing to do
	ActionWarn        Action = "warn"         // tell the person, keep a record (a "strike")
	ActionLimit       Action = "limit"        // silence: posts stay out of public and hashtag timelines
	ActionDeletePosts Action = "delete_posts" // remove reported posts (federated Delete for local ones)
	ActionSuspend     Action = "suspend"      // lock a local person out (the accounts area's leavers rule)
	ActionForward     Action = "forward"      // send a local report about a remote account on as a Flag
	ActionBlockDomain Action = "block_domain" // block the reported account's whole server
)

// Actions lists the report actions in the order the moderation queue offers them.
func Actions() []Action {
	return []Action{ActionDismiss, ActionWarn, ActionLimit, ActionDeletePosts, ActionSuspend, ActionForward, ActionBlockDomain}
}

// Warning is what a person is told a moderator did about their account, and why.
type Warning struct {
	ID        string
	TargetID  string
	ReportID  string // "" when not from a report
	Action    Action // warn, limit, delete_posts or suspend
	Text      string
	StatusIDs []string // the posts removed, for delete_posts
	CreatedBy string
	CreatedAt time.Time
}

// ActionStore keeps warnings and account limits.
type ActionStore interface {
	CreateWarning(ctx context.Context, w *Warning) error
	// Warnings lists one account's warnings newest first, paged by id.
	Warnings(ctx context.Context, targetID string, p activitypub.Page) ([]*Warning, error)
	SetActorLimit(ctx context.Context, actorID, reason, by string, at time.Time) error
	DeleteActorLimit(ctx context.Context, actorID string) error
	ActorLimited(ctx context.Context, actorID string) (bool, error)
	// MarkReportForwarded records that a report was sent on as a Flag.
	MarkReportForwarded(ctx context.Context, id string) error
}

// Suspender suspends a local account (the accounts area does). Moderation declares it so the
// areas stay apart; the server wires them.
type Suspender interface {
	SuspendAccount(ctx context.Context, by *activitypub.Account, id, reason string) (*activitypub.Account, error)
}

// SetSuspender connects the accounts area for the suspend action; without it, suspend is refused.
func (s *Moderation) SetSuspender(x Suspender) { s.suspender = x }

// ReportAction is a moderator's decision on a report.
type ReportAction struct {
	Action Action
	// Note is kept in the audit log; for warn, limit, delete_posts and suspend it is also the
	// text the person reads.
	Note string
	// StatusIDs are, for delete_posts, which of the reported posts to remove; all when empty.
	StatusIDs []string
}

// ActOnReport carries out a moderator's decision on a report, in one transaction with its audit
// entry and the closing of the report.
func (s *Moderation) ActOnReport(ctx context.Context, by *activitypub.Account, id string, in ReportAction) (*activitypub.Report, error) {
	const op = "moderation.ActOnReport"
	if err := s.svc.Authorize(ctx, op, by, activitypub.PermManageReports); err != nil {
		return nil, err
	}
	if !slices.Contains(Actions(), in.Action) {
		return nil, activitypub.E(op, activitypub.Invalid, "action must be one of dismiss, warn, limit, delete_posts, suspend, forward, block_domain")
	}
	note := truncateRunes(strings.TrimSpace(in.Note), maxReportComment)
	var r *activitypub.Report
	err := s.svc.InTx(ctx, func(ctx context.Context) error {
		var err error
		if r, err = s.store.ReportByID(ctx, id); err != nil {
			return err
		}
		if r.ResolvedAt != nil {
			return activitypub.E(op, activitypub.Conflict, "this report is resolved already")
		}
		target, err := s.store.ActorByID(ctx, r.TargetID)
		if err != nil {
			return err
		}
		if err := s.act(ctx, op, by, r, target, in, note); err != nil {
			return err
		}
		if err := s.svc.AuditOther(ctx, by, "report."+string(in.Action), "report", r.ID, note); err != nil {
			return err
		}
		if in.Action == ActionForward {
			r.Forwarded = true
			return nil
		}
		now := s.svc.Now()
		r.ResolvedAt = &now
		return s.store.ResolveReport(ctx, r.ID, r)
	})
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	return r, nil
}

// act does the action itself, inside ActOnReport's transaction.
func (s *Moderation) act(ctx context.Context, op string, by *activitypub.Account, r *activitypub.Report, target *activitypub.Actor, in ReportAction, note string) error {
	warn := func(ids []string) error {
		return s.store.CreateWarning(ctx, &Warning{ID: s.svc.NewID(), TargetID: target.ID, ReportID: r.ID,
			Action: in.Action, Text: note, StatusIDs: ids, CreatedBy: by.Actor.ID, CreatedAt: s.svc.Now()})
	}
	switch in.Action {
	case ActionDismiss:
		return nil
	case ActionWarn:
		return warn(nil)
	case ActionLimit:
		if err := s.store.SetActorLimit(ctx, target.ID, note, by.Actor.ID, s.svc.Now()); err != nil {
			return err
		}
		return warn(nil)
	case ActionDeletePosts:
		ids, err := s.deletePosts(ctx, op, by, r, in.StatusIDs)
		if err != nil {
			return err
		}
		return warn(ids)
	case ActionSuspend:
		if !target.Local() {
			return activitypub.E(op, activitypub.Invalid, "a remote account cannot be suspended here: limit it or block its server")
		}
		if s.suspender == nil {
			return activitypub.E(op, activitypub.Invalid, "suspending accounts is not available")
		}
		if _, err := s.suspender.SuspendAccount(ctx, by, target.ID, note); err != nil {
			return err
		}
		return warn(nil)
	case ActionForward:
		return s.forward(ctx, op, r, target)
	case ActionBlockDomain:
		if target.Local() {
			return activitypub.E(op, activitypub.Invalid, "the reported account is on this server")
		}
		if err := s.svc.Authorize(ctx, op, by, activitypub.PermInstanceSettings); err != nil {
			return err
		}
		if _, err := s.svc.BlockDomain(ctx, target.Domain, note); err != nil {
			return err
		}
		return s.svc.AuditOther(ctx, by, "domain.block", "domain", target.Domain, note)
	}
	return nil
}

// deletePosts removes the chosen reported posts (all of them when none are chosen). The
// permission table allowed the moderator to act on reports, so the deletion runs with the
// authority the kernel gives administrators: a local post's Delete federates from its author,
// a remote one is removed here only.
func (s *Moderation) deletePosts(ctx context.Context, op string, by *activitypub.Account, r *activitypub.Report, chosen []string) ([]string, error) {
	ids := chosen
	if len(ids) == 0 {
		ids = r.StatusIDs
	}
	if len(ids) == 0 {
		return nil, activitypub.E(op, activitypub.Invalid, "the report names no posts")
	}
	staff := *by
	staff.User.Admin = true
	for _, id := range ids {
		if !slices.Contains(r.StatusIDs, id) {
			return nil, activitypub.E(op, activitypub.Invalid, "a chosen post is not one the report names")
		}
		if _, err := s.svc.DeleteStatus(ctx, &staff, id); err != nil && !activitypub.IsNotFound(err) {
			return nil, err
		}
	}
	return ids, nil
}

// forward sends a local report about a remote account to that account's server as a Flag from
// the instance actor, as FileReport does when the reporter asks.
func (s *Moderation) forward(ctx context.Context, op string, r *activitypub.Report, target *activitypub.Actor) error {
	switch {
	case target.Local():
		return activitypub.E(op, activitypub.Invalid, "the reported account is on this server")
	case r.URI != "":
		return activitypub.E(op, activitypub.Invalid, "this report came from another server")
	case r.Forwarded:
		return activitypub.E(op, activitypub.Conflict, "this report was forwarded already")
	}
	if err := s.store.MarkReportForwarded(ctx, r.ID); err != nil {
		return err
	}
	return s.enqueueFlag(ctx, r, target)
}

// enqueueFlag queues the Flag of a report about a remote account to its server.
func (s *Moderation) enqueueFlag(ctx context.Context, r *activitypub.Report, target *activitypub.Actor) error {
	var statusURIs []string
	for _, id := range r.StatusIDs {
		st, err := s.store.StatusByID(ctx, id)
		if err != nil {
			return err
		}
		statusURIs = append(statusURIs, st.URI)
	}
	inst, err := s.store.ActorByURI(ctx, s.svc.InstanceActorURI())
	if err != nil {
		return err
	}
	inbox := target.SharedInbox
	if inbox == "" {
		inbox = target.Inbox
	}
	return s.svc.Enqueue(ctx, inst, activitypub.Activity{ID: s.svc.BaseURL() + "/reports/" + r.ID, Type: "Flag",
		Object: target.URI, MoreObjects: statusURIs, Content: r.Comment, Inboxes: []string{inbox}})
}

// LimitAccount limits an account outside a report (Mastodon's admin "silence").
func (s *Moderation) LimitAccount(ctx context.Context, by *activitypub.Account, actorID, reason string) error {
	const op = "moderation.LimitAccount"
	if err := s.svc.Authorize(ctx, op, by, activitypub.PermManageReports); err != nil {
		return err
	}
	return activitypub.Wrap(op, s.svc.InTx(ctx, func(ctx context.Context) error {
		t, err := s.store.ActorByID(ctx, actorID)
		if err != nil {
			return err
		}
		if err := s.store.SetActorLimit(ctx, t.ID, reason, by.Actor.ID, s.svc.Now()); err != nil {
			return err
		}
		return s.svc.AuditOther(ctx, by, "account.limit", "account", t.ID, reason)
	}))
}

// UnlimitAccount lifts a limit.
func (s *Moderation) UnlimitAccount(ctx context.Context, by *activitypub.Account, actorID, reason string) error {
	const op = "moderation.UnlimitAccount"
	if err := s.svc.Authorize(ctx, op, by, activitypub.PermManageReports); err != nil {
		return err
	}
	return activitypub.Wrap(op, s.svc.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.DeleteActorLimit(ctx, actorID); err != nil {
			return err
		}
		return s.svc.AuditOther(ctx, by, "account.unlimit", "account", actorID, reason)
	}))
}

// AccountLimited reports whether an account is limited, for staff.
func (s *Moderation) AccountLimited(ctx context.Context, actorID string) (bool, error) {
	on, err := s.store.ActorLimited(ctx, actorID)
	return on, activitypub.Wrap("moderation.AccountLimited", err)
}

// MyWarnings lists the warnings a person has received, newest first.
func (s *Moderation) MyWarnings(ctx context.Context, acct *activitypub.Account, p activitypub.Page) ([]*Warning, error) {
	out, err := s.store.Warnings(ctx, acct.Actor.ID, activitypub.ClampPage(p))
	return out, activitypub.Wrap("moderation.MyWarnings", err)
}
