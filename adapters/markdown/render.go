package markdown

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Format selects how Render interprets its input.
type Format int

const (
	// FormatPlain: paragraphs on blank lines, line breaks kept, everything
	// escaped; URLs, mentions and hashtags linked.
	FormatPlain Format = iota
	// FormatMarkdown: CommonMark plus linkify and ~~strikethrough~~, raw
	// HTML dropped; mentions and hashtags linked in prose only.
	FormatMarkdown
)

func (f Format) String() string {
	switch f {
	case FormatPlain:
		return "plain"
	case FormatMarkdown:
		return "markdown"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// MentionResolver maps a handle to the URL of its actor's profile page.
// host is "" for a local account (written "@user" or "@user@<our host>")
// and lower-cased otherwise; username is as written. It returns ok=false
// for unknown accounts, which then stay plain text. It may be called from
// several goroutines when the Renderer is shared; within one Render call
// it is called at most once per distinct handle.
type MentionResolver func(username, host string) (href string, ok bool)

// Mention is a resolved mention, for the Note's tag array and notifications.
type Mention struct {
	Username string
	Host     string // "" for local accounts
	Href     string
}

// Rendered is the result of Render.
type Rendered struct {
	HTML     string    // sanitised HTML, ready to store as Note content
	Mentions []Mention // resolved mentions, unique, in order of appearance
	Tags     []string  // hashtags lower-cased without '#', unique, in order
	Text     string    // the source text, unchanged
}

// Sanitizer is the HTML allowlist every rendered post passes through. It is declared here and
// implemented by federation/content's Sanitizer, which owns the policy for remote HTML, so one
// allowlist governs what any post may contain whoever wrote it.
type Sanitizer interface {
	Sanitize(untrusted string) string
}

// RendererOptions configures NewRenderer.
type RendererOptions struct {
	// BaseURL is the instance's public origin, e.g. "https://council.example";
	// hashtag links point at BaseURL/tags/<tag>, and mentions of
	// "@user@<BaseURL host>" are treated as local.
	BaseURL string
	// Sanitizer is applied to every rendered post (required): the same
	// allowlist that remote HTML passes through, so a bug in rendering cannot
	// produce markup that inbound content could not (security.md XSS-05).
	Sanitizer Sanitizer
	// MaxInputBytes bounds the source Render accepts (0 means
	// DefaultMaxInputBytes). goldmark is superlinear on some inputs (deep
	// lists, runs of "[a](" take seconds at tens of kilobytes), so the
	// bound protects the server even if an API limit is misconfigured.
	MaxInputBytes int
}

// DefaultMaxInputBytes is generous for any post length limit an instance
// would set (5,000 characters of 4-byte runes is 20,000 bytes).
const DefaultMaxInputBytes = 64 << 10

// Renderer turns local users' posts into HTML. It is safe for concurrent
// use; build one with NewRenderer and share it.
type Renderer struct {
	baseURL   string // without trailing slash
	maxBytes  int
	localHost string // lower-cased host of baseURL
	sanitizer Sanitizer
	markdown  *markdownRenderer
}

// NewRenderer validates opts and builds the Markdown pipeline once.
func NewRenderer(opts RendererOptions) (*Renderer, error) {
	if opts.Sanitizer == nil {
		return nil, errors.New("markdown: a Sanitizer is required")
	}
	u, err := url.Parse(strings.TrimSpace(opts.BaseURL))
	if err != nil {
		return nil, fmt.Errorf("markdown: parse base URL %q: %w", opts.BaseURL, err)
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("markdown: base URL %q must be an absolute http(s) URL without query or fragment", opts.BaseURL)
	}
	r := &Renderer{
		baseURL:   strings.TrimRight(u.String(), "/"),
		localHost: strings.ToLower(u.Host),
		sanitizer: opts.Sanitizer,
		maxBytes:  opts.MaxInputBytes,
	}
	if r.maxBytes <= 0 {
		r.maxBytes = DefaultMaxInputBytes
	}
	r.markdown = newMarkdownRenderer()
	return r, nil
}

var (
	// ErrUnknownFormat is returned by Render for a Format it does not know.
	ErrUnknownFormat = errors.New("markdown: unknown format")
	// ErrTooLong is returned by Render for input above MaxInputBytes.
	ErrTooLong = errors.New("markdown: input too long")
)

// Render converts text in the given format to sanitised HTML and collects
// its mentions and hashtags. resolve may be nil, in which case no mention
// is linked.
func (r *Renderer) Render(text string, format Format, resolve MentionResolver) (Rendered, error) {
	if len(text) > r.maxBytes {
		return Rendered{}, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLong, len(text), r.maxBytes)
	}
	out := Rendered{Text: text}
	// Invalid UTF-8 would otherwise reach clients as-is inside text nodes;
	// normalising first keeps every later stage working on valid strings.
	src := strings.ToValidUTF8(text, "\uFFFD")
	st := r.newState(resolve)
	var raw string
	switch format {
	case FormatPlain:
		raw = r.renderPlain(src, st)
	case FormatMarkdown:
		var err error
		raw, err = r.markdown.render(src, r, st)
		if err != nil {
			return Rendered{}, fmt.Errorf("markdown: render markdown: %w", err)
		}
	default:
		return Rendered{}, fmt.Errorf("%w: %v", ErrUnknownFormat, format)
	}
	// goldmark ends blocks with "\n"; trimming keeps an all-dropped post
	// (e.g. only raw HTML) from producing whitespace-only content.
	out.HTML = strings.TrimSpace(r.sanitizer.Sanitize(raw))
	out.Mentions, out.Tags = st.mentions, st.tags
	return out, nil
}

// renderState is the per-call state: resolver results and what was found.
type renderState struct {
	resolve  MentionResolver
	resolved map[string]resolvedMention
	mentions []Mention
	tags     []string
	seenTags map[string]bool
}

type resolvedMention struct {
	href string
	ok   bool
}

func (r *Renderer) newState(resolve MentionResolver) *renderState {
	return &renderState{resolve: resolve}
}

// mention resolves (once per handle) and records a mention, returning the
// canonical username/host and the href when the resolver knows it.
func (r *Renderer) mention(st *renderState, username, host string) (Mention, bool) {
	if host == r.localHost {
		host = ""
	}
	if st.resolve == nil {
		return Mention{}, false
	}
	key := strings.ToLower(username) + "@" + host
	res, seen := st.resolved[key]
	if !seen {
		res.href, res.ok = st.resolve(username, host)
		if res.ok && res.href == "" {
			res.ok = false
		}
		if st.resolved == nil {
			st.resolved = make(map[string]resolvedMention)
		}
		st.resolved[key] = res
		if res.ok {
			st.mentions = append(st.mentions, Mention{Username: username, Host: host, Href: res.href})
		}
	}
	if !res.ok {
		return Mention{}, false
	}
	return Mention{Username: username, Host: host, Href: res.href}, true
}

// hashtag records a tag and returns its normalised name and link.
func (r *Renderer) hashtag(st *renderState, tag string) (name, href string) {
	name = strings.ToLower(tag)
	if !st.seenTags[name] {
		if st.seenTags == nil {
			st.seenTags = make(map[string]bool)
		}
		st.seenTags[name] = true
		st.tags = append(st.tags, name)
	}
	return name, r.baseURL + "/tags/" + url.PathEscape(name)
}
