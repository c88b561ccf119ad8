package web

import (
	"fmt"
	"mime/multipart"
	"net/http"
	"unicode/utf8"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/preferences"
)

// accountSettings are the signed-in person's settings, the defaults without a settings store.
func (h *Handler) accountSettings(r *http.Request, actorID string) (preferences.AccountSettings, error) {
	if h.prefs == nil {
		return preferences.DefaultSettings(), nil
	}
	return h.prefs.Get(r.Context(), actorID)
}

// composeDefault starts a compose form that has no visibility yet on the person's default. A
// failure to read the setting only costs the preselection, so it is logged, not shown.
func (h *Handler) composeDefault(r *http.Request, c *composeView) {
	acct := AccountFrom(r.Context())
	if c.Visibility != "" || acct == nil || h.prefs == nil {
		return
	}
	s, err := h.accountSettings(r, acct.Actor.ID)
	if err != nil {
		h.log.WarnContext(r.Context(), "web: default visibility", "err", err)
		return
	}
	if s.DefaultVisibility != activitypub.Public {
		c.Visibility = s.DefaultVisibility
	}
}

// uploadedFile is the non-empty file sent in a multipart field, or nil.
func uploadedFile(r *http.Request, field string) *multipart.FileHeader {
	if r.MultipartForm == nil || len(r.MultipartForm.File[field]) == 0 || r.MultipartForm.File[field][0].Size == 0 {
		return nil
	}
	return r.MultipartForm.File[field][0]
}

// settingsErrors checks the default visibility and the profile images' descriptions: a new
// picture needs a description, as every image on a post does.
func (f profileForm) settingsErrors(r *http.Request) []fieldError {
	var errs []fieldError
	if !f.Prefs {
		return nil
	}
	if f.DefaultVisibility != "" && !f.DefaultVisibility.Valid() {
		errs = append(errs, fieldError{Field: "default_visibility-public", Message: "Choose who sees your posts by default"})
	}
	for _, d := range []struct{ file, field, text, what string }{
		{"avatar", "avatar_description", f.AvatarDescription, "profile picture"},
		{"header", "header_description", f.HeaderDescription, "header image"},
	} {
		switch {
		case utf8.RuneCountInString(d.text) > activitypub.MaxDescriptionChars:
			errs = append(errs, fieldError{Field: d.field, Message: fmt.Sprintf("The description of your %s must be %d characters or fewer", d.what, activitypub.MaxDescriptionChars)})
		case d.text == "" && uploadedFile(r, d.file) != nil:
			errs = append(errs, fieldError{Field: d.field, Message: "Describe your " + d.what + " for people who cannot see it"})
		}
	}
	return errs
}

// saveAccountSettings stores the settings part of the profile form.
func (h *Handler) saveAccountSettings(r *http.Request, acct *activitypub.Account, f profileForm) error {
	if h.prefs == nil {
		return nil
	}
	vis := f.DefaultVisibility
	if vis == "" {
		vis = activitypub.Public
	}
	_, err := h.prefs.Save(r.Context(), acct, preferences.SettingsInput{DefaultVisibility: &vis,
		AvatarDescription: &f.AvatarDescription, HeaderDescription: &f.HeaderDescription})
	return err
}

// settingsField is one field of the settings form for the settings-image and settings-text
// templates.
type settingsField struct {
	V                      view
	ID, Label, Hint, Value string
}

// profileImages fills in a local person's header image and the alt text of both pictures.
func (h *Handler) profileImages(r *http.Request, a *activitypub.Actor, pv *profileView) error {
	if !a.Local() {
		return nil
	}
	set, err := h.accountSettings(r, a.ID)
	if err != nil {
		return err
	}
	if h.ownMedia(a.HeaderURL) {
		pv.Header, pv.HeaderAlt = a.HeaderURL, set.HeaderDescription
	}
	if pv.Person.Avatar != "" {
		pv.AvatarAlt = set.AvatarDescription
	}
	return nil
}
