package storage

import (
	"context"
	"sort"
	"strings"

	"github.com/guildhall/guildhall/activitypub"
)

type deliveryHealthRow struct {
	Host        string `db:"host"`
	Queued      int    `db:"queued"`
	Retrying    int    `db:"retrying"`
	Failed      int    `db:"failed"`
	LastSuccess *int64 `db:"last_success"`
}

type domainCountRow struct {
	Domain string `db:"domain"`
	N      int    `db:"n"`
}

// InstanceHealth merges what the actors table knows (accounts per domain) with the delivery
// queue's figures per host. Hosts carry a port when the server has one, as actor domains do.
func (s *Store) InstanceHealth(ctx context.Context, limit int) ([]*activitypub.InstanceHealth, error) {
	const op = "storage.InstanceHealth"
	var domains []domainCountRow
	if err := s.sel(ctx, &domains, `SELECT domain, COUNT(*) AS n FROM actors WHERE domain <> '' GROUP BY domain`); err != nil {
		return nil, mapErr(op, err)
	}
	var deliveries []deliveryHealthRow
	if err := s.sel(ctx, &deliveries, `SELECT host,
			SUM(CASE WHEN state = 'pending' THEN 1 ELSE 0 END) AS queued,
			SUM(CASE WHEN state = 'pending' AND attempts > 0 THEN 1 ELSE 0 END) AS retrying,
			SUM(CASE WHEN state = 'failed' THEN 1 ELSE 0 END) AS failed,
			MAX(CASE WHEN state = 'done' THEN next_attempt_at END) AS last_success
		FROM deliveries GROUP BY host`); err != nil {
		return nil, mapErr(op, err)
	}
	byDomain := map[string]*activitypub.InstanceHealth{}
	get := func(d string) *activitypub.InstanceHealth {
		d = strings.ToLower(d)
		if h, ok := byDomain[d]; ok {
			return h
		}
		h := &activitypub.InstanceHealth{Domain: d}
		byDomain[d] = h
		return h
	}
	for _, d := range domains {
		get(d.Domain).Accounts += d.N
	}
	for _, d := range deliveries {
		h := get(d.Host)
		h.Queued, h.Retrying, h.Failed = d.Queued, d.Retrying, d.Failed
		if d.LastSuccess != nil {
			t := fromMS(*d.LastSuccess)
			h.LastSuccess = &t
		}
	}
	out := make([]*activitypub.InstanceHealth, 0, len(byDomain))
	for _, h := range byDomain {
		out = append(out, h)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Failed != b.Failed {
			return a.Failed > b.Failed
		}
		if a.Retrying != b.Retrying {
			return a.Retrying > b.Retrying
		}
		if a.Queued != b.Queued {
			return a.Queued > b.Queued
		}
		return a.Domain < b.Domain
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, s.lastErrors(ctx, out)
}

// lastErrors fills in the newest error of each troubled instance in the list.
func (s *Store) lastErrors(ctx context.Context, list []*activitypub.InstanceHealth) error {
	for _, h := range list {
		if h.Retrying == 0 && h.Failed == 0 {
			continue
		}
		var msgs []string
		if err := s.sel(ctx, &msgs, `SELECT last_error FROM deliveries
			WHERE host = ? AND last_error <> '' AND state IN ('pending', 'failed')
			ORDER BY next_attempt_at DESC LIMIT 1`, h.Domain); err != nil {
			return mapErr("storage.InstanceHealth", err)
		}
		if len(msgs) == 1 {
			h.LastError = msgs[0]
		}
	}
	return nil
}

var _ activitypub.InstanceHealthStore = (*Store)(nil)
