package storage

import (
	"context"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/moderation"
)

type reportRow struct {
	ID         string  `db:"id"`
	URI        *string `db:"uri"`
	ReporterID string  `db:"reporter_id"`
	TargetID   string  `db:"target_id"`
	StatusIDs  string  `db:"status_ids"`
	Comment    string  `db:"comment"`
	Forwarded  bool    `db:"forwarded"`
	CreatedAt  int64   `db:"created_at"`
	ResolvedAt *int64  `db:"resolved_at"`
}

const reportCols = `id, uri, reporter_id, target_id, status_ids, comment, forwarded, created_at, resolved_at`

func (r *reportRow) report() (*activitypub.Report, error) {
	ids, err := parseStrList(r.StatusIDs)
	if err != nil {
		return nil, err
	}
	return &activitypub.Report{
		ID: r.ID, URI: strOf(r.URI), ReporterID: r.ReporterID, TargetID: r.TargetID, StatusIDs: ids,
		Comment: r.Comment, Forwarded: r.Forwarded, CreatedAt: fromMS(r.CreatedAt),
		ResolvedAt: fromMSPtr(r.ResolvedAt),
	}, nil
}

// CreateReport stores a report. A received Flag's URI is unique, so the same Flag delivered twice
// is a Conflict; a local report has no URI and is stored with NULL.
func (s *Store) CreateReport(ctx context.Context, r *activitypub.Report) error {
	_, err := s.named(ctx, `INSERT INTO reports (`+reportCols+`) VALUES (:id, :uri, :reporter_id,
		:target_id, :status_ids, :comment, :forwarded, :created_at, :resolved_at)`, &reportRow{
		ID: r.ID, URI: nullStr(r.URI), ReporterID: r.ReporterID, TargetID: r.TargetID,
		StatusIDs: strList(r.StatusIDs), Comment: r.Comment, Forwarded: r.Forwarded,
		CreatedAt: ms(r.CreatedAt), ResolvedAt: msPtr(r.ResolvedAt),
	})
	return mapErr("storage.CreateReport", err)
}

func (s *Store) reportWhere(ctx context.Context, op, where string, arg string) (*activitypub.Report, error) {
	var row reportRow
	if err := s.get(ctx, &row, `SELECT `+reportCols+` FROM reports WHERE `+where, arg); err != nil {
		return nil, mapErr(op, err, "report")
	}
	r, err := row.report()
	return r, mapErr(op, err)
}

// ReportByID finds a report by row id.
func (s *Store) ReportByID(ctx context.Context, id string) (*activitypub.Report, error) {
	return s.reportWhere(ctx, "storage.ReportByID", `id = ?`, id)
}

// ReportByURI finds a received report by its Flag activity id.
func (s *Store) ReportByURI(ctx context.Context, uri string) (*activitypub.Report, error) {
	if uri == "" {
		return nil, notFound("storage.ReportByURI", "report")
	}
	return s.reportWhere(ctx, "storage.ReportByURI", `uri = ?`, uri)
}

// AdminActorIDs lists the actor ids of staff who handle reports (owner, admins, moderators)
// and whose account is not disabled: the ones who can act on a report.
func (s *Store) AdminActorIDs(ctx context.Context) ([]string, error) {
	var out []string
	err := s.sel(ctx, &out, `SELECT actor_id FROM users WHERE role IN ('owner', 'admin', 'moderator')
		AND disabled_at IS NULL ORDER BY actor_id`)
	return out, mapErr("storage.AdminActorIDs", err)
}

var _ activitypub.ReportStore = (*Store)(nil)

// ListReports lists open (or resolved) reports, newest first, paged by id.
func (s *Store) ListReports(ctx context.Context, f moderation.ReportFilter, p activitypub.Page) ([]*activitypub.Report, error) {
	const op = "storage.ListReports"
	k := pageBy("id", p)
	where, args := `WHERE resolved_at IS NULL`, []any{}
	if f.Resolved {
		where = `WHERE resolved_at IS NOT NULL`
	}
	if f.TargetID != "" {
		where += ` AND target_id = ?`
		args = append(args, f.TargetID)
	}
	var rows []reportRow
	if err := s.sel(ctx, &rows, `SELECT `+reportCols+` FROM reports `+where+k.cond+k.tail, append(args, k.args...)...); err != nil {
		return nil, mapErr(op, err)
	}
	out := make([]*activitypub.Report, 0, len(rows))
	for i := range order(k, rows) {
		r, err := rows[i].report()
		if err != nil {
			return nil, mapErr(op, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// MarkReportForwarded records that a report was sent on as a Flag.
func (s *Store) MarkReportForwarded(ctx context.Context, id string) error {
	const op = "storage.MarkReportForwarded"
	n, err := s.execN(ctx, `UPDATE reports SET forwarded = TRUE WHERE id = ?`, id)
	if err != nil {
		return mapErr(op, err)
	}
	if n == 0 {
		return notFound(op, "report")
	}
	return nil
}

// ResolveReport marks a report resolved at r.ResolvedAt.
func (s *Store) ResolveReport(ctx context.Context, id string, r *activitypub.Report) error {
	const op = "storage.ResolveReport"
	n, err := s.execN(ctx, `UPDATE reports SET resolved_at = ? WHERE id = ? AND resolved_at IS NULL`,
		msPtr(r.ResolvedAt), id)
	if err != nil {
		return mapErr(op, err)
	}
	if n == 0 {
		return activitypub.E(op, activitypub.Conflict, "report not open")
	}
	return nil
}
