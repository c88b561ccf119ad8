package activitypub

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// AuditEntry is one line of the audit log: who did what to whom, when and why.
type AuditEntry struct {
	ID         string
	ActorID    string
	ActorName  string
	Action     string
	TargetType string
	TargetID   string
	TargetName string
	Reason     string
	CreatedAt  time.Time
}

// AuditStore appends to the audit log. Entries are never changed or removed: the log is the
// record a public body keeps of what its staff did.
type AuditStore interface {
	AppendAudit(ctx context.Context, e *AuditEntry) error
}

// maxAuditReason bounds the free-text reason kept with an action.
const maxAuditReason = 1000

// Audit appends one entry for an action by a staff member (nil: the system, such as the identity
// provider) on target (may be nil). It joins the caller's transaction, so the action and its
// record commit together or not at all.
func (s *Service) Audit(ctx context.Context, by *Account, action string, target *Account, reason string) error {
	e := &AuditEntry{ID: s.NewID(), ActorID: "system", ActorName: "system", Action: action,
		Reason: truncateRunes(strings.TrimSpace(reason), maxAuditReason), CreatedAt: s.Now()}
	if by != nil {
		e.ActorID, e.ActorName = by.Actor.ID, by.Actor.Username
	}
	if target != nil {
		e.TargetType, e.TargetID, e.TargetName = "account", target.Actor.ID, target.Actor.Username
	}
	return Wrap("activitypub.audit", s.store.AppendAudit(ctx, e))
}

// AuditOther records an action whose target is not an account (an invite, a setting, a report).
func (s *Service) AuditOther(ctx context.Context, by *Account, action, targetType, targetID, reason string) error {
	e := &AuditEntry{ID: s.NewID(), ActorID: by.Actor.ID, ActorName: by.Actor.Username,
		Action: action, TargetType: targetType, TargetID: targetID,
		Reason: truncateRunes(strings.TrimSpace(reason), maxAuditReason), CreatedAt: s.Now()}
	return Wrap("activitypub.auditOther", s.store.AppendAudit(ctx, e))
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
