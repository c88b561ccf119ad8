// Package streaming is the Mastodon streaming API: GET /api/v1/streaming as a multiplexed
// WebSocket (what Elk, Phanpy, Tusky and Ivory use), the older Server-Sent Events endpoints
// (GET /api/v1/streaming/user and friends) and GET /api/v1/streaming/health.
//
// A Hub hears the domain's events (it implements activitypub.Events) and forwards each to the
// connections subscribed to a matching stream. It knows nothing of Mastodon's JSON: the client
// API package supplies renderers, which the Hub calls once per viewer, because entities carry
// per-viewer fields (favourited, reblogged...) and visibility is per viewer too.
//
// Events reach only the clients connected to the process where the action happened: a Hub is an
// in-memory fan-out. With several server processes behind a load balancer a client connected to
// another process hears nothing until it refreshes. Fanning events out between processes
// (PostgreSQL LISTEN/NOTIFY carrying the event, each process rendering for its own clients) is
// future work.
package streaming
