package as2

import (
	"context"
	"html"
	"strings"

	ap "github.com/guildhall/guildhall/activitypub"
)

// Extension adds extension terms to the documents federation renders for local statuses (the
// objects served and delivered) and for outgoing activities. Areas of the domain that publish
// properties of their own (ideas) provide one; the delivery worker and the document handler
// call every extension they are given.
type Extension interface {
	ExtendNote(ctx context.Context, st *ap.Status, note map[string]any) error
	ExtendActivity(ctx context.Context, act *ap.Activity, doc map[string]any) error
}

// The Guildhall ideas extension (docs/api.md, docs/decisions.md "Ideas"). Every instance serves
// the JSON-LD context at IdeasContextPath; documents that carry the terms name it in their
// @context. Peers read the terms by these compact names, as they read Mastodon's.
const (
	IdeasContextPath = "/ns/ideas"
	// TermIdeaStatus is an idea's state: proposed, under_review, planned, adopted, declined.
	TermIdeaStatus = "ideaStatus"
	// TermIdeaStatusReason is why it was declined (or a note with the last change).
	TermIdeaStatusReason = "ideaStatusReason"
	// TermIdeaAdoptedBy lists the domains of the councils that adopted the idea too.
	TermIdeaAdoptedBy = "ideaAdoptedBy"
	// TermIdeaAdoption marks an Announce as an adoption: "adopted here too" by the actor's
	// council. Servers that do not know it see a boost.
	TermIdeaAdoption = "ideaAdoption"
)

// Bounds on the ideas terms a peer may send.
const (
	maxIdeaReasonBytes = 2000
	maxIdeaAdoptedBy   = 200
)

// IdeasContext is the JSON-LD context document served at baseURL+IdeasContextPath.
func IdeasContext(baseURL string) map[string]any {
	ns := baseURL + IdeasContextPath + "#"
	return map[string]any{ctxKeyJSONLD: map[string]any{
		"guildhallIdeas":     ns,
		TermIdeaStatus:       "guildhallIdeas:" + TermIdeaStatus,
		TermIdeaStatusReason: "guildhallIdeas:" + TermIdeaStatusReason,
		TermIdeaAdoptedBy:    map[string]any{"@id": "guildhallIdeas:" + TermIdeaAdoptedBy, "@container": "@set"},
		TermIdeaAdoption:     "guildhallIdeas:" + TermIdeaAdoption,
	}}
}

// IdeaTerms are the ideas properties of a status document.
type IdeaTerms struct {
	Status    string
	Reason    string
	AdoptedBy []string
}

// IdeaTitleHTML is the paragraph an idea's federated content starts with: its title, so servers
// that show a Note's content and not its name (Mastodon) show which idea it is. Receivers that
// know the ideas terms take it off again, as they show the name themselves.
func IdeaTitleHTML(title string) string {
	return "<p><strong>" + html.EscapeString(title) + "</strong></p>"
}

// SetIdeaTerms adds an idea's terms to a rendered Note, leads its content with the title and
// names the context.
func SetIdeaTerms(note map[string]any, baseURL string, t IdeaTerms) {
	if name, _ := note["name"].(string); name != "" {
		if c, ok := note["content"].(string); ok && !strings.HasPrefix(c, IdeaTitleHTML(name)) {
			note["content"] = IdeaTitleHTML(name) + c
		}
		if cm, ok := note["contentMap"].(map[string]any); ok {
			for lang, v := range cm {
				if c, ok := v.(string); ok && !strings.HasPrefix(c, IdeaTitleHTML(name)) {
					cm[lang] = IdeaTitleHTML(name) + c
				}
			}
		}
	}
	note[TermIdeaStatus] = t.Status
	note[TermIdeaStatusReason] = t.Reason
	adopted := make([]any, 0, len(t.AdoptedBy))
	for _, d := range t.AdoptedBy {
		adopted = append(adopted, d)
	}
	note[TermIdeaAdoptedBy] = adopted
	AddContext(note, baseURL+IdeasContextPath)
}

// SetIdeaAdoption marks a rendered Announce as an adoption.
func SetIdeaAdoption(doc map[string]any, baseURL string) {
	doc[TermIdeaAdoption] = true
	AddContext(doc, baseURL+IdeasContextPath)
}

// AddContext appends a context URL to a document's @context, once; a document rendered
// without one (an embedded object) is left without.
func AddContext(doc map[string]any, url string) {
	list, ok := doc[ctxKeyJSONLD].([]any)
	if !ok {
		return
	}
	for _, c := range list {
		if c == url {
			return
		}
	}
	doc[ctxKeyJSONLD] = append(list, url)
}

// parseIdeaTerms reads the ideas terms of an object, nil when it carries none or an unknown
// state (a peer's typo must not move an idea).
func parseIdeaTerms(raw map[string]any) *IdeaTerms {
	status := rawString(raw, TermIdeaStatus)
	switch status {
	case "proposed", "under_review", "planned", "adopted", "declined":
	default:
		return nil
	}
	t := &IdeaTerms{Status: status, Reason: strings.TrimSpace(rawString(raw, TermIdeaStatusReason))}
	if len(t.Reason) > maxIdeaReasonBytes {
		t.Reason = strings.ToValidUTF8(t.Reason[:maxIdeaReasonBytes], "")
	}
	for _, v := range rawList(raw, TermIdeaAdoptedBy) {
		s, ok := v.(string)
		if !ok {
			continue
		}
		if d, ok := ap.NormalizeHost(s); ok && len(t.AdoptedBy) < maxIdeaAdoptedBy {
			t.AdoptedBy = append(t.AdoptedBy, d)
		}
	}
	return t
}
