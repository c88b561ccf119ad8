package mastoapi_test

import (
	"fmt"
	"net/url"
	"testing"
)

func ids(t testing.TB, r resp) []string {
	t.Helper()
	var items []struct{ ID string }
	r.decode(t, &items)
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, it.ID)
	}
	return out
}

func TestPagination(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		alice := e.user("alice")
		tok := e.token(alice)
		var posted []string // oldest first
		for i := range 5 {
			posted = append(posted, e.post(tok, fmt.Sprintf("post %d", i)))
		}
		newest := func(i int) string { return posted[len(posted)-1-i] }

		first := e.call("GET", "/api/v1/timelines/home?limit=2", tok, nil, 200, nil)
		if got := ids(t, first); !equal(got, []string{newest(0), newest(1)}) {
			t.Fatalf("first page = %v", got)
		}
		next, prev := first.link("next"), first.link("prev")
		nu, err := url.Parse(next)
		if err != nil || nu.Scheme != "http" || nu.Query().Get("max_id") != newest(1) || nu.Query().Get("limit") != "2" {
			t.Fatalf("next link %q", next)
		}
		if pu, _ := url.Parse(prev); pu.Query().Get("min_id") != newest(0) {
			t.Fatalf("prev link %q", prev)
		}
		second := e.call("GET", next, tok, nil, 200, nil)
		if got := ids(t, second); !equal(got, []string{newest(2), newest(3)}) {
			t.Fatalf("second page = %v", got)
		}
		third := e.call("GET", second.link("next"), tok, nil, 200, nil)
		if got := ids(t, third); !equal(got, []string{newest(4)}) {
			t.Fatalf("third page = %v", got)
		}
		last := e.call("GET", third.link("next"), tok, nil, 200, nil)
		if got := ids(t, last); len(got) != 0 || last.link("next") != "" {
			t.Fatalf("empty page = %v with link %q", got, last.header.Get("Link"))
		}

		cases := []struct {
			name, query string
			want        []string
		}{
			{"max_id", "max_id=" + newest(1) + "&limit=1", []string{newest(2)}},
			{"min_id is the page right after", "min_id=" + posted[0] + "&limit=2", []string{posted[2], posted[1]}},
			{"since_id is the newest", "since_id=" + posted[0] + "&limit=2", []string{newest(0), newest(1)}},
			{"between", "min_id=" + posted[0] + "&max_id=" + posted[3], []string{posted[2], posted[1]}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				got := ids(t, e.call("GET", "/api/v1/timelines/home?"+tc.query, tok, nil, 200, nil))
				if !equal(got, tc.want) {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			})
		}

		// Lists whose cursor is not the item id page through Link only.
		var followers []string
		for i := range 3 {
			f := e.user(fmt.Sprintf("fan%d", i))
			e.call("POST", "/api/v1/accounts/"+alice.Actor.ID+"/follow", e.token(f), nil, 200, nil)
			followers = append(followers, f.Actor.ID)
		}
		seen := map[string]bool{}
		link := "/api/v1/accounts/" + alice.Actor.ID + "/followers?limit=2"
		for pages := 0; link != "" && pages < 5; pages++ {
			r := e.call("GET", link, tok, nil, 200, nil)
			for _, id := range ids(t, r) {
				if seen[id] {
					t.Fatalf("follower %s on two pages", id)
				}
				seen[id] = true
			}
			link = r.link("next")
		}
		if len(seen) != 3 {
			t.Fatalf("followers seen %v, want %v", seen, followers)
		}

		ns := e.call("GET", "/api/v1/notifications?limit=2", tok, nil, 200, nil)
		if got := ids(t, ns); len(got) != 2 || ns.link("next") == "" {
			t.Fatalf("notifications page = %v, link %q", got, ns.header.Get("Link"))
		}
		rest := ids(t, e.call("GET", ns.link("next"), tok, nil, 200, nil))
		if len(rest) != 1 {
			t.Fatalf("notifications second page = %v", rest)
		}
		only := ids(t, e.call("GET", "/api/v1/notifications?types[]=mention", tok, nil, 200, nil))
		if len(only) != 0 {
			t.Fatalf("types[]=mention gave %v", only)
		}
	})
}
