package as2

// partners (guildhall:partners, a set of host names; defined in our @context and in the
// context document at ContextPath) marks a partner-only post: it is addressed to some followers
// on those instances by name, and tells a receiving Guildhall to keep it from everyone else there
// too. Servers that do not know the term see a post addressed to some of their users only
// (Mastodon's "limited", GoToSocial's direct), which is as narrow.

// MaxPartners bounds the partner list read from a document.
const MaxPartners = 20

// maxPartnerBytes bounds one host name (DNS allows 253).
const maxPartnerBytes = 253

// rawPartners reads the partners term: a string or an array of strings, bounded in count and
// length; anything else is ignored (the list can only narrow who sees a post).
func rawPartners(raw map[string]any) []string {
	var list []any
	switch v := raw["partners"].(type) {
	case string:
		list = []any{v}
	case []any:
		list = v
	}
	var out []string
	for _, e := range list {
		if len(out) == MaxPartners {
			break
		}
		if s, ok := e.(string); ok && s != "" && len(s) <= maxPartnerBytes {
			out = append(out, s)
		}
	}
	return out
}

func anyStrings(list []string) []any {
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = s
	}
	return out
}
