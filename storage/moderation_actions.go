package storage

import (
	"context"
	"time"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/moderation"
)

type warningRow struct {
	ID        string  `db:"id"`
	TargetID  string  `db:"target_id"`
	ReportID  *string `db:"report_id"`
	Action    string  `db:"action"`
	Text      string  `db:"text"`
	StatusIDs string  `db:"status_ids"`
	CreatedBy string  `db:"created_by"`
	CreatedAt int64   `db:"created_at"`
}

const warningCols = `id, target_id, report_id, action, text, status_ids, created_by, created_at`

// CreateWarning records what a moderator did about an account, for that person to read.
func (s *Store) CreateWarning(ctx context.Context, w *moderation.Warning) error {
	_, err := s.named(ctx, `INSERT INTO account_warnings (`+warningCols+`) VALUES (:id, :target_id,
		:report_id, :action, :text, :status_ids, :created_by, :created_at)`, &warningRow{
		ID: w.ID, TargetID: w.TargetID, ReportID: nullStr(w.ReportID), Action: string(w.Action),
		Text: w.Text, StatusIDs: strList(w.StatusIDs), CreatedBy: w.CreatedBy, CreatedAt: ms(w.CreatedAt),
	})
	return mapErr("storage.CreateWarning", err)
}

// Warnings lists the warnings of one account, newest first, paged by id.
func (s *Store) Warnings(ctx context.Context, targetID string, p activitypub.Page) ([]*moderation.Warning, error) {
	const op = "storage.Warnings"
	k := pageBy("id", p)
	var rows []warningRow
	err := s.sel(ctx, &rows, `SELECT `+warningCols+` FROM account_warnings WHERE target_id = ?`+k.cond+k.tail,
		append([]any{targetID}, k.args...)...)
	if err != nil {
		return nil, mapErr(op, err)
	}
	out := make([]*moderation.Warning, 0, len(rows))
	for _, r := range order(k, rows) {
		ids, err := parseStrList(r.StatusIDs)
		if err != nil {
			return nil, mapErr(op, err)
		}
		out = append(out, &moderation.Warning{ID: r.ID, TargetID: r.TargetID, ReportID: strOf(r.ReportID),
			Action: moderation.Action(r.Action), Text: r.Text, StatusIDs: ids, CreatedBy: r.CreatedBy,
			CreatedAt: fromMS(r.CreatedAt)})
	}
	return out, nil
}

// SetActorLimit limits an account; limiting a limited account again keeps the first record.
func (s *Store) SetActorLimit(ctx context.Context, actorID, reason, by string, at time.Time) error {
	_, err := s.exec(ctx, `INSERT INTO actor_limits (actor_id, reason, created_by, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (actor_id) DO NOTHING`, actorID, reason, by, ms(at))
	return mapErr("storage.SetActorLimit", err)
}

// DeleteActorLimit lifts a limit; NotFound when there is none.
func (s *Store) DeleteActorLimit(ctx context.Context, actorID string) error {
	const op = "storage.DeleteActorLimit"
	n, err := s.execN(ctx, `DELETE FROM actor_limits WHERE actor_id = ?`, actorID)
	if err != nil {
		return mapErr(op, err)
	}
	if n == 0 {
		return notFound(op, "limit")
	}
	return nil
}

// ActorLimited reports whether an account is limited.
func (s *Store) ActorLimited(ctx context.Context, actorID string) (bool, error) {
	var n int
	err := s.get(ctx, &n, `SELECT COUNT(*) FROM actor_limits WHERE actor_id = ?`, actorID)
	return n > 0, mapErr("storage.ActorLimited", err)
}

var _ moderation.ActionStore = (*Store)(nil)
