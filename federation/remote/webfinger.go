package remote

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/federation/as2"
)

// jrd is the part of a WebFinger answer we read.
type jrd struct {
	Subject string `json:"subject"`
	Links   []struct {
		Rel  string `json:"rel"`
		Type string `json:"type"`
		Href string `json:"href"`
	} `json:"links"`
}

// ResolveHandle finds @username@domain: WebFinger on domain, then the actor from its own id. The
// handle is only believed when WebFinger on the actor's own host, for the actor's own username,
// points back at the same actor (ORI-18); otherwise evil.example could claim @alice@victim.example
// or the reverse.
func (d *Dereferencer) ResolveHandle(ctx context.Context, username, domain string) (*ap.Actor, error) {
	const op = "remote.ResolveHandle"
	domain = strings.TrimSuffix(strings.ToLower(domain), ".")
	if domain == "" || strings.ContainsAny(domain, "/@?#") || strings.ContainsAny(username, "/@?#") {
		return nil, ap.E(op, ap.Invalid, "not a valid handle")
	}
	if a, err := d.store.ActorByUsername(ctx, username, domain); err == nil && !a.Stale(d.svc.Now()) {
		return a, nil
	}
	self, err := d.webfinger(ctx, username, domain)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	a, err := d.ResolveActor(ctx, self)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if a.Domain != domain || !strings.EqualFold(a.Username, username) {
		// The actor lives elsewhere than the handle says (a split-domain setup, or a lie):
		// it keeps its own handle, username@host of its id, and only if that host agrees.
		back, err := d.webfinger(ctx, a.Username, a.Domain)
		if err != nil {
			return nil, fmt.Errorf("%s: reverse lookup: %w", op, err)
		}
		if back != a.URI {
			return nil, ap.E(op, ap.Forbidden, "WebFinger and actor disagree")
		}
	}
	return a, nil
}

// webfinger returns the ActivityPub id WebFinger gives for acct:username@domain.
func (d *Dereferencer) webfinger(ctx context.Context, username, domain string) (string, error) {
	if err := d.checkHost(ctx, domain); err != nil {
		return "", err
	}
	q := url.Values{"resource": {"acct:" + username + "@" + domain}}
	u := url.URL{Scheme: d.wfScheme, Host: domain, Path: "/.well-known/webfinger", RawQuery: q.Encode()}
	var doc jrd
	if err := d.fetcher.GetJSON(ctx, u.String(), "application/jrd+json, application/json", &doc); err != nil {
		return "", err
	}
	self, err := selfLink(doc)
	if err != nil {
		return "", fmt.Errorf("webfinger %s@%s: %w", username, domain, err)
	}
	return self, nil
}

// selfLink picks the ActivityPub id out of a WebFinger answer: the first "self" link typed as
// ActivityStreams whose href is an absolute http(s) URL. Anything else in a hostile answer is
// ignored; the id is only a candidate, ResolveActor and the reverse lookup decide.
func selfLink(doc jrd) (string, error) {
	for _, l := range doc.Links {
		if l.Rel != "self" {
			continue
		}
		mt := strings.TrimSpace(strings.Split(l.Type, ";")[0])
		if mt != "application/activity+json" && mt != "application/ld+json" {
			continue
		}
		u, err := url.Parse(l.Href)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || len(l.Href) > as2.MaxURLBytes {
			return "", fmt.Errorf("self link %q is not an http(s) URL", clipHref(l.Href))
		}
		return l.Href, nil
	}
	return "", errors.New("no ActivityPub self link")
}

func clipHref(s string) string {
	if len(s) > 100 {
		return s[:100] + "…"
	}
	return s
}
