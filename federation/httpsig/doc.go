// Package httpsig signs and verifies draft-cavage HTTP Signatures as the
// fediverse uses them (Mastodon, GoToSocial, Misskey, Pleroma…).
//
// Signing produces `algorithm="rsa-sha256"` RSA-SHA256 PKCS#1 v1.5 signatures
// over `(request-target) host date` (plus `digest content-type` when there is
// a body). Verification is deliberately stricter than the draft: every rule
// of the security catalogue (SIG-01..SIG-13) is enforced here so that the
// inbox handler only has to map errors to HTTP statuses:
//
//   - an *Error with a Reason safe to echo to the remote means 401;
//   - errors.Is(err, ErrKeyUnavailable) means the key could not be obtained;
//     the wrapped resolver error decides between 401 (remote key gone) and
//     500 (our database is down) — the caller inspects it.
//
// go-fed/httpsig is used as an independent oracle in the tests (its signer
// must verify here and our signatures must verify there). It is not used at
// run time because its verifier reads the wall clock for (created)/(expires),
// accepts unquoted garbage, ignores duplicate Signature headers and lets
// the algorithm parameter pick an HMAC, and its signer hard-codes
// algorithm="hs2019", signs the unescaped path and keeps per-signer hash
// state that is not safe for concurrent use.
package httpsig
