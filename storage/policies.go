package storage

import (
	"context"
	"strings"

	"github.com/guildhall/guildhall/activitypub"
)

type policyRow struct {
	Domain    string `db:"domain"`
	Policy    string `db:"policy"`
	Reason    string `db:"reason"`
	CreatedAt int64  `db:"created_at"`
}

const policyCols = `domain, policy, reason, created_at`

func (r *policyRow) policy() *activitypub.DomainPolicy {
	return &activitypub.DomainPolicy{Domain: r.Domain, Policy: r.Policy, Reason: r.Reason,
		CreatedAt: fromMS(r.CreatedAt)}
}

// SetDomainPolicy stores a domain's policy, replacing an earlier one for the same domain. The
// domain arrives normalised (lower-case, no port) from the service.
func (s *Store) SetDomainPolicy(ctx context.Context, p activitypub.DomainPolicy) error {
	_, err := s.named(ctx, `INSERT INTO domain_policies (`+policyCols+`)
		VALUES (:domain, :policy, :reason, :created_at)
		ON CONFLICT (domain) DO UPDATE SET policy = excluded.policy, reason = excluded.reason,
			created_at = excluded.created_at`,
		&policyRow{Domain: p.Domain, Policy: p.Policy, Reason: p.Reason, CreatedAt: ms(p.CreatedAt)})
	if err == nil {
		err = s.announce(ctx, TopicPolicy, p.Domain)
	}
	return mapErr("storage.SetDomainPolicy", err)
}

// DeleteDomainPolicy removes a domain's policy; NotFound when there is none.
func (s *Store) DeleteDomainPolicy(ctx context.Context, domain string) error {
	const op = "storage.DeleteDomainPolicy"
	n, err := s.execN(ctx, `DELETE FROM domain_policies WHERE domain = ?`, domain)
	if err != nil {
		return mapErr(op, err)
	}
	if n == 0 {
		return notFound(op, "domain policy")
	}
	return mapErr(op, s.announce(ctx, TopicPolicy, domain))
}

// DomainPolicies lists every policy, ordered by domain. There are few; no paging.
func (s *Store) DomainPolicies(ctx context.Context) ([]*activitypub.DomainPolicy, error) {
	var rows []policyRow
	if err := s.sel(ctx, &rows, `SELECT `+policyCols+` FROM domain_policies ORDER BY domain`); err != nil {
		return nil, mapErr("storage.DomainPolicies", err)
	}
	out := make([]*activitypub.DomainPolicy, len(rows))
	for i := range rows {
		out[i] = rows[i].policy()
	}
	return out, nil
}

// DomainPolicy finds one domain's policy.
func (s *Store) DomainPolicy(ctx context.Context, domain string) (*activitypub.DomainPolicy, error) {
	var r policyRow
	if err := s.get(ctx, &r, `SELECT `+policyCols+` FROM domain_policies WHERE domain = ?`, domain); err != nil {
		return nil, mapErr("storage.DomainPolicy", err, "domain policy")
	}
	return r.policy(), nil
}

// domainCond is the condition on a column holding host[:port] (actors.domain) for "domain or a
// subdomain of it, on any port", to be used with domainArgs. LIKE patterns are escaped, so an
// underscore in a name matches only itself.
func domainCond(col string) string {
	like := " LIKE ? ESCAPE '\\'"
	return "(" + col + " = ? OR " + col + like + " OR " + col + like + " OR " + col + like + ")"
}

func domainArgs(domain string) []any {
	esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(domain)
	return []any{domain, esc + ":%", "%." + esc, "%." + esc + ":%"}
}

// RemoteActorsOfDomain lists the remote actors on domain or a subdomain, whatever their port.
func (s *Store) RemoteActorsOfDomain(ctx context.Context, domain string) ([]*activitypub.Actor, error) {
	var rows []actorRow
	err := s.sel(ctx, &rows, `SELECT `+actorCols+` FROM actors WHERE domain <> '' AND `+domainCond("domain")+
		` ORDER BY id`, domainArgs(domain)...)
	if err != nil {
		return nil, mapErr("storage.RemoteActorsOfDomain", err)
	}
	out, err := actorsOf(rows)
	return out, mapErr("storage.RemoteActorsOfDomain", err)
}

// FollowsOfDomain lists follows and requests, either way, that involve an actor on domain or a
// subdomain.
func (s *Store) FollowsOfDomain(ctx context.Context, domain string) ([]*activitypub.Follow, error) {
	args := append(domainArgs(domain), domainArgs(domain)...)
	var rows []followRow
	err := s.sel(ctx, &rows, `SELECT `+followCols+` FROM follows WHERE
		follower_id IN (SELECT id FROM actors WHERE domain <> '' AND `+domainCond("domain")+`)
		OR followee_id IN (SELECT id FROM actors WHERE domain <> '' AND `+domainCond("domain")+`)
		ORDER BY id`, args...)
	if err != nil {
		return nil, mapErr("storage.FollowsOfDomain", err)
	}
	return followsOf(rows), nil
}

var _ activitypub.PolicyStore = (*Store)(nil)
