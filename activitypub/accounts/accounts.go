// Package accounts is the domain area of who gets in and how they sign in: set-up of the first
// owner, password sign-in, browser sessions, OAuth applications and tokens, registration modes
// and invites, email confirmation and password reset, two-factor sign-in, single sign-on,
// roles, leavers (suspension and deletion) and the export and import of a person's follows.
//
// It builds on the kernel (package activitypub): accounts, actors and users are the kernel's,
// as are the permission table (Authorize) and the append-only audit log every area writes to.
// This area keeps its own store interface (Store) and is built once by the server.
package accounts

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"unicode/utf8"

	"github.com/guildhall/guildhall/activitypub"
)

// Store is what the accounts area needs from storage; storage.Store satisfies it.
type Store interface {
	activitypub.ActorStore
	activitypub.UserStore
	activitypub.FollowStore
	activitypub.SessionStore
	activitypub.SettingStore
	activitypub.RateLimitStore
	activitypub.OAuthStore
	GovernanceStore
}

// Accounts holds the use cases of signing in and of governing who has an account.
type Accounts struct {
	svc       *activitypub.Service
	store     Store
	passwords activitypub.PasswordHasher
	log       *slog.Logger
	gov       governance // registration, mail, two-factor, single sign-on (governance.go)
	dummyOnce sync.Once
	dummy     string
}

// New returns the accounts use cases over the kernel service and store. It adds the kernel's
// staff check that staff have a second factor when the instance requires one, so every area's
// staff actions honour it.
func New(svc *activitypub.Service, store Store, log *slog.Logger) (*Accounts, error) {
	if svc == nil || store == nil {
		return nil, activitypub.E("accounts.New", activitypub.Invalid, "service and store are required")
	}
	if log == nil {
		log = slog.Default()
	}
	s := &Accounts{svc: svc, store: store, passwords: svc.Passwords(), log: log}
	svc.AddStaffCheck(s.staffCheck)
	return s, nil
}

// staffCheck refuses a staff member who must enrol a second factor first.
func (s *Accounts) staffCheck(ctx context.Context, by *activitypub.User) error {
	need, err := s.staffNeedsTOTP(ctx, by)
	if err != nil {
		return err
	}
	if need {
		return activitypub.E("accounts.staffCheck", activitypub.Forbidden, "this instance requires two-factor authentication for staff: set it up first")
	}
	return nil
}

// truncateRunes cuts s to at most n runes.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

func containsString(list []string, v string) bool { return slices.Contains(list, v) }

// dedupe drops repeated ids, keeping the first of each in order.
func dedupe(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := ids[:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
