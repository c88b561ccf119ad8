package web_test

import (
	"net/http"
	"strings"
	"testing"
)

const msgBadCredentials = "Invalid username or password"

func TestSignIn(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.setupAdmin(newClient(t, e.srv))

	tests := []struct {
		name, login, password string
		status                int
		body                  string
	}{
		{"username", "jo", adminPassword, http.StatusSeeOther, ""},
		{"email, any case", "Jo.Bloggs@Council.example", adminPassword, http.StatusSeeOther, ""},
		{"wrong password", "jo", "not the password", http.StatusUnauthorized, msgBadCredentials},
		{"unknown user", "nobody", "not the password", http.StatusUnauthorized, msgBadCredentials},
		{"empty", "", "", http.StatusUnprocessableEntity, "Enter your username or email address"},
	}
	var summaries []string
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, e.srv)
			p := e.signIn(c, tt.login, tt.password, "")
			p.wantStatus(t, tt.status)
			p.wantBody(t, tt.body)
			if tt.status == http.StatusUnauthorized {
				summaries = append(summaries, p.errorSummary())
				if n := strings.Count(p.body, msgBadCredentials); n != 1 {
					t.Errorf("message shown %d times, want once", n)
				}
				if strings.Contains(p.body, `aria-invalid`) {
					t.Error("a field is marked invalid, hinting which one was wrong")
				}
				return
			}
			if tt.status == http.StatusSeeOther {
				e.get(c, "/").wantBody(t, "Signed in as")
			}
		})
	}
	// An unknown user and a wrong password must be indistinguishable.
	if len(summaries) != 2 || summaries[0] == "" || summaries[0] != summaries[1] {
		t.Errorf("error summaries differ:\n%q", summaries)
	}
}

func TestSignInRateLimited(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.setupAdmin(newClient(t, e.srv))
	c := newClient(t, e.srv)
	for i := range 10 {
		if p := e.signIn(c, "jo", "guess number "+string(rune('a'+i)), ""); p.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: status %d, want 401", i+1, p.StatusCode)
		}
	}
	// Past the limit even the right password is refused, so guessing cannot continue.
	p := e.signIn(c, "jo", adminPassword, "")
	p.wantStatus(t, http.StatusTooManyRequests)
	p.wantBody(t, "Too many sign-in attempts")
	for _, ck := range p.Cookies() {
		if ck.Name == "guildhall_session" && ck.Value != "" {
			t.Error("a session cookie was set while rate limited")
		}
	}
}

func TestSignInNextIsLocalOnly(t *testing.T) {
	tests := []struct{ next, want string }{
		{"", "/"},
		{"/", "/"},
		{"/settings?tab=profile", "/settings?tab=profile"},
		{"//evil.example", "/"},
		{"//evil.example/path", "/"},
		{"https://evil.example", "/"},
		{"http:/evil.example", "/"},
		{`/\evil.example`, "/"},
		{`\/evil.example`, "/"},
		{"/\t/evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"evil.example", "/"},
	}
	e := newEnv(t, envOptions{})
	e.setupAdmin(newClient(t, e.srv))
	for _, tt := range tests {
		t.Run(tt.next, func(t *testing.T) {
			e.signIn(newClient(t, e.srv), "jo", adminPassword, tt.next).wantRedirect(t, tt.want)
		})
	}
	// The next of the sign-in page's own URL survives the round trip through the form.
	c := newClient(t, e.srv)
	form := e.get(c, "/login?next=%2Fsettings")
	form.wantBody(t, `name="next" value="/settings"`)
}

func TestHomeRequiresSignIn(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.get(e.client, "/").wantRedirect(t, "/login?next=%2F")
}

func TestSignOut(t *testing.T) {
	e := newEnv(t, envOptions{})
	c := e.client
	e.setupAdmin(c)

	// GET only asks.
	confirm := e.get(c, "/logout")
	confirm.wantStatus(t, http.StatusOK)
	confirm.wantBody(t, `action="/logout"`)
	e.get(c, "/").wantStatus(t, http.StatusOK)

	out := e.post(c, "/logout", map[string][]string{"csrf_token": {confirm.csrf(t)}})
	out.wantRedirect(t, "/login")
	e.get(c, "/").wantRedirect(t, "/login?next=%2F")
	e.get(c, "/logout").wantRedirect(t, "/login")
}
