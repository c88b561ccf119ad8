// The filter model lives in the kernel because the read model (Views) reports filter matches;
// the use cases that keep filters are in the preferences area.

package activitypub

import "time"

// FilterContext is where a filter applies.
type FilterContext string

// Filter contexts, as in Mastodon.
const (
	FilterHome          FilterContext = "home" // the home timeline and lists
	FilterNotifications FilterContext = "notifications"
	FilterPublic        FilterContext = "public" // public and hashtag timelines
	FilterThread        FilterContext = "thread" // a status and its conversation
	FilterAccount       FilterContext = "account"
)

// FilterAction is what a matching filter does: warn shows the status behind a warning (the
// client's job), hide removes it from timelines on the server.
type FilterAction string

// Filter actions.
const (
	FilterWarn FilterAction = "warn"
	FilterHide FilterAction = "hide"
)

// Filter is a user's keyword filter (Mastodon's v2 filters).
type Filter struct {
	ID        string
	UserID    string // the owner's actor id
	Title     string
	Contexts  []FilterContext
	Action    FilterAction
	ExpiresAt *time.Time
	CreatedAt time.Time
	Keywords  []FilterKeyword // loaded with the filter
}

// FilterKeyword is one word or phrase of a filter.
type FilterKeyword struct {
	ID        string
	FilterID  string
	Keyword   string
	WholeWord bool
}

// FilterResult says that a filter matched a status, and with which keywords.
type FilterResult struct {
	Filter         *Filter
	KeywordMatches []string
}
