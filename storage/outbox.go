package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/guildhall/guildhall/activitypub"
)

type outboxRow struct {
	ID        string `db:"id"`
	ActorID   string `db:"actor_id"`
	Activity  string `db:"activity"`
	CreatedAt int64  `db:"created_at"`
}

func (r *outboxRow) item() (*activitypub.OutboxItem, error) {
	it := &activitypub.OutboxItem{ID: r.ID, ActorID: r.ActorID, CreatedAt: fromMS(r.CreatedAt)}
	if err := json.Unmarshal([]byte(r.Activity), &it.Activity); err != nil {
		return nil, fmt.Errorf("outbox item %s: decode activity: %w", r.ID, err)
	}
	return it, nil
}

type deliveryRow struct {
	ID            string `db:"id"`
	OutboxID      string `db:"outbox_id"`
	Inbox         string `db:"inbox"`
	Host          string `db:"host"`
	State         string `db:"state"`
	Attempts      int    `db:"attempts"`
	NextAttemptAt int64  `db:"next_attempt_at"`
	LastError     string `db:"last_error"`
	CreatedAt     int64  `db:"created_at"`
}

const deliveryCols = `id, outbox_id, inbox, host, state, attempts, next_attempt_at, last_error, created_at`

func (r *deliveryRow) delivery() *activitypub.Delivery {
	return &activitypub.Delivery{ID: r.ID, OutboxID: r.OutboxID, Inbox: r.Inbox, Host: r.Host,
		State: r.State, Attempts: r.Attempts, NextAttemptAt: fromMS(r.NextAttemptAt),
		LastError: r.LastError, CreatedAt: fromMS(r.CreatedAt)}
}

// Enqueue adds an activity to the durable queue. Call it inside the transaction of the action
// that caused it, so the two commit together.
func (s *Store) Enqueue(ctx context.Context, item *activitypub.OutboxItem) error {
	const op = "storage.Enqueue"
	act, err := toJSON(item.Activity)
	if err != nil {
		return mapErr(op, err)
	}
	_, err = s.exec(ctx, `INSERT INTO outbox (id, actor_id, activity, expanded, created_at)
		VALUES (?, ?, ?, FALSE, ?)`, item.ID, item.ActorID, act, ms(item.CreatedAt))
	return mapErr(op, err)
}

// PendingOutbox returns up to limit items not yet expanded into deliveries, oldest first.
func (s *Store) PendingOutbox(ctx context.Context, limit int) ([]*activitypub.OutboxItem, error) {
	const op = "storage.PendingOutbox"
	var rows []outboxRow
	if err := s.sel(ctx, &rows, `SELECT id, actor_id, activity, created_at FROM outbox
		WHERE expanded = FALSE ORDER BY id LIMIT `+strconv.Itoa(limitOr(limit))); err != nil {
		return nil, mapErr(op, err)
	}
	out := make([]*activitypub.OutboxItem, 0, len(rows))
	for i := range rows {
		it, err := rows[i].item()
		if err != nil {
			return nil, mapErr(op, err)
		}
		out = append(out, it)
	}
	return out, nil
}

// OutboxItem finds a queued activity by id.
func (s *Store) OutboxItem(ctx context.Context, id string) (*activitypub.OutboxItem, error) {
	const op = "storage.OutboxItem"
	var r outboxRow
	if err := s.get(ctx, &r, `SELECT id, actor_id, activity, created_at FROM outbox WHERE id = ?`, id); err != nil {
		return nil, mapErr(op, err, "outbox item")
	}
	it, err := r.item()
	return it, mapErr(op, err)
}

// ExpandOutbox records one delivery per inbox and marks the item expanded, in one transaction.
// An inbox already recorded for the item is skipped, so a retried expansion cannot send twice.
func (s *Store) ExpandOutbox(ctx context.Context, itemID string, deliveries []*activitypub.Delivery) error {
	const op = "storage.ExpandOutbox"
	return s.InTx(ctx, func(ctx context.Context) error {
		now := time.Now()
		for _, d := range deliveries {
			state := d.State
			if state == "" {
				state = activitypub.DeliveryPending
			}
			next, created := d.NextAttemptAt, d.CreatedAt
			if created.IsZero() {
				created = now
			}
			if next.IsZero() {
				next = created
			}
			if _, err := s.exec(ctx, `INSERT INTO deliveries (id, outbox_id, inbox, host, state,
				attempts, next_attempt_at, last_error, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (outbox_id, inbox) DO NOTHING`, d.ID, itemID, d.Inbox, d.Host, state,
				d.Attempts, ms(next), d.LastError, ms(created)); err != nil {
				return mapErr(op, err)
			}
		}
		n, err := s.execN(ctx, `UPDATE outbox SET expanded = TRUE, expanded_at = ? WHERE id = ?`,
			now.UnixMilli(), itemID)
		if err != nil {
			return mapErr(op, err)
		}
		if n == 0 {
			return notFound(op, "outbox item")
		}
		return nil
	})
}

// ClaimDeliveries leases up to limit due pending deliveries until leaseUntil, skipping busyHosts,
// oldest due first. The claim is one statement that selects and leases together (PostgreSQL:
// FOR UPDATE SKIP LOCKED; SQLite: the single writer), so two workers, in one process or several,
// never get the same delivery.
func (s *Store) ClaimDeliveries(ctx context.Context, now, leaseUntil time.Time, limit int, busyHosts []string) ([]*activitypub.Delivery, error) {
	const op = "storage.ClaimDeliveries"
	q := `SELECT id FROM deliveries
		WHERE state = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?)`
	args := []any{ms(now), ms(now)}
	if len(busyHosts) > 0 {
		q += ` AND host NOT IN (` + inList(len(busyHosts)) + `)`
		args = append(args, anys(busyHosts)...)
	}
	q += ` ORDER BY next_attempt_at, id LIMIT ` + strconv.Itoa(limitOr(limit)) + s.dialect.skipLocked()
	var rows []deliveryRow
	err := s.InTx(ctx, func(ctx context.Context) error {
		return s.selW(ctx, &rows, `UPDATE deliveries SET lease_until = ?
			WHERE id IN (`+q+`) RETURNING `+deliveryCols, append([]any{ms(leaseUntil)}, args...)...)
	})
	if err != nil {
		return nil, mapErr(op, err)
	}
	out := make([]*activitypub.Delivery, len(rows))
	for i := range rows {
		out[i] = rows[i].delivery()
	}
	return out, nil
}

// ReleaseDeliveryLeases makes every leased pending delivery claimable at once and reports how
// many there were. Only for a database a single process serves (SQLite): there, a lease found at
// start can only be a previous run's, cut short by a crash or kill -9, and without this its
// deliveries would wait out the whole lease. With several processes on PostgreSQL a lease may be
// a live peer's, so they expire instead.
func (s *Store) ReleaseDeliveryLeases(ctx context.Context) (int64, error) {
	n, err := s.execN(ctx, `UPDATE deliveries SET lease_until = NULL WHERE state = 'pending' AND lease_until IS NOT NULL`)
	return n, mapErr("storage.ReleaseDeliveryLeases", err)
}

func (s *Store) finishDelivery(ctx context.Context, op, set string, args ...any) error {
	n, err := s.execN(ctx, `UPDATE deliveries SET attempts = attempts + 1, lease_until = NULL, `+set, args...)
	if err != nil {
		return mapErr(op, err)
	}
	if n == 0 {
		return notFound(op, "delivery")
	}
	return nil
}

// CompleteDelivery marks a delivery sent.
func (s *Store) CompleteDelivery(ctx context.Context, id string) error {
	return s.finishDelivery(ctx, "storage.CompleteDelivery", `state = 'done', last_error = '' WHERE id = ?`, id)
}

// RetryDelivery records a failed attempt and when to try again.
func (s *Store) RetryDelivery(ctx context.Context, id string, next time.Time, lastErr string) error {
	return s.finishDelivery(ctx, "storage.RetryDelivery",
		`next_attempt_at = ?, last_error = ? WHERE id = ?`, ms(next), lastErr, id)
}

// FailDelivery gives a delivery up.
func (s *Store) FailDelivery(ctx context.Context, id string, lastErr string) error {
	return s.finishDelivery(ctx, "storage.FailDelivery", `state = 'failed', last_error = ? WHERE id = ?`, lastErr, id)
}

// CountDeliveries counts deliveries in a state, for metrics and the admin page.
func (s *Store) CountDeliveries(ctx context.Context, state string) (int, error) {
	var n int
	err := s.get(ctx, &n, `SELECT COUNT(*) FROM deliveries WHERE state = ?`, state)
	return n, mapErr("storage.CountDeliveries", err)
}
