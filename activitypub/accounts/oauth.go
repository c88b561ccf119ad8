package accounts

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/guildhall/guildhall/activitypub"
)

// OOBRedirect is the out-of-band redirect URI: the code is shown to the person instead of sent
// to a callback.
const OOBRedirect = "urn:ietf:wg:oauth:2.0:oob"

// codeLifetime is how long an authorisation code may wait to be exchanged.
const codeLifetime = 10 * time.Minute

// AppInput is a client application registering itself (POST /api/v1/apps).
type AppInput struct {
	Name         string
	Website      string
	RedirectURIs []string
	Scopes       string
}

// RegisterApp registers a client application and returns it with its client secret, which is
// shown this once: only its hash is kept.
func (s *Accounts) RegisterApp(ctx context.Context, in AppInput) (*activitypub.OAuthApp, string, error) {
	const op = "activitypub.RegisterApp"
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		return nil, "", activitypub.E(op, activitypub.Invalid, "Validation failed: Application name can't be blank")
	}
	if utf8.RuneCountInString(in.Name) > 200 {
		return nil, "", activitypub.E(op, activitypub.Invalid, "Validation failed: Application name is too long")
	}
	var uris []string
	for _, raw := range in.RedirectURIs {
		uris = append(uris, strings.Fields(raw)...)
	}
	if len(uris) == 0 {
		return nil, "", activitypub.E(op, activitypub.Invalid, "Validation failed: Redirect URI can't be blank")
	}
	for _, u := range uris {
		if err := validRedirectURI(u); err != nil {
			return nil, "", activitypub.Wrap(op, err)
		}
	}
	scopes, err := ParseScopes(in.Scopes)
	if err != nil {
		return nil, "", activitypub.Wrap(op, err)
	}
	if w := strings.TrimSpace(in.Website); w != "" {
		if u, err := url.Parse(w); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			in.Website = "" // Mastodon ignores a website it cannot use rather than refuse the app
		}
	}
	secret := NewSecret()
	app := &activitypub.OAuthApp{
		ID: s.svc.NewID(), ClientID: NewSecret(), ClientSecretHash: HashSecret(secret), Name: in.Name,
		Website: strings.TrimSpace(in.Website), RedirectURIs: dedupe(uris), Scopes: scopes, CreatedAt: s.svc.Now(),
	}
	if err := s.store.CreateApp(ctx, app); err != nil {
		return nil, "", activitypub.Wrap(op, err)
	}
	return app, secret, nil
}

func validRedirectURI(raw string) error {
	const op = "activitypub.RegisterApp"
	if raw == OOBRedirect {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Fragment != "" || len(raw) > 2000 {
		return activitypub.E(op, activitypub.Invalid, "Validation failed: Redirect URI must be an absolute URI.")
	}
	if (u.Scheme == "http" || u.Scheme == "https") && u.Host == "" {
		return activitypub.E(op, activitypub.Invalid, "Validation failed: Redirect URI must be an absolute URI.")
	}
	if strings.EqualFold(u.Scheme, "javascript") || strings.EqualFold(u.Scheme, "data") {
		return activitypub.E(op, activitypub.Invalid, "Validation failed: Redirect URI is not allowed.")
	}
	return nil
}

// App returns a registered application by client id.
func (s *Accounts) App(ctx context.Context, clientID string) (*activitypub.OAuthApp, error) {
	const op = "activitypub.App"
	if clientID == "" {
		return nil, activitypub.E(op, activitypub.NotFound, "unknown client")
	}
	a, err := s.store.AppByClientID(ctx, clientID)
	return a, activitypub.Wrap(op, err)
}

// AppByID returns the application a token was issued to.
func (s *Accounts) AppByID(ctx context.Context, id string) (*activitypub.OAuthApp, error) {
	a, err := s.store.AppByID(ctx, id)
	return a, activitypub.Wrap("activitypub.AppByID", err)
}

// errInvalidClient is the same for an unknown client and a wrong secret.
var errInvalidClient = activitypub.E("activitypub.OAuth", activitypub.Unauthorized,
	"Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.")

// AuthenticateApp checks a client id and secret.
func (s *Accounts) AuthenticateApp(ctx context.Context, clientID, clientSecret string) (*activitypub.OAuthApp, error) {
	a, err := s.App(ctx, clientID)
	if activitypub.IsNotFound(err) {
		return nil, errInvalidClient
	}
	if err != nil {
		return nil, err
	}
	if !secretMatches(a.ClientSecretHash, clientSecret) {
		return nil, errInvalidClient
	}
	return a, nil
}

// AuthRequest is what a client asks for at the authorisation endpoint.
type AuthRequest struct {
	ClientID            string
	RedirectURI         string
	Scope               string
	CodeChallenge       string
	CodeChallengeMethod string
}

// CheckAuthRequest validates an authorisation request before the person is asked to consent: the
// redirect URI must be one the application registered and the scopes a subset of its scopes.
// A NotFound or Invalid error here must be shown to the person, never redirected, since the
// redirect URI itself may be the thing that is wrong.
func (s *Accounts) CheckAuthRequest(ctx context.Context, r AuthRequest) (*activitypub.OAuthApp, []string, error) {
	const op = "activitypub.CheckAuthRequest"
	app, err := s.App(ctx, r.ClientID)
	if err != nil {
		if activitypub.IsNotFound(err) {
			return nil, nil, activitypub.E(op, activitypub.NotFound, "The client application is not known to this server.")
		}
		return nil, nil, activitypub.Wrap(op, err)
	}
	if !containsString(app.RedirectURIs, r.RedirectURI) {
		return nil, nil, activitypub.E(op, activitypub.Invalid, "The redirect URI included is not valid.")
	}
	scopes := app.Scopes
	if strings.TrimSpace(r.Scope) != "" {
		if scopes, err = ParseScopes(r.Scope); err != nil {
			return nil, nil, activitypub.Wrap(op, err)
		}
		for _, sc := range scopes {
			if !ScopeGranted(app.Scopes, sc) {
				return nil, nil, activitypub.E(op, activitypub.Invalid, "The requested scope is invalid, unknown, or malformed.")
			}
		}
	}
	switch r.CodeChallengeMethod {
	case "":
		if r.CodeChallenge != "" {
			return nil, nil, activitypub.E(op, activitypub.Invalid, "code_challenge_method must be S256")
		}
	case "S256":
		if len(r.CodeChallenge) < 43 || len(r.CodeChallenge) > 128 {
			return nil, nil, activitypub.E(op, activitypub.Invalid, "code_challenge is not valid")
		}
	default:
		return nil, nil, activitypub.E(op, activitypub.Invalid, "code_challenge_method must be S256")
	}
	return app, scopes, nil
}

// CreateAuthCode records the consent of a signed-in person and returns the one-time code.
func (s *Accounts) CreateAuthCode(ctx context.Context, acct *activitypub.Account, r AuthRequest) (string, error) {
	const op = "activitypub.CreateAuthCode"
	app, scopes, err := s.CheckAuthRequest(ctx, r)
	if err != nil {
		return "", activitypub.Wrap(op, err)
	}
	code := NewSecret()
	now := s.svc.Now()
	c := &activitypub.OAuthCode{
		CodeHash: HashSecret(code), AppID: app.ID, UserID: acct.Actor.ID, RedirectURI: r.RedirectURI,
		Scopes: scopes, CodeChallenge: r.CodeChallenge, CodeChallengeMethod: r.CodeChallengeMethod,
		ExpiresAt: now.Add(codeLifetime), CreatedAt: now,
	}
	if err := s.store.CreateCode(ctx, c); err != nil {
		return "", activitypub.Wrap(op, err)
	}
	return code, nil
}

// CodeExchange is a token request with grant_type=authorization_code.
type CodeExchange struct {
	ClientID     string
	ClientSecret string // may be empty when CodeVerifier proves possession (PKCE)
	Code         string
	RedirectURI  string
	CodeVerifier string
}

// errInvalidGrant covers every way a code can be wrong, so the answer does not tell which.
var errInvalidGrant = activitypub.E("activitypub.ExchangeCode", activitypub.Invalid,
	"The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.")

// ExchangeCode turns an authorisation code into an access token. The code is taken (deleted)
// first, so it works once even when the exchange then fails.
func (s *Accounts) ExchangeCode(ctx context.Context, x CodeExchange) (string, *activitypub.OAuthToken, error) {
	const op = "activitypub.ExchangeCode"
	app, err := s.App(ctx, x.ClientID)
	if activitypub.IsNotFound(err) {
		return "", nil, errInvalidClient
	}
	if err != nil {
		return "", nil, activitypub.Wrap(op, err)
	}
	if x.Code == "" {
		return "", nil, errInvalidGrant
	}
	c, err := s.store.TakeCode(ctx, HashSecret(x.Code))
	if activitypub.IsNotFound(err) {
		return "", nil, errInvalidGrant
	}
	if err != nil {
		return "", nil, activitypub.Wrap(op, err)
	}
	if c.AppID != app.ID || s.svc.Now().After(c.ExpiresAt) {
		return "", nil, errInvalidGrant
	}
	if x.RedirectURI != "" && x.RedirectURI != c.RedirectURI {
		return "", nil, errInvalidGrant
	}
	switch {
	case c.CodeChallenge != "":
		// PKCE: the verifier proves this client started the flow; a public client has no secret.
		if !pkceMatches(c.CodeChallenge, x.CodeVerifier) {
			return "", nil, errInvalidGrant
		}
		if x.ClientSecret != "" && !secretMatches(app.ClientSecretHash, x.ClientSecret) {
			return "", nil, errInvalidClient
		}
	case !secretMatches(app.ClientSecretHash, x.ClientSecret):
		return "", nil, errInvalidClient
	}
	secret, t, err := s.IssueToken(ctx, c.UserID, app.ID, c.Scopes)
	return secret, t, activitypub.Wrap(op, err)
}

// pkceMatches checks an S256 code verifier (RFC 7636) against its challenge.
func pkceMatches(challenge, verifier string) bool {
	if len(verifier) < 43 || len(verifier) > 128 {
		return false
	}
	sum := sha256.Sum256([]byte(verifier))
	got := base64.RawURLEncoding.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(got), []byte(challenge)) == 1
}

// ClientToken issues an application token (grant_type=client_credentials), which acts as no one.
func (s *Accounts) ClientToken(ctx context.Context, clientID, clientSecret, scope string) (string, *activitypub.OAuthToken, error) {
	const op = "activitypub.ClientToken"
	app, err := s.AuthenticateApp(ctx, clientID, clientSecret)
	if err != nil {
		return "", nil, err
	}
	scopes := app.Scopes
	if strings.TrimSpace(scope) != "" {
		if scopes, err = ParseScopes(scope); err != nil {
			return "", nil, activitypub.Wrap(op, err)
		}
		if !SubsetOf(scopes, app.Scopes) {
			return "", nil, activitypub.E(op, activitypub.Invalid, "The requested scope is invalid, unknown, or malformed.")
		}
	}
	secret, t, err := s.IssueToken(ctx, "", app.ID, scopes)
	return secret, t, activitypub.Wrap(op, err)
}

// RevokeToken revokes an access token of the application. Unknown tokens, and tokens of other
// applications, are ignored without an error (RFC 7009), so the answer tells nothing.
func (s *Accounts) RevokeToken(ctx context.Context, clientID, clientSecret, token string) error {
	const op = "activitypub.RevokeToken"
	app, err := s.AuthenticateApp(ctx, clientID, clientSecret)
	if err != nil {
		return err
	}
	t, err := s.store.TokenByHash(ctx, HashSecret(token))
	if activitypub.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return activitypub.Wrap(op, err)
	}
	if t.AppID != app.ID || t.RevokedAt != nil {
		return nil
	}
	return activitypub.Wrap(op, s.store.RevokeToken(ctx, t.TokenHash, s.svc.Now()))
}
