package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/guildhall/guildhall/activitypub"
)

// TestFederationAdmin: administrators block and unblock domains with a reason and switch the
// mode; a bad form is refused on its field; everyone else gets 403 and changes nothing.
func TestFederationAdmin(t *testing.T) {
	e := newEnv(t, envOptions{})
	admin := newClient(t, e.srv)
	e.setupAdmin(admin)
	staff, _ := e.user("ben")
	token := e.csrfOf(admin)

	e.get(staff, "/admin/federation").wantStatus(t, http.StatusForbidden)
	e.post(staff, "/admin/federation", url.Values{"csrf_token": {e.csrfOf(staff)}, "form": {"mode"}, "mode": {"allowlist"}}).
		wantStatus(t, http.StatusForbidden)
	e.get(newClient(t, e.srv), "/admin/federation").wantRedirect(t, "/login?next=%2Fadmin%2Ffederation")

	tests := []struct {
		name, field, message string
		form                 url.Values
	}{
		{"no domain", "domain", "Enter a domain, for example spam.example", url.Values{"policy": {"block"}, "reason": {"spam"}}},
		{"not a domain", "domain", "Not a domain name (ASCII only: use the xn-- form of an international name)", url.Values{"domain": {"spam!.example"}, "policy": {"block"}, "reason": {"spam"}}},
		{"block without a reason", "reason", "Say why this domain is blocked, so other administrators know", url.Values{"domain": {"spam.example"}, "policy": {"block"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.form.Set("csrf_token", token)
			tt.form.Set("form", "add")
			p := e.post(admin, "/admin/federation", tt.form)
			p.wantStatus(t, http.StatusUnprocessableEntity)
			if got := p.fieldErrors()[tt.field]; got != tt.message {
				t.Errorf("error on %s = %q, want %q", tt.field, got, tt.message)
			}
			if ps, _ := e.svc.DomainPolicies(t.Context()); len(ps) != 0 {
				t.Errorf("a refused form stored %d policies", len(ps))
			}
		})
	}
	e.post(admin, "/admin/federation", url.Values{"csrf_token": {token}, "form": {"add"}, "domain": {"spam.example"},
		"policy": {"block"}, "reason": {"Sends spam"}}).wantRedirect(t, "/admin/federation?done=added")
	e.get(admin, "/admin/federation").wantBody(t, "<td>spam.example</td><td>Blocked</td><td>Sends spam</td>")
	if ok, _ := e.svc.FederationAllowed(t.Context(), "spam.example"); ok {
		t.Error("the blocked domain is still allowed")
	}
	e.post(admin, "/admin/federation", url.Values{"csrf_token": {token}, "form": {"mode"}, "mode": {"allowlist"}}).
		wantRedirect(t, "/admin/federation?done=mode")
	if mode, _ := e.svc.FederationMode(t.Context()); mode != activitypub.FederationAllowlist {
		t.Errorf("mode = %q", mode)
	}
	e.post(admin, "/admin/federation", url.Values{"csrf_token": {token}, "form": {"remove"}, "domain": {"spam.example"}}).
		wantRedirect(t, "/admin/federation?done=removed")
	if ps, _ := e.svc.DomainPolicies(t.Context()); len(ps) != 0 {
		t.Errorf("after removing, %d policies", len(ps))
	}
}
