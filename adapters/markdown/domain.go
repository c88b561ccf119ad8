package markdown

import (
	"fmt"

	"github.com/guildhall/guildhall/activitypub"
)

// Domain adapts the renderer and sanitizer to the interface the domain declares
// (activitypub.Renderer), so the domain stays free of HTML libraries.
type Domain struct {
	R *Renderer
	H HTMLPolicy
}

// HTMLPolicy is the instance's policy for HTML from anyone, local or remote: what survives as
// markup (Sanitize) and as text (PlainText). federation/content's Sanitizer implements it.
type HTMLPolicy interface {
	Sanitizer
	PlainText(html string) string
}

var _ activitypub.Renderer = Domain{}

// NewDomain builds a Domain for the instance at baseURL; h is the instance's HTML policy
// (content.NewSanitizer()), applied to local posts and remote HTML alike.
func NewDomain(baseURL string, h HTMLPolicy) (Domain, error) {
	r, err := NewRenderer(RendererOptions{BaseURL: baseURL, Sanitizer: h})
	if err != nil {
		return Domain{}, err
	}
	return Domain{R: r, H: h}, nil
}

// Render implements activitypub.Renderer.
func (d Domain) Render(text string, format activitypub.ContentFormat, resolve func(username, domain string) (string, bool)) (activitypub.Rendered, error) {
	f := FormatPlain
	switch format {
	case activitypub.FormatPlain, "":
	case activitypub.FormatMarkdown:
		f = FormatMarkdown
	default:
		return activitypub.Rendered{}, fmt.Errorf("markdown: unknown format %q", format)
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
func (d Domain) PlainText(html string) string { return d.H.PlainText(html) }

// Sanitize implements activitypub.Renderer.
func (d Domain) Sanitize(html string) string { return d.H.Sanitize(html) }
