package activitypub

import (
	"context"
	"encoding/csv"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// maxAuditReason bounds the free-text reason kept with an action.
const maxAuditReason = 1000

// audit appends one entry for an action by a staff member (nil: the system, such as the identity
// provider) on target (may be nil). It joins the caller's transaction, so the action and its
// record commit together or not at all.
func (s *Service) audit(ctx context.Context, by *Account, action string, target *Account, reason string) error {
	e := &AuditEntry{ID: s.NewID(), ActorID: "system", ActorName: "system", Action: action,
		Reason: truncateRunes(strings.TrimSpace(reason), maxAuditReason), CreatedAt: s.Now()}
	if by != nil {
		e.ActorID, e.ActorName = by.Actor.ID, by.Actor.Username
	}
	if target != nil {
		e.TargetType, e.TargetID, e.TargetName = "account", target.Actor.ID, target.Actor.Username
	}
	return Wrap("activitypub.audit", s.govStore().AppendAudit(ctx, e))
}

// auditOther records an action whose target is not an account (an invite, a setting, a report).
func (s *Service) auditOther(ctx context.Context, by *Account, action, targetType, targetID, reason string) error {
	e := &AuditEntry{ID: s.NewID(), ActorID: by.Actor.ID, ActorName: by.Actor.Username,
		Action: action, TargetType: targetType, TargetID: targetID,
		Reason: truncateRunes(strings.TrimSpace(reason), maxAuditReason), CreatedAt: s.Now()}
	return Wrap("activitypub.auditOther", s.govStore().AppendAudit(ctx, e))
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// AuditLog lists the audit log for a staff member allowed to read it, newest first.
func (s *Service) AuditLog(ctx context.Context, by *Account, p Page) ([]*AuditEntry, error) {
	const op = "activitypub.AuditLog"
	if err := s.authorize(ctx, op, by, PermViewAudit); err != nil {
		return nil, err
	}
	out, err := s.govStore().AuditLog(ctx, p)
	return out, Wrap(op, err)
}

// ExportAuditCSV writes the whole audit log as CSV (RFC 4180), newest first. Cells that a
// spreadsheet would run as a formula are prefixed with a quote (OWASP CSV injection).
func (s *Service) ExportAuditCSV(ctx context.Context, by *Account, w io.Writer) error {
	const op = "activitypub.ExportAuditCSV"
	if err := s.authorize(ctx, op, by, PermViewAudit); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"id", "time", "actor_id", "actor", "action", "target_type", "target_id", "target", "reason"})
	p := Page{Limit: 500}
	for {
		rows, err := s.govStore().AuditLog(ctx, p)
		if err != nil {
			return Wrap(op, err)
		}
		for _, e := range rows {
			rec := []string{e.ID, e.CreatedAt.UTC().Format(time.RFC3339), e.ActorID, e.ActorName,
				e.Action, e.TargetType, e.TargetID, e.TargetName, e.Reason}
			for i := range rec {
				rec[i] = csvSafe(rec[i])
			}
			if err := cw.Write(rec); err != nil {
				return Wrap(op, err)
			}
		}
		if len(rows) < p.Limit {
			break
		}
		p.MaxID = rows[len(rows)-1].ID
	}
	cw.Flush()
	return Wrap(op, cw.Error())
}

func csvSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}
