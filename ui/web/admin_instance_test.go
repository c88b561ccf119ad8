package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestKnownInstances: the page lists a server whose deliveries fail with the failure visible,
// and is for administrators only.
func TestKnownInstances(t *testing.T) {
	e := newEnv(t, envOptions{})
	admin := newClient(t, e.srv)
	e.setupAdmin(admin)
	member, _ := e.user("ben")
	e.failingDelivery(t, e.account(t, "jo"), "down.example")
	e.get(member, "/admin/instances").wantStatus(t, http.StatusForbidden)
	p := e.get(admin, "/admin/instances")
	p.wantStatus(t, http.StatusOK)
	p.wantBody(t, `id="instance-down.example"`, "Failing", "Last error: 503 Service Unavailable", "<td>1</td>", "Never")
}

// TestInstanceSettings: administrators describe the instance; a bad field is refused on the field
// with what was typed kept and nothing saved; the about page and the Mastodon instance endpoints
// show what was saved; others get 403.
func TestInstanceSettings(t *testing.T) {
	e := newEnv(t, envOptions{})
	admin := newClient(t, e.srv)
	e.setupAdmin(admin)
	member, _ := e.user("ben")
	token := e.csrfOf(admin)
	e.get(member, "/admin/instance").wantStatus(t, http.StatusForbidden)
	e.post(member, "/admin/instance", url.Values{"csrf_token": {e.csrfOf(member)}, "title": {"Mine"}}).wantStatus(t, http.StatusForbidden)

	good := func() url.Values {
		return url.Values{"csrf_token": {token}, "title": {"Guildhall at Borsetshire"},
			"description": {"For staff of Borsetshire County Council."}, "contact_email": {"digital@borsetshire.example"},
			"rules": {"Be kind to colleagues\r\n\r\nNo resident data"}}
	}
	tests := []struct {
		name, field, key, value, message string
	}{
		{"name too long", "title", "title", strings.Repeat("n", 101), "The name must be 100 characters or fewer"},
		{"bad contact", "contact_email", "contact_email", "not an address", "The contact address must be an email address, like digital@council.example"},
		{"rule too long", "rules", "rules", strings.Repeat("r", 301), "Rule 1 must be 300 characters or fewer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := good()
			f.Set(tt.key, tt.value)
			p := e.post(admin, "/admin/instance", f)
			p.wantStatus(t, http.StatusUnprocessableEntity)
			if got := p.fieldErrors()[tt.field]; got != tt.message {
				t.Errorf("error on %s = %q, want %q (all %v)", tt.field, got, tt.message, p.fieldErrors())
			}
			p.wantBody(t, "For staff of Borsetshire County Council.")
			if info, _ := e.svc.InstanceInfo(t.Context()); info.Title != "" {
				t.Errorf("a refused form saved %+v", info)
			}
		})
	}
	e.post(admin, "/admin/instance", good()).wantRedirect(t, "/admin/instance?saved=1")
	e.get(admin, "/admin/instance?saved=1").wantBody(t, "The instance settings have been saved", `value="Guildhall at Borsetshire"`)
	about := e.get(newClient(t, e.srv), "/about")
	about.wantBody(t, "Guildhall at Borsetshire", "For staff of Borsetshire County Council.", "<li>Be kind to colleagues</li>",
		"<li>No resident data</li>", `href="mailto:digital@borsetshire.example"`)
	if strings.Contains(about.body, "Be respectful: the people you talk to are colleagues.") {
		t.Error("the about page still shows the default rules")
	}
}
