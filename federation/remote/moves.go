package remote

import (
	"context"
	"fmt"

	ap "github.com/guildhall/guildhall/activitypub"
)

// maxAliases bounds the alsoKnownAs entries read from a move target (RES-10).
const maxAliases = 20

// FetchMoveTarget fetches the target of an account Move from its own id, always fresh (the
// alias was most likely added moments before the Move), stores it, and returns it with the
// actor ids its alsoKnownAs lists. The caller checks that the moving actor is among them: that is
// the target's consent to the move (ORI-13).
func (d *Dereferencer) FetchMoveTarget(ctx context.Context, uri string) (*ap.Actor, []string, error) {
	const op = "remote.FetchMoveTarget"
	if d.svc.IsLocalURI(uri) {
		return nil, nil, ap.E(op, ap.Invalid, "moves to local accounts are not accepted")
	}
	doc, err := d.get(ctx, uri)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", op, err)
	}
	a, err := d.storeActorDoc(ctx, uri, doc, false)
	if err != nil {
		return nil, nil, err
	}
	return a, aliases(doc.Map["alsoKnownAs"]), nil
}

// aliases reads alsoKnownAs: an id, a list of ids, or objects carrying an id.
func aliases(v any) []string {
	var list []any
	switch v := v.(type) {
	case []any:
		list = v
	case nil:
		return nil
	default:
		list = []any{v}
	}
	var out []string
	for _, e := range list {
		if len(out) == maxAliases {
			break
		}
		switch e := e.(type) {
		case string:
			out = append(out, e)
		case map[string]any:
			if id, ok := e["id"].(string); ok {
				out = append(out, id)
			}
		}
	}
	return out
}
