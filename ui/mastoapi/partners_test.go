package mastoapi_test

import (
	"slices"
	"testing"
)

// TestPartnerOnlyThroughTheAPI: guildhall_partners with visibility private makes a partner-only
// post, shown to its author as private with the list; someone who does not follow the author gets
// 404 for it and does not find it on the author's profile; a bad name is 422 and posts nothing.
func TestPartnerOnlyThroughTheAPI(t *testing.T) {
	e := sqliteEnv(t)
	alice := e.user("alice")
	tok, other := e.token(alice), e.token(e.user("omar"))
	type status struct {
		ID                string
		Visibility        string
		GuildhallPartners []string `json:"guildhall_partners"`
	}
	var st status
	e.call("POST", "/api/v1/statuses", tok, jsonBody{"status": "Shared procurement notes", "visibility": "private",
		"guildhall_partners": []string{"york.example", "Leeds.example"}}, 200, &st)
	if st.Visibility != "private" || !slices.Equal(st.GuildhallPartners, []string{"leeds.example", "york.example"}) {
		t.Fatalf("posted %+v", st)
	}
	var form status
	e.call("POST", "/api/v1/statuses", tok, multiBody{"status": {"Form-encoded"}, "guildhall_partners[]": {"hull.example"}}, 200, &form)
	if form.Visibility != "private" || !slices.Equal(form.GuildhallPartners, []string{"hull.example"}) {
		t.Fatalf("form-encoded post %+v", form)
	}
	var plain status
	e.call("POST", "/api/v1/statuses", tok, jsonBody{"status": "Followers", "visibility": "private"}, 200, &plain)
	if plain.GuildhallPartners != nil {
		t.Errorf("a followers-only post carries guildhall_partners %v", plain.GuildhallPartners)
	}
	e.call("GET", "/api/v1/statuses/"+st.ID, tok, nil, 200, nil)
	e.call("GET", "/api/v1/statuses/"+st.ID, other, nil, 404, nil)
	e.call("GET", "/api/v1/statuses/"+st.ID, "", nil, 404, nil)
	var listed []status
	e.call("GET", "/api/v1/accounts/"+alice.Actor.ID+"/statuses", other, nil, 200, &listed)
	if len(listed) != 0 {
		t.Errorf("a non-follower sees %d of alice's statuses", len(listed))
	}
	e.call("POST", "/api/v1/statuses", tok, jsonBody{"status": "x", "guildhall_partners": []string{"not a domain"}}, 422, nil)
	e.call("POST", "/api/v1/statuses", tok, jsonBody{"status": "x", "visibility": "public", "guildhall_partners": []string{"a.example"}}, 422, nil)
	e.call("POST", "/api/v1/statuses", tok, jsonBody{"status": "x", "visibility": "partners"}, 422, nil) // no partner list configured
	var mine []status
	e.call("GET", "/api/v1/accounts/"+alice.Actor.ID+"/statuses", tok, nil, 200, &mine)
	if len(mine) != 3 {
		t.Errorf("alice has %d statuses, want 3 (refused posts stored?)", len(mine))
	}
}
