// Package content is the HTML policy for post content: it reduces untrusted
// HTML to what is safe to embed in Guildhall's web UI and to hand to
// Mastodon-compatible clients.
//
//   - Remote servers send HTML (Note content, actor summary, PropertyValue
//     values). [Sanitizer.Sanitize] reduces it to Mastodon's inbound
//     allowlist; [Sanitizer.SanitizeText] reduces plain-text fields (display
//     names, content warnings, alt text) to bounded plain text.
//   - Local posts are rendered by adapters/markdown, which passes every
//     result through this same Sanitizer, so a bug in rendering cannot
//     produce markup that inbound content could not (security.md XSS-05).
//
// [PlainText] goes the other way, HTML to text, for search indexing and
// notifications.
package content
