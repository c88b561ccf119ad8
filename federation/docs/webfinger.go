package docs

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/federation/as2"
)

// jrd is a WebFinger answer (RFC 7033).
type jrd struct {
	Subject string    `json:"subject"`
	Aliases []string  `json:"aliases,omitempty"`
	Links   []jrdLink `json:"links"`
}

type jrdLink struct {
	Rel      string `json:"rel"`
	Type     string `json:"type,omitempty"`
	Href     string `json:"href,omitempty"`
	Template string `json:"template,omitempty"`
}

// webfinger answers acct:user@domain, the actor's id or profile URL, and, for the instance actor
// (FEP-d556), acct:domain@domain and the instance's own URL. acct:user@host:port is accepted too:
// on a non-default port the handle people see carries no port, but ids do, and some software
// builds the handle from the id.
func (h *Handler) webfinger(w http.ResponseWriter, r *http.Request) error {
	resource := strings.TrimSpace(r.URL.Query().Get("resource"))
	if resource == "" {
		return httpError(http.StatusBadRequest, "resource parameter required")
	}
	ctx := r.Context()
	if h.isInstanceResource(resource) {
		a, err := h.svc.EnsureInstanceActor(ctx)
		if err != nil {
			return err
		}
		return writeJRD(w, jrd{Subject: h.svc.BaseURL() + "/", Aliases: []string{a.URI}, Links: []jrdLink{
			{Rel: "self", Type: as2.ContentType, Href: a.URI},
			{Rel: as2.ApplicationRel, Type: as2.ContentType, Href: a.URI},
		}})
	}
	username, ok := h.localUsername(resource)
	if !ok {
		return errNotFound
	}
	a, err := h.store.ActorByUsername(ctx, username, "")
	if err != nil {
		return err
	}
	if a.DeletedAt != nil || a.SuspendedAt != nil {
		return httpError(http.StatusGone, "Gone")
	}
	doc := jrd{Subject: "acct:" + a.Username + "@" + h.svc.Domain(), Aliases: []string{a.URI}}
	if a.URL != "" && a.URL != a.URI {
		doc.Aliases = append(doc.Aliases, a.URL)
		doc.Links = append(doc.Links, jrdLink{Rel: "http://webfinger.net/rel/profile-page", Type: "text/html", Href: a.URL})
	}
	doc.Links = append(doc.Links, jrdLink{Rel: "self", Type: as2.ContentType, Href: a.URI})
	if a.Kind == ap.KindApplication {
		doc.Links = append(doc.Links, jrdLink{Rel: as2.ApplicationRel, Type: as2.ContentType, Href: a.URI})
	}
	return writeJRD(w, doc)
}

// isInstanceResource reports whether resource names the server itself (FEP-d556).
func (h *Handler) isInstanceResource(resource string) bool {
	base := h.svc.BaseURL()
	return resource == base || resource == base+"/"
}

// localUsername extracts a local username from an acct: URI or one of our actor or profile URLs.
func (h *Handler) localUsername(resource string) (string, bool) {
	return resourceUsername(resource, h.svc.Domain(), h.svc.Host())
}

// resourceUsername is localUsername without the Handler: a pure function of the (untrusted)
// resource and our domain and host, so it can be fuzzed. Only a name that could be ours comes out
// (usernames and the instance actor's domain-as-name), never a path or another handle.
func resourceUsername(resource, domain, host string) (string, bool) {
	user, ok := resourceUser(resource, domain, host)
	if !ok || !webfingerName.MatchString(user) {
		return "", false
	}
	return user, true
}

// webfingerName is every name a local actor can have: a username, or the instance actor's domain.
var webfingerName = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,252}$`)

func resourceUser(resource, domain, host string) (string, bool) {
	if len(resource) > 5 && strings.EqualFold(resource[:5], "acct:") {
		user, d, ok := strings.Cut(strings.TrimPrefix(resource[5:], "@"), "@")
		if !ok || user == "" {
			return "", false
		}
		d = strings.ToLower(d)
		if d != strings.ToLower(domain) && d != strings.ToLower(host) {
			return "", false
		}
		return user, true
	}
	u, err := url.Parse(resource)
	if err != nil || !strings.EqualFold(u.Host, host) {
		return "", false
	}
	if u.Path == "/actor" {
		return domain, true
	}
	if name, ok := strings.CutPrefix(u.Path, "/users/"); ok && name != "" && !strings.Contains(name, "/") {
		return name, true
	}
	if name, ok := strings.CutPrefix(u.Path, "/@"); ok && name != "" && !strings.Contains(name, "/") {
		return name, true
	}
	return "", false
}

func writeJRD(w http.ResponseWriter, doc jrd) error {
	b, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/jrd+json; charset=utf-8")
	// WebFinger is read by browser-based clients too (RFC 7033 §5).
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, err = w.Write(b)
	return err
}

// hostMeta points old clients at WebFinger (RFC 6415).
func (h *Handler) hostMeta(w http.ResponseWriter, _ *http.Request) error {
	w.Header().Set("Content-Type", "application/xrd+xml; charset=utf-8")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	tmpl := h.svc.BaseURL() + "/.well-known/webfinger?resource={uri}"
	_, err := w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0"><Link rel="lrdd" type="application/jrd+json" template="` +
		xmlEscape(tmpl) + `"/></XRD>` + "\n"))
	return err
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
