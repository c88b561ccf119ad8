package federation_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/groups"
	"github.com/guildhall/guildhall/federation/fedtest"
	"github.com/guildhall/guildhall/federation/httpsig"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// BenchmarkGroupRelay measures one member's post relayed by a group to every member's inbox,
// distinct personal inboxes spread over 100 fake servers that verify every signature: from the
// post until every inbox has both relay forms (Announce{Create} and Announce{Note}). The
// figure to compare with BenchmarkSignRSA2048 (federation/delivery) is deliveries/s: each is
// one RSA signature. GUILDHALL_BENCH_MEMBERS sets the group's size (default 1,000; the issue's
// figure is for 10,000).
func BenchmarkGroupRelay(b *testing.B) {
	members := 1000
	if v, err := strconv.Atoi(os.Getenv("GUILDHALL_BENCH_MEMBERS")); err == nil && v > 0 {
		members = v
	}
	const hosts = 100
	c := newCluster(b, storagetest.OpenSQLite, "a.test")
	a := c.in["a.test"]
	ctx := context.Background()
	alice, err := a.svc.CreateLocalUser(ctx, ap.NewUser{Username: "alice", Email: "alice@a.test", Password: "correct horse battery"})
	if err != nil {
		b.Fatal(err)
	}
	g, err := a.grp.Create(ctx, alice, groups.Input{Handle: "web_managers", DisplayName: "Web managers"})
	if err != nil {
		b.Fatal(err)
	}
	keys := fedtest.NewKeys()
	pub, err := httpsig.ParsePublicKeyPEM(g.Actor.PublicKeyPEM)
	if err != nil {
		b.Fatal(err)
	}
	keys.Add(g.Actor.PublicKeyID, g.Actor.URI, pub)
	var inboxes []*fedtest.Inbox
	perHost := members / hosts
	now := time.Now()
	for h := range hosts {
		name := fmt.Sprintf("m%d.test", h)
		in := fedtest.NewInbox(keys, fedtest.InboxOptions{Host: name})
		b.Cleanup(in.Close)
		c.net.Set(name, in.Addr())
		inboxes = append(inboxes, in)
		for j := range perHost {
			uri := fmt.Sprintf("http://%s/users/m%d", name, j)
			m := &ap.Actor{ID: a.svc.NewID(), URI: uri, Kind: ap.KindPerson, Username: fmt.Sprintf("m%d", j),
				Domain: name, Inbox: uri + "/inbox", PublicKeyID: uri + "#main-key", PublicKeyPEM: "-",
				CreatedAt: now, UpdatedAt: now, FetchedAt: &now}
			if err := a.store.CreateActor(ctx, m); err != nil {
				b.Fatal(h, j, err)
			}
			f := &ap.Follow{ID: a.svc.NewID(), URI: uri + "#follow", FollowerID: m.ID, FolloweeID: g.Actor.ID,
				State: ap.FollowAccepted, CreatedAt: now}
			if err := a.store.CreateFollow(ctx, f); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ResetTimer()
	for i := range b.N {
		if _, err := a.grp.Post(ctx, alice, g.Actor.ID, groups.PostInput{Text: fmt.Sprintf("Relay %d: road closures this week", i)}); err != nil {
			b.Fatal(err)
		}
		a.fed.Notify()
		want := 2 * (i + 1) * perHost // both relay forms; the Create of the post goes to no one
		for _, in := range inboxes {
			if !in.WaitAccepted(want, time.Minute) {
				b.Fatalf("%s got %d of %d; rejected %v", in.Host, len(in.Accepted()), want, in.Rejected())
			}
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(2*perHost*hosts*b.N)/b.Elapsed().Seconds(), "deliveries/s")
}
