package activitypub

import "context"

// ReportStore keeps reports. It is declared here, by its first user, and kept apart from Store so
// the service runs on a store that does not have it yet: ReceiveFlag then logs the report instead.
type ReportStore interface {
	// CreateReport stores a report; a report whose URI exists is a Conflict.
	CreateReport(ctx context.Context, r *Report) error
	// AdminActorIDs lists the actor ids of local administrators, who hear about reports.
	AdminActorIDs(ctx context.Context) ([]string, error)
}

// maxFlaggedStatuses bounds the statuses one report may name.
const maxFlaggedStatuses = 100

// ReceiveFlag turns a remote report of a local actor into a Report for administrators and
// notifies each of them (admin.report). Statuses named that are not the target's are left out;
// a Flag naming anything not on this server is refused whole (ORI-14): a server reports only what
// it saw of ours, and we must not file reports about, or on behalf of, a third party.
func (s *Service) ReceiveFlag(ctx context.Context, from *Actor, flagURI string, target *Actor, statusURIs []string, comment string) error {
	const op = "activitypub.ReceiveFlag"
	if err := checkSender(op, from); err != nil {
		return err
	}
	if !target.Local() {
		return E(op, Invalid, "reported account is not on this server")
	}
	for _, uri := range statusURIs {
		if !s.IsLocalURI(uri) {
			return E(op, Invalid, "reported object is not on this server")
		}
	}
	r := &Report{ID: s.NewID(), URI: flagURI, ReporterID: from.ID, TargetID: target.ID,
		Comment: comment, CreatedAt: s.Now()}
	for _, uri := range statusURIs {
		if len(r.StatusIDs) == maxFlaggedStatuses {
			break
		}
		st, err := s.store.StatusByURI(ctx, uri)
		if IsNotFound(err) {
			continue
		}
		if err != nil {
			return Wrap(op, err)
		}
		if st.ActorID == target.ID {
			r.StatusIDs = append(r.StatusIDs, st.ID)
		}
	}
	reports, ok := s.store.(ReportStore)
	if !ok {
		s.log.WarnContext(ctx, "report received but the store cannot keep reports",
			"from", from.URI, "target", target.URI, "statuses", len(r.StatusIDs))
		return nil
	}
	err := s.receiveTx(ctx, func(ctx context.Context) error {
		if err := reports.CreateReport(ctx, r); err != nil {
			return err
		}
		admins, err := reports.AdminActorIDs(ctx)
		if err != nil {
			return err
		}
		for _, id := range admins {
			n := &Notification{ID: s.NewID(), RecipientID: id, Type: NotifyReport, FromActorID: from.ID,
				ReportID: r.ID, CreatedAt: s.Now()}
			if err := s.store.CreateNotification(ctx, n); err != nil {
				return err
			}
			s.publish(ctx, Event{Type: "notification", UserIDs: []string{id}, Notification: n})
		}
		return nil
	})
	if KindOf(err) == Conflict {
		return nil
	}
	return Wrap(op, err)
}
