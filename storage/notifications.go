package storage

import (
	"context"

	"github.com/guildhall/guildhall/activitypub"
)

type notificationRow struct {
	ID          string  `db:"id"`
	RecipientID string  `db:"recipient_id"`
	Type        string  `db:"type"`
	FromActorID string  `db:"from_actor_id"`
	StatusID    *string `db:"status_id"`
	ReportID    *string `db:"report_id"`
	CreatedAt   int64   `db:"created_at"`
}

const notificationCols = `id, recipient_id, type, from_actor_id, status_id, report_id, created_at`

func (r *notificationRow) notification() *activitypub.Notification {
	return &activitypub.Notification{ID: r.ID, RecipientID: r.RecipientID,
		Type: activitypub.NotificationType(r.Type), FromActorID: r.FromActorID,
		StatusID: strOf(r.StatusID), ReportID: strOf(r.ReportID), CreatedAt: fromMS(r.CreatedAt)}
}

// CreateNotification records a notification, or does nothing when the same (recipient, type,
// from, status, report) exists: a redelivered activity notifies once.
func (s *Store) CreateNotification(ctx context.Context, n *activitypub.Notification) error {
	_, err := s.named(ctx, `INSERT INTO notifications (`+notificationCols+`) VALUES (:id,
		:recipient_id, :type, :from_actor_id, :status_id, :report_id, :created_at)
		ON CONFLICT DO NOTHING`, &notificationRow{ID: n.ID, RecipientID: n.RecipientID,
		Type: string(n.Type), FromActorID: n.FromActorID, StatusID: nullStr(n.StatusID),
		ReportID: nullStr(n.ReportID), CreatedAt: ms(n.CreatedAt)})
	return mapErr("storage.CreateNotification", err)
}

// Notifications lists a recipient's notifications newest first, paged by id and narrowed by f.
func (s *Store) Notifications(ctx context.Context, recipientID string, f activitypub.NotificationFilter, p activitypub.Page) ([]*activitypub.Notification, error) {
	q := `SELECT ` + notificationCols + ` FROM notifications WHERE recipient_id = ?`
	args := []any{recipientID}
	if len(f.Types) > 0 {
		q += ` AND type IN (` + inList(len(f.Types)) + `)`
		args = append(args, anys(f.Types)...)
	}
	if len(f.ExcludeTypes) > 0 {
		q += ` AND type NOT IN (` + inList(len(f.ExcludeTypes)) + `)`
		args = append(args, anys(f.ExcludeTypes)...)
	}
	if f.FromActorID != "" {
		q += ` AND from_actor_id = ?`
		args = append(args, f.FromActorID)
	}
	k := pageBy("id", p)
	var rows []notificationRow
	if err := s.sel(ctx, &rows, q+k.cond+k.tail, append(args, k.args...)...); err != nil {
		return nil, mapErr("storage.Notifications", err)
	}
	rows = order(k, rows)
	out := make([]*activitypub.Notification, len(rows))
	for i := range rows {
		out[i] = rows[i].notification()
	}
	return out, nil
}

// NotificationByID finds one of a recipient's notifications; another's is NotFound.
func (s *Store) NotificationByID(ctx context.Context, recipientID, id string) (*activitypub.Notification, error) {
	var r notificationRow
	if err := s.get(ctx, &r, `SELECT `+notificationCols+` FROM notifications WHERE recipient_id = ? AND id = ?`,
		recipientID, id); err != nil {
		return nil, mapErr("storage.NotificationByID", err, "notification")
	}
	return r.notification(), nil
}

// DeleteNotification dismisses one of a recipient's notifications; NotFound when there is none.
func (s *Store) DeleteNotification(ctx context.Context, recipientID, id string) error {
	const op = "storage.DeleteNotification"
	n, err := s.execN(ctx, `DELETE FROM notifications WHERE recipient_id = ? AND id = ?`, recipientID, id)
	if err != nil {
		return mapErr(op, err)
	}
	if n == 0 {
		return notFound(op, "notification")
	}
	return nil
}

// ClearNotifications dismisses all of a recipient's notifications.
func (s *Store) ClearNotifications(ctx context.Context, recipientID string) error {
	_, err := s.exec(ctx, `DELETE FROM notifications WHERE recipient_id = ?`, recipientID)
	return mapErr("storage.ClearNotifications", err)
}
