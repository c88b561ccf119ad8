package storage

import (
	"context"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/preferences"
)

type filterRow struct {
	ID        string `db:"id"`
	UserID    string `db:"user_id"`
	Title     string `db:"title"`
	Contexts  string `db:"contexts"` // JSON list
	Action    string `db:"action"`
	ExpiresAt *int64 `db:"expires_at"`
	CreatedAt int64  `db:"created_at"`
}

const filterCols = `id, user_id, title, contexts, action, expires_at, created_at`

type filterKeywordRow struct {
	ID        string `db:"id"`
	FilterID  string `db:"filter_id"`
	Keyword   string `db:"keyword"`
	WholeWord bool   `db:"whole_word"`
}

const filterKeywordCols = `id, filter_id, keyword, whole_word`

func (r *filterKeywordRow) keyword() activitypub.FilterKeyword {
	return activitypub.FilterKeyword{ID: r.ID, FilterID: r.FilterID, Keyword: r.Keyword, WholeWord: r.WholeWord}
}

func filterToRow(f *activitypub.Filter) *filterRow {
	return &filterRow{ID: f.ID, UserID: f.UserID, Title: f.Title, Contexts: strList(anyStrings(f.Contexts)),
		Action: string(f.Action), ExpiresAt: msPtr(f.ExpiresAt), CreatedAt: ms(f.CreatedAt)}
}

func anyStrings[T ~string](v []T) []string {
	out := make([]string, len(v))
	for i, s := range v {
		out[i] = string(s)
	}
	return out
}

// CreateFilter writes a filter row; keywords are added with CreateFilterKeyword.
func (s *Store) CreateFilter(ctx context.Context, f *activitypub.Filter) error {
	_, err := s.named(ctx, `INSERT INTO filters (`+filterCols+`) VALUES (:id, :user_id, :title,
		:contexts, :action, :expires_at, :created_at)`, filterToRow(f))
	return mapErr("storage.CreateFilter", err)
}

// UpdateFilter rewrites a filter's title, contexts, action and expiry.
func (s *Store) UpdateFilter(ctx context.Context, f *activitypub.Filter) error {
	const op = "storage.UpdateFilter"
	res, err := s.named(ctx, `UPDATE filters SET title = :title, contexts = :contexts, action = :action,
		expires_at = :expires_at WHERE id = :id`, filterToRow(f))
	if err != nil {
		return mapErr(op, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return mapErr(op, err)
	} else if n == 0 {
		return notFound(op, "filter")
	}
	return nil
}

// DeleteFilter removes a filter; its keywords go with it (ON DELETE CASCADE).
func (s *Store) DeleteFilter(ctx context.Context, id string) error {
	const op = "storage.DeleteFilter"
	n, err := s.execN(ctx, `DELETE FROM filters WHERE id = ?`, id)
	if err != nil {
		return mapErr(op, err)
	}
	if n == 0 {
		return notFound(op, "filter")
	}
	return nil
}

// FilterByID finds a filter with its keywords.
func (s *Store) FilterByID(ctx context.Context, id string) (*activitypub.Filter, error) {
	const op = "storage.FilterByID"
	fs, err := s.filters(ctx, op, `SELECT `+filterCols+` FROM filters WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(fs) == 0 {
		return nil, notFound(op, "filter")
	}
	return fs[0], nil
}

// Filters returns a user's filters with their keywords, oldest first.
func (s *Store) Filters(ctx context.Context, userID string) ([]*activitypub.Filter, error) {
	return s.filters(ctx, "storage.Filters", `SELECT `+filterCols+` FROM filters WHERE user_id = ? ORDER BY id`, userID)
}

// filters loads filter rows, then all their keywords in one query.
func (s *Store) filters(ctx context.Context, op, query string, args ...any) ([]*activitypub.Filter, error) {
	var rows []filterRow
	if err := s.sel(ctx, &rows, query, args...); err != nil {
		return nil, mapErr(op, err)
	}
	out := make([]*activitypub.Filter, len(rows))
	byID := make(map[string]*activitypub.Filter, len(rows))
	ids := make([]string, len(rows))
	for i, r := range rows {
		cs, err := parseStrList(r.Contexts)
		if err != nil {
			return nil, mapErr(op, err)
		}
		f := &activitypub.Filter{ID: r.ID, UserID: r.UserID, Title: r.Title, Action: activitypub.FilterAction(r.Action),
			ExpiresAt: fromMSPtr(r.ExpiresAt), CreatedAt: fromMS(r.CreatedAt), Keywords: []activitypub.FilterKeyword{}}
		for _, c := range cs {
			f.Contexts = append(f.Contexts, activitypub.FilterContext(c))
		}
		out[i], byID[r.ID], ids[i] = f, f, r.ID
	}
	if len(ids) == 0 {
		return out, nil
	}
	var kws []filterKeywordRow
	if err := s.sel(ctx, &kws, `SELECT `+filterKeywordCols+` FROM filter_keywords
		WHERE filter_id IN (`+inList(len(ids))+`) ORDER BY id`, anys(ids)...); err != nil {
		return nil, mapErr(op, err)
	}
	for i := range kws {
		f := byID[kws[i].FilterID]
		f.Keywords = append(f.Keywords, kws[i].keyword())
	}
	return out, nil
}

// CreateFilterKeyword adds a keyword to a filter.
func (s *Store) CreateFilterKeyword(ctx context.Context, k *activitypub.FilterKeyword) error {
	_, err := s.named(ctx, `INSERT INTO filter_keywords (`+filterKeywordCols+`)
		VALUES (:id, :filter_id, :keyword, :whole_word)`, &filterKeywordRow{ID: k.ID, FilterID: k.FilterID,
		Keyword: k.Keyword, WholeWord: k.WholeWord})
	return mapErr("storage.CreateFilterKeyword", err)
}

// UpdateFilterKeyword rewrites a keyword's text and whole-word flag.
func (s *Store) UpdateFilterKeyword(ctx context.Context, k *activitypub.FilterKeyword) error {
	const op = "storage.UpdateFilterKeyword"
	n, err := s.execN(ctx, `UPDATE filter_keywords SET keyword = ?, whole_word = ? WHERE id = ?`,
		k.Keyword, k.WholeWord, k.ID)
	if err != nil {
		return mapErr(op, err)
	}
	if n == 0 {
		return notFound(op, "filter keyword")
	}
	return nil
}

// DeleteFilterKeyword removes a keyword.
func (s *Store) DeleteFilterKeyword(ctx context.Context, id string) error {
	const op = "storage.DeleteFilterKeyword"
	n, err := s.execN(ctx, `DELETE FROM filter_keywords WHERE id = ?`, id)
	if err != nil {
		return mapErr(op, err)
	}
	if n == 0 {
		return notFound(op, "filter keyword")
	}
	return nil
}

// FilterKeywordByID finds a keyword.
func (s *Store) FilterKeywordByID(ctx context.Context, id string) (*activitypub.FilterKeyword, error) {
	var r filterKeywordRow
	if err := s.get(ctx, &r, `SELECT `+filterKeywordCols+` FROM filter_keywords WHERE id = ?`, id); err != nil {
		return nil, mapErr("storage.FilterKeywordByID", err, "filter keyword")
	}
	k := r.keyword()
	return &k, nil
}

var _ preferences.FilterStore = (*Store)(nil)
