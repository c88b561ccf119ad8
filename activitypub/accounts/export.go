package accounts

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"strings"

	"github.com/guildhall/guildhall/activitypub"
)

// Bounds of an import: Mastodon's own limit for a follows file is 7,500 rows.
const (
	maxImportRows  = 7500
	maxImportBytes = 2 << 20
)

// handleOf is an actor's full address as Mastodon's CSVs write it: user@domain.
func (s *Accounts) handleOf(a *activitypub.Actor) string {
	if a.Local() {
		return a.Username + "@" + s.svc.Domain()
	}
	return a.Username + "@" + a.Domain
}

// ExportFollowingCSV writes who acct follows in Mastodon's following_accounts.csv format.
func (s *Accounts) ExportFollowingCSV(ctx context.Context, acct *activitypub.Account, w io.Writer) error {
	const op = "activitypub.ExportFollowingCSV"
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"Account address", "Show boosts", "Notify on new posts", "Languages"})
	p := activitypub.Page{Limit: 200}
	for {
		fs, err := s.store.Following(ctx, acct.Actor.ID, p)
		if err != nil {
			return activitypub.Wrap(op, err)
		}
		ids := make([]string, len(fs))
		for i, f := range fs {
			ids[i] = f.FolloweeID
		}
		actors, err := s.store.ActorsByIDs(ctx, ids)
		if err != nil {
			return activitypub.Wrap(op, err)
		}
		byID := map[string]*activitypub.Actor{}
		for _, a := range actors {
			byID[a.ID] = a
		}
		for _, f := range fs {
			a := byID[f.FolloweeID]
			if a == nil || a.DeletedAt != nil {
				continue
			}
			_ = cw.Write([]string{s.handleOf(a), boolWord(f.ShowReblogs), boolWord(f.Notify), ""})
		}
		if len(fs) < p.Limit {
			break
		}
		p.MaxID = fs[len(fs)-1].ID
	}
	cw.Flush()
	return activitypub.Wrap(op, cw.Error())
}

func boolWord(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// ImportResult says what an import did, row by row where it failed.
type ImportResult struct {
	Followed int
	Failed   []ImportFailure
}

// ImportFailure is one row that could not be imported and why.
type ImportFailure struct {
	Address, Reason string
}

// ImportFollowingCSV follows every account in a following_accounts.csv (Mastodon's, or ours),
// resolving remote ones over the network. A file that is not such a CSV is refused whole before
// anything is followed; a row whose account cannot be found or followed is reported, not fatal.
func (s *Accounts) ImportFollowingCSV(ctx context.Context, acct *activitypub.Account, r io.Reader) (*ImportResult, error) {
	const op = "activitypub.ImportFollowingCSV"
	rd := csv.NewReader(io.LimitReader(r, maxImportBytes+1))
	rd.FieldsPerRecord = -1
	rows, err := rd.ReadAll()
	if err != nil {
		return nil, activitypub.E(op, activitypub.Invalid, "the file is not a CSV export of follows")
	}
	if len(rows) > 0 && len(rows[0]) > 0 && strings.EqualFold(strings.TrimSpace(rows[0][0]), "Account address") {
		rows = rows[1:]
	}
	if len(rows) > maxImportRows {
		return nil, activitypub.E(op, activitypub.Invalid, "the file has more than 7500 accounts")
	}
	type row struct {
		user, domain        string
		showReblogs, notify bool
		address             string
	}
	var todo []row
	for _, rec := range rows {
		if len(rec) == 0 || strings.TrimSpace(rec[0]) == "" {
			continue
		}
		addr := strings.TrimPrefix(strings.TrimSpace(rec[0]), "@")
		user, domain, ok := strings.Cut(addr, "@")
		if !ok || user == "" || domain == "" || strings.ContainsAny(addr, " /") {
			return nil, activitypub.E(op, activitypub.Invalid, "not an account address: "+truncateRunes(rec[0], 100))
		}
		rw := row{user: user, domain: domain, showReblogs: true, address: addr}
		if len(rec) > 1 && strings.TrimSpace(rec[1]) != "" {
			rw.showReblogs = strings.EqualFold(strings.TrimSpace(rec[1]), "true")
		}
		if len(rec) > 2 {
			rw.notify = strings.EqualFold(strings.TrimSpace(rec[2]), "true")
		}
		todo = append(todo, rw)
	}
	res := &ImportResult{}
	for _, rw := range todo {
		if err := ctx.Err(); err != nil {
			return res, activitypub.Wrap(op, err)
		}
		a, err := s.svc.LookupHandle(ctx, rw.user, rw.domain)
		if err != nil {
			res.Failed = append(res.Failed, ImportFailure{rw.address, importReason(err, "account not found")})
			continue
		}
		if a.ID == acct.Actor.ID {
			continue
		}
		if _, err := s.svc.Follow(ctx, acct, a.ID, rw.showReblogs, rw.notify); err != nil {
			res.Failed = append(res.Failed, ImportFailure{rw.address, importReason(err, "could not follow")})
			continue
		}
		res.Followed++
	}
	return res, nil
}

func importReason(err error, fallback string) string {
	var e *activitypub.Error
	if errors.As(err, &e) && e.Msg != "" && e.Kind != activitypub.Other {
		return e.Msg
	}
	return fallback
}
