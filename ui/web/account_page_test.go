package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/guildhall/guildhall/activitypub"
)

// TestAccountPage: the password form refuses each mistake on its field and changes nothing; a
// change keeps this browser signed in and signs the others and the apps out; a browser and an
// app can each be signed out from the list; the follows export downloads as CSV.
func TestAccountPage(t *testing.T) {
	e := newEnv(t, envOptions{})
	c, amira := e.user("amira")
	other := newClient(t, e.srv)
	e.signIn(other, "amira", userPassword, "/").wantRedirect(t, "/")
	_, ben := e.user("ben")
	if _, err := e.svc.Follow(t.Context(), amira, ben.Actor.ID, true, false); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	app := &activitypub.OAuthApp{ID: e.svc.NewID(), ClientID: "client-1", Name: "Tusky", Website: "https://tusky.app", CreatedAt: now}
	if err := e.store.CreateApp(t.Context(), app); err != nil {
		t.Fatal(err)
	}
	newToken := func(hash string) {
		if err := e.store.CreateToken(t.Context(), &activitypub.OAuthToken{ID: e.svc.NewID(), TokenHash: hash, AppID: app.ID,
			UserID: amira.Actor.ID, Scopes: []string{"read"}, CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	newToken("hash-1")

	p := e.get(c, "/settings/account")
	p.wantStatus(t, http.StatusOK)
	p.wantBody(t, "This browser", "Tusky", `action="/settings/account/apps/`+app.ID+`/revoke"`, `href="/settings/export/following.csv"`)
	if n := strings.Count(p.body, `/revoke"`); n != 2 { // the other browser and the app; not this browser
		t.Errorf("%d revoke forms, want 2", n)
	}
	token := p.csrf(t)

	tests := []struct {
		name, field, message   string
		current, next, confirm string
	}{
		{"no current password", "current_password", "Enter your current password", "", "a brand new passphrase", "a brand new passphrase"},
		{"wrong current password", "current_password", "Your current password is not right", "wrong", "a brand new passphrase", "a brand new passphrase"},
		{"mismatch", "new_password_confirm", "The new passwords do not match", userPassword, "a brand new passphrase", "a brand new passphrasf"},
		{"too short", "new_password", "", userPassword, "short", "short"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := e.post(c, "/settings/account/password", url.Values{"csrf_token": {token}, "current_password": {tt.current},
				"new_password": {tt.next}, "new_password_confirm": {tt.confirm}})
			p.wantStatus(t, http.StatusUnprocessableEntity)
			got, ok := p.fieldErrors()[tt.field]
			if !ok || (tt.message != "" && got != tt.message) {
				t.Errorf("error on %s = %q (present %v), want %q; all %v", tt.field, got, ok, tt.message, p.fieldErrors())
			}
			if strings.Contains(p.body, tt.current) && tt.current != "" {
				t.Error("a password was echoed back")
			}
		})
	}
	e.signIn(newClient(t, e.srv), "amira", userPassword, "/").wantRedirect(t, "/") // unchanged so far

	// Sign the other browser out from the list.
	sessions, err := e.acc.Sessions(t.Context(), amira)
	if err != nil || len(sessions) < 2 {
		t.Fatalf("sessions = %d, %v", len(sessions), err)
	}
	otherID := ""
	for _, s := range sessions {
		if strings.Contains(p.body, `/settings/account/sessions/`+s.IDHash+`/revoke`) {
			otherID = s.IDHash
			break
		}
	}
	e.post(c, "/settings/account/sessions/"+otherID+"/revoke", url.Values{"csrf_token": {token}}).wantRedirect(t, "/settings/account?done=session")
	e.get(other, "/").wantRedirect(t, "/login?next=%2F")
	e.post(c, "/settings/account/sessions/not-mine/revoke", url.Values{"csrf_token": {token}}).wantStatus(t, http.StatusNotFound)

	e.post(c, "/settings/account/apps/"+app.ID+"/revoke", url.Values{"csrf_token": {token}}).wantRedirect(t, "/settings/account?done=app")
	if tok, err := e.store.TokenByHash(t.Context(), "hash-1"); err != nil || tok.RevokedAt == nil {
		t.Errorf("the app's token after revoking: %+v, %v", tok, err)
	}
	e.post(c, "/settings/account/apps/"+app.ID+"/revoke", url.Values{"csrf_token": {token}}).wantStatus(t, http.StatusNotFound)

	// The change itself: this browser stays, a new app token and the third browser are out.
	newToken("hash-2")
	third := newClient(t, e.srv)
	e.signIn(third, "amira", userPassword, "/").wantRedirect(t, "/")
	e.post(c, "/settings/account/password", url.Values{"csrf_token": {token}, "current_password": {userPassword},
		"new_password": {"a brand new passphrase"}, "new_password_confirm": {"a brand new passphrase"}}).
		wantRedirect(t, "/settings/account?done=password")
	e.get(c, "/settings/account?done=password").wantBody(t, "Your password has been changed")
	e.get(third, "/").wantRedirect(t, "/login?next=%2F")
	if tok, _ := e.store.TokenByHash(t.Context(), "hash-2"); tok == nil || tok.RevokedAt == nil {
		t.Error("an app token survived the password change")
	}
	e.signIn(newClient(t, e.srv), "amira", "a brand new passphrase", "/").wantRedirect(t, "/")

	csv := e.get(c, "/settings/export/following.csv")
	csv.wantStatus(t, http.StatusOK)
	if ct := csv.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" || !strings.Contains(csv.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("export headers: %q, %q", ct, csv.Header.Get("Content-Disposition"))
	}
	csv.wantBody(t, "Account address,Show boosts", "ben@"+e.svc.Domain())
}
