package activitypub_test

import (
	"slices"
	"strings"
	"testing"

	ap "github.com/guildhall/guildhall/activitypub"
)

func TestExpertiseFromFields(t *testing.T) {
	tests := []struct {
		name   string
		fields []ap.Field
		want   ap.Expertise
	}{
		{"reserved names", []ap.Field{{Name: "Role", Value: "Planning officer"}, {Name: "Team", Value: "Development &amp; control"},
			{Name: "Skills", Value: "GIS, planning law; GIS • <b>Highways</b>"}},
			ap.Expertise{Role: "Planning officer", Team: "Development & control", Skills: []string{"GIS", "planning law", "Highways"}}},
		{"aliases other servers use", []ap.Field{{Name: "Job title", Value: "Data lead"}, {Name: "department", Value: "Digital"},
			{Name: "Expertise", Value: "<p>Power BI<br>SQL</p>"}},
			ap.Expertise{Role: "Data lead", Team: "Digital", Skills: []string{"Power BI", "SQL"}}},
		{"hostile values are bounded plain text", []ap.Field{{Name: "role", Value: "<script>x</script>" + strings.Repeat("é", 300) + "\u202e"},
			{Name: "skills", Value: strings.Repeat("a,", 100)}},
			ap.Expertise{Role: "x " + strings.Repeat("é", 98), Skills: []string{"a"}}},
		{"other fields only", []ap.Field{{Name: "Website", Value: "https://x.example"}}, ap.Expertise{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ap.ExpertiseFromFields(tt.fields)
			if got.Role != tt.want.Role || got.Team != tt.want.Team || !slices.Equal(got.Skills, tt.want.Skills) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
	many := make([]string, 40)
	for i := range many {
		many[i] = "skill" + strings.Repeat("x", i)
	}
	if got := ap.ExpertiseFromFields([]ap.Field{{Name: "Skills", Value: strings.Join(many, ",")}}); len(got.Skills) != ap.MaxSkills {
		t.Errorf("%d skills kept, want %d", len(got.Skills), ap.MaxSkills)
	}
}

// TestDirectory: expertise set on a profile (through the fields or on its own) is published as
// fields and listed; remote people's received fields are listed too; people who opt out of
// discovery, suspended people and groups are not; bad input changes nothing.
func TestDirectory(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *world) {
		amira, bilal, hidden := w.user("amira"), w.user("bilal"), w.user("hidden")
		role, team := "Planning officer", "Development"
		if _, err := w.svc.UpdateProfile(w.ctx, amira, ap.ProfileInput{Expertise: &ap.Expertise{Role: role, Team: team,
			Skills: []string{"GIS, Planning law", "gis"}}}); err != nil {
			t.Fatal(err)
		}
		// A Mastodon client edits only its four rows: the expertise stays.
		fields := []ap.Field{{Name: "Pronouns", Value: "she/her"}}
		a, err := w.svc.UpdateProfile(w.ctx, amira, ap.ProfileInput{Fields: &fields})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range a.Fields {
			names = append(names, f.Name)
		}
		if !slices.Equal(names, []string{"Pronouns", "Role", "Team", "Skills"}) {
			t.Errorf("fields after a client edit: %v", names)
		}
		// Expertise rows sent with the others (as a client sends back source.fields) replace it.
		fields = []ap.Field{{Name: "Role", Value: "Data lead"}, {Name: "Skills", Value: "SQL; GIS"}}
		if _, err := w.svc.UpdateProfile(w.ctx, bilal, ap.ProfileInput{Fields: &fields}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.UpdateProfile(w.ctx, hidden, ap.ProfileInput{Expertise: &ap.Expertise{Skills: []string{"GIS"}}}); err != nil {
			t.Fatal(err)
		}
		no := false
		if _, err := w.svc.UpdateProfile(w.ctx, hidden, ap.ProfileInput{Discoverable: &no}); err != nil {
			t.Fatal(err)
		}
		rem := w.remote("rhea", "york.example")
		rem.Fields = []ap.Field{{Name: "Job title", Value: "GIS analyst"}, {Name: "Expertise", Value: "<p>GIS, LiDAR</p>"}}
		rem.Discoverable = true
		if _, err := w.svc.StoreRemoteActor(w.ctx, rem, false); err != nil {
			t.Fatal(err)
		}
		shy := w.remote("shy", "york.example")
		shy.Fields = []ap.Field{{Name: "Skills", Value: "GIS"}}
		if _, err := w.svc.StoreRemoteActor(w.ctx, shy, false); err != nil { // discoverable false
			t.Fatal(err)
		}

		handles := func(q ap.DirectoryQuery) []string {
			t.Helper()
			es, err := w.svc.Directory(w.ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, e := range es {
				out = append(out, e.Actor.Username)
			}
			return out
		}
		for _, tt := range []struct {
			name string
			q    ap.DirectoryQuery
			want []string
		}{
			{"by skill, any case, local first", ap.DirectoryQuery{Skill: "gis"}, []string{"amira", "bilal", "rhea"}},
			{"by words", ap.DirectoryQuery{Q: "DATA"}, []string{"bilal"}},
			{"by team", ap.DirectoryQuery{Q: "develop"}, []string{"amira"}},
			{"by handle", ap.DirectoryQuery{Q: "york.example"}, []string{"rhea"}},
			{"remote only", ap.DirectoryQuery{Skill: "GIS", Scope: "remote"}, []string{"rhea"}},
			{"skill and words", ap.DirectoryQuery{Skill: "lidar", Q: "analyst"}, []string{"rhea"}},
			{"wildcards are literal", ap.DirectoryQuery{Q: "%"}, nil},
			{"paged", ap.DirectoryQuery{Skill: "gis", Limit: 1, Offset: 1}, []string{"bilal"}},
		} {
			if got := handles(tt.q); !slices.Equal(got, tt.want) {
				t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
			}
		}
		es, err := w.svc.Directory(w.ctx, ap.DirectoryQuery{Q: "amira"})
		if err != nil || len(es) != 1 || es[0].Expertise.Role != role || !slices.Equal(es[0].Expertise.Skills, []string{"GIS", "Planning law"}) {
			t.Errorf("amira's entry: %+v %v", es, err)
		}

		if _, err := w.svc.UpdateProfile(w.ctx, amira, ap.ProfileInput{Expertise: &ap.Expertise{Role: strings.Repeat("r", 101)}}); ap.KindOf(err) != ap.Invalid {
			t.Errorf("too long a role: %v", err)
		}
		if _, err := w.svc.UpdateProfile(w.ctx, amira, ap.ProfileInput{Expertise: &ap.Expertise{Skills: []string{strings.Repeat("s", 51)}}}); ap.KindOf(err) != ap.Invalid {
			t.Errorf("too long a skill: %v", err)
		}
		if got := handles(ap.DirectoryQuery{Q: "planning officer"}); !slices.Equal(got, []string{"amira"}) {
			t.Errorf("a refused update changed the directory: %v", got)
		}
		if _, err := w.svc.UpdateProfile(w.ctx, amira, ap.ProfileInput{Expertise: &ap.Expertise{}}); err != nil {
			t.Fatal(err)
		}
		if got := handles(ap.DirectoryQuery{Q: "amira"}); got != nil {
			t.Errorf("cleared expertise still listed: %v", got)
		}
		if _, err := w.svc.Directory(w.ctx, ap.DirectoryQuery{Scope: "everywhere"}); ap.KindOf(err) != ap.Invalid {
			t.Errorf("bad scope: %v", err)
		}
	})
}
