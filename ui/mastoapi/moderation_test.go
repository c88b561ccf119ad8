package mastoapi_test

import (
	"net/http"
	"testing"
)

// TestReportActionsAPI: a report filed through the Mastodon API is acted on through
// /api/guildhall/v1/admin/reports/{id}/actions; the person reads the warning at
// /api/guildhall/v1/warnings; members and bad actions are refused and change nothing.
func TestReportActionsAPI(t *testing.T) {
	e := sqliteEnv(t)
	owner := e.owner()
	ownerTok := e.token(owner, "read", "write", "admin:read", "admin:write")
	reporter, troll := e.user("reporter"), e.user("troll")
	repTok, trollTok := e.token(reporter), e.token(troll)
	var st struct{ ID string }
	e.call("POST", "/api/v1/statuses", trollTok, jsonBody{"status": "rude words"}, 200, &st)
	var rep struct {
		ID          string `json:"id"`
		ActionTaken bool   `json:"action_taken"`
	}
	e.call("POST", "/api/v1/reports", repTok, jsonBody{"account_id": troll.Actor.ID, "status_ids": []string{st.ID}, "comment": "rude"}, 200, &rep)

	path := "/api/guildhall/v1/admin/reports/" + rep.ID + "/actions"
	e.call("POST", path, repTok, jsonBody{"action": "warn"}, http.StatusForbidden, nil)
	e.call("POST", path, ownerTok, jsonBody{"action": "ban"}, http.StatusUnprocessableEntity, nil)
	var none []map[string]any
	e.call("GET", "/api/guildhall/v1/warnings", trollTok, nil, 200, &none)
	if len(none) != 0 {
		t.Fatalf("warnings before any action: %v", none)
	}

	e.call("POST", path, ownerTok, jsonBody{"action": "delete_posts", "note": "Please keep it civil"}, 200, &rep)
	if !rep.ActionTaken {
		t.Error("report not closed by the action")
	}
	e.call("GET", "/api/v1/statuses/"+st.ID, trollTok, nil, http.StatusNotFound, nil)
	var ws []struct {
		Action    string   `json:"action"`
		Text      string   `json:"text"`
		StatusIDs []string `json:"status_ids"`
		ReportID  string   `json:"report_id"`
	}
	e.call("GET", "/api/guildhall/v1/warnings", trollTok, nil, 200, &ws)
	if len(ws) != 1 || ws[0].Action != "delete_posts" || ws[0].Text != "Please keep it civil" ||
		len(ws[0].StatusIDs) != 1 || ws[0].StatusIDs[0] != st.ID || ws[0].ReportID != rep.ID {
		t.Fatalf("warnings = %+v", ws)
	}
	e.call("POST", path, ownerTok, jsonBody{"action": "dismiss"}, http.StatusUnprocessableEntity, nil) // closed already

	// Mastodon's admin action "silence" limits the account; unsilence lifts it.
	e.call("POST", "/api/v1/admin/accounts/"+troll.Actor.ID+"/action", ownerTok, jsonBody{"type": "silence", "text": "spam"}, 200, nil)
	e.call("POST", "/api/v1/statuses", trollTok, jsonBody{"status": "buy now"}, 200, nil)
	var pub []struct{ ID string }
	e.call("GET", "/api/v1/timelines/public", ownerTok, nil, 200, &pub)
	if len(pub) != 0 {
		t.Errorf("a silenced account's post is in the public timeline: %v", pub)
	}
	e.call("POST", "/api/v1/admin/accounts/"+troll.Actor.ID+"/unsilence", ownerTok, nil, 200, nil)
	e.call("GET", "/api/v1/timelines/public", ownerTok, nil, 200, &pub)
	if len(pub) != 1 {
		t.Errorf("after unsilence the public timeline has %d posts, want 1", len(pub))
	}
}
