package mastoapi_test

import (
	"fmt"
	"strings"
	"testing"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// maxStatementsPerHomePage bounds a home timeline page with boosts (token cached): the page and
// its statuses' mentions, tags and media, the boosted originals and theirs, the authors, the
// viewer's flags, filters and exclusive lists.
const maxStatementsPerHomePage = 8

// A home timeline page runs the same few statements for 5 statuses as for 40, boosts and
// mentions included: nothing is loaded per status.
func TestHomeTimelineStatementBudget(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, st *storage.Store) {
		e := newEnv(t, st)
		reader := e.user("reader")
		tok := e.token(reader)
		var authors []*ap.Account
		for i := range 4 {
			a := e.user(fmt.Sprintf("author%d", i))
			if _, err := e.svc.Follow(e.ctx, reader, a.Actor.ID, true, false); err != nil {
				t.Fatal(err)
			}
			authors = append(authors, a)
		}
		for i := range 40 {
			a := authors[i%len(authors)]
			s, err := e.svc.Post(e.ctx, a, ap.PostInput{Text: fmt.Sprintf("status %d for @author%d #roads", i, (i+1)%4)})
			if err != nil {
				t.Fatal(err)
			}
			if i%5 == 0 { // a boost by another followed author
				if _, err := e.svc.Reblog(e.ctx, authors[(i+1)%len(authors)], s.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		e.do("GET", "/api/v1/timelines/home?limit=1", tok, nil) // caches the token
		counts := map[int]int64{}
		for _, limit := range []int{5, 40} {
			before := st.Statements()
			r := e.do("GET", fmt.Sprintf("/api/v1/timelines/home?limit=%d", limit), tok, nil)
			counts[limit] = st.Statements() - before
			if r.status != 200 || strings.Count(string(r.body), `"reblog":{`) == 0 {
				t.Fatalf("limit %d: status %d, or no boost on the page: %.300s", limit, r.status, r.body)
			}
		}
		if counts[40] != counts[5] || counts[40] > maxStatementsPerHomePage {
			t.Fatalf("statements per home page: %d for 5 statuses, %d for 40; want equal and at most %d",
				counts[5], counts[40], maxStatementsPerHomePage)
		}
	})
}
