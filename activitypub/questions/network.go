package questions

import (
	"cmp"
	"context"
	"slices"
	"strings"

	ap "github.com/guildhall/guildhall/activitypub"
)

// maxNetworkGroups bounds how many partner groups one question is sent to.
const maxNetworkGroups = 5

// Network is what "Ask the network" needs of the groups area: the directory of groups known here
// and the partner list.
type Network interface {
	Directory(ctx context.Context, query string, remote bool, p ap.Page) ([]*ap.Actor, error)
	Partners(ctx context.Context) ([]string, error)
}

// NetworkGroups finds the groups on partner instances a question should also go to: groups known
// here (the group directory) whose handle, name or description shares words with the question's
// title and hashtags, ranked by how many, at most maxNetworkGroups. Groups on other servers than
// partners are never chosen: the question goes only where the council has agreed to share.
func (q *Questions) NetworkGroups(ctx context.Context, title, body string) ([]*ap.Actor, error) {
	const op = "questions.NetworkGroups"
	n, ok := q.groups.(Network)
	if !ok || q.groups == nil {
		return nil, nil
	}
	partners, err := n.Partners(ctx)
	if err != nil {
		return nil, ap.Wrap(op, err)
	}
	if len(partners) == 0 {
		return nil, nil
	}
	partner := map[string]bool{}
	for _, d := range partners {
		partner[strings.ToLower(d)] = true
	}
	text := title
	for _, w := range strings.Fields(body) {
		if strings.HasPrefix(w, "#") {
			text += " " + w
		}
	}
	score := map[string]int{}
	byID := map[string]*ap.Actor{}
	for _, w := range SearchWords(text) {
		found, err := n.Directory(ctx, w, true, ap.Page{Limit: 40})
		if err != nil {
			return nil, ap.Wrap(op, err)
		}
		for _, a := range found {
			if partner[strings.ToLower(a.Domain)] {
				score[a.ID]++
				byID[a.ID] = a
			}
		}
	}
	out := make([]*ap.Actor, 0, len(byID))
	for _, a := range byID {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b *ap.Actor) int {
		if c := cmp.Compare(score[b.ID], score[a.ID]); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	if len(out) > maxNetworkGroups {
		out = out[:maxNetworkGroups]
	}
	return out, nil
}

// networkLine is the last line of a question asked across the network: the partner groups,
// mentioned, so that each receives the question and relays it to its members (a group relays
// a post that mentions it) and every reader sees where else it was asked.
func networkLine(groups []*ap.Actor) string {
	if len(groups) == 0 {
		return ""
	}
	handles := make([]string, 0, len(groups))
	for _, g := range groups {
		handles = append(handles, "@"+g.Username+"@"+g.Domain)
	}
	return "\n\nAlso asked in: " + strings.Join(handles, " ")
}
