package storage

import (
	"context"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/ideas"
)

type ideaRow struct {
	StatusID          string `db:"status_id"`
	State             string `db:"state"`
	Reason            string `db:"reason"`
	Body              string `db:"body"`
	DeclaredAdoptedBy string `db:"declared_adopted_by"`
	CreatedAt         int64  `db:"created_at"`
	UpdatedAt         int64  `db:"updated_at"`
}

const ideaCols = `status_id, state, reason, body, declared_adopted_by, created_at, updated_at`

func ideaToRow(i *ideas.Idea) *ideaRow {
	return &ideaRow{StatusID: i.StatusID, State: string(i.State), Reason: i.Reason, Body: i.Body,
		DeclaredAdoptedBy: strList(i.DeclaredAdoptedBy), CreatedAt: ms(i.CreatedAt), UpdatedAt: ms(i.UpdatedAt)}
}

// CreateIdea stores the idea row of a status; a second one for the same status is a Conflict.
func (s *Store) CreateIdea(ctx context.Context, i *ideas.Idea) error {
	_, err := s.named(ctx, `INSERT INTO ideas (`+ideaCols+`) VALUES (:status_id, :state, :reason, :body,
		:declared_adopted_by, :created_at, :updated_at)`, ideaToRow(i))
	return mapErr("storage.CreateIdea", err)
}

// SaveIdea writes an idea row, replacing the status's existing one (its created_at stays).
func (s *Store) SaveIdea(ctx context.Context, i *ideas.Idea) error {
	_, err := s.named(ctx, `INSERT INTO ideas (`+ideaCols+`) VALUES (:status_id, :state, :reason, :body,
		:declared_adopted_by, :created_at, :updated_at)
		ON CONFLICT (status_id) DO UPDATE SET state = excluded.state, reason = excluded.reason,
		body = excluded.body, declared_adopted_by = excluded.declared_adopted_by, updated_at = excluded.updated_at`,
		ideaToRow(i))
	return mapErr("storage.SaveIdea", err)
}

// IdeaByStatus finds the idea row of a status.
func (s *Store) IdeaByStatus(ctx context.Context, statusID string) (*ideas.Idea, error) {
	var r ideaRow
	if err := s.get(ctx, &r, `SELECT `+ideaCols+` FROM ideas WHERE status_id = ?`, statusID); err != nil {
		return nil, mapErr("storage.IdeaByStatus", err, "idea")
	}
	i, err := ideaOf(r)
	return i, mapErr("storage.IdeaByStatus", err)
}

// IdeasByStatuses returns the idea rows of several statuses, by status id.
func (s *Store) IdeasByStatuses(ctx context.Context, statusIDs []string) (map[string]*ideas.Idea, error) {
	out := make(map[string]*ideas.Idea, len(statusIDs))
	if len(statusIDs) == 0 {
		return out, nil
	}
	var rows []ideaRow
	if err := s.sel(ctx, &rows, `SELECT `+ideaCols+` FROM ideas WHERE status_id IN (`+inList(len(statusIDs))+`)`,
		anys(statusIDs)...); err != nil {
		return nil, mapErr("storage.IdeasByStatuses", err)
	}
	for _, r := range rows {
		i, err := ideaOf(r)
		if err != nil {
			return nil, mapErr("storage.IdeasByStatuses", err)
		}
		out[i.StatusID] = i
	}
	return out, nil
}

func ideaOf(r ideaRow) (*ideas.Idea, error) {
	adopted, err := parseStrList(r.DeclaredAdoptedBy)
	if err != nil {
		return nil, err
	}
	return &ideas.Idea{StatusID: r.StatusID, State: ideas.State(r.State), Reason: r.Reason, Body: r.Body,
		DeclaredAdoptedBy: adopted, CreatedAt: fromMS(r.CreatedAt), UpdatedAt: fromMS(r.UpdatedAt)}, nil
}

// AddIdeaChange records one status change of an idea.
func (s *Store) AddIdeaChange(ctx context.Context, c *ideas.Change) error {
	_, err := s.exec(ctx, `INSERT INTO idea_changes (id, status_id, state, reason, actor_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, c.ID, c.StatusID, string(c.State), c.Reason, nullStr(c.ActorID), ms(c.CreatedAt))
	return mapErr("storage.AddIdeaChange", err)
}

// IdeaChanges lists an idea's status changes, oldest first.
func (s *Store) IdeaChanges(ctx context.Context, statusID string) ([]*ideas.Change, error) {
	var rows []struct {
		ID        string  `db:"id"`
		StatusID  string  `db:"status_id"`
		State     string  `db:"state"`
		Reason    string  `db:"reason"`
		ActorID   *string `db:"actor_id"`
		CreatedAt int64   `db:"created_at"`
	}
	if err := s.sel(ctx, &rows, `SELECT id, status_id, state, reason, actor_id, created_at FROM idea_changes
		WHERE status_id = ? ORDER BY id`, statusID); err != nil {
		return nil, mapErr("storage.IdeaChanges", err)
	}
	out := make([]*ideas.Change, len(rows))
	for i, r := range rows {
		out[i] = &ideas.Change{ID: r.ID, StatusID: r.StatusID, State: ideas.State(r.State), Reason: r.Reason,
			ActorID: strOf(r.ActorID), CreatedAt: fromMS(r.CreatedAt)}
	}
	return out, nil
}

// AddIdeaAdoption records a domain's adoption of an idea once; false when it was recorded.
func (s *Store) AddIdeaAdoption(ctx context.Context, a *ideas.Adoption) (bool, error) {
	n, err := s.execN(ctx, `INSERT INTO idea_adoptions (status_id, domain, actor_id, activity_uri, created_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (status_id, domain) DO NOTHING`,
		a.StatusID, a.Domain, nullStr(a.ActorID), a.ActivityURI, ms(a.CreatedAt))
	if err != nil {
		return false, mapErr("storage.AddIdeaAdoption", err)
	}
	return n == 1, nil
}

// IdeaAdoptions lists the domains that adopted an idea, oldest first.
func (s *Store) IdeaAdoptions(ctx context.Context, statusID string) ([]*ideas.Adoption, error) {
	m, err := s.IdeaAdoptionsOf(ctx, []string{statusID})
	if err != nil {
		return nil, mapErr("storage.IdeaAdoptions", err)
	}
	return m[statusID], nil
}

// IdeaAdoptionsOf lists the adoptions of several ideas by status id, each oldest first.
func (s *Store) IdeaAdoptionsOf(ctx context.Context, statusIDs []string) (map[string][]*ideas.Adoption, error) {
	out := make(map[string][]*ideas.Adoption, len(statusIDs))
	if len(statusIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		StatusID    string  `db:"status_id"`
		Domain      string  `db:"domain"`
		ActorID     *string `db:"actor_id"`
		ActivityURI string  `db:"activity_uri"`
		CreatedAt   int64   `db:"created_at"`
	}
	if err := s.sel(ctx, &rows, `SELECT status_id, domain, actor_id, activity_uri, created_at FROM idea_adoptions
		WHERE status_id IN (`+inList(len(statusIDs))+`) ORDER BY created_at, domain`, anys(statusIDs)...); err != nil {
		return nil, mapErr("storage.IdeaAdoptionsOf", err)
	}
	for _, r := range rows {
		out[r.StatusID] = append(out[r.StatusID], &ideas.Adoption{StatusID: r.StatusID, Domain: r.Domain,
			ActorID: strOf(r.ActorID), ActivityURI: r.ActivityURI, CreatedAt: fromMS(r.CreatedAt)})
	}
	return out, nil
}

// ideaStateOrder sorts states in lifecycle order; an idea without a row is proposed.
const ideaStateOrder = `CASE COALESCE(i.state, 'proposed') WHEN 'proposed' THEN 0 WHEN 'under_review' THEN 1
	WHEN 'planned' THEN 2 WHEN 'adopted' THEN 3 ELSE 4 END`

// ListIdeas lists live ideas that are not direct messages, in the query's order: newest (by
// id, pageable with MaxID), votes (favourites, then newest) or status (lifecycle order, then
// newest). The caller applies visibility.
func (s *Store) ListIdeas(ctx context.Context, q ideas.Query) ([]*activitypub.Status, error) {
	where := `s.kind = 'idea' AND s.deleted_at IS NULL AND s.reblog_of_id IS NULL AND s.visibility <> 'direct'`
	var args []any
	if q.GroupID != "" {
		where += ` AND s.group_id = ?`
		args = append(args, q.GroupID)
	}
	if q.State != "" {
		where += ` AND COALESCE(i.state, 'proposed') = ?`
		args = append(args, string(q.State))
	}
	order := `s.id DESC`
	switch q.Sort {
	case ideas.ByVotes:
		order = `s.favourites_count DESC, s.id DESC`
	case ideas.ByStatus:
		order = ideaStateOrder + `, s.id DESC`
	default:
		if q.MaxID != "" {
			where += ` AND s.id < ?`
			args = append(args, q.MaxID)
		}
	}
	args = append(args, limitOr(q.Limit))
	return s.statuses(ctx, "storage.ListIdeas", `SELECT `+statusCols+` FROM statuses s
		LEFT JOIN ideas i ON i.status_id = s.id WHERE `+where+` ORDER BY `+order+` LIMIT ?`, args...)
}

// IdeaStateCounts counts live ideas that are not direct messages by state, in a group or everywhere.
func (s *Store) IdeaStateCounts(ctx context.Context, groupID string) (map[ideas.State]int, error) {
	q := `SELECT COALESCE(i.state, 'proposed') AS state, COUNT(*) AS n FROM statuses s
		LEFT JOIN ideas i ON i.status_id = s.id
		WHERE s.kind = 'idea' AND s.deleted_at IS NULL AND s.reblog_of_id IS NULL AND s.visibility <> 'direct'`
	var args []any
	if groupID != "" {
		q += ` AND s.group_id = ?`
		args = append(args, groupID)
	}
	var rows []struct {
		State string `db:"state"`
		N     int    `db:"n"`
	}
	if err := s.sel(ctx, &rows, q+` GROUP BY COALESCE(i.state, 'proposed')`, args...); err != nil {
		return nil, mapErr("storage.IdeaStateCounts", err)
	}
	out := make(map[ideas.State]int, len(rows))
	for _, r := range rows {
		out[ideas.State(r.State)] = r.N
	}
	return out, nil
}

// SetStatusKind marks a stored status as a post, question or idea.
func (s *Store) SetStatusKind(ctx context.Context, statusID string, kind activitypub.StatusKind) error {
	n, err := s.execN(ctx, `UPDATE statuses SET kind = ? WHERE id = ?`, string(kind), statusID)
	if err != nil {
		return mapErr("storage.SetStatusKind", err)
	}
	if n == 0 {
		return activitypub.E("storage.SetStatusKind", activitypub.NotFound, "status not found")
	}
	return nil
}

var _ ideas.Store = (*Store)(nil)
