package web

import (
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/guildhall/guildhall/activitypub"
)

// profileForm is the profile settings form as typed.
type profileForm struct {
	DisplayName string
	Note        string
	Locked      bool
	Fields      []fieldInput
	Avatar      string // the current avatar, when this instance serves it
	Header      string // the current header image, when this instance serves it
	Images      bool
	// Role, Team and Skills are the expertise the directory lists (published as profile fields
	// of those names); Listed is whether it lists the person at all (discoverable).
	Role, Team, Skills string
	Listed             bool
	// Prefs is true when the settings store is there: default visibility and alt text.
	Prefs             bool
	DefaultVisibility activitypub.Visibility
	AvatarDescription string
	HeaderDescription string
}

// SelectedVisibility reports whether v is the default visibility chosen.
func (f profileForm) SelectedVisibility(v activitypub.Visibility) bool {
	if f.DefaultVisibility == "" {
		return v == activitypub.Public
	}
	return f.DefaultVisibility == v
}

// fieldInput is one profile field row. Suggested names prefill empty rows; role, team and skills
// have boxes of their own.
type fieldInput struct {
	N           int
	Name, Value string
}

var suggestedFields = []string{"Job title", "Pronouns", "Office", ""}

var tagPattern = regexp.MustCompile(`<[^>]*>`)

// plainText turns the domain's sanitised field HTML back into what was typed.
func plainText(s string) string { return html.UnescapeString(tagPattern.ReplaceAllString(s, "")) }

func (h *Handler) currentProfile(r *http.Request, acct *activitypub.Account) (profileForm, error) {
	a := acct.Actor
	f := profileForm{DisplayName: a.DisplayName, Note: a.SummarySource, Locked: a.ManuallyApproves, Images: h.media != nil,
		Prefs: h.prefs != nil, Listed: a.Discoverable}
	if h.ownMedia(a.AvatarURL) {
		f.Avatar = a.AvatarURL
	}
	if h.ownMedia(a.HeaderURL) {
		f.Header = a.HeaderURL
	}
	set, err := h.accountSettings(r, a.ID)
	if err != nil {
		return f, err
	}
	f.DefaultVisibility, f.AvatarDescription, f.HeaderDescription = set.DefaultVisibility, set.AvatarDescription, set.HeaderDescription
	var general []activitypub.Field
	for _, fl := range a.Fields {
		switch activitypub.ReservedField(fl.Name) {
		case activitypub.FieldRole:
			f.Role = plainText(fl.Value)
		case activitypub.FieldTeam:
			f.Team = plainText(fl.Value)
		case activitypub.FieldSkills:
			f.Skills = plainText(fl.Value)
		default:
			general = append(general, fl)
		}
	}
	for i := range activitypub.MaxProfileFields {
		in := fieldInput{N: i + 1}
		if i < len(general) {
			in.Name, in.Value = general[i].Name, plainText(general[i].Value)
		} else if len(general) == 0 && i < len(suggestedFields) {
			in.Name = suggestedFields[i]
		}
		f.Fields = append(f.Fields, in)
	}
	return f, nil
}

func (h *Handler) settingsForm(w http.ResponseWriter, r *http.Request) error {
	acct := AccountFrom(r.Context())
	if acct == nil {
		return redirect(w, r, signInURL(r))
	}
	saved := r.URL.Query().Get("saved") != ""
	pf, err := h.currentProfile(r, acct)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "settings", view{Title: "Your profile", Section: "settings",
		Page: pf, Message: map[bool]string{true: "Your profile has been saved", false: ""}[saved]})
}

// settings saves the profile. Every problem is reported on its field and nothing is saved until
// all of them are fixed.
func (h *Handler) settings(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	acct := AccountFrom(ctx)
	f := r.PostForm
	cur, err := h.currentProfile(r, acct)
	if err != nil {
		return err
	}
	pf := profileForm{DisplayName: strings.TrimSpace(f.Get("display_name")), Note: strings.TrimSpace(f.Get("note")),
		Locked: f.Get("locked") != "", Images: h.media != nil, Avatar: cur.Avatar, Header: cur.Header, Prefs: cur.Prefs,
		DefaultVisibility: activitypub.Visibility(f.Get("default_visibility")),
		AvatarDescription: strings.TrimSpace(f.Get("avatar_description")), HeaderDescription: strings.TrimSpace(f.Get("header_description")),
		Role: strings.TrimSpace(f.Get("role")), Team: strings.TrimSpace(f.Get("team")), Skills: strings.TrimSpace(f.Get("skills")),
		Listed: f.Get("listed") != ""}
	errs := pf.settingsErrors(r)
	if utf8.RuneCountInString(pf.DisplayName) > activitypub.MaxDisplayNameChars {
		errs = append(errs, fieldError{Field: "display_name", Message: fmt.Sprintf("Your name must be %d characters or fewer", activitypub.MaxDisplayNameChars)})
	}
	if utf8.RuneCountInString(pf.Note) > activitypub.MaxNoteChars {
		errs = append(errs, fieldError{Field: "note", Message: fmt.Sprintf("Your bio must be %d characters or fewer", activitypub.MaxNoteChars)})
	}
	fields := []activitypub.Field{}
	for i := range activitypub.MaxProfileFields {
		in := fieldInput{N: i + 1, Name: strings.TrimSpace(f.Get(fmt.Sprintf("field_%d_name", i+1))),
			Value: strings.TrimSpace(f.Get(fmt.Sprintf("field_%d_value", i+1)))}
		pf.Fields = append(pf.Fields, in)
		switch {
		case utf8.RuneCountInString(in.Name) > activitypub.MaxFieldChars || utf8.RuneCountInString(in.Value) > activitypub.MaxFieldChars:
			errs = append(errs, fieldError{Field: fmt.Sprintf("field_%d_value", i+1), Message: fmt.Sprintf("Field %d must be %d characters or fewer", i+1, activitypub.MaxFieldChars)})
		case in.Value != "" && in.Name == "":
			errs = append(errs, fieldError{Field: fmt.Sprintf("field_%d_name", i+1), Message: fmt.Sprintf("Give field %d a label", i+1)})
		case activitypub.ReservedField(in.Name) != "":
			errs = append(errs, fieldError{Field: fmt.Sprintf("field_%d_name", i+1), Message: fmt.Sprintf(
				"%s has its own box under Your expertise: use another label for field %d", activitypub.ReservedField(in.Name), i+1)})
		case in.Value != "":
			fields = append(fields, activitypub.Field{Name: in.Name, Value: in.Value})
		}
	}
	if len(errs) > 0 {
		return h.render(w, r, http.StatusUnprocessableEntity, "settings", view{Title: "Your profile", Section: "settings", Errors: errs, Page: pf})
	}
	errs = append(errs, pf.expertiseErrors()...)
	if len(errs) > 0 {
		return h.render(w, r, http.StatusUnprocessableEntity, "settings", view{Title: "Your profile", Section: "settings", Errors: errs, Page: pf})
	}
	in := activitypub.ProfileInput{DisplayName: &pf.DisplayName, Note: &pf.Note, Locked: &pf.Locked, Fields: &fields,
		Expertise: &activitypub.Expertise{Role: pf.Role, Team: pf.Team, Skills: []string{pf.Skills}}, Discoverable: &pf.Listed}
	for _, img := range []struct {
		field, kind string
		url         **string
	}{{"avatar", activitypub.ProfileAvatar, &in.AvatarURL}, {"header", activitypub.ProfileHeader, &in.HeaderURL}} {
		if ferr, err := h.profileImageUpload(r, acct, img.field, img.kind, img.url); err != nil {
			return err
		} else if ferr != nil {
			return h.render(w, r, http.StatusUnprocessableEntity, "settings", view{Title: "Your profile", Section: "settings", Errors: []fieldError{*ferr}, Page: pf})
		}
	}
	if _, err := h.svc.UpdateProfile(ctx, acct, in); err != nil {
		if activitypub.KindOf(err) == activitypub.Invalid {
			return h.render(w, r, http.StatusUnprocessableEntity, "settings", view{Title: "Your profile", Section: "settings",
				Errors: []fieldError{{Field: "display_name", Message: sentence(activitypub.Message(err))}}, Page: pf})
		}
		return err
	}
	if err := h.saveAccountSettings(r, acct, pf); err != nil {
		return err
	}
	return redirect(w, r, "/settings?saved=1")
}

// profileImageUpload stores a chosen avatar or header and sets *url to it; a file the media
// service refuses is an error on the field.
func (h *Handler) profileImageUpload(r *http.Request, acct *activitypub.Account, field, kind string, url **string) (*fieldError, error) {
	fh := uploadedFile(r, field)
	if h.media == nil || fh == nil {
		return nil, nil
	}
	file, err := fh.Open()
	if err != nil {
		return nil, fmt.Errorf("web: open %s: %w", field, err)
	}
	defer file.Close()
	u, err := h.media.ProfileImage(r.Context(), acct, kind, file)
	if activitypub.KindOf(err) == activitypub.Invalid {
		return &fieldError{Field: field, Message: "The picture could not be used: " + activitypub.Message(err)}, nil
	}
	if err != nil {
		return nil, err
	}
	*url = &u
	return nil, nil
}

// expertiseErrors checks the expertise boxes as the domain will, so each problem is on its box.
func (pf profileForm) expertiseErrors() []fieldError {
	var errs []fieldError
	for _, b := range []struct{ id, label, v string }{{"role", "Your role", pf.Role}, {"team", "Your team", pf.Team}} {
		if utf8.RuneCountInString(b.v) > activitypub.MaxExpertiseChars {
			errs = append(errs, fieldError{Field: b.id, Message: fmt.Sprintf("%s must be %d characters or fewer", b.label, activitypub.MaxExpertiseChars)})
		}
	}
	skills := strings.FieldsFunc(pf.Skills, func(r rune) bool { return r == ',' || r == ';' || r == '\n' })
	for _, s := range skills {
		if utf8.RuneCountInString(strings.TrimSpace(s)) > activitypub.MaxSkillChars {
			return append(errs, fieldError{Field: "skills", Message: fmt.Sprintf("Each skill must be %d characters or fewer", activitypub.MaxSkillChars)})
		}
	}
	if len(skills) > activitypub.MaxSkills {
		errs = append(errs, fieldError{Field: "skills", Message: fmt.Sprintf("List at most %d skills", activitypub.MaxSkills)})
	}
	return errs
}

// expertiseBox is one of the expertise inputs of the settings form.
type expertiseBox struct{ ID, Label, Hint, Value string }

// expertiseBoxes lists the expertise inputs with what was typed.
func expertiseBoxes(pf profileForm) []expertiseBox {
	return []expertiseBox{
		{"role", "Role", "Your job, for example Planning officer", pf.Role},
		{"team", "Team", "", pf.Team},
		{"skills", "Skills", "Separated by commas, for example GIS, planning law, procurement (up to 20)", pf.Skills},
	}
}
