package as2

import (
	ap "github.com/guildhall/guildhall/activitypub"
)

// The Guildhall extension vocabulary. Terms map to schema.org where it has one (schema:Question
// and schema:acceptedAnswer describe exactly this), so a JSON-LD processor that expands our
// documents reads them in a known vocabulary; the context document we publish at ContextPath
// defines them, and documents that use them add its URL to their @context.
const (
	// ContextPath is where every Guildhall instance serves its JSON-LD context document.
	ContextPath = "/ns/guildhall/v1"
	// NSGuildhall is the namespace of the terms schema.org lacks.
	NSGuildhall = "https://guildhall.social/ns#"
	// PostKindQuestion marks a Note that is a question (its name is the title).
	PostKindQuestion = "question"
)

// ContextURL is the address of the context document an instance serves.
func (r Renderer) ContextURL() string { return r.BaseURL + ContextPath }

// ContextDocument is the JSON-LD context served at ContextPath.
func ContextDocument() map[string]any {
	return map[string]any{
		ctxKeyJSONLD: map[string]any{
			"schema":         NSSchema,
			"guildhall":      NSGuildhall,
			"postKind":       "guildhall:postKind",
			"acceptedAnswer": map[string]any{"@id": "schema:acceptedAnswer", "@type": "@id"},
			"partners":       map[string]any{"@id": "guildhall:partners", "@container": "@set"},
		},
	}
}

// questionTerms adds the Guildhall terms of a question to its rendered object: postKind, and
// acceptedAnswer (null once cleared, so a receiver knows the acceptance was withdrawn).
func (r Renderer) questionTerms(m map[string]any, st *ap.Status) {
	if st.Kind != ap.KindQuestion || st.InReplyToURI != "" {
		return
	}
	m["postKind"] = PostKindQuestion
	if st.AcceptedAnswerURI != "" {
		m["acceptedAnswer"] = st.AcceptedAnswerURI
	} else {
		m["acceptedAnswer"] = nil
	}
	if ctx, ok := m[ctxKeyJSONLD].([]any); ok {
		m[ctxKeyJSONLD] = append(ctx, r.ContextURL())
	}
}

// parseGuildhallTerms reads postKind and acceptedAnswer. An acceptedAnswer that is not an
// http(s) URL is dropped, as other display-only references are.
func parseGuildhallTerms(o *ParsedObject, raw map[string]any) {
	if rawString(raw, "postKind") == PostKindQuestion {
		o.PostKind = PostKindQuestion
	}
	if a := rawString(raw, "acceptedAnswer"); a != "" && checkURL("acceptedAnswer", a) == nil {
		o.AcceptedAnswer = a
	}
}

// embeddedContext carries the extra @context entries of an embedded document (our context URL)
// up to the document it is embedded in, where JSON-LD looks for them.
func embeddedContext(outer, sub map[string]any) {
	subCtx, ok := sub[ctxKeyJSONLD].([]any)
	if !ok {
		return
	}
	outerCtx, ok := outer[ctxKeyJSONLD].([]any)
	if !ok {
		return
	}
	for _, c := range subCtx {
		s, isString := c.(string)
		if !isString || s == NSActivityStreams || s == NSSecurity || hasAny(outerCtx, s) {
			continue
		}
		outerCtx = append(outerCtx, s)
	}
	outer[ctxKeyJSONLD] = outerCtx
}

func hasAny(list []any, v string) bool {
	for _, x := range list {
		if s, ok := x.(string); ok && s == v {
			return true
		}
	}
	return false
}
