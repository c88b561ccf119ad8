package activitypub

import (
	"context"
	"strings"
	"unicode/utf8"
)

// ReportQueue is the moderation side of the report store.
type ReportQueue interface {
	CreateReport(ctx context.Context, r *Report) error
	ReportByID(ctx context.Context, id string) (*Report, error)
	// ListReports lists reports newest first, paged by id.
	ListReports(ctx context.Context, f ReportFilter, p Page) ([]*Report, error)
	// ResolveReport marks a report resolved; Conflict when it was already.
	ResolveReport(ctx context.Context, id string, r *Report) error
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
func (s *Service) FileReport(ctx context.Context, by *Account, in ReportInput) (*Report, error) {
	const op = "activitypub.FileReport"
	if utf8.RuneCountInString(in.Comment) > maxReportComment {
		return nil, E(op, Invalid, "comment must be at most 1000 characters")
	}
	if len(in.StatusIDs) > maxFlaggedStatuses {
		return nil, E(op, Invalid, "a report can name at most 100 posts")
	}
	target, err := s.store.ActorByID(ctx, in.TargetID)
	if err != nil {
		return nil, Wrap(op, err)
	}
	if target.ID == by.Actor.ID {
		return nil, E(op, Invalid, "you cannot report yourself")
	}
	r := &Report{ID: s.NewID(), ReporterID: by.Actor.ID, TargetID: target.ID,
		Comment: strings.TrimSpace(in.Comment), CreatedAt: s.Now()}
	var statusURIs []string
	for _, id := range in.StatusIDs {
		st, err := s.store.StatusByID(ctx, id)
		if err != nil {
			return nil, Wrap(op, err)
		}
		if st.ActorID != target.ID {
			return nil, E(op, Invalid, "a reported post is not by the reported account")
		}
		r.StatusIDs = append(r.StatusIDs, st.ID)
		statusURIs = append(statusURIs, st.URI)
	}
	r.Forwarded = in.Forward && !target.Local()
	err = s.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateReport(ctx, r); err != nil {
			return err
		}
		if err := s.notifyStaffOfReport(ctx, r, by.Actor.ID); err != nil {
			return err
		}
		if !r.Forwarded {
			return nil
		}
		inst, err := s.store.ActorByURI(ctx, s.InstanceActorURI())
		if err != nil {
			return err
		}
		inbox := target.SharedInbox
		if inbox == "" {
			inbox = target.Inbox
		}
		return s.enqueue(ctx, inst, Activity{ID: s.BaseURL() + "/reports/" + r.ID, Type: "Flag",
			Object: target.URI, MoreObjects: statusURIs, Content: r.Comment, Inboxes: []string{inbox}})
	})
	if err != nil {
		return nil, Wrap(op, err)
	}
	return r, nil
}

func (s *Service) notifyStaffOfReport(ctx context.Context, r *Report, fromID string) error {
	staff, err := s.store.AdminActorIDs(ctx)
	if err != nil {
		return err
	}
	for _, id := range staff {
		if id == fromID {
			continue
		}
		n := &Notification{ID: s.NewID(), RecipientID: id, Type: NotifyReport, FromActorID: fromID,
			ReportID: r.ID, CreatedAt: s.Now()}
		if err := s.store.CreateNotification(ctx, n); err != nil {
			return err
		}
		s.publish(ctx, Event{Type: "notification", UserIDs: []string{id}, Notification: n})
	}
	return nil
}

// Reports lists the moderation queue: reports filed here and Flags received from other servers.
func (s *Service) Reports(ctx context.Context, by *Account, f ReportFilter, p Page) ([]*Report, error) {
	const op = "activitypub.Reports"
	if err := s.authorize(ctx, op, by, PermManageReports); err != nil {
		return nil, err
	}
	out, err := s.store.ListReports(ctx, f, p)
	return out, Wrap(op, err)
}

// Report returns one report for staff who handle reports.
func (s *Service) Report(ctx context.Context, by *Account, id string) (*Report, error) {
	const op = "activitypub.Report"
	if err := s.authorize(ctx, op, by, PermManageReports); err != nil {
		return nil, err
	}
	r, err := s.store.ReportByID(ctx, id)
	return r, Wrap(op, err)
}

// ResolveReport closes a report with a note, recorded in the audit log.
func (s *Service) ResolveReport(ctx context.Context, by *Account, id, note string) (*Report, error) {
	const op = "activitypub.ResolveReport"
	if err := s.authorize(ctx, op, by, PermManageReports); err != nil {
		return nil, err
	}
	var r *Report
	err := s.InTx(ctx, func(ctx context.Context) error {
		var err error
		if r, err = s.store.ReportByID(ctx, id); err != nil {
			return err
		}
		if r.ResolvedAt != nil {
			return E(op, Conflict, "this report is resolved already")
		}
		now := s.Now()
		r.ResolvedAt = &now
		if err := s.store.ResolveReport(ctx, id, r); err != nil {
			return err
		}
		return s.auditOther(ctx, by, "report.resolve", "report", id, note)
	})
	if err != nil {
		return nil, Wrap(op, err)
	}
	return r, nil
}
