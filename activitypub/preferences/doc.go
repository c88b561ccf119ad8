// Package preferences is the domain area of a user's own arrangements: lists (and the exclusive
// lists that keep members out of the home timeline), read markers, keyword filters and
// direct-message conversations. Each use-case type (Lists, Markers, Filters, Conversations)
// works over its own narrow store interface, declared here next to it; Store is their union,
// which storage.Store satisfies.
//
// The area builds on the kernel (package activitypub) for accounts, statuses, visibility
// (Service.CanSee, Service.Visible), ids, the clock and transactions (Service.InTx). The kernel
// never imports it: the read model reaches filters and exclusive lists through the kernel's
// FilterMatcher and HomeExcluder interfaces, which Filters and Lists satisfy. The filter model
// (Filter, FilterKeyword, FilterContext, FilterAction, FilterResult) stays in the kernel because
// the read model reports filter matches.
package preferences

import "github.com/guildhall/guildhall/activitypub"

// Store is every store the preference area needs.
type Store interface {
	ListStore
	MarkerStore
	FilterStore
	ConversationStore
	SettingsStore
}

// The kernel's read model reaches this area only through its own interfaces.
var (
	_ activitypub.FilterMatcher = (*Filters)(nil)
	_ activitypub.HomeExcluder  = (*Lists)(nil)
)
