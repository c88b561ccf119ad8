package activitypub

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Profile limits, as in Mastodon.
const (
	MaxDisplayNameChars = 100
	MaxNoteChars        = 500
	MaxProfileFields    = 4
	MaxFieldChars       = 255
)

// ProfileInput changes a local profile; nil fields are left as they are.
type ProfileInput struct {
	DisplayName  *string
	Note         *string
	Locked       *bool
	Bot          *bool
	Discoverable *bool
	// Fields replaces the metadata rows when not nil (values are plain text; links are found).
	// Rows named Role, Team or Skills (any case) are expertise, not counted in the limit: they
	// replace the expertise when Expertise is nil, and absent they leave it as it is, so a client
	// that edits only the other rows keeps it.
	Fields *[]Field
	// Expertise replaces role, team and skills when not nil (published as the reserved fields).
	Expertise *Expertise
	// AvatarURL and HeaderURL replace the profile images; MediaService.ProfileImage makes them.
	AvatarURL *string
	HeaderURL *string
}

// UpdateProfile changes a local account's profile and federates an Update of its actor to
// followers, in one transaction.
func (s *Service) UpdateProfile(ctx context.Context, acct *Account, in ProfileInput) (*Actor, error) {
	const op = "activitypub.UpdateProfile"
	a, err := s.store.ActorByID(ctx, acct.Actor.ID)
	if err != nil {
		return nil, Wrap(op, err)
	}
	if in.DisplayName != nil {
		name := strings.TrimSpace(*in.DisplayName)
		if utf8.RuneCountInString(name) > MaxDisplayNameChars {
			return nil, E(op, Invalid, fmt.Sprintf("Validation failed: Display name is too long (maximum is %d characters)", MaxDisplayNameChars))
		}
		a.DisplayName = name
	}
	if in.Note != nil {
		note := strings.TrimSpace(*in.Note)
		if utf8.RuneCountInString(note) > MaxNoteChars {
			return nil, E(op, Invalid, fmt.Sprintf("Validation failed: Note is too long (maximum is %d characters)", MaxNoteChars))
		}
		a.SummarySource, a.Summary = note, ""
		if note != "" {
			if s.render == nil {
				return nil, E(op, Other, "no renderer configured")
			}
			_, r, err := s.renderLocal(ctx, note, FormatPlain)
			if err != nil {
				return nil, Wrap(op, err)
			}
			a.Summary = r.HTML
		}
	}
	if in.Fields != nil {
		general, fromFields := splitExpertiseRows(*in.Fields)
		if len(general) > MaxProfileFields {
			return nil, E(op, Invalid, fmt.Sprintf("Validation failed: at most %d profile fields", MaxProfileFields))
		}
		if in.Expertise == nil && fromFields != nil {
			in.Expertise = fromFields
		}
		// Rows keep the order given; an expertise row is a placeholder here, filled (or dropped
		// when empty) by withExpertise below. Without any, the stored expertise rows stay.
		fields := []Field{}
		for _, f := range *in.Fields {
			if r := ReservedField(f.Name); r != "" {
				fields = append(fields, Field{Name: r})
				continue
			}
			name, value := strings.TrimSpace(f.Name), strings.TrimSpace(f.Value)
			if name == "" && value == "" {
				continue
			}
			if utf8.RuneCountInString(name) > MaxFieldChars || utf8.RuneCountInString(value) > MaxFieldChars {
				return nil, E(op, Invalid, fmt.Sprintf("Validation failed: profile fields are at most %d characters", MaxFieldChars))
			}
			html, err := s.renderInline(value)
			if err != nil {
				return nil, Wrap(op, err)
			}
			fields = append(fields, Field{Name: name, Value: html})
		}
		if fromFields == nil {
			for _, f := range a.Fields {
				if ReservedField(f.Name) != "" {
					fields = append(fields, f)
				}
			}
		}
		a.Fields = fields
	}
	if in.Expertise != nil {
		e := *in.Expertise
		if err := checkExpertise(op, &e); err != nil {
			return nil, err
		}
		if a.Fields, err = withExpertise(a.Fields, e, s.renderInline); err != nil {
			return nil, Wrap(op, err)
		}
	}
	if in.Locked != nil {
		a.ManuallyApproves = *in.Locked
	}
	if in.Bot != nil {
		a.Bot = *in.Bot
	}
	if in.Discoverable != nil {
		a.Discoverable = *in.Discoverable
	}
	if in.AvatarURL != nil {
		a.AvatarURL = *in.AvatarURL
	}
	if in.HeaderURL != nil {
		a.HeaderURL = *in.HeaderURL
	}
	a.UpdatedAt = s.Now()
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.UpdateActor(ctx, a); err != nil {
			return err
		}
		if err := s.indexExpertise(ctx, a); err != nil {
			return err
		}
		return s.enqueue(ctx, a, Activity{
			ID: a.URI + "#updates/" + s.NewID(), Type: "Update", Object: a.URI,
			To: []string{PublicAudience}, Cc: []string{a.FollowersURI},
		})
	})
	if err != nil {
		return nil, Wrap(op, err)
	}
	return a, nil
}

// splitExpertiseRows separates the expertise rows (reserved names or aliases) from the others;
// the expertise is nil when there are none.
func splitExpertiseRows(fields []Field) ([]Field, *Expertise) {
	var general, reserved []Field
	for _, f := range fields {
		if ReservedField(f.Name) != "" {
			reserved = append(reserved, f)
		} else {
			general = append(general, f)
		}
	}
	if reserved == nil {
		return general, nil
	}
	e := Expertise{}
	for _, f := range reserved {
		switch ReservedField(f.Name) {
		case FieldRole:
			e.Role = f.Value
		case FieldTeam:
			e.Team = f.Value
		case FieldSkills:
			e.Skills = []string{f.Value}
		}
	}
	return general, &e
}

// renderInline renders one line of plain text (a profile field value) without the paragraph.
func (s *Service) renderInline(text string) (string, error) {
	if text == "" {
		return "", nil
	}
	if s.render == nil {
		return "", E("activitypub.renderInline", Other, "no renderer configured")
	}
	r, err := s.render.Render(text, FormatPlain, nil)
	if err != nil {
		return "", err
	}
	html := strings.TrimSpace(r.HTML)
	if strings.HasPrefix(html, "<p>") && strings.HasSuffix(html, "</p>") && strings.Count(html, "<p>") == 1 {
		html = html[3 : len(html)-4]
	}
	return html, nil
}
