package server

import (
	"context"
	"testing"
	"time"

	"github.com/guildhall/guildhall/activitypub/groups"
)

// A group created through one process is known to the other's relay index through the bus, long
// before the index's own expiry, so posts addressed to it there are relayed too.
func TestGroupCreationReachesOtherProcess(t *testing.T) {
	nodes := twoNodes(t, 300)
	ctx := context.Background()
	owner, _ := nodes[0].user(t, "gina")
	other := nodes[1].in.Groups
	uri := "http://hall.test/users/roads"
	if ok, err := other.IsLocalGroupURI(ctx, uri); err != nil || ok {
		t.Fatalf("before the group exists: %v, %v", ok, err)
	}
	// The other process's index is loaded now and would be trusted for groups.IndexTTL.
	g, err := nodes[0].in.Groups.Create(ctx, owner, groups.Input{Handle: "roads"})
	if err != nil {
		t.Fatal(err)
	}
	if g.Actor.URI != uri {
		t.Fatalf("group URI %s, want %s", g.Actor.URI, uri)
	}
	deadline := time.Now().Add(groups.IndexTTL / 2)
	for {
		ok, err := other.IsLocalGroupURI(ctx, uri)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the other process does not know the new group: no invalidation arrived")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
