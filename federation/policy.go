package federation

import (
	"context"
	"fmt"
	"net/url"

	"github.com/guildhall/guildhall/federation/delivery"
	"github.com/guildhall/guildhall/federation/fetch"
)

// policyPoster refuses deliveries to hosts that federation policy does not allow, before any
// connection is made. It sits in front of the real Poster so the delivery package needs no
// knowledge of policies.
type policyPoster struct {
	next    delivery.Poster
	allowed func(ctx context.Context, host string) (bool, error)
}

func (p policyPoster) Post(ctx context.Context, inbox string, body []byte, signer fetch.Signer) (int, error) {
	if u, err := url.Parse(inbox); err == nil && u.Host != "" {
		ok, err := p.allowed(ctx, u.Host)
		if err != nil {
			// Our database failed, not the remote: an ordinary error, so the delivery is retried.
			return 0, fmt.Errorf("federation policy for %s: %w", u.Host, err)
		}
		if !ok {
			return 0, domainBlockedError{host: u.Host}
		}
	}
	return p.next.Post(ctx, inbox, body, signer)
}

// domainBlockedError is a delivery refused by policy. It unwraps to fetch.ErrForbiddenAddress,
// which the delivery worker treats as our policy rather than the remote's fault: the delivery
// fails at once, not retried for days, with this text as its last_error.
type domainBlockedError struct{ host string }

func (e domainBlockedError) Error() string { return "domain blocked: " + e.host }

func (e domainBlockedError) Unwrap() error { return fetch.ErrForbiddenAddress }
