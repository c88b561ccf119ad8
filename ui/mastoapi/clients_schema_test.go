package mastoapi_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The entity tables below mirror "Entity fields clients crash without" in
// shared/research/mastodon-clients.md: one table per entity, field → kind. A field that a client
// reads unguarded (Tusky's non-null Moshi fields, Elk's and Phanpy's dereferences) must be present
// with its JSON type; nullable fields must be present too, as null or their type, because Tusky
// only defaults a field that is absent when its Kotlin property has a default. Responses are
// decoded into generic maps so that a Go struct cannot hide a missing or mistyped field.

// kind checks one value; present is false when the field is absent. It returns the problems
// found, each relative to the value ("" for the value itself, "[0].url" inside it).
type kind func(v any, present bool) []string

// schema maps a field, or a dotted path of fields, to its kind.
type schema map[string]kind

// mastoTime is the one datetime format every client parses: RFC 3339, uppercase T and Z, and
// milliseconds, as Mastodon writes it (shared research, cross-cutting rule 3).
var mastoTime = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$`)

// plainDate is Account.last_status_at, the one date without a time (rule 3's exception).
var plainDate = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

func simple(desc string, ok func(v any) bool) kind {
	return func(v any, present bool) []string {
		if !present {
			return []string{": missing, want " + desc}
		}
		if !ok(v) {
			return []string{fmt.Sprintf(" = %s, want %s", short(v), desc)}
		}
		return nil
	}
}

func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 80 {
		return string(b[:80]) + "…"
	}
	return string(b)
}

var (
	str     = simple("a string", func(v any) bool { _, ok := v.(string); return ok })
	text    = simple("a non-empty string", func(v any) bool { s, ok := v.(string); return ok && s != "" })
	id      = simple("a string id", func(v any) bool { s, ok := v.(string); return ok && s != "" })
	boolean = simple("a boolean", func(v any) bool { _, ok := v.(bool); return ok })
	integer = simple("an integer", func(v any) bool { f, ok := v.(float64); return ok && f == float64(int64(f)) })
	object  = simple("an object", func(v any) bool { _, ok := v.(map[string]any); return ok })
	array   = simple("an array (never null)", func(v any) bool { _, ok := v.([]any); return ok })
	null    = simple("null", func(v any) bool { return v == nil })
	date    = simple("a plain date 2006-01-02", func(v any) bool {
		s, ok := v.(string)
		return ok && plainDate.MatchString(s)
	})
	datetime = simple("RFC 3339 like 2025-01-02T03:04:05.000Z", func(v any) bool {
		s, ok := v.(string)
		return ok && mastoTime.MatchString(s)
	})
	// absURL is an absolute URL: masto.js and Tusky load it as is, without a base.
	absURL = simple("an absolute URL", func(v any) bool {
		s, ok := v.(string)
		u, err := url.Parse(s)
		return ok && err == nil && u.Scheme != "" && u.Host != ""
	})
)

// orNull accepts null or k; the field must still be present.
func orNull(k kind) kind {
	return func(v any, present bool) []string {
		if present && v == nil {
			return nil
		}
		return k(v, present)
	}
}

// optional accepts an absent field, or k.
func optional(k kind) kind {
	return func(v any, present bool) []string {
		if !present {
			return nil
		}
		return k(v, true)
	}
}

func oneOf(vals ...string) kind {
	return simple(fmt.Sprintf("one of %q", vals), func(v any) bool { s, ok := v.(string); return ok && slices.Contains(vals, s) })
}

func equals(want any) kind {
	return simple(short(want), func(v any) bool { return v == want })
}

// arrayContaining is an array holding want among its string items.
func arrayContaining(want string) kind {
	return simple("an array with "+want, func(v any) bool {
		a, _ := v.([]any)
		return slices.Contains(a, any(want))
	})
}

// objectOf is an object whose fields follow s.
func objectOf(s schema) kind {
	return func(v any, present bool) []string {
		if p := object(v, present); p != nil {
			return p
		}
		return validate(v.(map[string]any), s)
	}
}

// arrayOf is an array (never null) whose items follow k.
func arrayOf(k kind) kind {
	return func(v any, present bool) []string {
		if p := array(v, present); p != nil {
			return p
		}
		var out []string
		for i, item := range v.([]any) {
			for _, p := range k(item, true) {
				out = append(out, fmt.Sprintf("[%d]%s", i, p))
			}
		}
		return out
	}
}

// lazy defers building a kind, for entities that contain themselves (a status's reblog).
func lazy(build func() kind) kind {
	return func(v any, present bool) []string { return build()(v, present) }
}

// validate checks obj against s and returns every problem, path first.
func validate(obj map[string]any, s schema) []string {
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out []string
	for _, path := range keys {
		v, present := lookup(obj, path)
		for _, p := range s[path](v, present) {
			out = append(out, "."+path+p)
		}
	}
	return out
}

// lookup follows a dotted path through nested objects.
func lookup(obj map[string]any, path string) (any, bool) {
	var cur any = obj
	for _, part := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[part]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// checkJSON decodes body into a generic value and reports every problem against k as an error
// of t, prefixed with where (the request, say).
func checkJSON(t testing.TB, where string, body []byte, k kind) {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Errorf("%s: not JSON: %v: %s", where, err, body)
		return
	}
	for _, p := range k(v, true) {
		t.Errorf("%s: %s", where, p)
	}
}

// ---- One table per entity, as the research document lists them. ----

var emojiSchema = schema{
	"shortcode": text, "url": absURL, "static_url": absURL, "visible_in_picker": boolean,
	"category": orNull(str),
}

var fieldSchema = schema{"name": str, "value": str, "verified_at": orNull(datetime)}

// accountSchema: acct is bare for local accounts and user@host for remote ones (checked by the
// tests, which know which is which); images are URLs, never "".
var accountSchema = schema{
	"id": id, "username": text, "acct": text, "display_name": str, "created_at": datetime,
	"note": str, "url": absURL, "avatar": absURL, "avatar_static": absURL, "header": absURL,
	"header_static": absURL, "locked": boolean, "bot": boolean, "followers_count": integer,
	"following_count": integer, "statuses_count": integer,
	"emojis": arrayOf(objectOf(emojiSchema)), "fields": arrayOf(objectOf(fieldSchema)),
	// Strongly expected.
	"uri": absURL, "group": boolean, "discoverable": orNull(boolean),
	"last_status_at": orNull(date), "roles": array,
	// Mastodon sends moved only for a moved account; absent is what it sends otherwise.
	"moved": optional(orNull(object)),
}

// credentialsSchema is verify_credentials: an Account with its source.
var credentialsSchema = merge(accountSchema, schema{
	"source": objectOf(schema{
		"privacy": oneOf("public", "unlisted", "private", "direct"), "sensitive": boolean,
		"language": orNull(str), "note": str, "fields": arrayOf(objectOf(fieldSchema)),
	}),
})

var mentionSchema = schema{"id": id, "username": text, "acct": text, "url": absURL}

var tagSchema = schema{"name": text, "url": absURL, "history": array}

var mediaSchema = schema{
	"id": id, "type": oneOf("image", "gifv", "video", "audio", "unknown"),
	"url":         absURL, // never null once attached (Tusky)
	"preview_url": orNull(absURL), "remote_url": orNull(absURL),
	"description": orNull(str), "blurhash": orNull(str), "meta": object,
}

// statusSchema is a Status; viewer adds the flags sent when the request is authenticated.
func statusSchema(viewer bool) schema {
	s := schema{
		"id": id, "uri": absURL, "url": orNull(absURL), "created_at": datetime,
		"account":    objectOf(accountSchema),
		"content":    str,
		"visibility": oneOf("public", "unlisted", "private", "direct"),
		"sensitive":  boolean, "spoiler_text": str,
		"media_attachments": arrayOf(objectOf(mediaSchema)),
		"mentions":          arrayOf(objectOf(mentionSchema)),
		"tags":              arrayOf(objectOf(tagSchema)),
		"emojis":            arrayOf(objectOf(emojiSchema)),
		"reblogs_count":     integer, "favourites_count": integer, "replies_count": integer,
		"in_reply_to_id": orNull(id), "in_reply_to_account_id": orNull(id),
		"reblog":      orNull(lazy(func() kind { return objectOf(statusSchema(viewer)) })),
		"language":    orNull(str),
		"poll":        orNull(object),
		"card":        orNull(object),
		"application": orNull(objectOf(schema{"name": str})),
		"edited_at":   orNull(datetime),
		"filtered":    array,
	}
	if viewer {
		for _, k := range []string{"favourited", "reblogged", "bookmarked", "muted"} {
			s[k] = boolean
		}
		s["pinned"] = optional(boolean) // Mastodon sends it for the viewer's own posts only
	}
	return s
}

// notificationSchema: status is required for the types that are about a status.
func notificationSchema(typ string) schema {
	s := schema{"id": id, "type": equals(typ), "created_at": datetime, "account": objectOf(accountSchema),
		"status": optional(null)}
	switch typ {
	case "mention", "status", "reblog", "favourite", "poll", "update":
		s["status"] = objectOf(statusSchema(true))
	}
	return s
}

// groupedNotificationsSchema is GET /api/v2/notifications (Mastodon 4.3), which Phanpy and Elk
// use on a server reporting 4.3.
var groupedNotificationsSchema = schema{
	"accounts": arrayOf(objectOf(accountSchema)), "statuses": arrayOf(objectOf(statusSchema(true))),
	"notification_groups": arrayOf(objectOf(schema{
		"group_key": text, "notifications_count": integer, "type": text, "most_recent_notification_id": id,
		"page_min_id": id, "page_max_id": id, "latest_page_notification_at": datetime,
		"sample_account_ids": nonEmpty(arrayOf(id)), "status_id": orNull(id),
	})),
}

// relationshipSchema: Tusky's nine plus what Elk and Phanpy read.
var relationshipSchema = schema{
	"id": id, "following": boolean, "followed_by": boolean, "blocking": boolean, "muting": boolean,
	"muting_notifications": boolean, "requested": boolean, "showing_reblogs": boolean,
	"domain_blocking": boolean,
	"notifying":       boolean, "blocked_by": boolean, "endorsed": boolean, "note": str, "requested_by": boolean,
}

var markerSchema = schema{"last_read_id": id, "version": integer, "updated_at": datetime}

var searchSchema = schema{
	"accounts": arrayOf(objectOf(accountSchema)), "statuses": arrayOf(objectOf(statusSchema(true))),
	"hashtags": arrayOf(objectOf(tagSchema)),
}

var contextSchema = schema{
	"ancestors": arrayOf(objectOf(statusSchema(true))), "descendants": arrayOf(objectOf(statusSchema(true))),
}

var tokenSchema = schema{"access_token": text, "token_type": equals("Bearer"), "scope": text, "created_at": integer}

var applicationSchema = schema{
	"id": id, "name": text, "website": orNull(str), "redirect_uri": text,
	"client_id": text, "client_secret": text, "vapid_key": str,
}

var instanceV1Schema = schema{
	"uri": text, "version": text, // Tusky crashes without these two
	"title": str, "short_description": str, "description": str, "email": str,
	"urls.streaming_api": absURL,
	"stats.user_count":   integer, "stats.status_count": integer, "stats.domain_count": integer,
	"languages": array, "registrations": boolean, "approval_required": boolean,
	"configuration.statuses.max_characters":            integer,
	"configuration.media_attachments.image_size_limit": integer,
	"configuration.polls.max_options":                  integer,
	"contact_account":                                  orNull(object),
	"rules":                                            array,
	"max_toot_chars":                                   optional(integer),
}

var instanceV2Schema = schema{
	"domain": text, "version": text, // Tusky
	"title": str, "description": str,
	"configuration.urls":                                   object, // Elk crashes without it
	"configuration.urls.streaming":                         absURL,
	"configuration.statuses.max_characters":                integer,
	"configuration.statuses.max_media_attachments":         integer,
	"configuration.statuses.characters_reserved_per_url":   integer,
	"configuration.media_attachments.supported_mime_types": array,
	"configuration.media_attachments.image_size_limit":     integer,
	"configuration.polls.max_options":                      integer,
	"configuration.accounts.max_featured_tags":             integer,
	"registrations.enabled":                                boolean,
	"contact":                                              object,
	"rules":                                                array,
	"usage.users.active_month":                             integer,
	"thumbnail.url":                                        absURL,
	"languages":                                            array,
	"configuration.vapid.public_key":                       optional(str),
	"api_versions.mastodon":                                optional(integer),
}

var filterKeywordSchema = schema{"id": id, "keyword": text, "whole_word": boolean}

var filterSchema = schema{
	"id": id, "title": str, "context": arrayOf(oneOf("home", "notifications", "public", "thread", "account")),
	"expires_at": orNull(datetime), "filter_action": oneOf("warn", "hide", "blur"),
	"keywords": arrayOf(objectOf(filterKeywordSchema)), "statuses": array,
}

// filterV1Schema is what Tusky falls back to.
var filterV1Schema = schema{
	"id": id, "phrase": str, "context": array, "expires_at": orNull(datetime),
	"irreversible": boolean, "whole_word": boolean,
}

var listSchema = schema{"id": id, "title": str, "replies_policy": oneOf("followed", "list", "none"), "exclusive": boolean}

var preferencesSchema = schema{
	"posting:default:visibility": oneOf("public", "unlisted", "private", "direct"),
	"posting:default:sensitive":  boolean, "posting:default:language": orNull(str),
	"reading:expand:media": oneOf("default", "show_all", "hide_all"), "reading:expand:spoilers": boolean,
}

var oauthMetadataSchema = schema{
	"issuer": absURL, "authorization_endpoint": absURL, "token_endpoint": absURL,
	"revocation_endpoint": absURL, "scopes_supported": arrayContaining("follow"),
	"response_types_supported":         arrayContaining("code"),
	"grant_types_supported":            arrayContaining("authorization_code"),
	"code_challenge_methods_supported": arrayContaining("S256"),
}

func merge(a, b schema) schema {
	out := schema{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// TestSchemaCheckerIsNotBlind: the checker fails what each rule forbids, so a passing entity test
// means something.
func TestSchemaCheckerIsNotBlind(t *testing.T) {
	tests := []struct {
		name string
		k    kind
		json string
		want string // a substring of the one problem expected; "" for none
	}{
		{"missing", objectOf(schema{"id": id}), `{}`, ".id: missing"},
		{"numeric id", objectOf(schema{"id": id}), `{"id":1}`, ".id = 1"},
		{"null array", objectOf(schema{"tags": array}), `{"tags":null}`, "never null"},
		{"lowercase t", objectOf(schema{"at": datetime}), `{"at":"2025-01-02t03:04:05.000Z"}`, "RFC 3339"},
		{"no millis", objectOf(schema{"at": datetime}), `{"at":"2025-01-02T03:04:05Z"}`, "RFC 3339"},
		{"epoch", objectOf(schema{"at": datetime}), `{"at":1735787045}`, "RFC 3339"},
		{"good time", objectOf(schema{"at": datetime}), `{"at":"2025-01-02T03:04:05.000Z"}`, ""},
		{"date with time", objectOf(schema{"d": orNull(date)}), `{"d":"2025-01-02T00:00:00.000Z"}`, "plain date"},
		{"null date", objectOf(schema{"d": orNull(date)}), `{"d":null}`, ""},
		{"nullable still present", objectOf(schema{"d": orNull(date)}), `{}`, "missing"},
		{"relative url", objectOf(schema{"u": absURL}), `{"u":"/x.png"}`, "absolute"},
		{"nested", objectOf(schema{"a.b": integer}), `{"a":{"b":"1"}}`, ".a.b"},
		{"item", objectOf(schema{"xs": arrayOf(objectOf(schema{"id": id}))}), `{"xs":[{"id":"1"},{}]}`, ".xs[1].id: missing"},
		{"string created_at", objectOf(tokenSchema), `{"access_token":"a","token_type":"Bearer","scope":"read","created_at":"1"}`, ".created_at"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var v any
			if err := json.Unmarshal([]byte(tc.json), &v); err != nil {
				t.Fatal(err)
			}
			got := tc.k(v, true)
			switch {
			case tc.want == "" && len(got) != 0:
				t.Fatalf("problems %q, want none", got)
			case tc.want != "" && (len(got) != 1 || !strings.Contains(got[0], tc.want)):
				t.Fatalf("problems %q, want one containing %q", got, tc.want)
			}
		})
	}
}
