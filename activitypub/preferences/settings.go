package preferences

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/guildhall/guildhall/activitypub"
)

// AccountSettings are a local user's own settings that are not part of their federated profile.
type AccountSettings struct {
	// DefaultVisibility is what a new post gets when its author does not choose: the compose
	// form starts on it and a Mastodon app that sends no visibility gets it.
	DefaultVisibility activitypub.Visibility
	// AvatarDescription and HeaderDescription are the alt text of the profile images.
	AvatarDescription string
	HeaderDescription string
	UpdatedAt         time.Time
}

// SettingsStore keeps account settings.
type SettingsStore interface {
	// AccountSettings returns userID's settings, NotFound when none were ever saved.
	AccountSettings(ctx context.Context, userID string) (*AccountSettings, error)
	// SaveAccountSettings creates or replaces userID's settings.
	SaveAccountSettings(ctx context.Context, userID string, s *AccountSettings) error
}

// Settings holds the account-settings use cases.
type Settings struct {
	svc   *activitypub.Service
	store SettingsStore
}

// NewSettings returns the account-settings use cases over store.
func NewSettings(svc *activitypub.Service, store SettingsStore) (*Settings, error) {
	if svc == nil || store == nil {
		return nil, activitypub.E("preferences.NewSettings", activitypub.Invalid, "service and store are required")
	}
	return &Settings{svc: svc, store: store}, nil
}

// DefaultSettings are what a user who never saved settings has.
func DefaultSettings() AccountSettings {
	return AccountSettings{DefaultVisibility: activitypub.Public}
}

// Get returns the settings of a local user (by actor id), the defaults when none were saved.
func (s *Settings) Get(ctx context.Context, userID string) (AccountSettings, error) {
	got, err := s.store.AccountSettings(ctx, userID)
	if activitypub.IsNotFound(err) {
		return DefaultSettings(), nil
	}
	if err != nil {
		return AccountSettings{}, activitypub.Wrap("preferences.Settings", err)
	}
	return *got, nil
}

// SettingsInput changes some settings; nil fields are kept.
type SettingsInput struct {
	DefaultVisibility *activitypub.Visibility
	AvatarDescription *string
	HeaderDescription *string
}

// Save validates and stores the changes in one go: an invalid field changes nothing.
func (s *Settings) Save(ctx context.Context, acct *activitypub.Account, in SettingsInput) (AccountSettings, error) {
	const op = "preferences.SaveSettings"
	cur, err := s.Get(ctx, acct.Actor.ID)
	if err != nil {
		return AccountSettings{}, err
	}
	if v := in.DefaultVisibility; v != nil {
		if !v.Valid() {
			return AccountSettings{}, activitypub.E(op, activitypub.Invalid,
				fmt.Sprintf("visibility %q is not one of public, unlisted, private, direct, local", *v))
		}
		cur.DefaultVisibility = *v
	}
	for _, d := range []struct {
		in   *string
		out  *string
		what string
	}{{in.AvatarDescription, &cur.AvatarDescription, "profile picture"}, {in.HeaderDescription, &cur.HeaderDescription, "header image"}} {
		if d.in == nil {
			continue
		}
		text := strings.TrimSpace(*d.in)
		if utf8.RuneCountInString(text) > activitypub.MaxDescriptionChars {
			return AccountSettings{}, activitypub.E(op, activitypub.Invalid,
				fmt.Sprintf("the description of the %s must be %d characters or fewer", d.what, activitypub.MaxDescriptionChars))
		}
		*d.out = text
	}
	cur.UpdatedAt = s.svc.Now()
	if err := s.store.SaveAccountSettings(ctx, acct.Actor.ID, &cur); err != nil {
		return AccountSettings{}, activitypub.Wrap(op, err)
	}
	return cur, nil
}
