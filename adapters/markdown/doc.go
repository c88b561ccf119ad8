// Package markdown renders what local users write: plain text or Markdown
// (goldmark) becomes HTML with links, mentions and hashtags, always passed
// through the instance's Sanitizer (federation/content) so a bug here cannot
// produce markup that inbound content could not (security.md XSS-05).
//
// [Domain] implements the domain's activitypub.Renderer port with the
// renderer and the instance's HTML policy.
package markdown
