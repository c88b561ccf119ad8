package storage

import (
	"context"
	"time"

	"github.com/guildhall/guildhall/activitypub"
)

type blockRow struct {
	ID        string  `db:"id"`
	URI       *string `db:"uri"`
	ActorID   string  `db:"actor_id"`
	TargetID  string  `db:"target_id"`
	CreatedAt int64   `db:"created_at"`
}

const blockCols = `id, uri, actor_id, target_id, created_at`

func (r *blockRow) block() *activitypub.Block {
	return &activitypub.Block{ID: r.ID, URI: strOf(r.URI), ActorID: r.ActorID, TargetID: r.TargetID,
		CreatedAt: fromMS(r.CreatedAt)}
}

type muteRow struct {
	ActorID       string `db:"actor_id"`
	TargetID      string `db:"target_id"`
	Notifications bool   `db:"notifications"`
	ExpiresAt     *int64 `db:"expires_at"`
	CreatedAt     int64  `db:"created_at"`
}

const muteCols = `actor_id, target_id, notifications, expires_at, created_at`

// CreateBlock records that ActorID blocks TargetID; blocking twice is a Conflict.
func (s *Store) CreateBlock(ctx context.Context, b *activitypub.Block) error {
	_, err := s.named(ctx, `INSERT INTO blocks (`+blockCols+`) VALUES (:id, :uri, :actor_id,
		:target_id, :created_at)`, &blockRow{ID: b.ID, URI: nullStr(b.URI), ActorID: b.ActorID,
		TargetID: b.TargetID, CreatedAt: ms(b.CreatedAt)})
	return mapErr("storage.CreateBlock", err)
}

func (s *Store) blockWhere(ctx context.Context, op, where string, args ...any) (*activitypub.Block, error) {
	var r blockRow
	if err := s.get(ctx, &r, `SELECT `+blockCols+` FROM blocks WHERE `+where, args...); err != nil {
		return nil, mapErr(op, err, "block")
	}
	return r.block(), nil
}

// BlockBetween finds the block of targetID by actorID (one direction only).
func (s *Store) BlockBetween(ctx context.Context, actorID, targetID string) (*activitypub.Block, error) {
	return s.blockWhere(ctx, "storage.BlockBetween", `actor_id = ? AND target_id = ?`, actorID, targetID)
}

// BlockByURI finds a block by its Block activity id.
func (s *Store) BlockByURI(ctx context.Context, uri string) (*activitypub.Block, error) {
	if uri == "" {
		return nil, notFound("storage.BlockByURI", "block")
	}
	return s.blockWhere(ctx, "storage.BlockByURI", `uri = ?`, uri)
}

// DeleteBlock lifts a block; NotFound when there is none.
func (s *Store) DeleteBlock(ctx context.Context, id string) error {
	const op = "storage.DeleteBlock"
	n, err := s.execN(ctx, `DELETE FROM blocks WHERE id = ?`, id)
	if err != nil {
		return mapErr(op, err)
	}
	if n == 0 {
		return notFound(op, "block")
	}
	return nil
}

// Blocked reports whether either actor blocks the other.
func (s *Store) Blocked(ctx context.Context, a, b string) (bool, error) {
	var n int
	err := s.get(ctx, &n, `SELECT COUNT(*) FROM blocks
		WHERE (actor_id = ? AND target_id = ?) OR (actor_id = ? AND target_id = ?)`, a, b, b, a)
	return n > 0, mapErr("storage.Blocked", err)
}

// BlockersOf returns those of readers who block any of targets, in one query: home fan-out uses
// it to keep replies to, and mentions of, a blocked account out of the blocker's timeline.
func (s *Store) BlockersOf(ctx context.Context, readers, targets []string) ([]string, error) {
	if len(readers) == 0 || len(targets) == 0 {
		return nil, nil
	}
	var out []string
	err := s.sel(ctx, &out, `SELECT DISTINCT actor_id FROM blocks WHERE actor_id IN (`+inList(len(readers))+
		`) AND target_id IN (`+inList(len(targets))+`)`, append(anys(readers), anys(targets)...)...)
	return out, mapErr("storage.BlockersOf", err)
}

// Blocks lists whom an actor blocks, newest first, paged by block id.
func (s *Store) Blocks(ctx context.Context, actorID string, p activitypub.Page) ([]*activitypub.Block, error) {
	k := pageBy("id", p)
	var rows []blockRow
	if err := s.sel(ctx, &rows, `SELECT `+blockCols+` FROM blocks WHERE actor_id = ?`+k.cond+k.tail,
		append([]any{actorID}, k.args...)...); err != nil {
		return nil, mapErr("storage.Blocks", err)
	}
	rows = order(k, rows)
	out := make([]*activitypub.Block, len(rows))
	for i := range rows {
		out[i] = rows[i].block()
	}
	return out, nil
}

// SetMute mutes TargetID for ActorID, or changes an existing mute's options.
func (s *Store) SetMute(ctx context.Context, m *activitypub.Mute) error {
	_, err := s.named(ctx, `INSERT INTO mutes (`+muteCols+`) VALUES (:actor_id, :target_id,
		:notifications, :expires_at, :created_at)
		ON CONFLICT (actor_id, target_id) DO UPDATE SET notifications = excluded.notifications,
			expires_at = excluded.expires_at`, &muteRow{ActorID: m.ActorID, TargetID: m.TargetID,
		Notifications: m.Notifications, ExpiresAt: msPtr(m.ExpiresAt), CreatedAt: ms(m.CreatedAt)})
	return mapErr("storage.SetMute", err)
}

// DeleteMute unmutes; unmuting someone not muted is not an error.
func (s *Store) DeleteMute(ctx context.Context, actorID, targetID string) error {
	_, err := s.exec(ctx, `DELETE FROM mutes WHERE actor_id = ? AND target_id = ?`, actorID, targetID)
	return mapErr("storage.DeleteMute", err)
}

// Mutes lists whom an actor mutes, expired mutes included (the caller knows the time). A mute has
// no id of its own, so the page's ids are the muted actors' ids: newest actor first.
func (s *Store) Mutes(ctx context.Context, actorID string, p activitypub.Page) ([]*activitypub.Mute, error) {
	k := pageBy("target_id", p)
	var rows []muteRow
	if err := s.sel(ctx, &rows, `SELECT `+muteCols+` FROM mutes WHERE actor_id = ?`+k.cond+k.tail,
		append([]any{actorID}, k.args...)...); err != nil {
		return nil, mapErr("storage.Mutes", err)
	}
	rows = order(k, rows)
	out := make([]*activitypub.Mute, len(rows))
	for i, r := range rows {
		out[i] = &activitypub.Mute{ActorID: r.ActorID, TargetID: r.TargetID, Notifications: r.Notifications,
			ExpiresAt: fromMSPtr(r.ExpiresAt), CreatedAt: fromMS(r.CreatedAt)}
	}
	return out, nil
}

// Muted reports whether actorID mutes targetID now; a mute past its expiry no longer counts.
func (s *Store) Muted(ctx context.Context, actorID, targetID string) (bool, error) {
	var n int
	err := s.get(ctx, &n, `SELECT COUNT(*) FROM mutes WHERE actor_id = ? AND target_id = ?
		AND (expires_at IS NULL OR expires_at > ?)`, actorID, targetID, time.Now().UnixMilli())
	return n > 0, mapErr("storage.Muted", err)
}
