package activitypub

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"unicode/utf8"
)

var usernamePattern = regexp.MustCompile(`^[A-Za-z0-9_]{1,30}$`)

// reservedUsernames would clash with routes or mislead people.
var reservedUsernames = map[string]bool{
	"admin": false, // allowed: councils often want it
	"actor": true, "inbox": true, "outbox": true, "users": true, "api": true, "oauth": true,
	"setup": true, "login": true, "logout": true, "settings": true, "about": true, "tags": true,
	"groups": true, "nodeinfo": true, "well_known": true, "static": true, "instance": true,
	"root": true, "postmaster": true, "webmaster": true, "support": true, "security": true,
}

// MinPasswordLength is the shortest password accepted; length beats composition rules (NCSC).
const MinPasswordLength = 10

// NewUser is what it takes to create a local account.
type NewUser struct {
	Username    string
	Email       string
	Password    string
	DisplayName string
	Admin       bool
	// Registration is the new account's governance state; its Role wins over Admin when set.
	Registration Registration
}

// ValidateUsername says what is wrong with a proposed local username, or nil.
func ValidateUsername(username string) error {
	const op = "activitypub.ValidateUsername"
	if !usernamePattern.MatchString(username) {
		return E(op, Invalid, "username must be 1 to 30 letters, digits or underscores")
	}
	if reservedUsernames[strings.ToLower(username)] {
		return E(op, Invalid, "username is reserved")
	}
	return nil
}

// Validate checks a new user's username, email and password before anything is stored.
func (n NewUser) Validate() error {
	const op = "activitypub.NewUser"
	if err := ValidateUsername(n.Username); err != nil {
		return err
	}
	addr, err := mail.ParseAddress(n.Email)
	if err != nil || addr.Address != strings.TrimSpace(n.Email) || !strings.Contains(addr.Address, "@") {
		return E(op, Invalid, "email address is not valid")
	}
	if utf8.RuneCountInString(n.Password) < MinPasswordLength {
		return E(op, Invalid, fmt.Sprintf("password must be at least %d characters", MinPasswordLength))
	}
	if len(n.Password) > 1024 {
		return E(op, Invalid, "password is too long")
	}
	if utf8.RuneCountInString(n.DisplayName) > 100 {
		return E(op, Invalid, "display name must be at most 100 characters")
	}
	return nil
}

// CreateLocalUser creates a staff account: its actor with a fresh key pair and its user row, in one
// transaction, so a failure leaves no half-created account behind.
func (s *Service) CreateLocalUser(ctx context.Context, n NewUser) (*Account, error) {
	const op = "activitypub.CreateLocalUser"
	if err := n.Validate(); err != nil {
		return nil, Wrap(op, err)
	}
	if s.passwords == nil {
		return nil, E(op, Other, "no password hasher configured")
	}
	hash, err := s.passwords.Hash(n.Password)
	if err != nil {
		return nil, Wrap(op, err)
	}
	actor, keyPEM, err := s.newLocalActor(KindPerson, n.Username, n.DisplayName)
	if err != nil {
		return nil, Wrap(op, err)
	}
	user := &User{
		ActorID: actor.ID, Email: strings.TrimSpace(n.Email), PasswordHash: hash,
		Admin: n.Admin, CreatedAt: actor.CreatedAt, Registration: n.Registration,
	}
	if !user.Role.Valid() {
		user.Role = map[bool]Role{true: RoleAdmin, false: RoleMember}[n.Admin]
	}
	user.Admin = user.Role.Admin()
	err = s.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateActor(ctx, actor); err != nil {
			return err
		}
		if err := s.store.SetPrivateKey(ctx, actor.ID, keyPEM); err != nil {
			return err
		}
		return s.store.CreateUser(ctx, user)
	})
	if err != nil {
		return nil, Wrap(op, err)
	}
	s.log.InfoContext(ctx, "account created", "username", actor.Username, "admin", n.Admin)
	return &Account{User: *user, Actor: *actor}, nil
}

// newLocalActor builds (but does not store) a local actor with its key pair.
func (s *Service) newLocalActor(kind ActorKind, username, displayName string) (*Actor, string, error) {
	key, err := s.newKey()
	if err != nil {
		return nil, "", fmt.Errorf("generate key: %w", err)
	}
	pubDER, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, "", fmt.Errorf("encode public key: %w", err)
	}
	now := s.Now()
	uri := s.ActorURI(username)
	if kind == KindApplication {
		uri = s.InstanceActorURI()
	}
	a := &Actor{
		ID: s.NewID(), URI: uri, Kind: kind, Username: username, DisplayName: displayName,
		URL: s.ProfileURL(username), Inbox: uri + "/inbox", Outbox: uri + "/outbox",
		SharedInbox: s.SharedInbox(), FollowersURI: uri + "/followers", FollowingURI: uri + "/following",
		FeaturedURI: uri + "/collections/featured", PublicKeyID: uri + "#main-key",
		PublicKeyPEM: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})),
		Discoverable: kind != KindApplication, Indexable: kind != KindApplication,
		CreatedAt: now, UpdatedAt: now,
	}
	if kind == KindApplication {
		a.URL = s.BaseURL() + "/about"
		a.ManuallyApproves = true
	}
	privPEM := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	return a, privPEM, nil
}

// EnsureInstanceActor creates the server's own actor on first start and returns it. It refuses to
// run a database under another host than the one it was created for: every id stored in it, and
// every follower elsewhere, names that host.
func (s *Service) EnsureInstanceActor(ctx context.Context) (*Actor, error) {
	const op = "activitypub.EnsureInstanceActor"
	base, err := s.store.Setting(ctx, "base_url")
	switch {
	case IsNotFound(err):
		if err := s.store.SetSetting(ctx, "base_url", s.BaseURL()); err != nil {
			return nil, Wrap(op, err)
		}
	case err != nil:
		return nil, Wrap(op, err)
	case base != s.BaseURL():
		return nil, E(op, Invalid, fmt.Sprintf("this database belongs to the instance at %s, not %s: the scheme and host are part of every ActivityPub id and cannot change (check --host and --insecure-http)", base, s.BaseURL()))
	}
	a, err := s.store.ActorByURI(ctx, s.InstanceActorURI())
	if err == nil {
		return a, nil
	}
	if !IsNotFound(err) {
		return nil, Wrap(op, err)
	}
	a, keyPEM, err := s.newLocalActor(KindApplication, s.Domain(), s.Domain())
	if err != nil {
		return nil, Wrap(op, err)
	}
	err = s.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateActor(ctx, a); err != nil {
			return err
		}
		return s.store.SetPrivateKey(ctx, a.ID, keyPEM)
	})
	if KindOf(err) == Conflict { // another process made it first
		return s.store.ActorByURI(ctx, s.InstanceActorURI())
	}
	if err != nil {
		return nil, Wrap(op, err)
	}
	return a, nil
}

// PrivateKey returns the signing key of a local actor.
func (s *Service) PrivateKey(ctx context.Context, actorID string) (*rsa.PrivateKey, error) {
	const op = "activitypub.PrivateKey"
	p, err := s.store.PrivateKey(ctx, actorID)
	if err != nil {
		return nil, Wrap(op, err)
	}
	block, _ := pem.Decode([]byte(p))
	if block == nil {
		return nil, E(op, Other, "stored private key is not PEM")
	}
	key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		return nil, Wrap(op, err)
	}
	return key, nil
}

// AccountByUsername returns a local account.
func (s *Service) AccountByUsername(ctx context.Context, username string) (*Account, error) {
	const op = "activitypub.AccountByUsername"
	a, err := s.store.ActorByUsername(ctx, username, "")
	if err != nil {
		return nil, Wrap(op, err)
	}
	return s.accountForActor(ctx, op, a)
}

// AccountByActorID returns the local account of an actor.
func (s *Service) AccountByActorID(ctx context.Context, actorID string) (*Account, error) {
	const op = "activitypub.AccountByActorID"
	a, err := s.store.ActorByID(ctx, actorID)
	if err != nil {
		return nil, Wrap(op, err)
	}
	return s.accountForActor(ctx, op, a)
}

func (s *Service) accountForActor(ctx context.Context, op string, a *Actor) (*Account, error) {
	u, err := s.store.UserByActorID(ctx, a.ID)
	if err != nil {
		return nil, Wrap(op, err)
	}
	return &Account{User: *u, Actor: *a}, nil
}
