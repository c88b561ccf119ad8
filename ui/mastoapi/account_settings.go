package mastoapi

import (
	"context"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/preferences"
)

// accountSettings are acct's settings, the defaults when the server runs without the store.
func (h *Handler) accountSettings(ctx context.Context, acct *activitypub.Account) (preferences.AccountSettings, error) {
	if h.opts.Settings == nil {
		return preferences.DefaultSettings(), nil
	}
	return h.opts.Settings.Get(ctx, acct.Actor.ID)
}

// mastodonPrivacy is the default visibility as Mastodon apps know it. They only know four
// values and send back the one they are given, so an internal ("local") default is reported as
// "private", the closest one that keeps posts out of public timelines; a post sent with no
// visibility at all still gets the internal default (see defaultVisibility).
func mastodonPrivacy(v activitypub.Visibility) string {
	switch v {
	case "":
		return string(activitypub.Public)
	case activitypub.LocalOnly:
		return string(activitypub.Private)
	}
	return string(v)
}

// defaultVisibility is what a status created without a visibility gets.
func (h *Handler) defaultVisibility(ctx context.Context, acct *activitypub.Account) (activitypub.Visibility, error) {
	s, err := h.accountSettings(ctx, acct)
	return s.DefaultVisibility, err
}

// checkPrivacy refuses a bad source[privacy] before update_credentials changes anything.
func checkPrivacy(c *call) error {
	if c.p.has("source[privacy]") && !activitypub.Visibility(c.p.str("source[privacy]")).Valid() {
		return errStatus(422, "Validation failed: source[privacy] must be one of public, unlisted, private, direct, local")
	}
	return nil
}

// savePrivacy stores update_credentials' source[privacy] when it is sent.
func (h *Handler) savePrivacy(ctx context.Context, c *call) error {
	if !c.p.has("source[privacy]") {
		return nil
	}
	if h.opts.Settings == nil {
		return errStatus(422, "Default visibility is not supported on this server")
	}
	v := activitypub.Visibility(c.p.str("source[privacy]"))
	_, err := h.opts.Settings.Save(ctx, c.account, preferences.SettingsInput{DefaultVisibility: &v})
	return err
}
