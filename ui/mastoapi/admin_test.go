package mastoapi_test

import (
	"encoding/csv"
	"strings"
	"testing"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
)

func (e *env) owner() *ap.Account {
	e.t.Helper()
	tok, err := e.acc.PrepareSetup(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	a, err := e.acc.CompleteSetup(e.ctx, tok, ap.NewUser{Username: "owner", Email: "owner@council.test", Password: testPassword})
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// appToken registers an app and returns a client-credentials token with scopes.
func (e *env) clientToken(scopes string) string {
	e.t.Helper()
	var app struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	e.call("POST", "/api/v1/apps", "", formBody{"client_name": {"signup"}, "redirect_uris": {accounts.OOBRedirect}, "scopes": {scopes}}, 200, &app)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	e.call("POST", "/oauth/token", "", formBody{"grant_type": {"client_credentials"}, "client_id": {app.ClientID},
		"client_secret": {app.ClientSecret}, "scope": {scopes}}, 200, &tok)
	return tok.AccessToken
}

func TestAdminAccountsQueue(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		owner := e.owner()
		if err := e.acc.SetRegistrationPolicy(e.ctx, owner, accounts.RegistrationPolicy{Mode: accounts.RegistrationApproval}, ""); err != nil {
			t.Fatal(err)
		}
		var inst struct {
			Registrations struct {
				Enabled  bool `json:"enabled"`
				Approval bool `json:"approval_required"`
			} `json:"registrations"`
		}
		e.call("GET", "/api/v2/instance", "", nil, 200, &inst)
		if !inst.Registrations.Enabled || !inst.Registrations.Approval {
			t.Errorf("instance registrations %+v; want enabled with approval", inst.Registrations)
		}
		app := e.clientToken("read write")
		var signup struct {
			AccessToken string `json:"access_token"`
		}
		e.call("POST", "/api/v1/accounts", app, formBody{"username": {"zoe"}, "email": {"zoe@devon.gov.uk"},
			"password": {testPassword}, "agreement": {"true"}, "reason": {"libraries"}}, 200, &signup)
		if signup.AccessToken == "" {
			t.Fatal("no token")
		}
		if r := e.do("GET", "/api/v1/accounts/verify_credentials", signup.AccessToken, nil); r.status != 403 || !strings.Contains(string(r.body), "approval") {
			t.Fatalf("pending account's token: %d %s; want 403 saying it awaits approval", r.status, r.body)
		}

		admin := e.token(owner, "read", "admin:read", "admin:write")
		var queue []struct {
			ID            string `json:"id"`
			Username      string `json:"username"`
			Email         string `json:"email"`
			Approved      bool   `json:"approved"`
			InviteRequest string `json:"invite_request"`
		}
		e.call("GET", "/api/v1/admin/accounts?pending=true", admin, nil, 200, &queue)
		if len(queue) != 1 || queue[0].Username != "zoe" || queue[0].Approved || queue[0].InviteRequest != "libraries" {
			t.Fatalf("queue %+v", queue)
		}
		// Scopes and roles both guard the admin API.
		noScope := e.token(owner, "read", "write")
		e.call("GET", "/api/v1/admin/accounts?pending=true", noScope, nil, 403, nil)
		mem := e.user("mem")
		e.call("GET", "/api/v1/admin/accounts?pending=true", e.token(mem, "admin:read", "admin:write"), nil, 403, nil)
		e.call("POST", "/api/v1/admin/accounts/"+queue[0].ID+"/approve", e.token(mem, "admin:write"), nil, 403, nil)

		e.call("POST", "/api/v1/admin/accounts/"+queue[0].ID+"/approve", admin, nil, 200, nil)
		e.call("GET", "/api/v1/accounts/verify_credentials", signup.AccessToken, nil, 200, nil)
		e.call("POST", "/api/v1/admin/accounts/"+queue[0].ID+"/approve", admin, nil, 422, nil)

		// Reject removes the sign-up.
		e.call("POST", "/api/v1/accounts", app, formBody{"username": {"spam"}, "email": {"spam@x.test"}, "password": {testPassword}}, 200, nil)
		e.call("GET", "/api/v1/admin/accounts?pending=true", admin, nil, 200, &queue)
		if len(queue) != 1 || queue[0].Username != "spam" {
			t.Fatalf("queue %+v", queue)
		}
		e.call("POST", "/api/v1/admin/accounts/"+queue[0].ID+"/reject", admin, formBody{"text": {"not staff"}}, 200, nil)
		if _, err := e.store.ActorByUsername(e.ctx, "spam", ""); !ap.IsNotFound(err) {
			t.Errorf("rejected account still there: %v", err)
		}

		// Bad input: refused with a reason, nothing created.
		before, _ := e.store.CountUsers(e.ctx)
		for _, f := range []formBody{
			{"username": {"bad name"}, "email": {"a@x.test"}, "password": {testPassword}},
			{"username": {"ok"}, "email": {"not-an-email"}, "password": {testPassword}},
			{"username": {"ok"}, "email": {"a@x.test"}, "password": {"short"}},
			{"username": {"ok"}, "email": {"a@x.test"}, "password": {testPassword}, "agreement": {"false"}},
			{"username": {"ok"}, "email": {"a@x.test"}, "password": {testPassword}, "invite_code": {"tampered"}},
		} {
			if r := e.do("POST", "/api/v1/accounts", app, f); r.status != 422 || !strings.Contains(string(r.body), "error") {
				t.Errorf("%v: %d %s", f, r.status, r.body)
			}
		}
		if after, _ := e.store.CountUsers(e.ctx); after != before {
			t.Errorf("refused sign-ups created %d accounts", after-before)
		}
		// A user's token cannot register accounts.
		e.call("POST", "/api/v1/accounts", admin, formBody{"username": {"x"}, "email": {"x@x.test"}, "password": {testPassword}}, 403, nil)
	})
}

func TestAdminSuspendEndsTokens(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		owner := e.owner()
		zoe := e.user("zoe")
		zt := e.token(zoe)
		e.call("GET", "/api/v1/accounts/verify_credentials", zt, nil, 200, nil) // now cached
		admin := e.token(owner, "admin:read", "admin:write")
		e.call("POST", "/api/v1/admin/accounts/"+zoe.Actor.ID+"/action", admin, formBody{"type": {"suspend"}, "text": {"left"}}, 200, nil)
		e.call("GET", "/api/v1/accounts/verify_credentials", zt, nil, 401, nil)
		e.call("POST", "/api/v1/admin/accounts/"+zoe.Actor.ID+"/action", admin, formBody{"type": {"sensitive"}}, 422, nil) // not implemented: refused, not ignored

		r := e.do("GET", "/api/guildhall/v1/admin/audit.csv", admin, nil)
		if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
			t.Fatalf("csv: %d %s", r.status, r.body)
		}
		rows, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
		if err != nil || len(rows) < 2 || rows[1][4] != "account.suspend" || rows[1][7] != "zoe" || rows[1][8] != "left" {
			t.Fatalf("csv rows %q %v", rows, err)
		}
		e.call("GET", "/api/guildhall/v1/admin/audit.csv", e.token(e.user("mem"), "admin:read"), nil, 403, nil)
	})
}

func TestReportsAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		owner := e.owner()
		zoe, bad := e.user("zoe"), e.user("bad")
		st := e.post(e.token(bad), "something awful")
		var rep struct {
			ID        string   `json:"id"`
			StatusIDs []string `json:"status_ids"`
			Forwarded bool     `json:"forwarded"`
		}
		e.call("POST", "/api/v1/reports", e.token(zoe), formBody{"account_id": {bad.Actor.ID}, "status_ids[]": {st},
			"comment": {"please look"}, "forward": {"true"}}, 200, &rep)
		if rep.ID == "" || len(rep.StatusIDs) != 1 || rep.Forwarded {
			t.Fatalf("report %+v (a local account's report is never forwarded)", rep)
		}
		e.call("POST", "/api/v1/reports", e.token(zoe), formBody{"account_id": {owner.Actor.ID}, "status_ids[]": {st}}, 422, nil)
		e.call("POST", "/api/v1/reports", e.token(zoe, "read"), formBody{"account_id": {bad.Actor.ID}}, 403, nil)

		admin := e.token(owner, "admin:read", "admin:write")
		var queue []struct {
			ID      string `json:"id"`
			Comment string `json:"comment"`
			Target  struct {
				ID string `json:"id"`
			} `json:"target_account"`
		}
		e.call("GET", "/api/v1/admin/reports", admin, nil, 200, &queue)
		if len(queue) != 1 || queue[0].ID != rep.ID || queue[0].Comment != "please look" || queue[0].Target.ID != bad.Actor.ID {
			t.Fatalf("queue %+v", queue)
		}
		e.call("GET", "/api/v1/admin/reports", e.token(zoe, "admin:read"), nil, 403, nil)
		e.call("POST", "/api/v1/admin/reports/"+rep.ID+"/resolve", admin, formBody{"text": {"warned"}}, 200, nil)
		e.call("GET", "/api/v1/admin/reports", admin, nil, 200, &queue)
		if len(queue) != 0 {
			t.Errorf("resolved report still open: %+v", queue)
		}
	})
}
