package media

import (
	"strconv"
	"strings"

	"github.com/guildhall/guildhall/activitypub"
)

// Attachment is Mastodon's MediaAttachment entity. ui/mastoapi renders a status's
// media_attachments with AttachmentJSON too, so both places agree to the byte.
type Attachment struct {
	ID          string  `json:"id"`
	Type        string  `json:"type"` // image, gifv, video, audio, unknown
	URL         string  `json:"url"`  // never null: Tusky crashes on a null url once attached
	PreviewURL  string  `json:"preview_url"`
	RemoteURL   *string `json:"remote_url"`
	TextURL     *string `json:"text_url"` // deprecated in Mastodon, always null, still read by some clients
	Description *string `json:"description"`
	Blurhash    *string `json:"blurhash"`
	Meta        Meta    `json:"meta"`
}

// Meta is MediaAttachment.meta: sizes of the original and the preview, and the focal point.
type Meta struct {
	Original *Size  `json:"original,omitempty"`
	Small    *Size  `json:"small,omitempty"`
	Focus    *Focus `json:"focus,omitempty"`
}

// Size is one of meta's sizes; Size (the field) is "WxH", as Mastodon writes it.
type Size struct {
	Width  int     `json:"width"`
	Height int     `json:"height"`
	Size   string  `json:"size"`
	Aspect float64 `json:"aspect"`
}

// Focus is meta.focus: x and y in [-1, 1].
type Focus struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// AttachmentJSON renders a, local or remote, as Mastodon's MediaAttachment. baseURL (scheme://host)
// makes relative URLs absolute; stored local URLs are absolute already. The preview's size is
// computed as the processor computed it (activitypub.PreviewDimensions).
func AttachmentJSON(a *activitypub.Attachment, baseURL string) Attachment {
	abs := func(u string) string {
		if strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") {
			return strings.TrimSuffix(baseURL, "/") + u
		}
		return u
	}
	out := Attachment{ID: a.ID, Type: a.Type, URL: abs(a.URL), PreviewURL: abs(a.PreviewURL)}
	if out.Type == "" {
		out.Type = "unknown"
	}
	if out.URL == "" {
		out.URL = a.RemoteURL // remote media is shown from where it lives
	}
	if out.PreviewURL == "" {
		out.PreviewURL = out.URL
	}
	out.RemoteURL = optional(a.RemoteURL)
	out.Description = optional(a.Description)
	out.Blurhash = optional(a.Blurhash)
	if a.Width > 0 && a.Height > 0 {
		out.Meta.Original = size(a.Width, a.Height)
		if a.Path != "" { // a local file has a preview made to the rule
			w, h := activitypub.PreviewDimensions(a.Width, a.Height, activitypub.PreviewSize)
			out.Meta.Small = size(w, h)
		}
		out.Meta.Focus = &Focus{X: a.FocusX, Y: a.FocusY}
	}
	return out
}

func size(w, h int) *Size {
	return &Size{Width: w, Height: h, Size: strconv.Itoa(w) + "x" + strconv.Itoa(h), Aspect: float64(w) / float64(h)}
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
