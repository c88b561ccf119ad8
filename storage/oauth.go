package storage

import (
	"context"
	"time"

	"github.com/guildhall/guildhall/activitypub"
)

type appRow struct {
	ID               string `db:"id"`
	ClientID         string `db:"client_id"`
	ClientSecretHash string `db:"client_secret_hash"`
	Name             string `db:"name"`
	Website          string `db:"website"`
	RedirectURIs     string `db:"redirect_uris"`
	Scopes           string `db:"scopes"`
	CreatedAt        int64  `db:"created_at"`
}

const appCols = `id, client_id, client_secret_hash, name, website, redirect_uris, scopes, created_at`

func (r *appRow) app() (*activitypub.OAuthApp, error) {
	uris, err := parseStrList(r.RedirectURIs)
	if err != nil {
		return nil, err
	}
	scopes, err := parseStrList(r.Scopes)
	if err != nil {
		return nil, err
	}
	return &activitypub.OAuthApp{ID: r.ID, ClientID: r.ClientID, ClientSecretHash: r.ClientSecretHash,
		Name: r.Name, Website: r.Website, RedirectURIs: uris, Scopes: scopes, CreatedAt: fromMS(r.CreatedAt)}, nil
}

type codeRow struct {
	CodeHash            string `db:"code_hash"`
	AppID               string `db:"app_id"`
	UserID              string `db:"user_id"`
	RedirectURI         string `db:"redirect_uri"`
	Scopes              string `db:"scopes"`
	CodeChallenge       string `db:"code_challenge"`
	CodeChallengeMethod string `db:"code_challenge_method"`
	ExpiresAt           int64  `db:"expires_at"`
	CreatedAt           int64  `db:"created_at"`
}

const codeCols = `code_hash, app_id, user_id, redirect_uri, scopes, code_challenge,
	code_challenge_method, expires_at, created_at`

type tokenRow struct {
	ID         string  `db:"id"`
	TokenHash  string  `db:"token_hash"`
	AppID      *string `db:"app_id"`
	UserID     *string `db:"user_id"`
	Scopes     string  `db:"scopes"`
	CreatedAt  int64   `db:"created_at"`
	RevokedAt  *int64  `db:"revoked_at"`
	LastUsedAt *int64  `db:"last_used_at"`
}

const tokenCols = `id, token_hash, app_id, user_id, scopes, created_at, revoked_at, last_used_at`

// CreateApp registers a client application; a taken client id is a Conflict.
func (s *Store) CreateApp(ctx context.Context, a *activitypub.OAuthApp) error {
	_, err := s.named(ctx, `INSERT INTO oauth_apps (`+appCols+`) VALUES (:id, :client_id,
		:client_secret_hash, :name, :website, :redirect_uris, :scopes, :created_at)`, &appRow{
		ID: a.ID, ClientID: a.ClientID, ClientSecretHash: a.ClientSecretHash, Name: a.Name,
		Website: a.Website, RedirectURIs: strList(a.RedirectURIs), Scopes: strList(a.Scopes),
		CreatedAt: ms(a.CreatedAt)})
	return mapErr("storage.CreateApp", err)
}

func (s *Store) appWhere(ctx context.Context, op, where, arg string) (*activitypub.OAuthApp, error) {
	var r appRow
	if err := s.get(ctx, &r, `SELECT `+appCols+` FROM oauth_apps WHERE `+where, arg); err != nil {
		return nil, mapErr(op, err, "application")
	}
	a, err := r.app()
	return a, mapErr(op, err)
}

// AppByClientID finds an application by its public client id.
func (s *Store) AppByClientID(ctx context.Context, clientID string) (*activitypub.OAuthApp, error) {
	return s.appWhere(ctx, "storage.AppByClientID", `client_id = ?`, clientID)
}

// AppByID finds an application by row id.
func (s *Store) AppByID(ctx context.Context, id string) (*activitypub.OAuthApp, error) {
	return s.appWhere(ctx, "storage.AppByID", `id = ?`, id)
}

// CreateCode stores an authorisation code by its hash.
func (s *Store) CreateCode(ctx context.Context, c *activitypub.OAuthCode) error {
	_, err := s.named(ctx, `INSERT INTO oauth_codes (`+codeCols+`) VALUES (:code_hash, :app_id,
		:user_id, :redirect_uri, :scopes, :code_challenge, :code_challenge_method, :expires_at,
		:created_at)`, &codeRow{CodeHash: c.CodeHash, AppID: c.AppID, UserID: c.UserID,
		RedirectURI: c.RedirectURI, Scopes: strList(c.Scopes), CodeChallenge: c.CodeChallenge,
		CodeChallengeMethod: c.CodeChallengeMethod, ExpiresAt: ms(c.ExpiresAt), CreatedAt: ms(c.CreatedAt)})
	return mapErr("storage.CreateCode", err)
}

// TakeCode deletes and returns a code in one statement, so it can be exchanged once only; the
// caller checks its expiry.
func (s *Store) TakeCode(ctx context.Context, codeHash string) (*activitypub.OAuthCode, error) {
	const op = "storage.TakeCode"
	var r codeRow
	if err := s.getW(ctx, &r, `DELETE FROM oauth_codes WHERE code_hash = ? RETURNING `+codeCols, codeHash); err != nil {
		return nil, mapErr(op, err, "authorisation code")
	}
	scopes, err := parseStrList(r.Scopes)
	if err != nil {
		return nil, mapErr(op, err)
	}
	return &activitypub.OAuthCode{CodeHash: r.CodeHash, AppID: r.AppID, UserID: r.UserID,
		RedirectURI: r.RedirectURI, Scopes: scopes, CodeChallenge: r.CodeChallenge,
		CodeChallengeMethod: r.CodeChallengeMethod, ExpiresAt: fromMS(r.ExpiresAt), CreatedAt: fromMS(r.CreatedAt)}, nil
}

// CreateToken stores an access token by its hash.
func (s *Store) CreateToken(ctx context.Context, t *activitypub.OAuthToken) error {
	_, err := s.named(ctx, `INSERT INTO oauth_tokens (`+tokenCols+`) VALUES (:id, :token_hash,
		:app_id, :user_id, :scopes, :created_at, :revoked_at, :last_used_at)`, &tokenRow{
		ID: t.ID, TokenHash: t.TokenHash, AppID: nullStr(t.AppID), UserID: nullStr(t.UserID),
		Scopes: strList(t.Scopes), CreatedAt: ms(t.CreatedAt), RevokedAt: msPtr(t.RevokedAt),
		LastUsedAt: msPtr(t.LastUsedAt)})
	return mapErr("storage.CreateToken", err)
}

// TokenByHash finds a token, revoked or not: the caller checks RevokedAt.
func (s *Store) TokenByHash(ctx context.Context, tokenHash string) (*activitypub.OAuthToken, error) {
	const op = "storage.TokenByHash"
	var r tokenRow
	if err := s.get(ctx, &r, `SELECT `+tokenCols+` FROM oauth_tokens WHERE token_hash = ?`, tokenHash); err != nil {
		return nil, mapErr(op, err, "token")
	}
	scopes, err := parseStrList(r.Scopes)
	if err != nil {
		return nil, mapErr(op, err)
	}
	return &activitypub.OAuthToken{ID: r.ID, TokenHash: r.TokenHash, AppID: strOf(r.AppID),
		UserID: strOf(r.UserID), Scopes: scopes, CreatedAt: fromMS(r.CreatedAt),
		RevokedAt: fromMSPtr(r.RevokedAt), LastUsedAt: fromMSPtr(r.LastUsedAt)}, nil
}

// RevokeToken revokes a token; the first revocation time is kept. NotFound when there is none.
func (s *Store) RevokeToken(ctx context.Context, tokenHash string, at time.Time) error {
	const op = "storage.RevokeToken"
	n, err := s.execN(ctx, `UPDATE oauth_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE token_hash = ?`,
		ms(at), tokenHash)
	if err != nil {
		return mapErr(op, err)
	}
	if n == 0 {
		return notFound(op, "token")
	}
	// Other processes cache tokens and hold streams opened with them.
	return mapErr(op, s.announce(ctx, TopicToken, tokenHash))
}
