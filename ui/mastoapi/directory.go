package mastoapi

import (
	"net/http"

	"github.com/guildhall/guildhall/activitypub"
)

// expertiseEntry is one person in GET /api/guildhall/v1/directory.
type expertiseEntry struct {
	Account account  `json:"account"`
	Role    string   `json:"role"`
	Team    string   `json:"team"`
	Skills  []string `json:"skills"`
}

// expertiseDirectory is GET /api/guildhall/v1/directory?skill=&q=&scope=&limit=&offset=: people
// here and on other servers by expertise, offset-paged as Mastodon's /api/v1/directory is.
func (h *Handler) expertiseDirectory(w http.ResponseWriter, r *http.Request, c *call) error {
	es, err := h.svc.Directory(r.Context(), activitypub.DirectoryQuery{
		Skill: c.p.str("skill"), Q: c.p.str("q"), Scope: c.p.str("scope"),
		Limit: c.p.integer("limit", 40), Offset: c.p.integer("offset", 0),
	})
	if err != nil {
		return err
	}
	out := make([]expertiseEntry, 0, len(es))
	for _, e := range es {
		skills := e.Expertise.Skills
		if skills == nil {
			skills = []string{}
		}
		out = append(out, expertiseEntry{Account: h.presentAccount(e.Actor), Role: e.Expertise.Role,
			Team: e.Expertise.Team, Skills: skills})
	}
	return ok(w, out)
}
