package activitypub_test

import (
	"fmt"
	"slices"
	"testing"

	ap "github.com/guildhall/guildhall/activitypub"
)

func TestNormalisePartners(t *testing.T) {
	tests := []struct {
		in      []string
		want    []string
		wantErr bool
	}{
		{[]string{"York.example", " leeds.example ", "york.example", "*.hull.example", "b.example:8443"},
			[]string{"b.example", "hull.example", "leeds.example", "york.example"}, false},
		{[]string{"council.test", "leeds.example"}, []string{"leeds.example"}, false}, // our own host is implied
		{[]string{"", "  "}, nil, false},
		{[]string{"not a domain"}, nil, true},
		{[]string{"évry.example"}, nil, true},
		{[]string{"a..example"}, nil, true},
		{[]string{"https://leeds.example/"}, nil, true},
	}
	for _, tt := range tests {
		got, err := ap.NormalisePartners(tt.in, "council.test:443")
		if (err != nil) != tt.wantErr || !slices.Equal(got, tt.want) {
			t.Errorf("NormalisePartners(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
	many := make([]string, ap.MaxPartnerDomains+1)
	for i := range many {
		many[i] = fmt.Sprintf("c%d.example", i)
	}
	if _, err := ap.NormalisePartners(many, ""); err == nil {
		t.Errorf("%d partners accepted", len(many))
	}
	if !ap.PartnerHost("social.leeds.example:8443", []string{"leeds.example"}) || ap.PartnerHost("evilleeds.example", []string{"leeds.example"}) {
		t.Error("PartnerHost matches subdomains only")
	}
}

// TestPartnerOutbox: one outbox record per partner instance, each naming only the followers (and
// mentioned) there; the follower and the mentioned person on a third instance are named nowhere.
func TestPartnerOutbox(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *world) {
		alice := w.user("alice")
		bob, bo, cara := w.remote("bob", "leeds.example"), w.remote("bo", "social.leeds.example"), w.remote("cara", "york.example")
		zed := w.remote("zed", "york.example")
		for _, f := range []*ap.Actor{bob, bo, cara} {
			if err := w.store.CreateFollow(w.ctx, &ap.Follow{ID: w.svc.NewID(), URI: f.URI + "#f", FollowerID: f.ID,
				FolloweeID: alice.Actor.ID, State: ap.FollowAccepted, CreatedAt: w.svc.Now()}); err != nil {
				t.Fatal(err)
			}
		}
		before := len(w.outbox())
		st, err := w.svc.Post(w.ctx, alice, ap.PostInput{Text: "for leeds, not @zed@york.example", Visibility: ap.Private,
			Partners: []string{"leeds.example"}})
		if err != nil {
			t.Fatal(err)
		}
		if st.Visibility != ap.Partners || len(st.Mentions) != 1 || st.Mentions[0].ActorID != zed.ID {
			t.Fatalf("posted %s with mentions %+v", st.Visibility, st.Mentions)
		}
		items := w.outbox()[before:]
		var got [][]string
		for _, it := range items {
			if it.Activity.Type != "Create" || len(it.Activity.Cc) != 0 {
				t.Errorf("record %s %v cc %v", it.Activity.Type, it.Activity.To, it.Activity.Cc)
			}
			got = append(got, it.Activity.To)
		}
		want := [][]string{{bob.URI}, {bo.URI}}
		if !slices.EqualFunc(got, want, slices.Equal[[]string]) {
			t.Errorf("addressed %v, want %v", got, want)
		}
	})
}

// TestReceivePartnerOnly: a received partner-only post is kept to this instance's followers only
// when it names this instance; its list is cleaned and bounded, and one naming nobody valid is
// direct (only those it mentions).
func TestReceivePartnerOnly(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *world) {
		fan, other, named := w.user("fan"), w.user("other"), w.user("named")
		rem := w.remote("rem", "leeds.example")
		if err := w.store.CreateFollow(w.ctx, &ap.Follow{ID: w.svc.NewID(), URI: fan.Actor.URI + "#f", FollowerID: fan.Actor.ID,
			FolloweeID: rem.ID, State: ap.FollowAccepted, CreatedAt: w.svc.Now()}); err != nil {
			t.Fatal(err)
		}
		long := []string{"NOT VALID!", "council.test"}
		for i := range 30 {
			long = append(long, fmt.Sprintf("c%02d.example", i))
		}
		tests := []struct {
			name     string
			partners []string
			wantVis  ap.Visibility
			wantHome bool
			wantLen  int
			notified bool // named, who is mentioned
		}{
			{"names us", long, ap.Partners, true, ap.MaxPartnerDomains, true},
			{"names others only", []string{"york.example"}, ap.Partners, false, 1, false},
			{"names nobody valid", []string{"<script>"}, ap.Direct, false, 0, true},
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				st, err := w.svc.ReceiveCreate(w.ctx, rem, &ap.Status{URI: fmt.Sprintf("https://leeds.example/notes/%d", i),
					Visibility: ap.Partners, Partners: tt.partners, Content: "<p>for partners</p>",
					Mentions: []ap.Mention{{URI: named.Actor.URI}}})
				if err != nil {
					t.Fatal(err)
				}
				if st.Visibility != tt.wantVis || len(st.Partners) != tt.wantLen {
					t.Fatalf("stored %s with %d partners %v", st.Visibility, len(st.Partners), st.Partners)
				}
				if tt.wantLen > 0 && !slices.IsSorted(st.Partners) {
					t.Errorf("partners not sorted: %v", st.Partners)
				}
				if got := contains(w.home(fan), st.ID); got != tt.wantHome {
					t.Errorf("in the follower's home: %v, want %v", got, tt.wantHome)
				}
				if ok, _ := w.svc.CanSee(w.ctx, ap.Viewer{Actor: &fan.Actor}, st); ok != tt.wantHome {
					t.Errorf("the follower sees it: %v, want %v", ok, tt.wantHome)
				}
				if ok, _ := w.svc.CanSee(w.ctx, ap.Viewer{Actor: &other.Actor}, st); ok {
					t.Error("a non-follower sees it")
				}
				ns, err := w.svc.Notifications(w.ctx, named, ap.NotificationFilter{}, ap.Page{Limit: 40})
				if err != nil {
					t.Fatal(err)
				}
				got := slices.ContainsFunc(ns, func(n *ap.Notification) bool { return n.StatusID == st.ID })
				if ok, _ := w.svc.CanSee(w.ctx, ap.Viewer{Actor: &named.Actor}, st); got != tt.notified || ok != tt.notified {
					t.Errorf("the mentioned person notified %v, sees it %v; want %v", got, ok, tt.notified)
				}
			})
		}
	})
}
