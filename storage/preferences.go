package storage

import "github.com/guildhall/guildhall/activitypub/preferences"

// The preference area's use cases run over this store.
var _ preferences.Store = (*Store)(nil)
