package activitypub

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The expertise directory. Role, team and skills are profile fields with reserved names, so they
// federate as the PropertyValue attachments every server already shows, and remote people's
// values arrive the same way. The directory index (ExpertiseStore) is rebuilt from an actor's
// fields whenever they are saved or received.

// Reserved profile field names, as published.
const (
	FieldRole   = "Role"
	FieldTeam   = "Team"
	FieldSkills = "Skills"
)

// Bounds on expertise, ours and received.
const (
	MaxExpertiseChars = 100 // role, team
	MaxSkillChars     = 50
	MaxSkills         = 20
)

// expertiseAliases are the field names other servers' people use for the same things; received
// fields are matched case-insensitively against them.
var expertiseAliases = map[string]string{
	"role": FieldRole, "job title": FieldRole, "job": FieldRole, "position": FieldRole,
	"team": FieldTeam, "department": FieldTeam, "service": FieldTeam,
	"skills": FieldSkills, "skill": FieldSkills, "expertise": FieldSkills, "areas of expertise": FieldSkills,
}

// Expertise is what the directory knows of a person.
type Expertise struct {
	Role   string   `json:"role"`
	Team   string   `json:"team"`
	Skills []string `json:"skills"`
}

// Empty reports whether there is nothing to list.
func (e Expertise) Empty() bool { return e.Role == "" && e.Team == "" && len(e.Skills) == 0 }

// DirectoryQuery selects people from the directory. Skill matches one skill exactly (case
// folded); Q matches any part of name, handle, role, team or skills.
type DirectoryQuery struct {
	Skill  string
	Q      string
	Scope  string // "" (everyone), "local" or "remote"
	Limit  int
	Offset int
}

// DirectoryRow is one person as the store lists them.
type DirectoryRow struct {
	ActorID   string
	Expertise Expertise
}

// DirectoryEntry is one person in the directory.
type DirectoryEntry struct {
	Actor     *Actor
	Expertise Expertise
}

// ExpertiseStore keeps the directory index.
type ExpertiseStore interface {
	// SetExpertise replaces an actor's directory row and skills; an empty Expertise removes them.
	// search is the lower-cased text Q matches.
	SetExpertise(ctx context.Context, actorID string, e Expertise, search string, at time.Time) error
	// Directory lists discoverable, not deleted, not suspended people with expertise, local first.
	Directory(ctx context.Context, q DirectoryQuery) ([]DirectoryRow, error)
}

var tagPattern = regexp.MustCompile(`<[^>]*>`)

// fieldText turns a field's sanitised HTML into bounded plain text on one line.
func fieldText(value string, max int) string {
	s := html.UnescapeString(tagPattern.ReplaceAllString(value, " "))
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max])
	}
	return strings.TrimSpace(s)
}

// splitSkills splits a typed or received skills list (commas, semicolons, bullets, bars or
// new lines), trims, bounds and de-duplicates it (case-insensitively, first spelling kept).
func splitSkills(text string) []string {
	parts := strings.FieldsFunc(text, func(r rune) bool {
		return r == ',' || r == ';' || r == '•' || r == '|' || r == '·' || r == '\n'
	})
	var out []string
	seen := map[string]bool{}
	for _, p := range parts {
		p = fieldText(p, MaxSkillChars)
		k := strings.ToLower(p)
		if p == "" || seen[k] {
			continue
		}
		if len(out) == MaxSkills {
			break
		}
		seen[k] = true
		out = append(out, p)
	}
	return out
}

// expertiseName is the reserved name a field's name stands for, aliases included, or "".
func expertiseName(name string) string {
	return expertiseAliases[strings.ToLower(strings.TrimSpace(name))]
}

// ReservedField is the reserved name (Role, Team, Skills) a field's name is, ignoring case, or "".
// Only these rows are expertise in what a local person types: a "Job title" row stays theirs.
func ReservedField(name string) string {
	for _, r := range []string{FieldRole, FieldTeam, FieldSkills} {
		if strings.EqualFold(strings.TrimSpace(name), r) {
			return r
		}
	}
	return ""
}

// ExpertiseFromFields reads role, team and skills from profile fields, for local and received
// profiles alike: a row with the reserved name wins, else the first row with an alias.
func ExpertiseFromFields(fields []Field) Expertise {
	var e Expertise
	for _, exact := range []bool{true, false} {
		for _, f := range fields {
			name := expertiseName(f.Name)
			if exact && ReservedField(f.Name) == "" {
				continue
			}
			switch name {
			case FieldRole:
				if e.Role == "" {
					e.Role = fieldText(f.Value, MaxExpertiseChars)
				}
			case FieldTeam:
				if e.Team == "" {
					e.Team = fieldText(f.Value, MaxExpertiseChars)
				}
			case FieldSkills:
				if len(e.Skills) == 0 {
					e.Skills = splitSkills(html.UnescapeString(tagPattern.ReplaceAllString(f.Value, ",")))
				}
			}
		}
	}
	return e
}

// checkExpertise validates expertise a local person typed.
func checkExpertise(op string, e *Expertise) error {
	e.Role, e.Team = strings.TrimSpace(e.Role), strings.TrimSpace(e.Team)
	if utf8.RuneCountInString(e.Role) > MaxExpertiseChars || utf8.RuneCountInString(e.Team) > MaxExpertiseChars {
		return E(op, Invalid, fmt.Sprintf("Validation failed: role and team are at most %d characters", MaxExpertiseChars))
	}
	var raw []string
	for _, s := range e.Skills {
		raw = append(raw, strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' })...)
	}
	for _, s := range raw {
		if utf8.RuneCountInString(strings.TrimSpace(s)) > MaxSkillChars {
			return E(op, Invalid, fmt.Sprintf("Validation failed: each skill is at most %d characters", MaxSkillChars))
		}
	}
	e.Skills = splitSkills(strings.Join(raw, ","))
	if len(raw) > MaxSkills && len(e.Skills) == MaxSkills {
		return E(op, Invalid, fmt.Sprintf("Validation failed: at most %d skills", MaxSkills))
	}
	return nil
}

// withExpertise sets the reserved rows of fields to e's (rendered by render): in place where
// they are, after the others where they are new, dropped when empty (and when repeated).
func withExpertise(fields []Field, e Expertise, render func(string) (string, error)) ([]Field, error) {
	values := map[string]string{FieldRole: e.Role, FieldTeam: e.Team, FieldSkills: strings.Join(e.Skills, ", ")}
	done := map[string]bool{}
	out := make([]Field, 0, len(fields)+3)
	put := func(name string) error {
		v, err := render(values[name])
		if err == nil {
			out, done[name] = append(out, Field{Name: name, Value: v}), true
		}
		return err
	}
	for _, f := range fields {
		r := ReservedField(f.Name)
		switch {
		case r == "":
			out = append(out, f)
		case !done[r] && values[r] != "":
			if err := put(r); err != nil {
				return nil, err
			}
		}
	}
	for _, r := range []string{FieldRole, FieldTeam, FieldSkills} {
		if !done[r] && values[r] != "" {
			if err := put(r); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// indexExpertise rebuilds an actor's directory row from its fields.
func (s *Service) indexExpertise(ctx context.Context, a *Actor) error {
	e := ExpertiseFromFields(a.Fields)
	if a.Kind != KindPerson {
		e = Expertise{} // groups and services are not people to ask
	}
	handle := a.Username
	if a.Domain != "" {
		handle += "@" + a.Domain
	}
	search := strings.ToLower(strings.Join(append([]string{a.DisplayName, handle, e.Role, e.Team}, e.Skills...), " "))
	return s.store.SetExpertise(ctx, a.ID, e, search, s.Now())
}

// Directory lists people by expertise, here and on other servers, who have not opted out of
// discovery (Discoverable); suspended, deleted and blocked-domain people are left out.
func (s *Service) Directory(ctx context.Context, q DirectoryQuery) ([]DirectoryEntry, error) {
	const op = "activitypub.Directory"
	q.Skill = strings.ToLower(fieldText(q.Skill, MaxSkillChars))
	q.Q = strings.ToLower(fieldText(q.Q, MaxExpertiseChars))
	if q.Limit <= 0 || q.Limit > 80 {
		q.Limit = 40
	}
	if q.Offset < 0 {
		q.Offset = 0
	}
	switch q.Scope {
	case "", "local", "remote":
	default:
		return nil, E(op, Invalid, "scope must be local or remote")
	}
	rows, err := s.store.Directory(ctx, q)
	if err != nil {
		return nil, Wrap(op, err)
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ActorID
	}
	actors, err := s.store.ActorsByIDs(ctx, ids)
	if err != nil {
		return nil, Wrap(op, err)
	}
	byID := make(map[string]*Actor, len(actors))
	for _, a := range actors {
		byID[a.ID] = a
	}
	out := make([]DirectoryEntry, 0, len(rows))
	for _, r := range rows {
		if a := byID[r.ActorID]; a != nil && !AuthorGone(a) && a.Discoverable {
			out = append(out, DirectoryEntry{Actor: a, Expertise: r.Expertise})
		}
	}
	return out, nil
}
