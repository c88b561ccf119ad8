package inbox_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/guildhall/guildhall/storage"
)

// ORI-16: an activity forwarded by a third server (HTTP signer ≠ actor) is accepted only in the
// copy its origin serves, fetched from the activity's id or, failing that, from its object's id;
// the forwarder's body is never stored. A failed or disagreeing origin fetch refuses it (401) with
// nothing stored.
func TestForwardedActivities(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s, "remote.test", "victim.test")
		e.localUser("alice", false)
		bob := e.remote("remote.test").addActor(t, "bob") // the forwarder
		origin := e.remote("victim.test")
		vic := origin.addActor(t, "vic")
		other := origin.addActor(t, "other")
		path := func(uri string) string { return strings.TrimPrefix(uri, "http://victim.test") }
		forged := func(name string) (map[string]any, map[string]any) {
			n := note(vic.ID+"/statuses/"+name, vic.ID, "<p>forged by the forwarder</p>", []string{public}, nil, nil)
			return n, create(vic, n)
		}
		content := func(uri string) string {
			st, err := s.StatusByURI(ctxb(), uri)
			if err != nil {
				return ""
			}
			return st.Content
		}

		t.Run("ORI-16 the origin's activity is used, not the forwarder's", func(t *testing.T) {
			n, fwd := forged("reply-1")
			real := note(n["id"].(string), vic.ID, "<p>what vic wrote</p>", []string{public}, nil, nil)
			origin.serve(path(fwd["id"].(string)), create(vic, real))
			e.expect(http.StatusAccepted, "/inbox", bob, fwd)
			if c := content(n["id"].(string)); !strings.Contains(c, "what vic wrote") {
				t.Fatalf("stored content %q, want the origin's", c)
			}
		})
		t.Run("ORI-16 the origin serves only the object", func(t *testing.T) {
			n, fwd := forged("reply-2")
			origin.serve(path(n["id"].(string)), note(n["id"].(string), vic.ID, "<p>the object at its origin</p>", []string{public}, nil, nil))
			e.expect(http.StatusAccepted, "/inbox", bob, fwd)
			if c := content(n["id"].(string)); !strings.Contains(c, "the object at its origin") {
				t.Fatalf("stored content %q, want the origin's", c)
			}
		})
		t.Run("ORI-16 the origin's activity has another actor", func(t *testing.T) {
			n, fwd := forged("reply-3")
			origin.serve(path(fwd["id"].(string)), create(other, note(n["id"].(string), other.ID, "<p>x</p>", []string{public}, nil, nil)))
			e.expect(http.StatusUnauthorized, "/inbox", bob, fwd)
			if e.statusExists(n["id"].(string)) {
				t.Fatal("stored an activity whose origin names another actor")
			}
		})
		t.Run("ORI-16 the origin's object has another author", func(t *testing.T) {
			n, fwd := forged("reply-4")
			origin.serve(path(n["id"].(string)), note(n["id"].(string), other.ID, "<p>x</p>", []string{public}, nil, nil))
			e.expect(http.StatusUnauthorized, "/inbox", bob, fwd)
			if e.statusExists(n["id"].(string)) {
				t.Fatal("stored an object whose origin names another author")
			}
		})
		t.Run("ORI-16 the origin has neither", func(t *testing.T) {
			n, fwd := forged("reply-5")
			e.expect(http.StatusUnauthorized, "/inbox", bob, fwd)
			if e.statusExists(n["id"].(string)) {
				t.Fatal("stored a forwarded activity the origin does not serve")
			}
		})
		t.Run("ORI-16 activity id on another host", func(t *testing.T) {
			n, fwd := forged("reply-6")
			fwd["id"] = bob.ID + "/activities/6"
			e.expect(http.StatusUnauthorized, "/inbox", bob, fwd)
			if e.statusExists(n["id"].(string)) {
				t.Fatal("stored a forwarded activity whose id is on the forwarder's host")
			}
		})
		t.Run("ORI-16 forwarded Delete stands only when the origin says Gone", func(t *testing.T) {
			kept := note(vic.ID+"/statuses/kept", vic.ID, "<p>kept</p>", []string{public}, nil, nil)
			gone := note(vic.ID+"/statuses/gone", vic.ID, "<p>gone</p>", []string{public}, nil, nil)
			e.expect(http.StatusAccepted, "/inbox", vic, create(vic, kept))
			e.expect(http.StatusAccepted, "/inbox", vic, create(vic, gone))
			origin.serve(path(kept["id"].(string)), kept)
			origin.serve(path(gone["id"].(string)), http.StatusGone)
			e.expect(http.StatusUnauthorized, "/inbox", bob, activity("Delete", kept["id"].(string)+"#delete", vic, kept["id"]))
			e.expect(http.StatusAccepted, "/inbox", bob, activity("Delete", gone["id"].(string)+"#delete", vic, gone["id"]))
			if st := must(s.StatusByURI(ctxb(), kept["id"].(string))); st.DeletedAt != nil {
				t.Fatal("a forwarded Delete of a post its origin still serves was applied")
			}
			if st, err := s.StatusByURI(ctxb(), gone["id"].(string)); err == nil && st.DeletedAt == nil {
				t.Fatal("a forwarded Delete confirmed by the origin was not applied")
			}
		})
	})
}
