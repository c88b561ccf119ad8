package activitypub

import "context"

// Notification returns one of a local user's notifications.
func (s *Service) Notification(ctx context.Context, acct *Account, id string) (*Notification, error) {
	n, err := s.store.NotificationByID(ctx, acct.Actor.ID, id)
	return n, Wrap("activitypub.Notification", err)
}

// DismissNotification deletes one of a local user's notifications.
func (s *Service) DismissNotification(ctx context.Context, acct *Account, id string) error {
	return Wrap("activitypub.DismissNotification", s.store.DeleteNotification(ctx, acct.Actor.ID, id))
}

// ClearNotifications deletes all of a local user's notifications.
func (s *Service) ClearNotifications(ctx context.Context, acct *Account) error {
	return Wrap("activitypub.ClearNotifications", s.store.ClearNotifications(ctx, acct.Actor.ID))
}
