// Package activitypub is Guildhall's domain: the rules of a federated council social network,
// with no HTTP, no SQL and no ActivityStreams encoding (deps_test.go keeps it on the standard
// library).
//
// Service holds the use cases every surface goes through (web UI, Mastodon client API, streaming,
// inbox, CLI): accounts and sign-in, posting and editing, follows, blocks and mutes, favourites,
// boosts, bookmarks and pins, timelines, notifications, search, federation policy, and the
// Receive… use cases inbound federation calls. CanSee is the single place for visibility: a
// status's audience, blocks, the author's state (AuthorGone) and, for a boost, the original's.
// Views is the read model the surfaces render from: StatusViews decides, for a viewer, what of a
// list of statuses is shown, with the authors, boosted originals, the viewer's flags and the
// filters that match, reaching the preferences area only through the FilterMatcher and
// HomeExcluder interfaces. MediaService handles uploads.
//
// Areas are packages below this one (activitypub/preferences: lists, markers, filters,
// conversations) that build on the kernel through its exported use cases, Service.InTx,
// Service.Visible and ClampPage; the kernel never imports an area (deps_areas_test.go).
//
// The domain declares what it needs from the outside as small interfaces: the storage
// interfaces in store.go and next to each feature (storage.Store satisfies them), and the
// Resolver, Renderer and Events ports in ports.go. Errors carry one of a closed set of kinds
// (errors.go), which each surface maps to its own status codes.
package activitypub
