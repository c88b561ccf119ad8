package web

import "github.com/guildhall/guildhall/activitypub"

// navItem is one entry of the main navigation.
type navItem struct {
	Section string // matched against view.Section for aria-current
	Href    string
	Label   string
	// Unread shows the notification count next to the label.
	Unread bool
}

// navigation is the main menu for a signed-in person, in order. Areas added later (groups, Q&A,
// governance) add their entry here; the layout renders whatever this returns.
func navigation(acct *activitypub.Account) []navItem {
	items := []navItem{
		{Section: "home", Href: "/", Label: "Home"},
		{Section: "local", Href: "/local", Label: "This council"},
		{Section: "federated", Href: "/federated", Label: "Federated"},
		{Section: "notifications", Href: "/notifications", Label: "Notifications", Unread: true},
		{Section: "compose", Href: "/compose", Label: "Write a post"},
		{Section: "questions", Href: "/questions", Label: "Questions"},
		{Section: "groups", Href: "/groups", Label: "Groups"},
		{Section: "ideas", Href: "/ideas", Label: "Ideas"},
		{Section: "search", Href: "/search", Label: "Search"},
		{Section: "bookmarks", Href: "/bookmarks", Label: "Bookmarks"},
		{Section: "follow", Href: "/follow", Label: "Find people"},
		{Section: "directory", Href: "/directory", Label: "Expertise"},
		{Section: "settings", Href: "/settings", Label: "Settings"},
	}
	if acct.User.Admin {
		items = append(items, navItem{Section: "admin", Href: "/admin/federation", Label: "Federation"},
			navItem{Section: "admin-users", Href: "/admin/users", Label: "Accounts"},
			navItem{Section: "admin-instance", Href: "/admin/instance", Label: "Instance"})
	} else if acct.User.RoleOf().Can(activitypub.PermSuspendAccounts) {
		// Moderators may list and suspend accounts, so they get that page too.
		items = append(items, navItem{Section: "admin-users", Href: "/admin/users", Label: "Accounts"})
	}
	return append(items, navItem{Href: "/logout", Label: "Sign out"})
}
