// Package content turns untrusted post content into HTML that is safe to
// embed in Guildhall's web UI and to hand to Mastodon-compatible clients.
//
// Two directions are covered:
//
//   - Inbound: remote servers send HTML (Note content, actor summary,
//     PropertyValue values). [Sanitizer.Sanitize] reduces it to Mastodon's
//     inbound allowlist; [Sanitizer.SanitizeText] reduces plain-text fields
//     (display names, content warnings, alt text) to bounded plain text.
//   - Outbound: local users write plain text or Markdown. [Renderer.Render]
//     turns it into HTML with links, mentions and hashtags, and always passes
//     the result through the same Sanitizer, so a bug in rendering cannot
//     produce markup that inbound content could not (security.md XSS-05).
//
// [PlainText] goes the other way, HTML to text, for search indexing and
// notifications.
package content
