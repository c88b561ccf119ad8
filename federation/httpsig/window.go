package httpsig

import (
	"net/http"
	"time"
)

// Freshness follows Mastodon (app/lib/signed_request.rb matches_time_window?)
// because it is the verifier every fediverse sender is already tuned to:
//
//   - created (the (created) parameter, or the Date header) may be at most
//     MaxSkew in the future;
//   - the signature expires at (expires) when signed, otherwise at
//     created+DefaultLifetime, and never later than created+MaxLifetime;
//   - it is refused once now > expires+MaxSkew.
//
// With the defaults a Date-only signature is accepted from 1h in the future
// to 1h05m in the past. That is deliberately narrower than "12h past": the
// 12h figure in Mastodon is only the cap on an explicit (expires), and
// senders (Mastodon, GoToSocial) re-sign every delivery attempt, so a wide
// window would only widen the replay window.
const (
	DefaultMaxSkew  = time.Hour
	DefaultLifetime = 5 * time.Minute
	MaxLifetime     = 12 * time.Hour
)

var errWindow = invalid("Signed request date outside acceptable time window")

// checkWindow validates every signed time source of s against now.
func checkWindow(s *signature, h http.Header, now time.Time, skew time.Duration) *Error {
	var starts []time.Time
	if s.covers("date") {
		d, err := http.ParseTime(h.Get("Date"))
		if err != nil {
			return &Error{Reason: "Invalid Date header", Err: wrapInvalid(err)}
		}
		starts = append(starts, d)
	}
	if s.created != 0 {
		starts = append(starts, time.Unix(s.created, 0))
	}
	for _, created := range starts {
		if created.After(now.Add(skew)) {
			return errWindow
		}
		expires := created.Add(DefaultLifetime)
		if s.expires != 0 {
			expires = time.Unix(s.expires, 0)
		}
		if limit := created.Add(MaxLifetime); expires.After(limit) {
			expires = limit
		}
		if now.After(expires.Add(skew)) {
			return errWindow
		}
	}
	if len(starts) == 0 && s.expires != 0 && now.After(time.Unix(s.expires, 0).Add(skew)) {
		return errWindow
	}
	return nil
}
