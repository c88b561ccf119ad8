package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/guildhall/guildhall/activitypub"
)

// TestComposePartnerOnly: the compose page offers the instance's partner list; a partner-only
// post takes the councils checked and typed, shows who it is for, and stays hidden from a
// colleague who does not follow the author. Naming no one with no partner list is a field error.
func TestComposePartnerOnly(t *testing.T) {
	e := newEnv(t, envOptions{})
	c, acct := e.user("amira")
	other, _ := e.user("bilal")
	ctx := context.Background()

	p := e.get(c, "/compose")
	p.wantStatus(t, http.StatusOK)
	p.wantBody(t, `value="partners"`, `id="compose-partners-other"`)

	form := url.Values{"csrf_token": {e.csrfOf(c)}, "text": {"Draft joint waste contract"}, "visibility": {"partners"},
		"action": {"post"}}
	p = e.postMultipart(c, "/compose", form)
	p.wantStatus(t, http.StatusUnprocessableEntity)
	if got := p.fieldErrors()["compose-partners-other"]; got == "" {
		t.Errorf("no error on the partner field (all: %v)", p.fieldErrors())
	}
	if sts := e.statusesBy(acct); len(sts) != 0 {
		t.Fatalf("%d statuses stored", len(sts))
	}

	if err := e.store.AddPartnerDomain(ctx, "leeds.example", e.svc.Now()); err != nil {
		t.Fatal(err)
	}
	p = e.get(c, "/compose")
	p.wantBody(t, `id="compose-partner-leeds.example" name="partners" value="leeds.example"`)
	form.Set("partners", "leeds.example")
	form.Set("partners_other", "York.example, hull.example")
	p = e.postMultipart(c, "/compose", form)
	if p.StatusCode != http.StatusSeeOther {
		t.Fatalf("post: %d %v", p.StatusCode, p.fieldErrors())
	}
	sts := e.statusesBy(acct)
	if len(sts) != 1 || sts[0].Visibility != activitypub.Partners ||
		!slices.Equal(sts[0].Partners, []string{"hull.example", "leeds.example", "york.example"}) {
		t.Fatalf("stored %+v", sts)
	}
	e.get(c, postHref(acct, sts[0])).wantBody(t, "Partner councils only: hull.example, leeds.example, york.example")
	if p := e.get(other, postHref(acct, sts[0])); p.StatusCode != http.StatusNotFound {
		t.Errorf("a colleague who does not follow got %d", p.StatusCode)
	}
}
