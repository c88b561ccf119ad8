package storage

import (
	"context"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
)

// Temporary: methods not written yet fail loudly, so the package compiles for its first users.

func todo(op string) error { return ap.E(op, ap.Other, "not implemented yet") }

func (s *Store) CreateFollow(ctx context.Context, f *ap.Follow) error { return todo("CreateFollow") }
func (s *Store) FollowByID(ctx context.Context, id string) (*ap.Follow, error) {
	return nil, todo("FollowByID")
}
func (s *Store) FollowByURI(ctx context.Context, uri string) (*ap.Follow, error) {
	return nil, todo("FollowByURI")
}
func (s *Store) FollowBetween(ctx context.Context, a, b string) (*ap.Follow, error) {
	return nil, todo("FollowBetween")
}
func (s *Store) AcceptFollow(ctx context.Context, id string) error { return todo("AcceptFollow") }
func (s *Store) DeleteFollow(ctx context.Context, id string) error { return todo("DeleteFollow") }
func (s *Store) Followers(ctx context.Context, id string, p ap.Page) ([]*ap.Follow, error) {
	return nil, todo("Followers")
}
func (s *Store) Following(ctx context.Context, id string, p ap.Page) ([]*ap.Follow, error) {
	return nil, todo("Following")
}
func (s *Store) FollowRequests(ctx context.Context, id string, p ap.Page) ([]*ap.Follow, error) {
	return nil, todo("FollowRequests")
}
func (s *Store) FollowerInboxes(ctx context.Context, id string) ([]string, error) {
	return nil, todo("FollowerInboxes")
}
func (s *Store) LocalFollowerIDs(ctx context.Context, id string) ([]string, error) {
	return nil, todo("LocalFollowerIDs")
}
func (s *Store) CreateBlock(ctx context.Context, b *ap.Block) error { return todo("CreateBlock") }
func (s *Store) BlockBetween(ctx context.Context, a, b string) (*ap.Block, error) {
	return nil, todo("BlockBetween")
}
func (s *Store) BlockByURI(ctx context.Context, uri string) (*ap.Block, error) {
	return nil, todo("BlockByURI")
}
func (s *Store) DeleteBlock(ctx context.Context, id string) error { return todo("DeleteBlock") }
func (s *Store) Blocked(ctx context.Context, a, b string) (bool, error) {
	return false, todo("Blocked")
}
func (s *Store) Blocks(ctx context.Context, id string, p ap.Page) ([]*ap.Block, error) {
	return nil, todo("Blocks")
}
func (s *Store) SetMute(ctx context.Context, m *ap.Mute) error        { return todo("SetMute") }
func (s *Store) DeleteMute(ctx context.Context, a, b string) error    { return todo("DeleteMute") }
func (s *Store) Muted(ctx context.Context, a, b string) (bool, error) { return false, todo("Muted") }
func (s *Store) Mutes(ctx context.Context, id string, p ap.Page) ([]*ap.Mute, error) {
	return nil, todo("Mutes")
}
func (s *Store) CreateStatus(ctx context.Context, st *ap.Status) error { return todo("CreateStatus") }
func (s *Store) UpdateStatus(ctx context.Context, st *ap.Status) error { return todo("UpdateStatus") }
func (s *Store) StatusByID(ctx context.Context, id string) (*ap.Status, error) {
	return nil, todo("StatusByID")
}
func (s *Store) StatusByURI(ctx context.Context, uri string) (*ap.Status, error) {
	return nil, todo("StatusByURI")
}
func (s *Store) StatusesByIDs(ctx context.Context, ids []string) ([]*ap.Status, error) {
	return nil, todo("StatusesByIDs")
}
func (s *Store) MarkStatusDeleted(ctx context.Context, id string, at time.Time) error {
	return todo("MarkStatusDeleted")
}
func (s *Store) ReblogOf(ctx context.Context, a, b string) (*ap.Status, error) {
	return nil, todo("ReblogOf")
}
func (s *Store) ActorStatuses(ctx context.Context, id string, f ap.StatusFilter, p ap.Page) ([]*ap.Status, error) {
	return nil, todo("ActorStatuses")
}
func (s *Store) Descendants(ctx context.Context, id string, limit int) ([]*ap.Status, error) {
	return nil, todo("Descendants")
}
func (s *Store) AdjustStatusCounts(ctx context.Context, id string, r, b, f int) error {
	return todo("AdjustStatusCounts")
}
func (s *Store) AddStatusEdit(ctx context.Context, e *ap.StatusEdit) error {
	return todo("AddStatusEdit")
}
func (s *Store) StatusEdits(ctx context.Context, id string) ([]*ap.StatusEdit, error) {
	return nil, todo("StatusEdits")
}
func (s *Store) PublicTimeline(ctx context.Context, l, r bool, p ap.Page) ([]*ap.Status, error) {
	return nil, todo("PublicTimeline")
}
func (s *Store) TagTimeline(ctx context.Context, t string, l bool, p ap.Page) ([]*ap.Status, error) {
	return nil, todo("TagTimeline")
}
func (s *Store) SearchStatuses(ctx context.Context, q string, p ap.Page) ([]*ap.Status, error) {
	return nil, todo("SearchStatuses")
}
func (s *Store) CountLocalStatuses(ctx context.Context) (int, error) {
	return 0, todo("CountLocalStatuses")
}
func (s *Store) CreateFavourite(ctx context.Context, f *ap.Favourite) error {
	return todo("CreateFavourite")
}
func (s *Store) FavouriteBetween(ctx context.Context, a, b string) (*ap.Favourite, error) {
	return nil, todo("FavouriteBetween")
}
func (s *Store) FavouriteByURI(ctx context.Context, uri string) (*ap.Favourite, error) {
	return nil, todo("FavouriteByURI")
}
func (s *Store) DeleteFavourite(ctx context.Context, id string) error { return todo("DeleteFavourite") }
func (s *Store) Favourites(ctx context.Context, id string, p ap.Page) ([]*ap.Favourite, error) {
	return nil, todo("Favourites")
}
func (s *Store) FavouritedBy(ctx context.Context, id string, p ap.Page) ([]*ap.Favourite, error) {
	return nil, todo("FavouritedBy")
}
func (s *Store) RebloggedBy(ctx context.Context, id string, p ap.Page) ([]*ap.Status, error) {
	return nil, todo("RebloggedBy")
}
func (s *Store) SetBookmark(ctx context.Context, a, st, id string, at time.Time) error {
	return todo("SetBookmark")
}
func (s *Store) DeleteBookmark(ctx context.Context, a, st string) error {
	return todo("DeleteBookmark")
}
func (s *Store) Bookmarks(ctx context.Context, id string, p ap.Page) ([]string, []string, error) {
	return nil, nil, todo("Bookmarks")
}
func (s *Store) SetPin(ctx context.Context, a, st string, at time.Time) error { return todo("SetPin") }
func (s *Store) DeletePin(ctx context.Context, a, st string) error            { return todo("DeletePin") }
func (s *Store) ViewerState(ctx context.Context, v string, ids []string) (map[string]ap.ViewerFlags, error) {
	return nil, todo("ViewerState")
}
func (s *Store) AddToHomes(ctx context.Context, st string, u []string) error {
	return todo("AddToHomes")
}
func (s *Store) RemoveFromHome(ctx context.Context, u, st string) error {
	return todo("RemoveFromHome")
}
func (s *Store) RemoveActorFromHome(ctx context.Context, u, a string) error {
	return todo("RemoveActorFromHome")
}
func (s *Store) HomeTimeline(ctx context.Context, u string, p ap.Page) ([]*ap.Status, error) {
	return nil, todo("HomeTimeline")
}
func (s *Store) CreateNotification(ctx context.Context, n *ap.Notification) error {
	return todo("CreateNotification")
}
func (s *Store) Notifications(ctx context.Context, r string, f ap.NotificationFilter, p ap.Page) ([]*ap.Notification, error) {
	return nil, todo("Notifications")
}
func (s *Store) NotificationByID(ctx context.Context, r, id string) (*ap.Notification, error) {
	return nil, todo("NotificationByID")
}
func (s *Store) DeleteNotification(ctx context.Context, r, id string) error {
	return todo("DeleteNotification")
}
func (s *Store) ClearNotifications(ctx context.Context, r string) error {
	return todo("ClearNotifications")
}
func (s *Store) Enqueue(ctx context.Context, i *ap.OutboxItem) error { return todo("Enqueue") }
func (s *Store) PendingOutbox(ctx context.Context, limit int) ([]*ap.OutboxItem, error) {
	return nil, todo("PendingOutbox")
}
func (s *Store) OutboxItem(ctx context.Context, id string) (*ap.OutboxItem, error) {
	return nil, todo("OutboxItem")
}
func (s *Store) ExpandOutbox(ctx context.Context, id string, d []*ap.Delivery) error {
	return todo("ExpandOutbox")
}
func (s *Store) ClaimDeliveries(ctx context.Context, now, lease time.Time, limit int, busy []string) ([]*ap.Delivery, error) {
	return nil, todo("ClaimDeliveries")
}
func (s *Store) CompleteDelivery(ctx context.Context, id string) error {
	return todo("CompleteDelivery")
}
func (s *Store) RetryDelivery(ctx context.Context, id string, next time.Time, e string) error {
	return todo("RetryDelivery")
}
func (s *Store) FailDelivery(ctx context.Context, id, e string) error { return todo("FailDelivery") }
func (s *Store) CountDeliveries(ctx context.Context, state string) (int, error) {
	return 0, todo("CountDeliveries")
}
func (s *Store) MarkActivitySeen(ctx context.Context, uri string, at time.Time) (bool, error) {
	return false, todo("MarkActivitySeen")
}
func (s *Store) AddTombstone(ctx context.Context, uri string, at time.Time) error {
	return todo("AddTombstone")
}
func (s *Store) IsTombstoned(ctx context.Context, uri string) (bool, error) {
	return false, todo("IsTombstoned")
}
func (s *Store) CreateApp(ctx context.Context, a *ap.OAuthApp) error { return todo("CreateApp") }
func (s *Store) AppByClientID(ctx context.Context, id string) (*ap.OAuthApp, error) {
	return nil, todo("AppByClientID")
}
func (s *Store) AppByID(ctx context.Context, id string) (*ap.OAuthApp, error) {
	return nil, todo("AppByID")
}
func (s *Store) CreateCode(ctx context.Context, c *ap.OAuthCode) error { return todo("CreateCode") }
func (s *Store) TakeCode(ctx context.Context, h string) (*ap.OAuthCode, error) {
	return nil, todo("TakeCode")
}
func (s *Store) CreateToken(ctx context.Context, t *ap.OAuthToken) error { return todo("CreateToken") }
func (s *Store) TokenByHash(ctx context.Context, h string) (*ap.OAuthToken, error) {
	return nil, todo("TokenByHash")
}
func (s *Store) RevokeToken(ctx context.Context, h string, at time.Time) error {
	return todo("RevokeToken")
}
