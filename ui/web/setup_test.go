package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

const msgSetupInvalid = "This setup link is not valid (it may have been used already)"

func TestSetupLinkCreatesAdminAndSignsIn(t *testing.T) {
	e := newEnv(t, envOptions{})
	c := e.client

	e.setupAdmin(c)

	home := e.get(c, "/")
	home.wantStatus(t, http.StatusOK)
	home.wantBody(t, "Signed in as <strong>Jo Bloggs</strong> (@jo@127.0.0.1)", "Administrator")

	// The link is spent: showing it again, or posting it again for a second administrator, fails.
	again := e.get(newClient(t, e.srv), "/setup?token="+url.QueryEscape(e.setupToken))
	again.wantStatus(t, http.StatusForbidden)
	again.wantBody(t, msgSetupInvalid)

	other := newClient(t, e.srv)
	form := e.get(other, "/login") // any pre-session page issues the double-submit cookie
	second := e.adminForm(form.csrf(t))
	second.Set("username", "mallory")
	second.Set("email", "mallory@council.example")
	e.post(other, "/setup", second).wantStatus(t, http.StatusForbidden)
	e.signIn(other, "mallory", adminPassword, "").wantStatus(t, http.StatusUnauthorized)

	if tok, err := e.acc.PrepareSetup(t.Context()); err != nil || tok != "" {
		t.Errorf("PrepareSetup after setup = %q, %v; want no new link", tok, err)
	}
}

func TestSetupLinkRejectsUnknownToken(t *testing.T) {
	e := newEnv(t, envOptions{})
	for _, token := range []string{"", "nope", e.setupToken + "x"} {
		p := e.get(e.client, "/setup?token="+url.QueryEscape(token))
		p.wantStatus(t, http.StatusForbidden)
		p.wantBody(t, msgSetupInvalid)
		if strings.Contains(p.body, `name="password"`) {
			t.Errorf("token %q: form shown without a valid link", token)
		}
	}
}

func TestSetupValidation(t *testing.T) {
	tests := []struct {
		name   string
		change map[string]string
		field  string // the input the error summary links to
		msg    string
	}{
		{"passwords differ", map[string]string{"password_confirm": "something else entirely"},
			"password_confirm", "The passwords do not match"},
		{"short password", map[string]string{"password": "short", "password_confirm": "short"},
			"password", "Password must be at least 10 characters"},
		{"bad username", map[string]string{"username": "jo bloggs"},
			"username", "Username must be 1 to 30 letters, digits or underscores"},
		{"reserved username", map[string]string{"username": "login"},
			"username", "Username is reserved"},
		{"bad email", map[string]string{"email": "not an address"},
			"email", "Email address is not valid"},
	}
	e := newEnv(t, envOptions{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, e.srv)
			form := e.get(c, "/setup?token="+url.QueryEscape(e.setupToken))
			v := e.adminForm(form.csrf(t))
			for k, val := range tt.change {
				v.Set(k, val)
			}
			p := e.post(c, "/setup", v)
			p.wantStatus(t, http.StatusUnprocessableEntity)
			p.wantBody(t, `role="alert"`, `<a href="#`+tt.field+`">`+tt.msg, `aria-invalid="true"`,
				`value="`+v.Get("username")+`"`, `value="`+v.Get("email")+`"`, `value="Jo Bloggs"`)
			if strings.Contains(p.body, v.Get("password")) || strings.Contains(p.body, v.Get("password_confirm")) {
				t.Error("a password was echoed back into the page")
			}
		})
	}
	// None of the failures spent the link.
	e.get(e.client, "/setup?token="+url.QueryEscape(e.setupToken)).wantStatus(t, http.StatusOK)
}
