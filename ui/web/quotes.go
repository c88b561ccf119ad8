package web

import (
	"net/http"
	"strings"

	"github.com/guildhall/guildhall/activitypub"
)

// quotable says whether a post may be quoted: followers-only and direct posts are for their
// audience only, and a quote would show them to more people.
func quotable(v activitypub.Visibility) bool {
	return v == activitypub.Public || v == activitypub.Unlisted || v == activitypub.LocalOnly
}

// quoteContext loads the post being quoted, which the author must be able to see and which must
// be quotable; the compose page shows it above the form.
func (h *Handler) quoteContext(r *http.Request, c *composeView, id string) error {
	acct := AccountFrom(r.Context())
	st, err := h.svc.GetStatus(r.Context(), activitypub.Viewer{Actor: &acct.Actor}, id)
	if err != nil {
		return err
	}
	if !quotable(st.Visibility) {
		return activitypub.E("web.quote", activitypub.Forbidden, "only public, unlisted and internal posts can be quoted")
	}
	ps, err := h.presenter(r).posts(r.Context(), []*activitypub.Status{st})
	if err != nil {
		return err
	}
	if len(ps) == 0 {
		return errNotFound
	}
	c.Quote, c.Quoted, c.quoteURL = st.ID, &ps[0], st.URL
	if c.quoteURL == "" {
		c.quoteURL = st.URI
	}
	if c.Heading == "" {
		c.Heading = "Quote " + ps[0].Author.Name
	}
	if c.Visibility == "" && st.Visibility == activitypub.LocalOnly {
		c.Visibility = activitypub.LocalOnly // a quote of an internal post stays internal unless changed
	}
	return nil
}

// withQuoteLink adds the quoted post's address to the text, as "RE: <address>" on its own line:
// the fallback Mastodon and Misskey put in quote posts, so every server shows what is quoted.
func withQuoteLink(text, quoteURL string) string {
	if quoteURL == "" || strings.Contains(text, quoteURL) {
		return text
	}
	return strings.TrimRight(text, "\n ") + "\n\nRE: " + quoteURL
}
