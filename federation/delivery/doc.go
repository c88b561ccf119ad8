// Package delivery sends what local actors do to the servers that should hear about it.
//
// The domain writes one outbox record per activity in the same transaction as the action itself
// (a transactional outbox), so nothing accepted is ever lost. Workers here drain that queue in two
// stages, both safe to run in several processes at once:
//
//   - the expander turns each pending outbox record into one delivery per inbox (followers'
//     shared inboxes, one per host; mentioned and addressed remote actors), atomically;
//   - the dispatcher leases due deliveries, renders each activity once, signs every request as
//     its actor and POSTs it, with at most PerHost requests in flight to any one host and
//     Concurrency in all, so a dead or slow server never holds up the others.
//
// Failures are retried with exponential backoff and jitter for about four days; a lease that
// outlives its worker (a crash, a restart) simply expires and the delivery is sent again.
package delivery
