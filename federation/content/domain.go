package content

import (
	"fmt"

	"github.com/guildhall/guildhall/activitypub"
)

// Domain adapts the renderer and sanitizer to the interface the domain declares
// (activitypub.Renderer), so the domain stays free of HTML libraries.
type Domain struct {
	R *Renderer
	S *Sanitizer
}

var _ activitypub.Renderer = Domain{}

// NewDomain builds a Domain for the instance at baseURL.
func NewDomain(baseURL string) (Domain, error) {
	s := NewSanitizer()
	r, err := NewRenderer(RendererOptions{BaseURL: baseURL, Sanitizer: s})
	if err != nil {
		return Domain{}, err
	}
	return Domain{R: r, S: s}, nil
}

// Render implements activitypub.Renderer.
func (d Domain) Render(text string, format activitypub.ContentFormat, resolve func(username, domain string) (string, bool)) (activitypub.Rendered, error) {
	f := FormatPlain
	switch format {
	case activitypub.FormatPlain, "":
	case activitypub.FormatMarkdown:
		f = FormatMarkdown
	default:
		return activitypub.Rendered{}, fmt.Errorf("content: unknown format %q", format)
	}
	out, err := d.R.Render(text, f, MentionResolver(resolve))
	if err != nil {
		return activitypub.Rendered{}, err
	}
	r := activitypub.Rendered{HTML: out.HTML, Tags: out.Tags}
	for _, m := range out.Mentions {
		r.Mentions = append(r.Mentions, activitypub.RenderedMention{Username: m.Username, Domain: m.Host, Href: m.Href})
	}
	return r, nil
}

// PlainText implements activitypub.Renderer.
func (Domain) PlainText(html string) string { return PlainText(html) }

// Sanitize implements activitypub.Renderer.
func (d Domain) Sanitize(html string) string { return d.S.Sanitize(html) }
