package moderation

import (
	"context"
	"encoding/csv"
	"io"
	"strings"
	"time"

	"github.com/guildhall/guildhall/activitypub"
)

// AuditLog lists the audit log for a staff member allowed to read it, newest first.
func (s *Moderation) AuditLog(ctx context.Context, by *activitypub.Account, p activitypub.Page) ([]*activitypub.AuditEntry, error) {
	const op = "activitypub.AuditLog"
	if err := s.svc.Authorize(ctx, op, by, activitypub.PermViewAudit); err != nil {
		return nil, err
	}
	out, err := s.store.AuditLog(ctx, p)
	return out, activitypub.Wrap(op, err)
}

// ExportAuditCSV writes the whole audit log as CSV (RFC 4180), newest first. Cells that a
// spreadsheet would run as a formula are prefixed with a quote (OWASP CSV injection).
func (s *Moderation) ExportAuditCSV(ctx context.Context, by *activitypub.Account, w io.Writer) error {
	const op = "activitypub.ExportAuditCSV"
	if err := s.svc.Authorize(ctx, op, by, activitypub.PermViewAudit); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"id", "time", "actor_id", "actor", "action", "target_type", "target_id", "target", "reason"})
	p := activitypub.Page{Limit: 500}
	for {
		rows, err := s.store.AuditLog(ctx, p)
		if err != nil {
			return activitypub.Wrap(op, err)
		}
		for _, e := range rows {
			rec := []string{e.ID, e.CreatedAt.UTC().Format(time.RFC3339), e.ActorID, e.ActorName,
				e.Action, e.TargetType, e.TargetID, e.TargetName, e.Reason}
			for i := range rec {
				rec[i] = csvSafe(rec[i])
			}
			if err := cw.Write(rec); err != nil {
				return activitypub.Wrap(op, err)
			}
		}
		if len(rows) < p.Limit {
			break
		}
		p.MaxID = rows[len(rows)-1].ID
	}
	cw.Flush()
	return activitypub.Wrap(op, cw.Error())
}

func csvSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}
