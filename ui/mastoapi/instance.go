package mastoapi

import (
	"context"
	"net/http"

	"github.com/guildhall/guildhall/activitypub"
)

// Media limits advertised to clients; the media colleague's handler enforces its own.
const (
	imageSizeLimit = 16 << 20
	videoSizeLimit = 99 << 20
)

var supportedMIMETypes = []string{"image/jpeg", "image/png", "image/gif", "image/webp", "image/avif",
	"video/mp4", "video/webm", "video/quicktime", "audio/mpeg", "audio/ogg", "audio/wav", "audio/mp4"}

func (h *Handler) statusesConfig() map[string]any {
	return map[string]any{
		"max_characters": activitypub.MaxStatusChars, "max_media_attachments": activitypub.MaxAttachments,
		"characters_reserved_per_url": 23,
	}
}

func mediaConfig() map[string]any {
	return map[string]any{
		"supported_mime_types": supportedMIMETypes, "image_size_limit": imageSizeLimit,
		"image_matrix_limit": 33177600, "video_size_limit": videoSizeLimit,
		"video_frame_rate_limit": 120, "video_matrix_limit": 8294400, "description_limit": 1500,
	}
}

func pollsConfig() map[string]any {
	return map[string]any{"max_options": 4, "max_characters_per_option": 50,
		"min_expiration": 300, "max_expiration": 2629746}
}

// counts are the instance statistics; a failure is logged and reported as zero rather than
// failing the endpoint every client calls first.
func (h *Handler) counts(ctx context.Context) (users, statuses int) {
	users, statuses, err := h.svc.InstanceStats(ctx)
	if err != nil {
		h.log.WarnContext(ctx, "count users and statuses", "err", err)
	}
	return users, statuses
}

func (h *Handler) thumbnail() string { return h.base() + "/headers/original/missing.png" }

func (h *Handler) instanceV2(w http.ResponseWriter, r *http.Request, _ *call) error {
	users, _ := h.counts(r.Context())
	d := h.instanceInfo(r.Context())
	return ok(w, map[string]any{
		"domain": h.svc.Domain(), "title": d.title, "version": Version,
		"source_url": "https://github.com/guildhall/guildhall", "description": d.description,
		"usage":     map[string]any{"users": map[string]any{"active_month": users}},
		"thumbnail": map[string]any{"url": h.thumbnail(), "blurhash": nil, "versions": map[string]any{}},
		"icon":      []any{},
		"languages": []string{"en"},
		"configuration": map[string]any{
			"urls":              map[string]any{"streaming": h.opts.StreamingURL, "status": nil, "about": h.base() + "/about"},
			"vapid":             map[string]any{"public_key": ""},
			"accounts":          map[string]any{"max_featured_tags": 10, "max_pinned_statuses": 5},
			"statuses":          h.statusesConfig(),
			"media_attachments": mediaConfig(),
			"polls":             pollsConfig(),
			"translation":       map[string]any{"enabled": false},
		},
		"registrations": h.registrationsV2(r),
		"api_versions":  map[string]any{"mastodon": 2},
		"contact":       map[string]any{"email": d.email, "account": nil},
		"rules":         d.rules,
	})
}

func (h *Handler) instanceV1(w http.ResponseWriter, r *http.Request, _ *call) error {
	users, statuses := h.counts(r.Context())
	d := h.instanceInfo(r.Context())
	return ok(w, map[string]any{
		"uri": h.svc.Domain(), "title": d.title, "short_description": d.description,
		"description": d.description, "email": d.email, "version": Version,
		"urls":      map[string]any{"streaming_api": h.opts.StreamingURL},
		"stats":     map[string]any{"user_count": users, "status_count": statuses, "domain_count": 0},
		"thumbnail": h.thumbnail(), "languages": []string{"en"}, "registrations": h.registrationsOpen(r),
		"approval_required": h.approvalRequired(r), "invites_enabled": true, "max_toot_chars": activitypub.MaxStatusChars,
		"configuration": map[string]any{
			"accounts":          map[string]any{"max_featured_tags": 10},
			"statuses":          h.statusesConfig(),
			"media_attachments": mediaConfig(),
			"polls":             pollsConfig(),
		},
		"contact_account": nil, "rules": d.rules,
	})
}

func (h *Handler) peers(w http.ResponseWriter, _ *http.Request, _ *call) error {
	return ok(w, []string{})
}

func (h *Handler) preferences(w http.ResponseWriter, r *http.Request, c *call) error {
	set, err := h.accountSettings(r.Context(), c.account)
	if err != nil {
		return err
	}
	lang := c.account.User.Locale
	var l any
	if lang != "" {
		l = lang
	}
	return ok(w, map[string]any{
		"posting:default:visibility": mastodonPrivacy(set.DefaultVisibility), "posting:default:sensitive": false,
		"posting:default:language": l, "reading:expand:media": "default", "reading:expand:spoilers": false,
	})
}
