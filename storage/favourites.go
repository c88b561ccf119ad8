package storage

import (
	"context"

	"github.com/guildhall/guildhall/activitypub"
)

type favouriteRow struct {
	ID        string  `db:"id"`
	URI       *string `db:"uri"`
	ActorID   string  `db:"actor_id"`
	StatusID  string  `db:"status_id"`
	CreatedAt int64   `db:"created_at"`
}

const favouriteCols = `id, uri, actor_id, status_id, created_at`

func (r *favouriteRow) favourite() *activitypub.Favourite {
	return &activitypub.Favourite{ID: r.ID, URI: strOf(r.URI), ActorID: r.ActorID, StatusID: r.StatusID,
		CreatedAt: fromMS(r.CreatedAt)}
}

// CreateFavourite records a like; liking twice is a Conflict.
func (s *Store) CreateFavourite(ctx context.Context, f *activitypub.Favourite) error {
	_, err := s.named(ctx, `INSERT INTO favourites (`+favouriteCols+`) VALUES (:id, :uri, :actor_id,
		:status_id, :created_at)`, &favouriteRow{ID: f.ID, URI: nullStr(f.URI), ActorID: f.ActorID,
		StatusID: f.StatusID, CreatedAt: ms(f.CreatedAt)})
	return mapErr("storage.CreateFavourite", err)
}

func (s *Store) favouriteWhere(ctx context.Context, op, where string, args ...any) (*activitypub.Favourite, error) {
	var r favouriteRow
	if err := s.get(ctx, &r, `SELECT `+favouriteCols+` FROM favourites WHERE `+where, args...); err != nil {
		return nil, mapErr(op, err, "favourite")
	}
	return r.favourite(), nil
}

// FavouriteBetween finds actorID's like of statusID.
func (s *Store) FavouriteBetween(ctx context.Context, actorID, statusID string) (*activitypub.Favourite, error) {
	return s.favouriteWhere(ctx, "storage.FavouriteBetween", `actor_id = ? AND status_id = ?`, actorID, statusID)
}

// FavouriteByURI finds a like by its Like activity id.
func (s *Store) FavouriteByURI(ctx context.Context, uri string) (*activitypub.Favourite, error) {
	if uri == "" {
		return nil, notFound("storage.FavouriteByURI", "favourite")
	}
	return s.favouriteWhere(ctx, "storage.FavouriteByURI", `uri = ?`, uri)
}

// DeleteFavourite removes a like; NotFound when there is none.
func (s *Store) DeleteFavourite(ctx context.Context, id string) error {
	const op = "storage.DeleteFavourite"
	n, err := s.execN(ctx, `DELETE FROM favourites WHERE id = ?`, id)
	if err != nil {
		return mapErr(op, err)
	}
	if n == 0 {
		return notFound(op, "favourite")
	}
	return nil
}

func (s *Store) favouritePage(ctx context.Context, op, where, arg string, p activitypub.Page) ([]*activitypub.Favourite, error) {
	k := pageBy("id", p)
	var rows []favouriteRow
	if err := s.sel(ctx, &rows, `SELECT `+favouriteCols+` FROM favourites WHERE `+where+k.cond+k.tail,
		append([]any{arg}, k.args...)...); err != nil {
		return nil, mapErr(op, err)
	}
	rows = order(k, rows)
	out := make([]*activitypub.Favourite, len(rows))
	for i := range rows {
		out[i] = rows[i].favourite()
	}
	return out, nil
}

// Favourites lists the likes an actor made, newest first, paged by favourite id.
func (s *Store) Favourites(ctx context.Context, actorID string, p activitypub.Page) ([]*activitypub.Favourite, error) {
	return s.favouritePage(ctx, "storage.Favourites", `actor_id = ?`, actorID, p)
}

// FavouritedBy lists the likes of a status, newest first, paged by favourite id.
func (s *Store) FavouritedBy(ctx context.Context, statusID string, p activitypub.Page) ([]*activitypub.Favourite, error) {
	return s.favouritePage(ctx, "storage.FavouritedBy", `status_id = ?`, statusID, p)
}

// RebloggedBy lists the live boosts of a status, newest first, paged by the boost's id.
func (s *Store) RebloggedBy(ctx context.Context, statusID string, p activitypub.Page) ([]*activitypub.Status, error) {
	k := pageBy("s.id", p)
	list, err := s.statuses(ctx, "storage.RebloggedBy", `SELECT `+statusCols+` FROM statuses s
		WHERE s.reblog_of_id = ? AND s.deleted_at IS NULL`+k.cond+k.tail, append([]any{statusID}, k.args...)...)
	return order(k, list), err
}
