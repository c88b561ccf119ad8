// Package oidctest runs a real OpenID Connect provider in the test process: zitadel/oidc's op
// package with the in-memory storage and login page of its example server, plus a groups claim
// and people the test controls. Tests drive its login form over HTTP like a browser.
package oidctest

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/crypto"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// Provider is a running OpenID provider.
type Provider struct {
	Issuer string
	store  *store
}

// Start runs a provider until the test ends, with a web client per id → secret, each allowed
// to redirect to redirectURL.
func Start(t testing.TB, redirectURL string, clients map[string]string) *Provider {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	issuer := "http://" + srv.Listener.Addr().String()
	cs := map[string]*storage.Client{}
	for id, secret := range clients {
		cs[id] = storage.WebClient(id, secret, redirectURL)
	}
	us := &users{byID: map[string]*storage.User{}}
	st := &store{Storage: storage.NewStorageWithClients(us, cs), users: us, groups: map[string][]string{}}
	srv.Config.Handler = exampleop.SetupServer(issuer, st, nil, false)
	srv.Start()
	t.Cleanup(srv.Close)
	return &Provider{Issuer: issuer, store: st}
}

// AddUser creates a person at the provider; sub is their stable subject.
func (p *Provider) AddUser(sub, username, password, email string, groups ...string) {
	p.store.users.mu.Lock()
	p.store.users.byID[sub] = &storage.User{ID: sub, Username: username, Password: password, FirstName: username,
		LastName: "Tester", Email: email, EmailVerified: true}
	p.store.users.mu.Unlock()
	p.SetGroups(sub, groups...)
}

// SetGroups replaces a person's groups, as an IdP administrator would.
func (p *Provider) SetGroups(sub string, groups ...string) {
	p.store.mu.Lock()
	p.store.groups[sub] = groups
	p.store.mu.Unlock()
}

type users struct {
	mu   sync.Mutex
	byID map[string]*storage.User
}

func (u *users) GetUserByID(id string) *storage.User {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.byID[id]
}

func (u *users) GetUserByUsername(name string) *storage.User {
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, x := range u.byID {
		if x.Username == name {
			return x
		}
	}
	return nil
}

func (u *users) ExampleClientID() string { return "service" }

// store adds the groups claim to the example storage's ID tokens.
type store struct {
	*storage.Storage
	users  *users
	mu     sync.Mutex
	groups map[string][]string
}

func (s *store) SetUserinfoFromRequest(ctx context.Context, ui *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	if err := s.Storage.SetUserinfoFromRequest(ctx, ui, req, scopes); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ui.AppendClaims("groups", append([]string{}, s.groups[req.GetSubject()]...))
	return nil
}

// GetClientByClientID puts the profile and email claims in the ID token, as Entra ID and
// Google do, rather than only at the userinfo endpoint.
func (s *store) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, err := s.Storage.GetClientByClientID(ctx, id)
	if err != nil {
		return nil, err
	}
	return claimsInIDToken{c}, nil
}

type claimsInIDToken struct{ op.Client }

func (claimsInIDToken) IDTokenUserinfoClaimsAssertion() bool { return true }

// Login plays the browser at the provider: it follows authURL to the login page, signs in as
// username, and follows redirects until one goes to a URL starting with stopAt (the relying
// party's callback), which it returns unvisited. client may carry a cookie jar; its redirect
// policy is replaced for the duration.
func (p *Provider) Login(t testing.TB, client *http.Client, authURL, username, password, stopAt string) *url.URL {
	t.Helper()
	c := *client
	var stopped *url.URL
	c.CheckRedirect = func(req *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), stopAt) {
			stopped = req.URL
			return http.ErrUseLastResponse
		}
		return nil
	}
	res, err := c.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	id := res.Request.URL.Query().Get("authRequestID")
	if res.StatusCode != http.StatusOK || id == "" {
		t.Fatalf("provider login page: %d at %s", res.StatusCode, res.Request.URL)
	}
	res, err = c.PostForm(p.Issuer+"/login/username", url.Values{"username": {username}, "password": {password}, "id": {id}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if stopped == nil {
		t.Fatalf("provider did not redirect back (status %d): %s", res.StatusCode, body)
	}
	return stopped
}

// LogoutToken signs an OpenID Connect Back-Channel Logout token for sub, addressed to aud, with
// the provider's own signing key: what the provider sends when an administrator there signs a
// person out or disables them. mutate, when set, edits the claims first (tests of bad tokens).
func (p *Provider) LogoutToken(t testing.TB, sub, aud string, mutate func(*oidc.LogoutTokenClaims)) string {
	t.Helper()
	key, err := p.store.SigningKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: key.SignatureAlgorithm(),
		Key: jose.JSONWebKey{Key: key.Key(), KeyID: key.ID()}}, (&jose.SignerOptions{}).WithType("logout+jwt"))
	if err != nil {
		t.Fatal(err)
	}
	claims := oidc.NewLogoutTokenClaims(p.Issuer, sub, oidc.Audience{aud}, time.Now().Add(2*time.Minute),
		"jti-"+sub+time.Now().Format(time.RFC3339Nano), "", 0)
	if mutate != nil {
		mutate(claims)
	}
	tok, err := crypto.Sign(claims, signer)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
