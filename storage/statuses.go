package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/guildhall/guildhall/activitypub"
)

type statusRow struct {
	ID               string  `db:"id"`
	URI              string  `db:"uri"`
	URL              string  `db:"url"`
	ActorID          string  `db:"actor_id"`
	InReplyToID      *string `db:"in_reply_to_id"`
	InReplyToURI     string  `db:"in_reply_to_uri"`
	InReplyToActorID *string `db:"in_reply_to_actor_id"`
	ReblogOfID       *string `db:"reblog_of_id"`
	ContextURI       string  `db:"context_uri"`
	ObjectType       string  `db:"object_type"`
	Kind             string  `db:"kind"`
	Visibility       string  `db:"visibility"`
	Local            bool    `db:"local"`
	Title            string  `db:"title"`
	Content          string  `db:"content"`
	Source           string  `db:"source"`
	Format           string  `db:"format"`
	SpoilerText      string  `db:"spoiler_text"`
	Sensitive        bool    `db:"sensitive"`
	Language         string  `db:"language"`
	GroupID          *string `db:"group_id"`
	AcceptedAnswerID *string `db:"accepted_answer_id"`
	RepliesCount     int     `db:"replies_count"`
	ReblogsCount     int     `db:"reblogs_count"`
	FavouritesCount  int     `db:"favourites_count"`
	VotesScore       int     `db:"votes_score"`
	CreatedAt        int64   `db:"created_at"`
	EditedAt         *int64  `db:"edited_at"`
	DeletedAt        *int64  `db:"deleted_at"`
}

// statusCols selects a status from the table aliased s, so that timelines can join.
const statusCols = `s.id, s.uri, s.url, s.actor_id, s.in_reply_to_id, s.in_reply_to_uri,
	s.in_reply_to_actor_id, s.reblog_of_id, s.context_uri, s.object_type, s.kind, s.visibility,
	s.local, s.title, s.content, s.source, s.format, s.spoiler_text, s.sensitive, s.language,
	s.group_id, s.accepted_answer_id, s.replies_count, s.reblogs_count, s.favourites_count,
	s.votes_score, s.created_at, s.edited_at, s.deleted_at`

func statusToRow(st *activitypub.Status) *statusRow {
	kind := st.Kind
	if kind == "" {
		kind = activitypub.KindPost
	}
	objectType := st.ObjectType
	if objectType == "" {
		objectType = "Note"
	}
	return &statusRow{
		ID: st.ID, URI: st.URI, URL: st.URL, ActorID: st.ActorID, InReplyToID: nullStr(st.InReplyToID),
		InReplyToURI: st.InReplyToURI, InReplyToActorID: nullStr(st.InReplyToActorID),
		ReblogOfID: nullStr(st.ReblogOfID), ContextURI: st.ContextURI, ObjectType: objectType,
		Kind: string(kind), Visibility: rowVisibility(st.Visibility), Local: st.Local, Title: st.Title,
		Content: st.Content, Source: st.Source, Format: string(st.Format), SpoilerText: st.SpoilerText,
		Sensitive: st.Sensitive, Language: st.Language, GroupID: nullStr(st.GroupID),
		AcceptedAnswerID: nullStr(st.AcceptedAnswerID), RepliesCount: st.RepliesCount,
		ReblogsCount: st.ReblogsCount, FavouritesCount: st.FavouritesCount, VotesScore: st.VotesScore,
		CreatedAt: ms(st.CreatedAt), EditedAt: msPtr(st.EditedAt), DeletedAt: msPtr(st.DeletedAt),
	}
}

// CreateStatus writes a status with its mentions, tags (created on demand, lower-cased) and the
// attachments it claims, in one transaction (the caller's, when there is one).
func (s *Store) CreateStatus(ctx context.Context, st *activitypub.Status) error {
	const op = "storage.CreateStatus"
	return s.InTx(ctx, func(ctx context.Context) error {
		if _, err := s.named(ctx, `INSERT INTO statuses (id, uri, url, actor_id, in_reply_to_id,
			in_reply_to_uri, in_reply_to_actor_id, reblog_of_id, context_uri, object_type, kind,
			visibility, local, title, content, source, format, spoiler_text, sensitive, language,
			group_id, accepted_answer_id, replies_count, reblogs_count, favourites_count, votes_score,
			created_at, edited_at, deleted_at)
			VALUES (:id, :uri, :url, :actor_id, :in_reply_to_id, :in_reply_to_uri,
			:in_reply_to_actor_id, :reblog_of_id, :context_uri, :object_type, :kind, :visibility,
			:local, :title, :content, :source, :format, :spoiler_text, :sensitive, :language,
			:group_id, :accepted_answer_id, :replies_count, :reblogs_count, :favourites_count,
			:votes_score, :created_at, :edited_at, :deleted_at)`, statusToRow(st)); err != nil {
			return mapErr(op, err)
		}
		return s.writeRelations(ctx, op, st, st.CreatedAt)
	})
}

// UpdateStatus rewrites the fields an edit or a remote Update may change, and replaces the
// mentions, tags and attachments. Counters are left alone: AdjustStatusCounts owns them.
func (s *Store) UpdateStatus(ctx context.Context, st *activitypub.Status) error {
	const op = "storage.UpdateStatus"
	return s.InTx(ctx, func(ctx context.Context) error {
		res, err := s.named(ctx, `UPDATE statuses SET url = :url, in_reply_to_id = :in_reply_to_id,
			in_reply_to_uri = :in_reply_to_uri, in_reply_to_actor_id = :in_reply_to_actor_id,
			context_uri = :context_uri, object_type = :object_type, kind = :kind,
			visibility = :visibility, title = :title, content = :content, source = :source,
			format = :format, spoiler_text = :spoiler_text, sensitive = :sensitive,
			language = :language, group_id = :group_id, accepted_answer_id = :accepted_answer_id,
			edited_at = :edited_at
			WHERE id = :id`, statusToRow(st))
		if err != nil {
			return mapErr(op, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return mapErr(op, err)
		} else if n == 0 {
			return notFound(op, "status")
		}
		for _, q := range []string{
			`DELETE FROM mentions WHERE status_id = ?`,
			`DELETE FROM status_tags WHERE status_id = ?`,
			`DELETE FROM status_partners WHERE status_id = ?`,
			`UPDATE media_attachments SET status_id = NULL WHERE status_id = ?`,
		} {
			if _, err := s.exec(ctx, q, st.ID); err != nil {
				return mapErr(op, err)
			}
		}
		at := st.CreatedAt
		if st.EditedAt != nil {
			at = *st.EditedAt
		}
		return s.writeRelations(ctx, op, st, at)
	})
}

// writeRelations writes a status's mentions, tags and attachment claims.
func (s *Store) writeRelations(ctx context.Context, op string, st *activitypub.Status, at time.Time) error {
	for i, m := range st.Mentions {
		if _, err := s.exec(ctx, `INSERT INTO mentions (status_id, actor_id, position) VALUES (?, ?, ?)
			ON CONFLICT (status_id, actor_id) DO NOTHING`, st.ID, m.ActorID, i); err != nil {
			return mapErr(op, err)
		}
	}
	for i, tag := range st.Tags {
		name := strings.ToLower(strings.TrimPrefix(tag, "#"))
		if name == "" {
			continue
		}
		if _, err := s.exec(ctx, `INSERT INTO tags (name, created_at) VALUES (?, ?)
			ON CONFLICT (name) DO NOTHING`, name, ms(at)); err != nil {
			return mapErr(op, err)
		}
		if _, err := s.exec(ctx, `INSERT INTO status_tags (tag_name, status_id, position) VALUES (?, ?, ?)
			ON CONFLICT (tag_name, status_id) DO NOTHING`, name, st.ID, i); err != nil {
			return mapErr(op, err)
		}
	}
	for i, a := range st.Attachments {
		// Only the author's own unclaimed (or already this status's) media can be attached.
		n, err := s.execN(ctx, `UPDATE media_attachments SET status_id = ?, position = ?
			WHERE id = ? AND actor_id = ? AND (status_id IS NULL OR status_id = ?)`,
			st.ID, i, a.ID, st.ActorID, st.ID)
		if err != nil {
			return mapErr(op, err)
		}
		if n == 0 && (a.URL != "" || a.RemoteURL != "") {
			// Remote media arrives with its status: keep its row, claimed at once.
			n, err = s.insertAttachment(ctx, st, a, i)
			if err != nil {
				return mapErr(op, err)
			}
		}
		if n == 0 {
			return activitypub.E(op, activitypub.Invalid, fmt.Sprintf("media attachment %s not found", a.ID))
		}
	}
	return s.writePartners(ctx, op, st)
}

func (s *Store) insertAttachment(ctx context.Context, st *activitypub.Status, a activitypub.Attachment, pos int) (int64, error) {
	typ := a.Type
	if typ == "" {
		typ = "unknown"
	}
	created := a.CreatedAt
	if created.IsZero() {
		created = st.CreatedAt
	}
	return s.execN(ctx, `INSERT INTO media_attachments (id, status_id, actor_id, type, content_type,
		url, remote_url, preview_url, path, description, blurhash, width, height, size, focus_x,
		focus_y, position, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO NOTHING`,
		a.ID, st.ID, st.ActorID, typ, a.ContentType, a.URL, a.RemoteURL, a.PreviewURL, a.Path,
		a.Description, a.Blurhash, a.Width, a.Height, a.Size, a.FocusX, a.FocusY, pos, ms(created))
}

// statuses runs a query returning statusCols and loads the relations of the whole result with one
// query per relation.
func (s *Store) statuses(ctx context.Context, op, query string, args ...any) ([]*activitypub.Status, error) {
	out, err := s.scanStatuses(ctx, query, args)
	if err != nil {
		return nil, mapErr(op, err)
	}
	if err := s.loadRelations(ctx, out); err != nil {
		return nil, mapErr(op, err)
	}
	if err := s.loadPartners(ctx, out); err != nil {
		return nil, mapErr(op, err)
	}
	return out, nil
}

// scanStatuses runs a query returning statusCols and scans each row by hand, in statusCols'
// order: sqlx's StructScan spent about a fifth of a home timeline request mapping columns to
// fields by reflection, row after row.
func (s *Store) scanStatuses(ctx context.Context, query string, args []any) ([]*activitypub.Status, error) {
	rows, err := s.cachedQuery(ctx, query, args)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var (
		out                                   []*activitypub.Status
		inReplyToID, inReplyToActorID, reblog sql.NullString
		groupID, acceptedAnswerID             sql.NullString
		kind, visibility, format              string
		replies, reblogs, favourites, votes   int64
		createdAt                             int64
		editedAt, deletedAt                   sql.NullInt64
	)
	for rows.Next() {
		st := &activitypub.Status{}
		if err := rows.Scan(&st.ID, &st.URI, &st.URL, &st.ActorID, &inReplyToID, &st.InReplyToURI,
			&inReplyToActorID, &reblog, &st.ContextURI, &st.ObjectType, &kind, &visibility,
			&st.Local, &st.Title, &st.Content, &st.Source, &format, &st.SpoilerText, &st.Sensitive,
			&st.Language, &groupID, &acceptedAnswerID, &replies, &reblogs, &favourites, &votes,
			&createdAt, &editedAt, &deletedAt); err != nil {
			return nil, err
		}
		st.InReplyToID, st.InReplyToActorID, st.ReblogOfID = inReplyToID.String, inReplyToActorID.String, reblog.String
		st.GroupID, st.AcceptedAnswerID = groupID.String, acceptedAnswerID.String
		st.Kind, st.Visibility, st.Format = activitypub.StatusKind(kind), activitypub.Visibility(visibility), activitypub.ContentFormat(format)
		st.RepliesCount, st.ReblogsCount, st.FavouritesCount, st.VotesScore = int(replies), int(reblogs), int(favourites), int(votes)
		st.CreatedAt, st.EditedAt, st.DeletedAt = fromMS(createdAt), nullMS(editedAt), nullMS(deletedAt)
		out = append(out, st)
	}
	return out, rows.Err()
}

// nullMS is fromMSPtr for a scanned nullable column.
func nullMS(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	return fromMSPtr(&v.Int64)
}

func (s *Store) statusWhere(ctx context.Context, op, where string, args ...any) (*activitypub.Status, error) {
	list, err := s.statuses(ctx, op, `SELECT `+statusCols+` FROM statuses s WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, notFound(op, "status")
	}
	return list[0], nil
}

// relationRow is one row of loadRelations' union: a mention (rel "m": the actor's id, uri,
// username, domain and url), a tag (rel "t": its name in id) or an attachment (rel "a": mediaCols).
type relationRow struct {
	StatusID    string          `db:"status_id"`
	Rel         string          `db:"rel"`
	Pos         int             `db:"pos"`
	ID          string          `db:"id"`
	URI         sql.NullString  `db:"uri"`
	Username    sql.NullString  `db:"username"`
	Domain      sql.NullString  `db:"domain"`
	URL         sql.NullString  `db:"url"`
	ActorID     sql.NullString  `db:"actor_id"`
	Type        sql.NullString  `db:"type"`
	ContentType sql.NullString  `db:"content_type"`
	RemoteURL   sql.NullString  `db:"remote_url"`
	PreviewURL  sql.NullString  `db:"preview_url"`
	Path        sql.NullString  `db:"path"`
	Description sql.NullString  `db:"description"`
	Blurhash    sql.NullString  `db:"blurhash"`
	Width       sql.NullInt64   `db:"width"`
	Height      sql.NullInt64   `db:"height"`
	Size        sql.NullInt64   `db:"size"`
	FocusX      sql.NullFloat64 `db:"focus_x"`
	FocusY      sql.NullFloat64 `db:"focus_y"`
	CreatedAt   sql.NullInt64   `db:"created_at"`
}

// relationsSQL loads the mentions, tags and attachments of the statuses whose ids fill the three
// IN lists, in one statement: one round trip instead of three, which matters most on PostgreSQL.
// The columns a branch does not have are NULL, typed in the first branch because PostgreSQL
// resolves a union's column types branch by branch.
func relationsSQL(in string) string {
	return `SELECT m.status_id AS status_id, 'm' AS rel, m.position AS pos, a.id AS id, a.uri AS uri,
			a.username AS username, a.domain AS domain, a.url AS url, CAST(NULL AS TEXT) AS actor_id,
			CAST(NULL AS TEXT) AS type, CAST(NULL AS TEXT) AS content_type,
			CAST(NULL AS TEXT) AS remote_url, CAST(NULL AS TEXT) AS preview_url,
			CAST(NULL AS TEXT) AS path, CAST(NULL AS TEXT) AS description,
			CAST(NULL AS TEXT) AS blurhash, CAST(NULL AS INTEGER) AS width,
			CAST(NULL AS INTEGER) AS height, CAST(NULL AS BIGINT) AS size,
			CAST(NULL AS DOUBLE PRECISION) AS focus_x, CAST(NULL AS DOUBLE PRECISION) AS focus_y,
			CAST(NULL AS BIGINT) AS created_at
		FROM mentions m JOIN actors a ON a.id = m.actor_id WHERE m.status_id IN (` + in + `)
		UNION ALL
		SELECT status_id, 't', position, tag_name, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
			NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
		FROM status_tags WHERE status_id IN (` + in + `)
		UNION ALL
		SELECT status_id, 'a', position, id, NULL, NULL, NULL, url, actor_id, type, content_type,
			remote_url, preview_url, path, description, blurhash, width, height, size, focus_x,
			focus_y, created_at
		FROM media_attachments WHERE status_id IN (` + in + `)
		ORDER BY 1, 2, 3, 4`
}

// scanRelations runs relationsSQL and scans its rows by hand, in its column order (as
// scanStatuses does, for the same reason).
func (s *Store) scanRelations(ctx context.Context, query string, args []any) ([]relationRow, error) {
	rows, err := s.cachedQuery(ctx, query, args)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []relationRow
	for rows.Next() {
		var r relationRow
		var pos int64
		if err := rows.Scan(&r.StatusID, &r.Rel, &pos, &r.ID, &r.URI, &r.Username, &r.Domain, &r.URL,
			&r.ActorID, &r.Type, &r.ContentType, &r.RemoteURL, &r.PreviewURL, &r.Path,
			&r.Description, &r.Blurhash, &r.Width, &r.Height, &r.Size, &r.FocusX, &r.FocusY,
			&r.CreatedAt); err != nil {
			return nil, err
		}
		r.Pos = int(pos)
		out = append(out, r)
	}
	return out, rows.Err()
}

// loadRelations fills Mentions, Tags and Attachments for a page of statuses: one query whatever
// the page size.
func (s *Store) loadRelations(ctx context.Context, list []*activitypub.Status) error {
	if len(list) == 0 {
		return nil
	}
	byID := make(map[string]*activitypub.Status, len(list))
	ids := make([]any, 0, len(list))
	for _, st := range list {
		if _, dup := byID[st.ID]; !dup {
			ids = append(ids, st.ID)
		}
		byID[st.ID] = st
	}
	args := make([]any, 0, 3*len(ids))
	args = append(append(append(args, ids...), ids...), ids...)
	rows, err := s.scanRelations(ctx, relationsSQL(inList(len(ids))), args)
	if err != nil {
		return fmt.Errorf("load mentions, tags and attachments: %w", err)
	}
	for i := range rows {
		r := &rows[i]
		st := byID[r.StatusID]
		switch r.Rel {
		case "m":
			st.Mentions = append(st.Mentions, activitypub.Mention{ActorID: r.ID, URI: r.URI.String,
				Username: r.Username.String, Domain: r.Domain.String, URL: r.URL.String})
		case "t":
			st.Tags = append(st.Tags, r.ID)
		case "a":
			st.Attachments = append(st.Attachments, activitypub.Attachment{
				ID: r.ID, StatusID: r.StatusID, ActorID: r.ActorID.String, Type: r.Type.String,
				ContentType: r.ContentType.String, URL: r.URL.String, RemoteURL: r.RemoteURL.String,
				PreviewURL: r.PreviewURL.String, Path: r.Path.String, Description: r.Description.String,
				Blurhash: r.Blurhash.String, Width: int(r.Width.Int64), Height: int(r.Height.Int64),
				Size: r.Size.Int64, FocusX: r.FocusX.Float64, FocusY: r.FocusY.Float64,
				CreatedAt: fromMS(r.CreatedAt.Int64)})
		}
	}
	return s.loadAcceptedAnswers(ctx, list)
}

// StatusByID finds a status, deleted or not (a tombstone still answers with Gone upstream).
func (s *Store) StatusByID(ctx context.Context, id string) (*activitypub.Status, error) {
	return s.statusWhere(ctx, "storage.StatusByID", `s.id = ?`, id)
}

// StatusByURI finds a status by its ActivityPub id.
func (s *Store) StatusByURI(ctx context.Context, uri string) (*activitypub.Status, error) {
	return s.statusWhere(ctx, "storage.StatusByURI", `s.uri = ?`, uri)
}

// StatusesByIDs loads several statuses, in the order of ids; unknown ids are skipped.
func (s *Store) StatusesByIDs(ctx context.Context, ids []string) ([]*activitypub.Status, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	list, err := s.statuses(ctx, "storage.StatusesByIDs",
		`SELECT `+statusCols+` FROM statuses s WHERE s.id IN (`+inList(len(ids))+`)`, anys(ids)...)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*activitypub.Status, len(list))
	for _, st := range list {
		byID[st.ID] = st
	}
	out := make([]*activitypub.Status, 0, len(list))
	for _, id := range ids {
		if st, ok := byID[id]; ok {
			out = append(out, st)
			delete(byID, id) // a repeated id yields the status once
		}
	}
	return out, nil
}

// MarkStatusDeleted tombstones a status: its text is cleared, deleted_at set, its mentions and
// tags dropped, and it and its boosts leave every home timeline. The row stays so that its URI
// keeps answering Gone and replies keep their parent.
func (s *Store) MarkStatusDeleted(ctx context.Context, id string, at time.Time) error {
	const op = "storage.MarkStatusDeleted"
	return s.InTx(ctx, func(ctx context.Context) error {
		n, err := s.execN(ctx, `UPDATE statuses SET title = '', content = '', source = '',
			spoiler_text = '', deleted_at = ? WHERE id = ?`, ms(at), id)
		if err != nil {
			return mapErr(op, err)
		}
		if n == 0 {
			return notFound(op, "status")
		}
		if _, err := s.exec(ctx, `DELETE FROM home_timeline WHERE status_id = ? OR reblog_of_id = ?`, id, id); err != nil {
			return mapErr(op, err)
		}
		for _, q := range []string{
			`DELETE FROM mentions WHERE status_id = ?`,
			`DELETE FROM status_tags WHERE status_id = ?`,
		} {
			if _, err := s.exec(ctx, q, id); err != nil {
				return mapErr(op, err)
			}
		}
		return nil
	})
}

// ReblogOf finds actorID's live boost of statusID.
func (s *Store) ReblogOf(ctx context.Context, actorID, statusID string) (*activitypub.Status, error) {
	return s.statusWhere(ctx, "storage.ReblogOf",
		`s.actor_id = ? AND s.reblog_of_id = ? AND s.deleted_at IS NULL`, actorID, statusID)
}

// ActorStatuses lists an actor's live statuses newest first. ExcludeReplies keeps replies to the
// actor's own statuses (threads); MaxVisibility, when set, lists the visibilities the viewer may
// see, and an empty list means no restriction.
func (s *Store) ActorStatuses(ctx context.Context, actorID string, f activitypub.StatusFilter, p activitypub.Page) ([]*activitypub.Status, error) {
	q := `SELECT ` + statusCols + ` FROM statuses s`
	if f.Pinned {
		q += ` JOIN pins p ON p.status_id = s.id AND p.actor_id = s.actor_id`
	}
	q += ` WHERE s.actor_id = ? AND s.deleted_at IS NULL`
	args := []any{actorID}
	if f.ExcludeReplies {
		q += ` AND (s.in_reply_to_uri = '' OR s.in_reply_to_actor_id = s.actor_id)`
	}
	if f.ExcludeReblogs {
		q += ` AND s.reblog_of_id IS NULL`
	}
	if f.OnlyMedia {
		q += ` AND EXISTS (SELECT 1 FROM media_attachments m WHERE m.status_id = s.id)`
	}
	if len(f.MaxVisibility) > 0 {
		q += ` AND s.visibility IN (` + inList(len(f.MaxVisibility)) + `)`
		args = append(args, anys(f.MaxVisibility)...)
	}
	k := pageBy("s.id", p)
	list, err := s.statuses(ctx, "storage.ActorStatuses", q+k.cond+k.tail, append(args, k.args...)...)
	return order(k, list), err
}

// maxThreadDepth bounds the recursion of Descendants against cycles in remote data.
const maxThreadDepth = 200

// Descendants lists the direct and indirect replies of a status, oldest first, up to limit. A
// deleted reply is left out but its own replies are not.
func (s *Store) Descendants(ctx context.Context, statusID string, limit int) ([]*activitypub.Status, error) {
	return s.statuses(ctx, "storage.Descendants", `WITH RECURSIVE thread (id, depth) AS (
			SELECT id, 1 FROM statuses WHERE in_reply_to_id = ?
			UNION ALL
			SELECT c.id, t.depth + 1 FROM statuses c JOIN thread t ON c.in_reply_to_id = t.id
			WHERE t.depth < ?
		)
		SELECT `+statusCols+` FROM statuses s JOIN thread t ON t.id = s.id
		WHERE s.deleted_at IS NULL ORDER BY s.id LIMIT `+fmt.Sprint(limitOr(limit)), statusID, maxThreadDepth)
}

// AdjustStatusCounts adds the deltas to a status's counters, never below zero.
func (s *Store) AdjustStatusCounts(ctx context.Context, id string, replies, reblogs, favourites int) error {
	const op = "storage.AdjustStatusCounts"
	n, err := s.execN(ctx, `UPDATE statuses SET
		replies_count = CASE WHEN replies_count + ? < 0 THEN 0 ELSE replies_count + ? END,
		reblogs_count = CASE WHEN reblogs_count + ? < 0 THEN 0 ELSE reblogs_count + ? END,
		favourites_count = CASE WHEN favourites_count + ? < 0 THEN 0 ELSE favourites_count + ? END
		WHERE id = ?`, replies, replies, reblogs, reblogs, favourites, favourites, id)
	if err != nil {
		return mapErr(op, err)
	}
	if n == 0 {
		return notFound(op, "status")
	}
	return nil
}

type editRow struct {
	ID          string `db:"id"`
	StatusID    string `db:"status_id"`
	Content     string `db:"content"`
	Source      string `db:"source"`
	SpoilerText string `db:"spoiler_text"`
	Sensitive   bool   `db:"sensitive"`
	CreatedAt   int64  `db:"created_at"`
}

const editCols = `id, status_id, content, source, spoiler_text, sensitive, created_at`

// AddStatusEdit keeps an earlier version of an edited status.
func (s *Store) AddStatusEdit(ctx context.Context, e *activitypub.StatusEdit) error {
	_, err := s.named(ctx, `INSERT INTO status_edits (`+editCols+`) VALUES (:id, :status_id,
		:content, :source, :spoiler_text, :sensitive, :created_at)`, &editRow{ID: e.ID,
		StatusID: e.StatusID, Content: e.Content, Source: e.Source, SpoilerText: e.SpoilerText,
		Sensitive: e.Sensitive, CreatedAt: ms(e.CreatedAt)})
	return mapErr("storage.AddStatusEdit", err)
}

// StatusEdits lists a status's earlier versions, oldest first.
func (s *Store) StatusEdits(ctx context.Context, statusID string) ([]*activitypub.StatusEdit, error) {
	var rows []editRow
	if err := s.sel(ctx, &rows, `SELECT `+editCols+` FROM status_edits WHERE status_id = ? ORDER BY id`,
		statusID); err != nil {
		return nil, mapErr("storage.StatusEdits", err)
	}
	out := make([]*activitypub.StatusEdit, len(rows))
	for i, r := range rows {
		out[i] = &activitypub.StatusEdit{ID: r.ID, StatusID: r.StatusID, Content: r.Content,
			Source: r.Source, SpoilerText: r.SpoilerText, Sensitive: r.Sensitive, CreatedAt: fromMS(r.CreatedAt)}
	}
	return out, nil
}

// notLimited leaves out the statuses of limited accounts (moderation's "limit"), whose posts
// reach their followers only.
const notLimited = ` AND NOT EXISTS (SELECT 1 FROM actor_limits l WHERE l.actor_id = s.actor_id)`

// PublicTimeline lists live public statuses that are not boosts, newest first; local keeps only
// local ones, remote only remote ones. Local-only ("local") posts are not included: the
// interface cannot tell whether the viewer is signed in.
func (s *Store) PublicTimeline(ctx context.Context, local, remote bool, p activitypub.Page) ([]*activitypub.Status, error) {
	q := `SELECT ` + statusCols + ` FROM statuses s
		WHERE s.visibility = 'public' AND s.deleted_at IS NULL AND s.reblog_of_id IS NULL` + notLimited
	switch {
	case local && !remote:
		q += ` AND s.local = TRUE`
	case remote && !local:
		q += ` AND s.local = FALSE`
	}
	k := pageBy("s.id", p)
	list, err := s.statuses(ctx, "storage.PublicTimeline", q+k.cond+k.tail, k.args...)
	return order(k, list), err
}

// CouncilTimeline lists this instance's own live statuses that are public or local-only
// ("internal: this council only"), not boosts, newest first: the local timeline as a signed-in
// local user sees it. Callers must not show it to anonymous or remote viewers.
func (s *Store) CouncilTimeline(ctx context.Context, p activitypub.Page) ([]*activitypub.Status, error) {
	q := `SELECT ` + statusCols + ` FROM statuses s
		WHERE s.visibility IN ('public', 'local') AND s.local = TRUE AND s.deleted_at IS NULL
		AND s.reblog_of_id IS NULL`
	k := pageBy("s.id", p)
	list, err := s.statuses(ctx, "storage.CouncilTimeline", q+k.cond+k.tail, k.args...)
	return order(k, list), err
}

// TagTimeline lists live public statuses carrying a tag (any case, with or without #).
func (s *Store) TagTimeline(ctx context.Context, tag string, localOnly bool, p activitypub.Page) ([]*activitypub.Status, error) {
	q := `SELECT ` + statusCols + ` FROM status_tags t JOIN statuses s ON s.id = t.status_id
		WHERE t.tag_name = ? AND s.visibility = 'public' AND s.deleted_at IS NULL` + notLimited
	if localOnly {
		q += ` AND s.local = TRUE`
	}
	k := pageBy("t.status_id", p)
	args := append([]any{strings.ToLower(strings.TrimPrefix(tag, "#"))}, k.args...)
	list, err := s.statuses(ctx, "storage.TagTimeline", q+k.cond+k.tail, args...)
	return order(k, list), err
}

// CountLocalStatuses counts live local statuses that are not boosts, for NodeInfo.
func (s *Store) CountLocalStatuses(ctx context.Context) (int, error) {
	var n int
	err := s.get(ctx, &n, `SELECT COUNT(*) FROM statuses
		WHERE local = TRUE AND deleted_at IS NULL AND reblog_of_id IS NULL`)
	return n, mapErr("storage.CountLocalStatuses", err)
}
