package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/guildhall/guildhall/activitypub"
)

// actorRow is an actors row as scanned; fields is JSON text.
type actorRow struct {
	ID               string `db:"id"`
	URI              string `db:"uri"`
	Kind             string `db:"kind"`
	Username         string `db:"username"`
	Domain           string `db:"domain"`
	DisplayName      string `db:"display_name"`
	Summary          string `db:"summary"`
	SummarySource    string `db:"summary_source"`
	URL              string `db:"url"`
	Inbox            string `db:"inbox"`
	Outbox           string `db:"outbox"`
	SharedInbox      string `db:"shared_inbox"`
	FollowersURI     string `db:"followers_uri"`
	FollowingURI     string `db:"following_uri"`
	FeaturedURI      string `db:"featured_uri"`
	AvatarURL        string `db:"avatar_url"`
	HeaderURL        string `db:"header_url"`
	PublicKeyID      string `db:"public_key_id"`
	PublicKeyPEM     string `db:"public_key_pem"`
	ManuallyApproves bool   `db:"manually_approves"`
	Discoverable     bool   `db:"discoverable"`
	Indexable        bool   `db:"indexable"`
	Bot              bool   `db:"bot"`
	Fields           string `db:"fields"`
	FollowersCount   int    `db:"followers_count"`
	FollowingCount   int    `db:"following_count"`
	StatusesCount    int    `db:"statuses_count"`
	LastStatusAt     *int64 `db:"last_status_at"`
	CreatedAt        int64  `db:"created_at"`
	UpdatedAt        int64  `db:"updated_at"`
	FetchedAt        *int64 `db:"fetched_at"`
	SuspendedAt      *int64 `db:"suspended_at"`
	DeletedAt        *int64 `db:"deleted_at"`
}

const actorCols = `id, uri, kind, username, domain, display_name, summary, summary_source, url, inbox,
	outbox, shared_inbox, followers_uri, following_uri, featured_uri, avatar_url, header_url,
	public_key_id, public_key_pem, manually_approves, discoverable, indexable, bot, fields,
	followers_count, following_count, statuses_count, last_status_at, created_at, updated_at,
	fetched_at, suspended_at, deleted_at`

func actorToRow(a *activitypub.Actor) (*actorRow, error) {
	fields := "[]"
	if len(a.Fields) > 0 {
		var err error
		if fields, err = toJSON(a.Fields); err != nil {
			return nil, err
		}
	}
	return &actorRow{
		ID: a.ID, URI: a.URI, Kind: string(a.Kind), Username: a.Username,
		Domain:      strings.ToLower(a.Domain), // host names are case-insensitive; lookups lower-case too
		DisplayName: a.DisplayName, Summary: a.Summary, SummarySource: a.SummarySource, URL: a.URL,
		Inbox: a.Inbox, Outbox: a.Outbox, SharedInbox: a.SharedInbox, FollowersURI: a.FollowersURI,
		FollowingURI: a.FollowingURI, FeaturedURI: a.FeaturedURI, AvatarURL: a.AvatarURL,
		HeaderURL: a.HeaderURL, PublicKeyID: a.PublicKeyID, PublicKeyPEM: a.PublicKeyPEM,
		ManuallyApproves: a.ManuallyApproves, Discoverable: a.Discoverable, Indexable: a.Indexable,
		Bot: a.Bot, Fields: fields, FollowersCount: a.FollowersCount, FollowingCount: a.FollowingCount,
		StatusesCount: a.StatusesCount, LastStatusAt: msPtr(a.LastStatusAt), CreatedAt: ms(a.CreatedAt),
		UpdatedAt: ms(a.UpdatedAt), FetchedAt: msPtr(a.FetchedAt), SuspendedAt: msPtr(a.SuspendedAt),
		DeletedAt: msPtr(a.DeletedAt),
	}, nil
}

func (r *actorRow) actor() (*activitypub.Actor, error) {
	a := &activitypub.Actor{
		ID: r.ID, URI: r.URI, Kind: activitypub.ActorKind(r.Kind), Username: r.Username, Domain: r.Domain,
		DisplayName: r.DisplayName, Summary: r.Summary, SummarySource: r.SummarySource, URL: r.URL,
		Inbox: r.Inbox, Outbox: r.Outbox, SharedInbox: r.SharedInbox, FollowersURI: r.FollowersURI,
		FollowingURI: r.FollowingURI, FeaturedURI: r.FeaturedURI, AvatarURL: r.AvatarURL,
		HeaderURL: r.HeaderURL, PublicKeyID: r.PublicKeyID, PublicKeyPEM: r.PublicKeyPEM,
		ManuallyApproves: r.ManuallyApproves, Discoverable: r.Discoverable, Indexable: r.Indexable,
		Bot: r.Bot, FollowersCount: r.FollowersCount, FollowingCount: r.FollowingCount,
		StatusesCount: r.StatusesCount, LastStatusAt: fromMSPtr(r.LastStatusAt), CreatedAt: fromMS(r.CreatedAt),
		UpdatedAt: fromMS(r.UpdatedAt), FetchedAt: fromMSPtr(r.FetchedAt), SuspendedAt: fromMSPtr(r.SuspendedAt),
		DeletedAt: fromMSPtr(r.DeletedAt),
	}
	if r.Fields != "" && r.Fields != "[]" {
		if err := json.Unmarshal([]byte(r.Fields), &a.Fields); err != nil {
			return nil, fmt.Errorf("actor %s: decode fields: %w", r.ID, err)
		}
	}
	return a, nil
}

func actorsOf(rows []actorRow) ([]*activitypub.Actor, error) {
	out := make([]*activitypub.Actor, 0, len(rows))
	for i := range rows {
		a, err := rows[i].actor()
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// CreateActor inserts an actor. A taken username (case-insensitively, per domain) or URI is a
// Conflict.
func (s *Store) CreateActor(ctx context.Context, a *activitypub.Actor) error {
	const op = "storage.CreateActor"
	row, err := actorToRow(a)
	if err != nil {
		return mapErr(op, err)
	}
	_, err = s.named(ctx, `INSERT INTO actors (`+actorCols+`) VALUES (:id, :uri, :kind, :username,
		:domain, :display_name, :summary, :summary_source, :url, :inbox, :outbox, :shared_inbox,
		:followers_uri, :following_uri, :featured_uri, :avatar_url, :header_url, :public_key_id,
		:public_key_pem, :manually_approves, :discoverable, :indexable, :bot, :fields,
		:followers_count, :following_count, :statuses_count, :last_status_at, :created_at,
		:updated_at, :fetched_at, :suspended_at, :deleted_at)`, row)
	return mapErr(op, err)
}

// UpdateActor rewrites an actor's row. The counters of local actors are left alone: they change
// only through AdjustActorCounts, so a read-modify-write here cannot undo a concurrent adjustment.
// Remote actors' counters are what their server last said, so they are taken as given.
func (s *Store) UpdateActor(ctx context.Context, a *activitypub.Actor) error {
	const op = "storage.UpdateActor"
	row, err := actorToRow(a)
	if err != nil {
		return mapErr(op, err)
	}
	res, err := s.named(ctx, `UPDATE actors SET uri = :uri, kind = :kind, username = :username,
		domain = :domain, display_name = :display_name, summary = :summary,
		summary_source = :summary_source, url = :url, inbox = :inbox, outbox = :outbox,
		shared_inbox = :shared_inbox, followers_uri = :followers_uri, following_uri = :following_uri,
		featured_uri = :featured_uri, avatar_url = :avatar_url, header_url = :header_url,
		public_key_id = :public_key_id, public_key_pem = :public_key_pem,
		manually_approves = :manually_approves, discoverable = :discoverable,
		indexable = :indexable, bot = :bot, fields = :fields,
		followers_count = CASE WHEN domain = '' THEN followers_count ELSE :followers_count END,
		following_count = CASE WHEN domain = '' THEN following_count ELSE :following_count END,
		statuses_count = CASE WHEN domain = '' THEN statuses_count ELSE :statuses_count END,
		last_status_at = :last_status_at, updated_at = :updated_at, fetched_at = :fetched_at,
		suspended_at = :suspended_at, deleted_at = :deleted_at
		WHERE id = :id`, row)
	if err != nil {
		return mapErr(op, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return mapErr(op, err)
	} else if n == 0 {
		return notFound(op, "actor")
	}
	// Other processes cache what follows from an actor (its keys): tell them.
	return mapErr(op, s.announce(ctx, TopicActor, a.ID))
}

func (s *Store) actorWhere(ctx context.Context, op, where string, args ...any) (*activitypub.Actor, error) {
	var r actorRow
	if err := s.get(ctx, &r, `SELECT `+actorCols+` FROM actors WHERE `+where, args...); err != nil {
		return nil, mapErr(op, err, "actor")
	}
	a, err := r.actor()
	return a, mapErr(op, err)
}

// ActorByID finds an actor by row id.
func (s *Store) ActorByID(ctx context.Context, id string) (*activitypub.Actor, error) {
	return s.actorWhere(ctx, "storage.ActorByID", `id = ?`, id)
}

// ActorByURI finds an actor by its ActivityPub id.
func (s *Store) ActorByURI(ctx context.Context, uri string) (*activitypub.Actor, error) {
	return s.actorWhere(ctx, "storage.ActorByURI", `uri = ?`, uri)
}

// ActorByUsername finds an actor by case-insensitive username and domain ("" for local).
func (s *Store) ActorByUsername(ctx context.Context, username, domain string) (*activitypub.Actor, error) {
	return s.actorWhere(ctx, "storage.ActorByUsername", `lower(username) = lower(?) AND domain = ?`,
		username, strings.ToLower(domain))
}

// ActorByKeyID finds the actor owning a public key, for signature checks.
func (s *Store) ActorByKeyID(ctx context.Context, keyID string) (*activitypub.Actor, error) {
	if keyID == "" {
		return nil, notFound("storage.ActorByKeyID", "actor")
	}
	return s.actorWhere(ctx, "storage.ActorByKeyID", `public_key_id = ? ORDER BY id LIMIT 1`, keyID)
}

// ActorsByIDs loads several actors in one query, in no particular order; unknown ids are skipped.
func (s *Store) ActorsByIDs(ctx context.Context, ids []string) ([]*activitypub.Actor, error) {
	const op = "storage.ActorsByIDs"
	if len(ids) == 0 {
		return nil, nil
	}
	var rows []actorRow
	if err := s.sel(ctx, &rows, `SELECT `+actorCols+` FROM actors WHERE id IN (`+inList(len(ids))+`)`,
		anys(ids)...); err != nil {
		return nil, mapErr(op, err)
	}
	out, err := actorsOf(rows)
	return out, mapErr(op, err)
}

// SearchActors matches username, domain and display name by prefix, local actors first. A query
// of the form user@domain matches both parts. Deleted and suspended actors are left out.
func (s *Store) SearchActors(ctx context.Context, query string, limit int) ([]*activitypub.Actor, error) {
	const op = "storage.SearchActors"
	query = strings.TrimPrefix(strings.TrimSpace(query), "@")
	if query == "" {
		return nil, nil
	}
	var (
		cond string
		args []any
	)
	if user, domain, ok := strings.Cut(query, "@"); ok {
		cond = `lower(username) LIKE ? ESCAPE '\' AND lower(domain) LIKE ? ESCAPE '\'`
		args = []any{likePrefix(user), likePrefix(domain)}
	} else {
		p := likePrefix(query)
		cond = `(lower(username) LIKE ? ESCAPE '\' OR lower(domain) LIKE ? ESCAPE '\'
			OR lower(display_name) LIKE ? ESCAPE '\')`
		args = []any{p, p, p}
	}
	var rows []actorRow
	err := s.sel(ctx, &rows, `SELECT `+actorCols+` FROM actors
		WHERE `+cond+` AND deleted_at IS NULL AND suspended_at IS NULL
		ORDER BY CASE WHEN domain = '' THEN 0 ELSE 1 END, followers_count DESC, lower(username), id
		LIMIT `+fmt.Sprint(limitOr(limit)), args...)
	if err != nil {
		return nil, mapErr(op, err)
	}
	out, err := actorsOf(rows)
	return out, mapErr(op, err)
}

// CountLocalActors counts local actors of a kind that are not deleted; kind "" counts every kind.
func (s *Store) CountLocalActors(ctx context.Context, kind activitypub.ActorKind) (int, error) {
	q, args := `SELECT COUNT(*) FROM actors WHERE domain = '' AND deleted_at IS NULL`, []any{}
	if kind != "" {
		q, args = q+` AND kind = ?`, append(args, string(kind))
	}
	var n int
	err := s.get(ctx, &n, q, args...)
	return n, mapErr("storage.CountLocalActors", err)
}

// AdjustActorCounts adds the deltas to an actor's counters in the database, never below zero, so
// concurrent follows and posts cannot lose an update.
// A rising status count also stamps last_status_at (Mastodon's Account.last_status_at): the count
// only rises when a status is written, in the same transaction.
func (s *Store) AdjustActorCounts(ctx context.Context, id string, followers, following, statuses int) error {
	const op = "storage.AdjustActorCounts"
	n, err := s.execN(ctx, `UPDATE actors SET
		followers_count = CASE WHEN followers_count + ? < 0 THEN 0 ELSE followers_count + ? END,
		following_count = CASE WHEN following_count + ? < 0 THEN 0 ELSE following_count + ? END,
		statuses_count = CASE WHEN statuses_count + ? < 0 THEN 0 ELSE statuses_count + ? END,
		last_status_at = CASE WHEN ? > 0 THEN ? ELSE last_status_at END
		WHERE id = ?`, followers, followers, following, following, statuses, statuses,
		statuses, time.Now().UnixMilli(), id)
	if err != nil {
		return mapErr(op, err)
	}
	if n == 0 {
		return notFound(op, "actor")
	}
	return nil
}

// SetPrivateKey stores (or replaces) the PEM private key of a local actor.
func (s *Store) SetPrivateKey(ctx context.Context, actorID, pem string) error {
	_, err := s.exec(ctx, `INSERT INTO actor_keys (actor_id, private_key_pem) VALUES (?, ?)
		ON CONFLICT (actor_id) DO UPDATE SET private_key_pem = excluded.private_key_pem`, actorID, pem)
	return mapErr("storage.SetPrivateKey", err)
}

// PrivateKey returns the PEM private key of a local actor.
func (s *Store) PrivateKey(ctx context.Context, actorID string) (string, error) {
	var pem string
	err := s.get(ctx, &pem, `SELECT private_key_pem FROM actor_keys WHERE actor_id = ?`, actorID)
	return pem, mapErr("storage.PrivateKey", err, "private key")
}
