package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
)

// sentMail records what the service mails.
type sentMail struct {
	mu   sync.Mutex
	sent []accounts.Mail
}

func (m *sentMail) Send(_ context.Context, msg accounts.Mail) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, msg)
	return nil
}

// TestAdminUsers: the owner lists accounts, suspends and restores one, changes a role and sends
// a password reset link, each recorded; a moderator may suspend but gets no role form and is
// refused a role change; a member gets 403 and changes nothing.
func TestAdminUsers(t *testing.T) {
	e := newEnv(t, envOptions{})
	owner := newClient(t, e.srv)
	e.setupAdmin(owner)
	memberC, ben := e.user("ben")
	modC, cara := e.user("cara")
	token := e.csrfOf(owner)

	e.get(memberC, "/admin/users").wantStatus(t, http.StatusForbidden)
	e.post(memberC, "/admin/users/"+cara.Actor.ID+"/suspend", url.Values{"csrf_token": {e.csrfOf(memberC)}}).
		wantStatus(t, http.StatusForbidden)
	e.get(newClient(t, e.srv), "/admin/users").wantStatus(t, http.StatusUnauthorized)

	list := e.get(owner, "/admin/users")
	list.wantStatus(t, http.StatusOK)
	list.wantBody(t, `id="user-ben"`, `id="user-cara"`, "ben@council.example", `action="/admin/users/`+ben.Actor.ID+`/role"`)

	steps := []struct {
		verb string
		form url.Values
		ok   func() bool
	}{
		{"suspend", url.Values{"reason": {"Left the council"}}, func() bool { return e.account(t, "ben").Actor.SuspendedAt != nil }},
		{"unsuspend", url.Values{"reason": {"Came back"}}, func() bool { return e.account(t, "ben").Actor.SuspendedAt == nil }},
		{"role", url.Values{"role": {"moderator"}}, func() bool { return e.account(t, "cara").User.RoleOf() == activitypub.RoleModerator }},
	}
	for _, s := range steps {
		target := ben.Actor.ID
		if s.verb == "role" {
			target = cara.Actor.ID
		}
		s.form.Set("csrf_token", token)
		e.post(owner, "/admin/users/"+target+"/"+s.verb, s.form).wantRedirect(t, "/admin/users?done="+s.verb)
		if !s.ok() {
			t.Errorf("%s did not take effect", s.verb)
		}
	}
	e.get(owner, "/admin/users?done=role").wantBody(t, "The role has been changed")
	audit, err := e.mod.AuditLog(t.Context(), e.account(t, "jo"), activitypub.Page{Limit: 10})
	if err != nil || len(audit) < 3 {
		t.Fatalf("audit log = %d entries, %v", len(audit), err)
	}

	// Without a mail server the reset is refused with a clear message; with one, the link goes.
	p := e.post(owner, "/admin/users/"+ben.Actor.ID+"/reset", url.Values{"csrf_token": {token}})
	p.wantStatus(t, http.StatusUnprocessableEntity)
	p.wantBody(t, "The email could not be sent")
	mail := &sentMail{}
	e.acc.SetMailer(mail)
	e.post(owner, "/admin/users/"+ben.Actor.ID+"/reset", url.Values{"csrf_token": {token}}).wantRedirect(t, "/admin/users?done=reset")
	if len(mail.sent) != 1 || mail.sent[0].To != "ben@council.example" || !strings.Contains(mail.sent[0].Text, "/auth/reset?token=") {
		t.Errorf("reset mail = %+v", mail.sent)
	}

	// The moderator may suspend, but not change roles.
	modList := e.get(modC, "/admin/users")
	modList.wantStatus(t, http.StatusOK)
	modList.wantBody(t, `href="/admin/users"`)
	if strings.Contains(modList.body, "/role\"") {
		t.Error("a moderator is offered the role form")
	}
	e.post(modC, "/admin/users/"+ben.Actor.ID+"/role", url.Values{"csrf_token": {e.csrfOf(modC)}, "role": {"admin"}}).
		wantStatus(t, http.StatusForbidden)
	if e.account(t, "ben").User.RoleOf() != activitypub.RoleMember {
		t.Error("a moderator changed a role")
	}
}

// account reloads an account by username.
func (e *env) account(t *testing.T, username string) *activitypub.Account {
	t.Helper()
	a, err := e.svc.AccountByUsername(t.Context(), username)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
