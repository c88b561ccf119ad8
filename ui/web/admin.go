package web

import (
	"net/http"
	"strings"

	"github.com/guildhall/guildhall/activitypub"
)

// errNotAdmin is the 403 every admin page gives to people who are not administrators.
var errNotAdmin = activitypub.E("web.admin", activitypub.Forbidden, "only administrators can open this page")

// requireAdmin sends people who are not signed in to sign in and refuses everyone else who is
// not an administrator.
func (h *Handler) requireAdmin(w http.ResponseWriter, r *http.Request) (*activitypub.Account, bool, error) {
	acct := AccountFrom(r.Context())
	if acct == nil {
		return nil, false, redirect(w, r, signInURL(r))
	}
	if !acct.User.Admin {
		return nil, false, errNotAdmin
	}
	return acct, true, nil
}

// federationView is the federation policy page.
type federationView struct {
	Mode     string
	Policies []*activitypub.DomainPolicy
	Domain   string
	Reason   string
	Policy   string
}

func (h *Handler) federationPage(w http.ResponseWriter, r *http.Request) error {
	if _, ok, err := h.requireAdmin(w, r); !ok {
		return err
	}
	fv, err := h.federationState(r)
	if err != nil {
		return err
	}
	fv.Policy = activitypub.PolicyBlock
	return h.render(w, r, http.StatusOK, "federation", view{Title: "Federation", Section: "admin", Page: fv,
		Message: r.URL.Query().Get("done")})
}

func (h *Handler) federationState(r *http.Request) (federationView, error) {
	mode, err := h.svc.FederationMode(r.Context())
	if err != nil {
		return federationView{}, err
	}
	ps, err := h.svc.DomainPolicies(r.Context())
	if err != nil {
		return federationView{}, err
	}
	return federationView{Mode: mode, Policies: ps}, nil
}

// federationChange handles the three forms of the page: the mode, adding a domain, removing one.
func (h *Handler) federationChange(w http.ResponseWriter, r *http.Request) error {
	if _, ok, err := h.requireAdmin(w, r); !ok {
		return err
	}
	ctx := r.Context()
	f := r.PostForm
	switch f.Get("form") {
	case "mode":
		mode := f.Get("mode")
		if mode != activitypub.FederationBlocklist && mode != activitypub.FederationAllowlist {
			return h.federationError(w, r, fieldError{Field: "mode-blocklist", Message: "Choose how this server federates"})
		}
		if err := h.svc.SetFederationMode(ctx, mode); err != nil {
			return err
		}
		return redirect(w, r, "/admin/federation?done=mode")
	case "add":
		domain, reason, policy := strings.TrimSpace(f.Get("domain")), strings.TrimSpace(f.Get("reason")), f.Get("policy")
		var err error
		switch {
		case domain == "":
			return h.federationError(w, r, fieldError{Field: "domain", Message: "Enter a domain, for example spam.example"})
		case policy == activitypub.PolicyAllow:
			_, err = h.svc.AllowDomain(ctx, domain, reason)
		case policy == activitypub.PolicyBlock:
			if reason == "" {
				return h.federationError(w, r, fieldError{Field: "reason", Message: "Say why this domain is blocked, so other administrators know"})
			}
			_, err = h.svc.BlockDomain(ctx, domain, reason)
		default:
			return h.federationError(w, r, fieldError{Field: "policy-block", Message: "Choose block or allow"})
		}
		if activitypub.KindOf(err) == activitypub.Invalid {
			return h.federationError(w, r, fieldError{Field: "domain", Message: sentence(activitypub.Message(err))})
		}
		if err != nil {
			return err
		}
		return redirect(w, r, "/admin/federation?done=added")
	case "remove":
		if err := h.svc.RemoveDomainPolicy(ctx, f.Get("domain")); err != nil {
			return err
		}
		return redirect(w, r, "/admin/federation?done=removed")
	}
	return activitypub.E("web.admin", activitypub.Invalid, "unknown form")
}

func (h *Handler) federationError(w http.ResponseWriter, r *http.Request, fe fieldError) error {
	fv, err := h.federationState(r)
	if err != nil {
		return err
	}
	fv.Domain, fv.Reason, fv.Policy = strings.TrimSpace(r.PostForm.Get("domain")), strings.TrimSpace(r.PostForm.Get("reason")), r.PostForm.Get("policy")
	return h.render(w, r, http.StatusUnprocessableEntity, "federation", view{Title: "Federation", Section: "admin",
		Errors: []fieldError{fe}, Page: fv})
}
