package storage

import (
	"context"
	"time"

	"github.com/guildhall/guildhall/activitypub"
)

// mediaRow is a media_attachments row as scanned; status_id is NULL until a status claims it.
type mediaRow struct {
	ID          string  `db:"id"`
	StatusID    *string `db:"status_id"`
	ActorID     string  `db:"actor_id"`
	Type        string  `db:"type"`
	ContentType string  `db:"content_type"`
	URL         string  `db:"url"`
	RemoteURL   string  `db:"remote_url"`
	PreviewURL  string  `db:"preview_url"`
	Path        string  `db:"path"`
	Description string  `db:"description"`
	Blurhash    string  `db:"blurhash"`
	Width       int     `db:"width"`
	Height      int     `db:"height"`
	Size        int64   `db:"size"`
	FocusX      float64 `db:"focus_x"`
	FocusY      float64 `db:"focus_y"`
	CreatedAt   int64   `db:"created_at"`
}

const mediaCols = `id, status_id, actor_id, type, content_type, url, remote_url, preview_url, path,
	description, blurhash, width, height, size, focus_x, focus_y, created_at`

func (r *mediaRow) attachment() *activitypub.Attachment {
	return &activitypub.Attachment{
		ID: r.ID, StatusID: strOf(r.StatusID), ActorID: r.ActorID, Type: r.Type,
		ContentType: r.ContentType, URL: r.URL, RemoteURL: r.RemoteURL, PreviewURL: r.PreviewURL,
		Path: r.Path, Description: r.Description, Blurhash: r.Blurhash, Width: r.Width,
		Height: r.Height, Size: r.Size, FocusX: r.FocusX, FocusY: r.FocusY, CreatedAt: fromMS(r.CreatedAt),
	}
}

// CreateAttachment inserts an attachment; a StatusID, if set, claims it at once (remote media
// arriving with its status).
func (s *Store) CreateAttachment(ctx context.Context, a *activitypub.Attachment) error {
	typ := a.Type
	if typ == "" {
		typ = "unknown"
	}
	_, err := s.exec(ctx, `INSERT INTO media_attachments (`+mediaCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, nullStr(a.StatusID), a.ActorID, typ, a.ContentType, a.URL, a.RemoteURL, a.PreviewURL,
		a.Path, a.Description, a.Blurhash, a.Width, a.Height, a.Size, a.FocusX, a.FocusY, ms(a.CreatedAt))
	return mapErr("storage.CreateAttachment", err)
}

// AttachmentByID returns an attachment, claimed by a status or not.
func (s *Store) AttachmentByID(ctx context.Context, id string) (*activitypub.Attachment, error) {
	var r mediaRow
	if err := s.get(ctx, &r, `SELECT `+mediaCols+` FROM media_attachments WHERE id = ?`, id); err != nil {
		return nil, mapErr("storage.AttachmentByID", err, "media attachment")
	}
	return r.attachment(), nil
}

// UpdateAttachment rewrites the description and focus of an unclaimed attachment. The status_id
// test is in the statement, so a status claiming the attachment at the same moment wins cleanly.
func (s *Store) UpdateAttachment(ctx context.Context, a *activitypub.Attachment) error {
	const op = "storage.UpdateAttachment"
	n, err := s.execN(ctx, `UPDATE media_attachments SET description = ?, focus_x = ?, focus_y = ?
		WHERE id = ? AND status_id IS NULL`, a.Description, a.FocusX, a.FocusY, a.ID)
	if err != nil {
		return mapErr(op, err)
	}
	if n == 0 {
		return notFound(op, "unattached media attachment")
	}
	return nil
}

// UnattachedBefore lists up to limit unclaimed attachments created before the given time, oldest
// first, for the clean-up of abandoned uploads.
func (s *Store) UnattachedBefore(ctx context.Context, before time.Time, limit int) ([]*activitypub.Attachment, error) {
	if limit <= 0 {
		limit = 100
	}
	var rows []mediaRow
	err := s.sel(ctx, &rows, `SELECT `+mediaCols+` FROM media_attachments
		WHERE status_id IS NULL AND created_at < ? ORDER BY created_at, id LIMIT ?`, ms(before), limit)
	if err != nil {
		return nil, mapErr("storage.UnattachedBefore", err)
	}
	out := make([]*activitypub.Attachment, 0, len(rows))
	for i := range rows {
		out = append(out, rows[i].attachment())
	}
	return out, nil
}

// DeleteAttachment removes an unclaimed attachment's row; a claimed or missing one is NotFound.
func (s *Store) DeleteAttachment(ctx context.Context, id string) error {
	const op = "storage.DeleteAttachment"
	n, err := s.execN(ctx, `DELETE FROM media_attachments WHERE id = ? AND status_id IS NULL`, id)
	if err != nil {
		return mapErr(op, err)
	}
	if n == 0 {
		return notFound(op, "unattached media attachment")
	}
	return nil
}

// deletedStatusMedia selects the attachments of deleted statuses; their rows stay until the files
// are gone, so a crash between the two leaves something the next sweep still finds.
const deletedStatusMedia = `status_id IN (SELECT id FROM statuses WHERE deleted_at IS NOT NULL)`

// DeletedStatusAttachments lists up to limit attachments of deleted statuses: of the one status
// statusID, or of any when statusID is "".
func (s *Store) DeletedStatusAttachments(ctx context.Context, statusID string, limit int) ([]*activitypub.Attachment, error) {
	if limit <= 0 {
		limit = 100
	}
	q, args := `SELECT `+mediaCols+` FROM media_attachments WHERE `+deletedStatusMedia, []any{}
	if statusID != "" {
		q, args = q+` AND status_id = ?`, append(args, statusID)
	}
	var rows []mediaRow
	if err := s.sel(ctx, &rows, q+` ORDER BY id LIMIT ?`, append(args, limit)...); err != nil {
		return nil, mapErr("storage.DeletedStatusAttachments", err)
	}
	out := make([]*activitypub.Attachment, 0, len(rows))
	for i := range rows {
		out = append(out, rows[i].attachment())
	}
	return out, nil
}

// DeleteDeletedStatusAttachment removes the row of an attachment whose status was deleted; any
// other (unclaimed, or claimed by a live status) is NotFound and stays.
func (s *Store) DeleteDeletedStatusAttachment(ctx context.Context, id string) error {
	const op = "storage.DeleteDeletedStatusAttachment"
	n, err := s.execN(ctx, `DELETE FROM media_attachments WHERE id = ? AND `+deletedStatusMedia, id)
	if err != nil {
		return mapErr(op, err)
	}
	if n == 0 {
		return notFound(op, "media attachment of a deleted status")
	}
	return nil
}

var _ activitypub.MediaStore = (*Store)(nil)
