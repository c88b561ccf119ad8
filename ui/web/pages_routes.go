package web

import "net/http"

// postRoutes are the pages of posting and reading: timelines, compose, threads, profiles. Kept
// apart from the sign-in routes so areas added later (groups, governance) append their own
// table the same way.
func (h *Handler) postRoutes() []route {
	get, post := http.MethodGet, http.MethodPost
	return []route{
		{method: get, path: "/local", handle: h.localPage},
		{method: get, path: "/federated", handle: h.federatedPage},
		{method: get, path: "/compose", handle: h.composeForm},
		{method: post, path: "/compose", csrf: csrfSession, maxBody: h.maxComposeBytes(), handle: h.compose},
		{method: get, path: "/follow", handle: h.followForm},
		{method: post, path: "/follow", csrf: csrfSession, handle: h.followHandle},
		{method: get, path: "/live", handle: h.liveStream},
		{method: get, path: "/notifications", handle: h.notifications},
		{method: get, path: "/search", handle: h.search},
		{method: get, path: "/directory", handle: h.directory},
		{method: get, path: "/bookmarks", handle: h.bookmarks},
		{method: get, path: "/admin/federation", handle: h.federationPage},
		{method: post, path: "/admin/federation", csrf: csrfSession, handle: h.federationChange},
		{method: get, path: "/settings/account", handle: h.accountPage},
		{method: post, path: "/settings/account/password", csrf: csrfSession, handle: h.changePassword},
		{method: post, path: "/settings/account/{kind:sessions|apps}/{id}/revoke", csrf: csrfSession, handle: h.revokeAccess},
		{method: get, path: "/settings/export/following.csv", handle: h.exportFollowing},
		{method: get, path: "/admin/users", handle: h.adminUsers},
		{method: post, path: "/admin/users/{id}/{verb:suspend|unsuspend|role|reset}", csrf: csrfSession, handle: h.adminUserAction},
		{method: get, path: "/admin/instances", handle: h.adminInstances},
		{method: get, path: "/admin/instance", handle: h.instanceSettingsForm},
		{method: post, path: "/admin/instance", csrf: csrfSession, handle: h.instanceSettings},
		{method: get, path: "/settings", handle: h.settingsForm},
		{method: post, path: "/settings", csrf: csrfSession, maxBody: h.maxComposeBytes(), handle: h.settings},
		{method: get, path: "/tags/{tag}", handle: h.tagPage},
		{method: post, path: "/notifications/requests/{actor}/{verb:accept|reject}", csrf: csrfSession, handle: h.answerFollowRequest},
		{method: get, path: "/statuses/{id}", handle: h.statusRedirect},
		{method: get, path: "/@{handle}", handle: h.profile},
		{method: get, path: "/@{handle}/followers", handle: h.people},
		{method: get, path: "/@{handle}/following", handle: h.people},
		{method: post, path: "/@{handle}/{verb:follow|unfollow}", csrf: csrfSession, handle: h.relate},
		{method: post, path: "/@{handle}/remove-follower", csrf: csrfSession, handle: h.removeFollower},
		{method: get, path: "/@{handle}/{id}", handle: h.thread},
		{method: get, path: "/@{handle}/{id}/edit", handle: h.editForm},
		{method: post, path: "/@{handle}/{id}/edit", csrf: csrfSession, handle: h.edit},
		{method: get, path: "/@{handle}/{id}/history", handle: h.history},
		{method: get, path: "/@{handle}/{id}/delete", handle: h.deleteForm},
		{method: post, path: "/@{handle}/{id}/delete", csrf: csrfSession, handle: h.deletePost},
		{method: post, path: "/@{handle}/{id}/{verb:like|boost|bookmark}", csrf: csrfSession, handle: h.toggle},
		{method: get, path: "/about", handle: h.aboutPage},
		{method: get, path: "/accessibility", handle: h.staticPage("accessibility", "Accessibility statement")},
		{method: get, path: "/privacy", handle: h.staticPage("privacy", "Privacy notice")},
	}
}

// staticPage serves a page of fixed text, with the navigation when signed in.
func (h *Handler) staticPage(name, title string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		return h.render(w, r, http.StatusOK, name, view{Title: title})
	}
}
