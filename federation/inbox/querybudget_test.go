package inbox_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// maxStatementsPerCreate bounds the SQL statements of one incoming Create{Note} from a followed
// remote author, addressed to the public, the author's followers and a local user, as apbench's
// inbox step sends: the dedup and tombstone checks, the seen-activity mark, the insert, the
// author's count, the home fan-out and the read back. A new per-Create lookup (as the group relay
// once loaded every local addressee) fails this rather than only slowing the inbox.
const maxStatementsPerCreate = 11

func TestInboxCreateStatementBudget(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s, "remote.test")
		alice := e.localUser("alice", false)
		bob := e.remote("remote.test").addActor(t, "bob")
		e.followAccepted(alice, bob)
		for i := range 3 {
			n := note(fmt.Sprintf("%s/statuses/q%d", bob.ID, i), bob.ID, "<p>Budget note</p>",
				[]string{public}, []string{bob.ID + "/followers", alice.Actor.URI}, nil)
			before := s.Statements()
			e.expect(http.StatusAccepted, "/inbox", bob, create(bob, n))
			got := s.Statements() - before
			if !e.inHome(alice, n["id"].(string)) {
				t.Fatalf("post %d did not reach the follower's home", i)
			}
			if got > maxStatementsPerCreate {
				t.Fatalf("post %d: an incoming Create ran %d statements, budget %d", i, got, maxStatementsPerCreate)
			}
			t.Logf("post %d: %d statements", i, got)
		}
	})
}
