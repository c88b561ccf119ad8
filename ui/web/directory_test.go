package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestDirectoryAndExpertiseSettings: the settings form saves role, team and skills (shown on the
// profile as fields) and whether to be listed; the directory finds by skill and leaves out people
// who are not listed; a field labelled like an expertise box is refused; signed out, the directory
// asks to sign in.
func TestDirectoryAndExpertiseSettings(t *testing.T) {
	e := newEnv(t, envOptions{})
	c, _ := e.user("amira")
	other, _ := e.user("bilal")
	token := e.csrfOf(c)
	form := url.Values{"csrf_token": {token}, "display_name": {"Amira K"}, "role": {"Planning officer"}, "team": {"Development"},
		"skills": {"GIS, planning law"}, "listed": {"1"}, "field_1_name": {"Skills"}, "field_1_value": {"x"}}
	p := e.postMultipart(c, "/settings", form)
	p.wantStatus(t, http.StatusUnprocessableEntity)
	if got := p.fieldErrors()["field_1_name"]; !strings.HasPrefix(got, "Skills has its own box") {
		t.Errorf("field named Skills: %q", got)
	}
	form.Del("field_1_name")
	form.Del("field_1_value")
	e.postMultipart(c, "/settings", form).wantRedirect(t, "/settings?saved=1")
	e.get(c, "/settings").wantBody(t, `id="role" name="role" type="text" value="Planning officer"`, `name="listed" value="1" checked`)
	e.get(c, "/@amira").wantBody(t, "<dt>Role</dt><dd>Planning officer</dd>", "<dt>Skills</dt><dd>GIS, planning law</dd>")

	p = e.get(other, "/directory?skill=gis")
	p.wantStatus(t, http.StatusOK)
	p.wantBody(t, `<a href="/@amira"><strong>Amira K</strong></a>`, "Planning officer, Development", `href="/directory?skill=planning&#43;law"`)

	form.Del("listed")
	e.postMultipart(c, "/settings", form).wantRedirect(t, "/settings?saved=1")
	a, err := e.svc.AccountByUsername(t.Context(), "amira")
	if err != nil || a.Actor.Discoverable {
		t.Fatalf("unticked Show me: discoverable %v (%v)", a.Actor.Discoverable, err)
	}
	if p := e.get(other, "/directory?skill=gis"); strings.Contains(p.body, "Amira") {
		t.Error("listed after opting out")
	}
	if p := e.get(newClient(t, e.srv), "/directory"); p.StatusCode != http.StatusSeeOther {
		t.Errorf("signed out: %d", p.StatusCode)
	}
}
