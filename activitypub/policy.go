package activitypub

import (
	"context"
	"strings"
	"time"
)

// PolicyStore keeps administrators' decisions about remote domains. Like ReportStore it is kept
// apart from Store: a store without it federates with everyone (blocklist mode, nothing blocked).
type PolicyStore interface {
	// SetDomainPolicy stores a domain's policy, replacing any earlier one for the same domain.
	SetDomainPolicy(ctx context.Context, p DomainPolicy) error
	// DeleteDomainPolicy removes a domain's policy; NotFound when there is none.
	DeleteDomainPolicy(ctx context.Context, domain string) error
	// DomainPolicies lists every policy, ordered by domain.
	DomainPolicies(ctx context.Context) ([]*DomainPolicy, error)
	DomainPolicy(ctx context.Context, domain string) (*DomainPolicy, error)
	// RemoteActorsOfDomain lists the remote actors on domain or any of its subdomains, whatever
	// their port.
	RemoteActorsOfDomain(ctx context.Context, domain string) ([]*Actor, error)
	// FollowsOfDomain lists the follows and requests, either way, between local actors and
	// actors on domain or its subdomains.
	FollowsOfDomain(ctx context.Context, domain string) ([]*Follow, error)
}

// Federation modes, kept in the SettingStore under SettingFederationMode. In blocklist mode every
// domain federates except blocked ones; in allowlist mode only allowed ones do (the mission's
// "trusted councils" set-up), and a block still beats an allow.
const (
	SettingFederationMode = "federation_mode"
	FederationBlocklist   = "blocklist"
	FederationAllowlist   = "allowlist"
)

// Domain policies.
const (
	PolicyAllow = "allow"
	PolicyBlock = "block"
)

// maxDomainLen is DNS's limit on a name.
const maxDomainLen = 253

// policies is one consistent view of the mode and every policy, read in full because there are
// few (tens, perhaps hundreds) and the check walks every suffix of a host.
type policies struct {
	mode  string
	own   string
	allow map[string]bool
	block map[string]bool
}

// allowed decides for a normalised host: our own host always federates; a block on the host or
// any parent domain refuses it; in allowlist mode an allow on the host or a parent is needed.
func (p *policies) allowed(host string) bool {
	if host == p.own {
		return true
	}
	allowed := p.mode != FederationAllowlist
	for d := host; d != ""; d = parentDomain(d) {
		if p.block[d] {
			return false
		}
		if p.allow[d] {
			allowed = true
		}
	}
	return allowed
}

// parentDomain drops the first label: "a.b.example" → "b.example"; "example" → "".
func parentDomain(d string) string {
	_, rest, _ := strings.Cut(d, ".")
	return rest
}

// NormalizeHost returns the part of a host (or host:port) that policies compare: lower-case,
// without port, brackets or one trailing dot. It reports false for what no policy can name:
// empty, non-ASCII (we do no IDNA mapping, so a Unicode spelling could dodge an ASCII block) or
// holding characters a host cannot have.
func NormalizeHost(host string) (string, bool) {
	h := strings.ToLower(strings.TrimSpace(host))
	switch {
	case strings.HasPrefix(h, "["): // [v6]:port
		end := strings.IndexByte(h, ']')
		if end < 0 {
			return "", false
		}
		h = h[1:end]
	case strings.Count(h, ":") == 1:
		h, _, _ = strings.Cut(h, ":")
	}
	h = strings.TrimSuffix(h, ".")
	if h == "" || len(h) > maxDomainLen {
		return "", false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == ':') {
			return "", false
		}
	}
	return h, true
}

// normalizeDomain checks a domain an administrator typed. "*.example.org" means the same as
// "example.org": a policy always covers subdomains.
func (s *Service) normalizeDomain(op, domain string) (string, error) {
	d, ok := NormalizeHost(strings.TrimPrefix(strings.TrimSpace(domain), "*."))
	if !ok || strings.HasPrefix(d, ".") || strings.Contains(d, "..") {
		return "", E(op, Invalid, "not a domain name (ASCII only: use the xn-- form of an international name)")
	}
	return d, nil
}

func (s *Service) policyStore(op string) (PolicyStore, error) {
	ps, ok := s.store.(PolicyStore)
	if !ok {
		return nil, E(op, Invalid, "this store cannot keep domain policies")
	}
	return ps, nil
}

// FederationMode returns the instance's mode, blocklist unless an administrator chose allowlist.
func (s *Service) FederationMode(ctx context.Context) (string, error) {
	v, err := s.store.Setting(ctx, SettingFederationMode)
	if IsNotFound(err) || err == nil && v == "" {
		return FederationBlocklist, nil
	}
	if err != nil {
		return "", Wrap("activitypub.FederationMode", err)
	}
	return v, nil
}

// SetFederationMode switches between blocklist and allowlist. Switching to allowlist does not
// touch existing follows: their deliveries and inbound activities are refused from then on.
func (s *Service) SetFederationMode(ctx context.Context, mode string) error {
	const op = "activitypub.SetFederationMode"
	if mode != FederationBlocklist && mode != FederationAllowlist {
		return E(op, Invalid, "federation mode must be blocklist or allowlist")
	}
	return Wrap(op, s.store.SetSetting(ctx, SettingFederationMode, mode))
}

// loadPolicies reads the mode and every policy.
func (s *Service) loadPolicies(ctx context.Context) (*policies, error) {
	mode, err := s.FederationMode(ctx)
	if err != nil {
		return nil, err
	}
	own, _ := NormalizeHost(s.host)
	p := &policies{mode: mode, own: own, allow: map[string]bool{}, block: map[string]bool{}}
	ps, ok := s.store.(PolicyStore)
	if !ok {
		return p, nil
	}
	list, err := ps.DomainPolicies(ctx)
	if err != nil {
		return nil, err
	}
	for _, dp := range list {
		switch dp.Policy {
		case PolicyBlock:
			p.block[dp.Domain] = true
		case PolicyAllow:
			p.allow[dp.Domain] = true
		}
	}
	return p, nil
}

// FederationAllowed reports whether this instance may exchange anything with host (a host or
// host:port, as in a URL). It reads the store on every call; hot paths use a PolicyCache.
func (s *Service) FederationAllowed(ctx context.Context, host string) (bool, error) {
	h, ok := NormalizeHost(host)
	if !ok {
		return false, nil
	}
	p, err := s.loadPolicies(ctx)
	if err != nil {
		return false, Wrap("activitypub.FederationAllowed", err)
	}
	return p.allowed(h), nil
}

// DomainPolicies lists every domain policy, ordered by domain.
func (s *Service) DomainPolicies(ctx context.Context) ([]*DomainPolicy, error) {
	const op = "activitypub.DomainPolicies"
	ps, err := s.policyStore(op)
	if err != nil {
		return nil, err
	}
	list, err := ps.DomainPolicies(ctx)
	return list, Wrap(op, err)
}

// AllowDomain lets domain and its subdomains federate in allowlist mode. It replaces a block of
// the same domain (but not of a parent domain, which still wins).
func (s *Service) AllowDomain(ctx context.Context, domain, reason string) (*DomainPolicy, error) {
	const op = "activitypub.AllowDomain"
	return s.setPolicy(ctx, op, domain, PolicyAllow, reason, nil)
}

// BlockDomain stops all federation with domain and its subdomains. Beyond refusing traffic it
// cuts existing ties at once, in one transaction: follows either way are removed (with their home
// timeline rows; no Undo is sent, since nothing goes to a blocked domain) and the domain's known
// actors are suspended, so their content is hidden wherever suspended actors are. Unblocking
// lifts those suspensions again; follows stay removed.
func (s *Service) BlockDomain(ctx context.Context, domain, reason string) (*DomainPolicy, error) {
	const op = "activitypub.BlockDomain"
	return s.setPolicy(ctx, op, domain, PolicyBlock, reason, s.cutTies)
}

func (s *Service) setPolicy(ctx context.Context, op, domain, policy, reason string,
	then func(ctx context.Context, ps PolicyStore, p *DomainPolicy) error) (*DomainPolicy, error) {
	ps, err := s.policyStore(op)
	if err != nil {
		return nil, err
	}
	d, err := s.normalizeDomain(op, domain)
	if err != nil {
		return nil, err
	}
	if own, _ := NormalizeHost(s.host); d == own {
		return nil, E(op, Invalid, "that is this server's own domain")
	}
	// Milliseconds, as stored: the suspension time must equal the policy's exactly for unblocking
	// to recognise the suspensions it made.
	p := &DomainPolicy{Domain: d, Policy: policy, Reason: strings.TrimSpace(reason),
		CreatedAt: s.Now().Truncate(time.Millisecond)}
	err = s.InTx(ctx, func(ctx context.Context) error {
		if err := ps.SetDomainPolicy(ctx, *p); err != nil {
			return err
		}
		if then != nil {
			return then(ctx, ps, p)
		}
		return nil
	})
	if err != nil {
		return nil, Wrap(op, err)
	}
	return p, nil
}

// cutTies removes follows with a newly blocked domain and suspends its actors.
func (s *Service) cutTies(ctx context.Context, ps PolicyStore, p *DomainPolicy) error {
	follows, err := ps.FollowsOfDomain(ctx, p.Domain)
	if err != nil {
		return err
	}
	for _, f := range follows {
		follower, err := s.store.ActorByID(ctx, f.FollowerID)
		if err != nil {
			return err
		}
		followee, err := s.store.ActorByID(ctx, f.FolloweeID)
		if err != nil {
			return err
		}
		if err := s.removeFollow(ctx, f, follower, followee, false); err != nil {
			return err
		}
	}
	// Read after the follows went, so the counters written back are the adjusted ones.
	actors, err := ps.RemoteActorsOfDomain(ctx, p.Domain)
	if err != nil {
		return err
	}
	for _, a := range actors {
		if a.SuspendedAt != nil {
			continue // suspended already, perhaps by a moderator: leave that decision alone
		}
		at := p.CreatedAt
		a.SuspendedAt = &at
		if err := s.store.UpdateActor(ctx, a); err != nil {
			return err
		}
	}
	return nil
}

// RemoveDomainPolicy deletes domain's policy. Removing a block lifts the suspensions the block
// made (those stamped with the block's time), not ones a moderator made; removed follows are not
// restored. NotFound when the domain has no policy.
func (s *Service) RemoveDomainPolicy(ctx context.Context, domain string) error {
	const op = "activitypub.RemoveDomainPolicy"
	ps, err := s.policyStore(op)
	if err != nil {
		return err
	}
	d, err := s.normalizeDomain(op, domain)
	if err != nil {
		return err
	}
	err = s.InTx(ctx, func(ctx context.Context) error {
		p, err := ps.DomainPolicy(ctx, d)
		if err != nil {
			return err
		}
		if err := ps.DeleteDomainPolicy(ctx, d); err != nil {
			return err
		}
		if p.Policy != PolicyBlock {
			return nil
		}
		actors, err := ps.RemoteActorsOfDomain(ctx, d)
		if err != nil {
			return err
		}
		for _, a := range actors {
			if a.SuspendedAt == nil || !a.SuspendedAt.Equal(p.CreatedAt) {
				continue
			}
			a.SuspendedAt = nil
			if err := s.store.UpdateActor(ctx, a); err != nil {
				return err
			}
		}
		return nil
	})
	return Wrap(op, err)
}

// UnblockDomain is RemoveDomainPolicy for a domain that should be blocked; Invalid when the
// domain's policy is an allow, so a slip does not silently drop an allowlist entry.
func (s *Service) UnblockDomain(ctx context.Context, domain string) error {
	const op = "activitypub.UnblockDomain"
	ps, err := s.policyStore(op)
	if err != nil {
		return err
	}
	d, err := s.normalizeDomain(op, domain)
	if err != nil {
		return err
	}
	p, err := ps.DomainPolicy(ctx, d)
	if err != nil {
		return Wrap(op, err)
	}
	if p.Policy != PolicyBlock {
		return E(op, Invalid, "domain is allowed, not blocked")
	}
	return Wrap(op, s.RemoveDomainPolicy(ctx, d))
}
