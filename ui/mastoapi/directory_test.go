package mastoapi_test

import (
	"slices"
	"testing"
)

// TestExpertiseDirectoryAPI: role, team and skills set through update_credentials' fields are
// listed by skill and by words, shown on the account as fields; the directory needs a token, and
// someone who opts out of discovery is not listed.
func TestExpertiseDirectoryAPI(t *testing.T) {
	e := sqliteEnv(t)
	tok := e.token(e.user("alice"))
	other := e.token(e.user("omar"))
	e.call("PATCH", "/api/v1/accounts/update_credentials", tok, multiBody{
		"fields_attributes[0][name]": {"Pronouns"}, "fields_attributes[0][value]": {"she/her"},
		"fields_attributes[1][name]": {"Role"}, "fields_attributes[1][value]": {"Planning officer"},
		"fields_attributes[2][name]": {"Team"}, "fields_attributes[2][value]": {"Development"},
		"fields_attributes[3][name]": {"Skills"}, "fields_attributes[3][value]": {"GIS, planning law"},
	}, 200, nil)
	e.call("PATCH", "/api/v1/accounts/update_credentials", other, multiBody{
		"fields_attributes[0][name]": {"Skills"}, "fields_attributes[0][value]": {"GIS"}, "discoverable": {"false"},
	}, 200, nil)
	type entry struct {
		Account struct {
			Username string
			Fields   []struct{ Name, Value string }
		}
		Role, Team string
		Skills     []string
	}
	for _, q := range []string{"skill=gis", "q=planning", "skill=GIS&scope=local", "q=alice"} {
		var got []entry
		e.call("GET", "/api/guildhall/v1/directory?"+q, other, nil, 200, &got)
		if len(got) != 1 || got[0].Account.Username != "alice" || got[0].Role != "Planning officer" || got[0].Team != "Development" ||
			!slices.Equal(got[0].Skills, []string{"GIS", "planning law"}) || len(got[0].Account.Fields) != 4 {
			t.Errorf("%s: %+v", q, got)
		}
	}
	var none []entry
	e.call("GET", "/api/guildhall/v1/directory?skill=gis&scope=remote", tok, nil, 200, &none)
	if len(none) != 0 {
		t.Errorf("remote scope: %+v", none)
	}
	e.call("GET", "/api/guildhall/v1/directory?scope=mars", tok, nil, 422, nil)
	e.call("GET", "/api/guildhall/v1/directory?skill=gis", "", nil, 401, nil)
}
