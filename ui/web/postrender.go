package web

import (
	"html"
	"html/template"
	"net/url"
	"strings"
)

// HTML is the post component's markup. It is written in Go rather than as a template because a
// timeline page holds up to 40 posts and html/template's per-value reflection was most of the
// page's CPU time. The rules that html/template would apply are applied here by hand: every text
// and attribute value goes through html.EscapeString inside double quotes, links are either paths
// this package built or http(s) URLs checked by safeURL, and only Content (sanitised by the domain)
// is written as HTML. The markup is covered by the handler tests and by axe-core in the browser
// tests.
func (p postView) HTML() template.HTML {
	var b strings.Builder
	b.Grow(2048 + len(p.Content) + len(p.Actions))
	esc := html.EscapeString
	id := esc(p.ID)
	b.WriteString(`<article class="post`)
	if p.Focus {
		b.WriteString(` post-focus`)
	}
	b.WriteString(`" id="post-` + id + `" aria-labelledby="post-` + id + `-by">`)
	if p.BoostedBy != nil {
		b.WriteString(`<p class="post-boosted">Boosted by <a href="` + esc(p.BoostedBy.Href) + `">` + esc(p.BoostedBy.Name) + `</a></p>`)
	}
	a := p.Author
	b.WriteString(`<header class="post-header">`)
	b.WriteString(avatarHTML(a))
	b.WriteString(`<p class="post-byline" id="post-` + id + `-by"><a href="` + esc(a.Href) + `" class="post-author"><strong>` +
		esc(a.Name) + `</strong></a> <span class="handle">` + esc(a.Handle) + `</span></p>`)
	href := esc(p.Href)
	b.WriteString(`<p class="post-meta"><a href="` + href + `" class="post-time"><time datetime="` + esc(p.ISO) + `">` +
		esc(p.When) + `</time><span class="visually-hidden">: open the thread</span></a> <span class="post-visibility">` +
		esc(p.VisibilityLabel) + `</span>`)
	if p.EditedAt != nil {
		b.WriteString(` <a href="` + href + `/history" class="post-edited">Edited<span class="visually-hidden">: see the history</span></a>`)
	}
	b.WriteString(`</p></header>`)
	if p.InReplyTo != "" {
		b.WriteString(`<p class="post-context"><a href="` + esc(p.InReplyTo) + `">In reply to an earlier post</a></p>`)
	}
	if p.SpoilerText != "" {
		b.WriteString(`<details class="post-cw"><summary><span class="post-cw-label">Content warning:</span> ` + esc(p.SpoilerText) +
			` <span class="post-cw-show">(show post)</span></summary>`)
		p.writeBody(&b)
		b.WriteString(`</details>`)
	} else {
		p.writeBody(&b)
	}
	b.WriteString(string(p.Actions))
	b.WriteString(`</article>`)
	return template.HTML(b.String()) // #nosec: every value escaped above
}

func (p postView) writeBody(b *strings.Builder) {
	esc := html.EscapeString
	if p.Title != "" {
		b.WriteString(`<p class="post-title"><strong>` + esc(p.Title) + `</strong></p>`)
	}
	b.WriteString(`<div class="post-content">` + string(p.Content) + `</div>`)
	if len(p.Images) == 0 {
		return
	}
	b.WriteString(`<ul class="post-images">`)
	for _, img := range p.Images {
		if img.Local {
			b.WriteString(`<li><a href="` + esc(safeURL(img.URL)) + `"><img src="` + esc(safeURL(img.Preview)) + `" alt="` + esc(img.Alt) + `"></a></li>`)
			continue
		}
		b.WriteString(`<li><a href="` + esc(safeURL(img.URL)) + `" rel="nofollow noopener ugc" class="remote-image">Image on another server`)
		if img.Alt != "" {
			b.WriteString(`: ` + esc(img.Alt))
		}
		b.WriteString(`</a></li>`)
	}
	b.WriteString(`</ul>`)
}

// avatarHTML is the avatar: the picture when this instance serves it, the initial otherwise.
func avatarHTML(a actorView) string {
	if a.Avatar != "" {
		return `<span class="avatar" aria-hidden="true"><img src="` + html.EscapeString(safeURL(a.Avatar)) + `" alt="" width="48" height="48"></span>`
	}
	return `<span class="avatar" aria-hidden="true">` + html.EscapeString(a.Initial) + `</span>`
}

// safeURL passes a path on this site or an http(s) URL and turns anything else (javascript:,
// data:) into "#", as html/template does.
func safeURL(s string) string {
	if strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "//") {
		return s
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return "#"
	}
	return s
}

// postsHTML is a list of posts' markup in one piece. A timeline calls it once rather than the
// "post" template per post: each template call copied the whole page view and the post through
// reflection, which cost more than writing the posts (BenchmarkHomePage40Posts).
func postsHTML(posts []postView) template.HTML {
	parts := make([]template.HTML, len(posts))
	n := 0
	for i := range posts {
		parts[i] = posts[i].HTML()
		n += len(parts[i]) + 3
	}
	var b strings.Builder
	b.Grow(n)
	for _, p := range parts {
		b.WriteString("\n  ")
		b.WriteString(string(p))
	}
	return template.HTML(b.String())
}
