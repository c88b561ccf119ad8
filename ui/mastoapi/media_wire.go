package mastoapi

import (
	"net/http"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
	mediaapi "github.com/guildhall/guildhall/ui/mastoapi/media"
)

// wireMedia builds the media routes when Options.Media is set, with this package's token
// authentication and error adapter so they answer like every other route.
func (h *Handler) wireMedia() error {
	if h.opts.Media == nil {
		return nil
	}
	m, err := mediaapi.New(mediaapi.Options{Media: h.opts.Media, BaseURL: h.base(),
		Authenticate: h.mediaAuth, WriteError: h.writeError})
	if err != nil {
		return err
	}
	h.media = m
	return nil
}

// mediaAuth is the media routes' authentication: a signed-in person's token with scope.
func (h *Handler) mediaAuth(r *http.Request, scope string) (*activitypub.Account, error) {
	c := &call{}
	if err := h.authenticate(r, c); err != nil {
		return nil, err
	}
	switch {
	case c.token == nil:
		return nil, errNoToken
	case c.account == nil:
		return nil, errNeedsUser
	case !accounts.ScopeGranted(c.token.Scopes, scope):
		return nil, errScope
	}
	return c.account, nil
}

// presentMedia renders attachments exactly as the media endpoints do; remote ones point at their
// remote URL.
func (h *Handler) presentMedia(as []activitypub.Attachment) []mediaAttachment {
	out := make([]mediaAttachment, 0, len(as))
	for i := range as {
		out = append(out, mediaapi.AttachmentJSON(&as[i], h.base()))
	}
	return out
}
