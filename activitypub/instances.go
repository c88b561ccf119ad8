package activitypub

import (
	"context"
	"time"
)

// InstanceHealth is what this instance knows of another server, for the administrators' page:
// how many of its accounts are known here, and how delivery to it is going.
type InstanceHealth struct {
	Domain string
	// Accounts is how many of its actors this instance has seen.
	Accounts int
	// Queued are deliveries waiting to be sent; Retrying are the queued ones that have failed at
	// least once; Failed are deliveries given up after every retry.
	Queued, Retrying, Failed int
	// LastSuccess is when the newest successful delivery was due (it was sent at or just after
	// it); nil when nothing has been delivered yet.
	LastSuccess *time.Time
	// LastError is the error of the newest failed attempt that is still queued or given up.
	LastError string
}

// InstanceHealthStore reports per-server federation figures. Kept apart from Store, as
// PolicyStore is: a store without it has no instances page.
type InstanceHealthStore interface {
	// InstanceHealth lists the servers known from actors or deliveries, the most troubled
	// first (failed, then retrying, then queued deliveries), then by domain; at most limit.
	InstanceHealth(ctx context.Context, limit int) ([]*InstanceHealth, error)
}

// KnownInstances lists the other servers this instance knows, with their delivery health, for
// staff with the instance_settings permission.
func (s *Service) KnownInstances(ctx context.Context, by *Account, limit int) ([]*InstanceHealth, error) {
	const op = "activitypub.KnownInstances"
	if err := s.Authorize(ctx, op, by, PermInstanceSettings); err != nil {
		return nil, err
	}
	hs, ok := s.store.(InstanceHealthStore)
	if !ok {
		return nil, E(op, NotFound, "this store does not report instances")
	}
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	list, err := hs.InstanceHealth(ctx, limit)
	return list, Wrap(op, err)
}
