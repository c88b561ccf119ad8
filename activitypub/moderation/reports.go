package moderation

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/guildhall/guildhall/activitypub"
)

// ReportQueue is the moderation side of the report store.
type ReportQueue interface {
	CreateReport(ctx context.Context, r *activitypub.Report) error
	ReportByID(ctx context.Context, id string) (*activitypub.Report, error)
	// ListReports lists reports newest first, paged by id.
	ListReports(ctx context.Context, f ReportFilter, p activitypub.Page) ([]*activitypub.Report, error)
	// ResolveReport marks a report resolved; Conflict when it was already.
	ResolveReport(ctx context.Context, id string, r *activitypub.Report) error
	// AdminActorIDs lists the staff who hear about reports.
	AdminActorIDs(ctx context.Context) ([]string, error)
}

// ReportFilter narrows the moderation queue.
type ReportFilter struct {
	Resolved bool   // resolved ones instead of open ones
	TargetID string // reports about one account
}

// ReportInput is a report a local person files.
type ReportInput struct {
	TargetID  string
	StatusIDs []string
	Comment   string
	// Forward asks for a copy to the reported account's server, sent as a Flag from this
	// instance's actor, so the reporter's identity is not passed on.
	Forward bool
}

// maxReportComment matches Mastodon's limit.
const maxReportComment = 1000

// FileReport records a report about an account (local or remote) and, for a remote account when
// asked, forwards it to the account's server as a Flag, in the same transaction as the report.
func (s *Moderation) FileReport(ctx context.Context, by *activitypub.Account, in ReportInput) (*activitypub.Report, error) {
	const op = "activitypub.FileReport"
	if utf8.RuneCountInString(in.Comment) > maxReportComment {
		return nil, activitypub.E(op, activitypub.Invalid, "comment must be at most 1000 characters")
	}
	if len(in.StatusIDs) > maxFlaggedStatuses {
		return nil, activitypub.E(op, activitypub.Invalid, "a report can name at most 100 posts")
	}
	target, err := s.store.ActorByID(ctx, in.TargetID)
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	if target.ID == by.Actor.ID {
		return nil, activitypub.E(op, activitypub.Invalid, "you cannot report yourself")
	}
	r := &activitypub.Report{ID: s.svc.NewID(), ReporterID: by.Actor.ID, TargetID: target.ID,
		Comment: strings.TrimSpace(in.Comment), CreatedAt: s.svc.Now()}
	var statusURIs []string
	for _, id := range in.StatusIDs {
		st, err := s.store.StatusByID(ctx, id)
		if err != nil {
			return nil, activitypub.Wrap(op, err)
		}
		if st.ActorID != target.ID {
			return nil, activitypub.E(op, activitypub.Invalid, "a reported post is not by the reported account")
		}
		r.StatusIDs = append(r.StatusIDs, st.ID)
		statusURIs = append(statusURIs, st.URI)
	}
	r.Forwarded = in.Forward && !target.Local()
	err = s.svc.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateReport(ctx, r); err != nil {
			return err
		}
		if err := s.notifyStaffOfReport(ctx, r, by.Actor.ID); err != nil {
			return err
		}
		if !r.Forwarded {
			return nil
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
	})
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	return r, nil
}

func (s *Moderation) notifyStaffOfReport(ctx context.Context, r *activitypub.Report, fromID string) error {
	staff, err := s.store.AdminActorIDs(ctx)
	if err != nil {
		return err
	}
	for _, id := range staff {
		if id == fromID {
			continue
		}
		n := &activitypub.Notification{ID: s.svc.NewID(), RecipientID: id, Type: activitypub.NotifyReport, FromActorID: fromID,
			ReportID: r.ID, CreatedAt: s.svc.Now()}
		if err := s.store.CreateNotification(ctx, n); err != nil {
			return err
		}
		s.svc.Publish(ctx, activitypub.Event{Type: "notification", UserIDs: []string{id}, Notification: n})
	}
	return nil
}

// Reports lists the moderation queue: reports filed here and Flags received from other servers.
func (s *Moderation) Reports(ctx context.Context, by *activitypub.Account, f ReportFilter, p activitypub.Page) ([]*activitypub.Report, error) {
	const op = "activitypub.Reports"
	if err := s.svc.Authorize(ctx, op, by, activitypub.PermManageReports); err != nil {
		return nil, err
	}
	out, err := s.store.ListReports(ctx, f, p)
	return out, activitypub.Wrap(op, err)
}

// Report returns one report for staff who handle reports.
func (s *Moderation) Report(ctx context.Context, by *activitypub.Account, id string) (*activitypub.Report, error) {
	const op = "activitypub.Report"
	if err := s.svc.Authorize(ctx, op, by, activitypub.PermManageReports); err != nil {
		return nil, err
	}
	r, err := s.store.ReportByID(ctx, id)
	return r, activitypub.Wrap(op, err)
}

// ResolveReport closes a report with a note, recorded in the audit log.
func (s *Moderation) ResolveReport(ctx context.Context, by *activitypub.Account, id, note string) (*activitypub.Report, error) {
	const op = "activitypub.ResolveReport"
	if err := s.svc.Authorize(ctx, op, by, activitypub.PermManageReports); err != nil {
		return nil, err
	}
	var r *activitypub.Report
	err := s.svc.InTx(ctx, func(ctx context.Context) error {
		var err error
		if r, err = s.store.ReportByID(ctx, id); err != nil {
			return err
		}
		if r.ResolvedAt != nil {
			return activitypub.E(op, activitypub.Conflict, "this report is resolved already")
		}
		now := s.svc.Now()
		r.ResolvedAt = &now
		if err := s.store.ResolveReport(ctx, id, r); err != nil {
			return err
		}
		return s.svc.AuditOther(ctx, by, "report.resolve", "report", id, note)
	})
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	return r, nil
}

const maxFlaggedStatuses = 100 // as the kernel's ReceiveFlag
