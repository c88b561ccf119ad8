// Package moderation is the domain area of keeping the instance in order after the fact:
// reports and the moderation queue, reading and exporting the audit log, retention of posts
// and legal holds.
//
// It builds on the kernel (package activitypub): the permission table (Authorize) and the
// append-only audit log are the kernel's, since every area checks and records staff actions;
// receiving a remote Flag is the kernel's receive code, which files it into the same queue.
// Federation policy (domain allow and block lists) stays in the kernel too: the receive path
// and delivery consult it on every activity. Suspending and deleting accounts are the accounts
// area's (leavers).
package moderation

import (
	"context"
	"log/slog"
	"unicode/utf8"

	"github.com/guildhall/guildhall/activitypub"
)

// Store is what the moderation area needs from storage; storage.Store satisfies it.
type Store interface {
	ActorByID(ctx context.Context, id string) (*activitypub.Actor, error)
	ActorByURI(ctx context.Context, uri string) (*activitypub.Actor, error)
	StatusByID(ctx context.Context, id string) (*activitypub.Status, error)
	CreateNotification(ctx context.Context, n *activitypub.Notification) error
	// AuditLog lists entries newest first, paged by id.
	AuditLog(ctx context.Context, p activitypub.Page) ([]*activitypub.AuditEntry, error)
	ReportQueue
	RetentionStore
	ActionStore
}

// Moderation holds the use cases of reports, the audit log and retention.
type Moderation struct {
	svc       *activitypub.Service
	store     Store
	log       *slog.Logger
	suspender Suspender // the accounts area, for the suspend action
}

// New returns the moderation use cases over the kernel service and store.
func New(svc *activitypub.Service, store Store, log *slog.Logger) (*Moderation, error) {
	if svc == nil || store == nil {
		return nil, activitypub.E("moderation.New", activitypub.Invalid, "service and store are required")
	}
	if log == nil {
		log = slog.Default()
	}
	return &Moderation{svc: svc, store: store, log: log}, nil
}

// truncateRunes cuts s to at most n runes.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
