package storage

import (
	"context"
	"strings"
	"time"

	"github.com/guildhall/guildhall/activitypub"
)

// SetExpertise replaces an actor's directory row and skills; an empty Expertise removes them.
func (s *Store) SetExpertise(ctx context.Context, actorID string, e activitypub.Expertise, search string, at time.Time) error {
	const op = "storage.SetExpertise"
	return s.InTx(ctx, func(ctx context.Context) error {
		if _, err := s.exec(ctx, `DELETE FROM actor_skills WHERE actor_id = ?`, actorID); err != nil {
			return mapErr(op, err)
		}
		if e.Empty() {
			_, err := s.exec(ctx, `DELETE FROM actor_expertise WHERE actor_id = ?`, actorID)
			return mapErr(op, err)
		}
		if _, err := s.exec(ctx, `INSERT INTO actor_expertise (actor_id, role, team, skills, search, updated_at)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (actor_id) DO UPDATE SET role = excluded.role, team = excluded.team,
				skills = excluded.skills, search = excluded.search, updated_at = excluded.updated_at`,
			actorID, e.Role, e.Team, strings.Join(e.Skills, "\n"), search, ms(at)); err != nil {
			return mapErr(op, err)
		}
		for _, skill := range e.Skills {
			if _, err := s.exec(ctx, `INSERT INTO actor_skills (actor_id, skill) VALUES (?, ?)
				ON CONFLICT (actor_id, skill) DO NOTHING`, actorID, strings.ToLower(skill)); err != nil {
				return mapErr(op, err)
			}
		}
		return nil
	})
}

// likeEscaper escapes LIKE's wildcards (with \ as the escape character).
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// Directory lists discoverable, not deleted, not suspended people with expertise: local people
// first, then by handle. Skill is matched through actor_skills' index, Q as a substring of the
// lower-cased search text.
func (s *Store) Directory(ctx context.Context, q activitypub.DirectoryQuery) ([]activitypub.DirectoryRow, error) {
	query := `SELECT e.actor_id, e.role, e.team, e.skills FROM actor_expertise e JOIN actors a ON a.id = e.actor_id
		WHERE a.discoverable = ? AND a.kind = 'Person' AND a.deleted_at IS NULL AND a.suspended_at IS NULL`
	args := []any{true}
	if q.Skill != "" {
		query += ` AND e.actor_id IN (SELECT actor_id FROM actor_skills WHERE skill = ?)`
		args = append(args, strings.ToLower(q.Skill))
	}
	if q.Q != "" {
		query += ` AND e.search LIKE ? ESCAPE '\'`
		args = append(args, "%"+likeEscaper.Replace(strings.ToLower(q.Q))+"%")
	}
	switch q.Scope {
	case "local":
		query += ` AND a.domain = ''`
	case "remote":
		query += ` AND a.domain <> ''`
	}
	query += ` ORDER BY CASE WHEN a.domain = '' THEN 0 ELSE 1 END, a.username, a.domain, a.id LIMIT ? OFFSET ?`
	args = append(args, q.Limit, q.Offset)
	var rows []struct {
		ActorID string `db:"actor_id"`
		Role    string `db:"role"`
		Team    string `db:"team"`
		Skills  string `db:"skills"`
	}
	if err := s.sel(ctx, &rows, query, args...); err != nil {
		return nil, mapErr("storage.Directory", err)
	}
	out := make([]activitypub.DirectoryRow, len(rows))
	for i, r := range rows {
		out[i] = activitypub.DirectoryRow{ActorID: r.ActorID, Expertise: activitypub.Expertise{Role: r.Role, Team: r.Team}}
		if r.Skills != "" {
			out[i].Expertise.Skills = strings.Split(r.Skills, "\n")
		}
	}
	return out, nil
}
