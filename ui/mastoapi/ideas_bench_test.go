package mastoapi_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"testing"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/ideas"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// BenchmarkIdeasList reads GET /api/guildhall/v1/ideas?sort=votes&limit=40 over HTTP from 500
// ideas by 50 authors, each with votes, a status history and an adoption, and reports requests
// per second and latency percentiles. Each idea on the page costs its history and adoptions
// reads, so this is the figure to watch if the list grows heavier.
func BenchmarkIdeasList(b *testing.B) {
	storagetest.ForEachB(b, func(b *testing.B, st *storage.Store) {
		e := newEnv(b, st)
		ctx := context.Background()
		x, err := ideas.New(e.svc, st, nil, slog.New(slog.DiscardHandler))
		if err != nil {
			b.Fatal(err)
		}
		voter := e.user("voter")
		tok := e.token(voter)
		for i := range 50 {
			a := e.user(fmt.Sprintf("author%02d", i))
			for j := range 10 {
				v, err := x.Create(ctx, a, ideas.Input{Title: fmt.Sprintf("Idea %d of %s", j, a.Actor.Username),
					Content: "Share the gritters", Visibility: ap.Public})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := x.SetStatus(ctx, a, v.Status.ID, ideas.UnderReview, ""); err != nil {
					b.Fatal(err)
				}
				if j%2 == 0 {
					if _, err := e.svc.Favourite(ctx, voter, v.Status.ID); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := st.AddIdeaAdoption(ctx, &ideas.Adoption{StatusID: v.Status.ID, Domain: "b.test", CreatedAt: v.Status.CreatedAt}); err != nil {
					b.Fatal(err)
				}
			}
		}
		req := func() {
			r, err := http.NewRequest("GET", e.base+"/api/guildhall/v1/ideas?sort=votes&limit=40", nil)
			if err != nil {
				b.Fatal(err)
			}
			r.Header.Set("Authorization", "Bearer "+tok)
			res, err := http.DefaultClient.Do(r)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 200 {
				b.Fatalf("status %d", res.StatusCode)
			}
		}
		measure(b, req)
	})
}
