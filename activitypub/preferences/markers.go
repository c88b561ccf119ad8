package preferences

import (
	"context"
	"github.com/guildhall/guildhall/activitypub"
	"time"
)

// Marker timelines, as Mastodon names them.
const (
	MarkerHome          = "home"
	MarkerNotifications = "notifications"
)

// Marker is how far a user has read a timeline, shared between their apps. Version counts the
// updates, so an app can tell that another one moved the marker.
type Marker struct {
	Timeline   string
	LastReadID string
	Version    int
	UpdatedAt  time.Time
}

// MarkerStore keeps read markers.
type MarkerStore interface {
	// Markers returns userID's markers of the given timelines; unset ones are simply absent.
	Markers(ctx context.Context, userID string, timelines []string) ([]*Marker, error)
	// SetMarker creates the marker at version 0, or moves it and adds one to its version; it
	// sets m.Version to the stored version.
	SetMarker(ctx context.Context, userID string, m *Marker) error
}

// Markers holds the read-marker use cases.
type Markers struct {
	svc   *activitypub.Service
	store MarkerStore
}

// NewMarkers returns the marker use cases over store.
func NewMarkers(svc *activitypub.Service, store MarkerStore) (*Markers, error) {
	if svc == nil || store == nil {
		return nil, activitypub.E("preferences.NewMarkers", activitypub.Invalid, "service and store are required")
	}
	return &Markers{svc: svc, store: store}, nil
}

func validTimeline(t string) bool { return t == MarkerHome || t == MarkerNotifications }

// Get returns acct's markers of the named timelines, by timeline. Unknown timeline names are
// ignored, as Mastodon does.
func (m *Markers) Get(ctx context.Context, acct *activitypub.Account, timelines []string) (map[string]*Marker, error) {
	var names []string
	for _, t := range timelines {
		if validTimeline(t) {
			names = append(names, t)
		}
	}
	out := map[string]*Marker{}
	if len(names) == 0 {
		return out, nil
	}
	ms, err := m.store.Markers(ctx, acct.Actor.ID, names)
	if err != nil {
		return nil, activitypub.Wrap("preferences.Markers", err)
	}
	for _, mk := range ms {
		out[mk.Timeline] = mk
	}
	return out, nil
}

// Save moves acct's markers to the given last-read ids (timeline → id) in one transaction and
// returns them as stored.
func (m *Markers) Save(ctx context.Context, acct *activitypub.Account, lastRead map[string]string) (map[string]*Marker, error) {
	const op = "preferences.SaveMarkers"
	if len(lastRead) == 0 {
		return nil, activitypub.E(op, activitypub.Invalid, "Send home[last_read_id] or notifications[last_read_id]")
	}
	for t, id := range lastRead {
		if !validTimeline(t) {
			return nil, activitypub.E(op, activitypub.Invalid, "Timeline must be home or notifications")
		}
		if id == "" {
			return nil, activitypub.E(op, activitypub.Invalid, "last_read_id can't be blank")
		}
	}
	out := map[string]*Marker{}
	now := m.svc.Now()
	err := m.svc.InTx(ctx, func(ctx context.Context) error {
		for t, id := range lastRead {
			mk := &Marker{Timeline: t, LastReadID: id, UpdatedAt: now}
			if err := m.store.SetMarker(ctx, acct.Actor.ID, mk); err != nil {
				return err
			}
			out[t] = mk
		}
		return nil
	})
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	return out, nil
}
