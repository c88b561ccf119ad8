package activitypub

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// MaxPartnerDomains bounds the partner list of one status, ours or received.
const MaxPartnerDomains = 20

// FollowerRef names a remote follower: enough to address it and to know its instance.
type FollowerRef struct {
	ID     string
	URI    string
	Domain string
}

// PartnerStore is what partner-only statuses need from storage.
type PartnerStore interface {
	// PartnerDomains lists the instance's configured partner list (the one partners-reach
	// groups admit), sorted.
	PartnerDomains(ctx context.Context) ([]string, error)
	// RemoteFollowers lists an actor's remote accepted followers that are not deleted.
	RemoteFollowers(ctx context.Context, actorID string) ([]FollowerRef, error)
}

// NormalisePartners checks a partner list someone typed or chose: host names (a leading "*." and
// a port are dropped, as for federation policy), lower-cased, unique, sorted; own (this
// instance's host) is dropped, since the author's own council always sees its followers' posts.
func NormalisePartners(list []string, own string) ([]string, error) {
	ownHost, _ := NormalizeHost(own)
	var out []string
	for _, raw := range list {
		raw = strings.TrimPrefix(strings.TrimSpace(raw), "*.")
		if raw == "" {
			continue
		}
		d, ok := NormalizeHost(raw)
		if _, port, hasPort := strings.Cut(raw, ":"); hasPort && (port == "" || strings.Trim(port, "0123456789") != "") {
			ok = false // a URL or some other text, not host[:port]
		}
		if !ok || strings.HasPrefix(d, ".") || strings.Contains(d, "..") || strings.Contains(d, ":") {
			return nil, fmt.Errorf("%q is not a domain name (ASCII only: use the xn-- form of an international name)", raw)
		}
		if d == ownHost || slices.Contains(out, d) {
			continue
		}
		out = append(out, d)
	}
	if len(out) > MaxPartnerDomains {
		return nil, fmt.Errorf("at most %d partner councils per post", MaxPartnerDomains)
	}
	slices.Sort(out)
	return out, nil
}

// receivedPartners bounds and cleans the partner list of a received status: invalid names are
// dropped rather than refusing the post, since the list only narrows who sees it.
func receivedPartners(list []string) []string {
	var out []string
	for _, raw := range list {
		if len(out) == MaxPartnerDomains {
			break
		}
		if d, err := NormalisePartners([]string{raw}, ""); err == nil && len(d) == 1 && !slices.Contains(out, d[0]) {
			out = append(out, d[0])
		}
	}
	slices.Sort(out)
	return out
}

// PartnerHost reports whether host (with or without a port) is one of partners or a subdomain of
// one: the rule partners-reach groups apply to the configured partner list.
func PartnerHost(host string, partners []string) bool {
	h, ok := NormalizeHost(host)
	if !ok {
		return false
	}
	for _, p := range partners {
		if h == p || strings.HasSuffix(h, "."+p) {
			return true
		}
	}
	return false
}

// ConfiguredPartners lists the instance's partner list, which a partner-only post naming no one
// is addressed to.
func (s *Service) ConfiguredPartners(ctx context.Context) ([]string, error) {
	list, err := s.store.PartnerDomains(ctx)
	return list, Wrap("activitypub.ConfiguredPartners", err)
}

// partnerList resolves the partner list of a new local status: the one given, or else the
// instance's configured partner list. An empty result is refused: a partner-only post must name
// someone.
func (s *Service) partnerList(ctx context.Context, op string, given []string) ([]string, error) {
	list := given
	if len(list) == 0 {
		configured, err := s.store.PartnerDomains(ctx)
		if err != nil {
			return nil, Wrap(op, err)
		}
		list = configured
	}
	out, err := NormalisePartners(list, s.host)
	if err != nil {
		return nil, E(op, Invalid, err.Error())
	}
	if len(out) == 0 {
		return nil, E(op, Invalid, "a partner-only post needs at least one partner council (none given, none configured)")
	}
	return out, nil
}

// partnerReaches reports whether local readers on this instance may have a Partners status at
// all: always for our own statuses, otherwise only when this instance is one of its partners.
func (s *Service) partnerReaches(st *Status) bool {
	return st.Local || PartnerHost(s.host, st.Partners)
}

// partnerVisible applies the Partners rule for a viewer other than the author: a remote viewer
// (a signed fetch) must be on a partner instance, and the status must be ours; a local viewer
// must be reached (partnerReaches) and follow the author or be mentioned, as for followers-only.
func (s *Service) partnerVisible(ctx context.Context, v *Actor, st *Status) (bool, error) {
	if !v.Local() {
		return st.Local && PartnerHost(v.Domain, st.Partners), nil
	}
	if !s.partnerReaches(st) {
		return false, nil
	}
	if mentioned(st, v.ID) {
		return true, nil
	}
	f, err := s.store.FollowBetween(ctx, v.ID, st.ActorID)
	if IsNotFound(err) {
		return false, nil
	}
	return err == nil && f.State == FollowAccepted, err
}

// PartnerAudience lists whom a local Partners status is addressed to, by instance (normalised
// host): the author's remote followers on the partner instances and the mentioned actors there,
// by URI, sorted. Nobody elsewhere is named, and neither the public collection nor the followers
// collection is, so Mastodon files it as "limited" (silent mentions of those named) and
// GoToSocial as direct: either way only those named see it. Each instance is sent, and served,
// only its own part, so partners do not learn each other's followers.
func (s *Service) PartnerAudience(ctx context.Context, st *Status) (map[string][]string, error) {
	const op = "activitypub.PartnerAudience"
	followers, err := s.store.RemoteFollowers(ctx, st.ActorID)
	if err != nil {
		return nil, Wrap(op, err)
	}
	out := map[string][]string{}
	add := func(domain, uri string) {
		if h, ok := NormalizeHost(domain); ok && PartnerHost(h, st.Partners) && !slices.Contains(out[h], uri) {
			out[h] = append(out[h], uri)
		}
	}
	for _, f := range followers {
		add(f.Domain, f.URI)
	}
	for _, m := range st.Mentions {
		if m.Domain != "" {
			add(m.Domain, m.URI)
		}
	}
	for _, uris := range out {
		slices.Sort(uris)
	}
	return out, nil
}

// enqueuePartners writes the outbox records of a local Partners status action: one per partner
// instance that has someone to tell, addressed to its followers (and mentioned) there only.
// parentAuthor (a remote actor replied to, or nil) is told too when on a partner instance.
func (s *Service) enqueuePartners(ctx context.Context, id, typ string, author *Actor, st *Status, parentAuthor *Actor) error {
	byHost, err := s.PartnerAudience(ctx, st)
	if err != nil {
		return err
	}
	if parentAuthor != nil && !parentAuthor.Local() {
		if h, ok := NormalizeHost(parentAuthor.Domain); ok && PartnerHost(h, st.Partners) && !slices.Contains(byHost[h], parentAuthor.URI) {
			byHost[h] = append(byHost[h], parentAuthor.URI)
		}
	}
	hosts := make([]string, 0, len(byHost))
	for h := range byHost {
		hosts = append(hosts, h)
	}
	slices.Sort(hosts)
	for _, h := range hosts {
		if err := s.enqueue(ctx, author, Activity{
			ID: id, Type: typ, Actor: author.URI, Object: st.URI, StatusID: st.ID, To: byHost[h],
		}); err != nil {
			return err
		}
	}
	return nil
}
