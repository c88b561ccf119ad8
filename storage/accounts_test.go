package storage_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

func TestActors(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		alice := f.actor("Alice", "")
		seen := f.now
		alice.Fields = []activitypub.Field{{Name: "Role", Value: "Clerk", VerifiedAt: &seen}}
		alice.Summary = "<p>hi</p>"
		alice.ManuallyApproves = true
		must(t, s.UpdateActor(ctx, alice))
		bob := f.actor("bob", "Remote.Example")

		lookups := []struct {
			name string
			get  func() (*activitypub.Actor, error)
			want string
		}{
			{"by id", func() (*activitypub.Actor, error) { return s.ActorByID(ctx, alice.ID) }, alice.ID},
			{"by uri", func() (*activitypub.Actor, error) { return s.ActorByURI(ctx, bob.URI) }, bob.ID},
			{"by username any case", func() (*activitypub.Actor, error) { return s.ActorByUsername(ctx, "ALICE", "") }, alice.ID},
			{"by remote username", func() (*activitypub.Actor, error) { return s.ActorByUsername(ctx, "Bob", "remote.example") }, bob.ID},
			{"by key id", func() (*activitypub.Actor, error) { return s.ActorByKeyID(ctx, bob.PublicKeyID) }, bob.ID},
		}
		for _, l := range lookups {
			a, err := l.get()
			if err != nil || a.ID != l.want {
				t.Errorf("%s = %v, %v; want %s", l.name, a, err, l.want)
			}
		}
		got, err := s.ActorByID(ctx, alice.ID)
		must(t, err)
		if len(got.Fields) != 1 || got.Fields[0].Value != "Clerk" || !got.Fields[0].VerifiedAt.Equal(seen) ||
			!got.ManuallyApproves || got.Summary != "<p>hi</p>" || !got.CreatedAt.Equal(alice.CreatedAt) ||
			got.DeletedAt != nil || !got.Local() || bob.Domain != "Remote.Example" {
			t.Errorf("ActorByID = %+v", got)
		}
		if got, _ := s.ActorByID(ctx, bob.ID); got.Domain != "remote.example" {
			t.Errorf("remote domain = %q, want lower-cased", got.Domain)
		}

		for _, missing := range []func() error{
			func() error { _, err := s.ActorByID(ctx, "nope"); return err },
			func() error { _, err := s.ActorByURI(ctx, "https://x/nope"); return err },
			func() error { _, err := s.ActorByUsername(ctx, "alice", "elsewhere.test"); return err },
			func() error { _, err := s.ActorByKeyID(ctx, ""); return err },
			func() error { _, err := s.PrivateKey(ctx, alice.ID); return err },
			func() error { return s.UpdateActor(ctx, &activitypub.Actor{ID: "nope", Kind: activitypub.KindPerson}) },
			func() error { return s.AdjustActorCounts(ctx, "nope", 1, 1, 1) },
		} {
			wantKind(t, missing(), activitypub.NotFound)
		}

		// Usernames are unique per domain, case-insensitively; URIs are unique.
		dup := *alice
		dup.ID, dup.URI, dup.Username = f.id(), "https://local.test/users/other", "aLiCe"
		err = s.CreateActor(ctx, &dup)
		wantKind(t, err, activitypub.Conflict)
		if msg := activitypub.Message(err); msg != "username already taken" {
			t.Errorf("conflict message = %q", msg)
		}
		dup.Username, dup.URI = "carol", alice.URI
		wantKind(t, s.CreateActor(ctx, &dup), activitypub.Conflict)
		f.actor("alice", "remote.example") // the same name on another domain is fine

		list, err := s.ActorsByIDs(ctx, []string{alice.ID, bob.ID, "nope"})
		if err != nil || len(list) != 2 {
			t.Errorf("ActorsByIDs = %d, %v", len(list), err)
		}

		found, err := s.SearchActors(ctx, "ali", 10)
		must(t, err)
		if len(found) != 2 || found[0].ID != alice.ID {
			t.Errorf("SearchActors(ali) = %v, want local alice first of 2", found)
		}
		found, err = s.SearchActors(ctx, "@bob@remote", 10)
		if err != nil || len(found) != 1 || found[0].ID != bob.ID {
			t.Errorf("SearchActors(@bob@remote) = %v, %v", found, err)
		}
		if found, _ := s.SearchActors(ctx, "%", 10); len(found) != 0 {
			t.Errorf("SearchActors(%%) matched %d: wildcards must be escaped", len(found))
		}

		must(t, s.AdjustActorCounts(ctx, alice.ID, 2, 1, 5))
		must(t, s.AdjustActorCounts(ctx, alice.ID, -5, 0, -1))
		// UpdateActor leaves a local actor's counters alone.
		alice.FollowersCount = 100
		must(t, s.UpdateActor(ctx, alice))
		got, _ = s.ActorByID(ctx, alice.ID)
		if got.FollowersCount != 0 || got.FollowingCount != 1 || got.StatusesCount != 4 {
			t.Errorf("counts = %d %d %d, want 0 1 4", got.FollowersCount, got.FollowingCount, got.StatusesCount)
		}

		n, err := s.CountLocalActors(ctx, activitypub.KindPerson)
		if err != nil || n != 1 {
			t.Errorf("CountLocalActors(Person) = %d, %v", n, err)
		}
		if n, _ := s.CountLocalActors(ctx, activitypub.KindGroup); n != 0 {
			t.Errorf("CountLocalActors(Group) = %d", n)
		}

		must(t, s.SetPrivateKey(ctx, alice.ID, "KEY1"))
		must(t, s.SetPrivateKey(ctx, alice.ID, "KEY2"))
		if k, err := s.PrivateKey(ctx, alice.ID); err != nil || k != "KEY2" {
			t.Errorf("PrivateKey = %q, %v", k, err)
		}
	})
}

func TestUsersAndSessions(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		alice := f.user("alice")
		f.user("bob")

		for _, login := range []string{"alice", "ALICE", "alice@council.test", "Alice@Council.TEST"} {
			u, err := s.UserByLogin(ctx, login)
			if err != nil || u.ActorID != alice.ID {
				t.Errorf("UserByLogin(%q) = %v, %v", login, u, err)
			}
		}
		_, err := s.UserByLogin(ctx, "nobody")
		wantKind(t, err, activitypub.NotFound)

		// An email differing only in case is taken.
		carol := f.actor("carol", "")
		err = s.CreateUser(ctx, &activitypub.User{ActorID: carol.ID, Email: "ALICE@council.test", CreatedAt: f.now})
		wantKind(t, err, activitypub.Conflict)
		if msg := activitypub.Message(err); msg != "email already taken" {
			t.Errorf("conflict message = %q", msg)
		}
		// A user needs its actor.
		err = s.CreateUser(ctx, &activitypub.User{ActorID: "ghost", Email: "g@council.test", CreatedAt: f.now})
		wantKind(t, err, activitypub.Invalid)

		u, err := s.UserByActorID(ctx, alice.ID)
		must(t, err)
		u.Admin, u.Locale = true, "fr"
		must(t, s.UpdateUser(ctx, u))
		if n, err := s.CountAdmins(ctx); err != nil || n != 1 {
			t.Errorf("CountAdmins = %d, %v", n, err)
		}
		if n, err := s.CountUsers(ctx); err != nil || n != 2 {
			t.Errorf("CountUsers = %d, %v", n, err)
		}
		disabled := f.now
		u.DisabledAt = &disabled
		must(t, s.UpdateUser(ctx, u))
		if n, _ := s.CountAdmins(ctx); n != 0 {
			t.Errorf("CountAdmins with the admin disabled = %d", n)
		}
		got, _ := s.UserByActorID(ctx, alice.ID)
		if got.DisabledAt == nil || !got.DisabledAt.Equal(disabled) || got.Locale != "fr" || !got.Admin {
			t.Errorf("UserByActorID = %+v", got)
		}
		wantKind(t, s.UpdateUser(ctx, &activitypub.User{ActorID: "nope"}), activitypub.NotFound)

		sess := &activitypub.Session{IDHash: "h1", UserID: alice.ID, CSRFToken: "c", CreatedAt: f.now,
			ExpiresAt: f.now.Add(time.Hour), LastSeenAt: f.now, UserAgent: "test"}
		must(t, s.CreateSession(ctx, sess))
		wantKind(t, s.CreateSession(ctx, sess), activitypub.Conflict)
		must(t, s.CreateSession(ctx, &activitypub.Session{IDHash: "h2", UserID: alice.ID, CreatedAt: f.now, ExpiresAt: f.now, LastSeenAt: f.now}))
		later := f.now.Add(time.Minute)
		must(t, s.TouchSession(ctx, "h1", later, later.Add(time.Hour)))
		gs, err := s.SessionByHash(ctx, "h1")
		if err != nil || !gs.LastSeenAt.Equal(later) || !gs.ExpiresAt.Equal(later.Add(time.Hour)) || gs.CSRFToken != "c" {
			t.Errorf("SessionByHash = %+v, %v", gs, err)
		}
		wantKind(t, s.TouchSession(ctx, "nope", later, later), activitypub.NotFound)
		must(t, s.DeleteSession(ctx, "h1"))
		_, err = s.SessionByHash(ctx, "h1")
		wantKind(t, err, activitypub.NotFound)
		must(t, s.DeleteUserSessions(ctx, alice.ID))
		_, err = s.SessionByHash(ctx, "h2")
		wantKind(t, err, activitypub.NotFound)
	})
}

func TestSettings(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		_, err := s.Setting(ctx, "setup_token")
		wantKind(t, err, activitypub.NotFound)
		must(t, s.SetSetting(ctx, "setup_token", "one"))
		must(t, s.SetSetting(ctx, "setup_token", "two"))
		if v, err := s.Setting(ctx, "setup_token"); err != nil || v != "two" {
			t.Errorf("Setting = %q, %v", v, err)
		}
		must(t, s.DeleteSetting(ctx, "setup_token"))
		must(t, s.DeleteSetting(ctx, "setup_token"))

		// Of many concurrent takers exactly one gets the value.
		for round := range 5 {
			must(t, s.SetSetting(ctx, "token", "secret"))
			var (
				wg       sync.WaitGroup
				mu       sync.Mutex
				got      int
				notFound int
			)
			for range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					v, err := s.TakeSetting(ctx, "token")
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil && v == "secret":
						got++
					case activitypub.IsNotFound(err):
						notFound++
					default:
						t.Errorf("TakeSetting = %q, %v", v, err)
					}
				}()
			}
			wg.Wait()
			if got != 1 || notFound != 3 {
				t.Fatalf("round %d: %d callers got the value, %d not found", round, got, notFound)
			}
		}
	})
}

func TestRateLimits(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		w1 := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
		w2 := w1.Add(time.Minute)
		steps := []struct {
			key    string
			window time.Time
			want   int
		}{
			{"login:1.2.3.4", w1, 1},
			{"login:1.2.3.4", w1, 2},
			{"login:5.6.7.8", w1, 1},
			{"login:1.2.3.4", w1, 3},
			{"login:1.2.3.4", w2, 1}, // a new window starts again
			{"login:1.2.3.4", w2, 2},
		}
		for i, st := range steps {
			n, err := s.Hit(ctx, st.key, st.window)
			if err != nil || n != st.want {
				t.Fatalf("step %d: Hit = %d, %v; want %d", i, n, err, st.want)
			}
		}
		must(t, s.ResetHits(ctx, "login:1.2.3.4"))
		if n, _ := s.Hit(ctx, "login:1.2.3.4", w2); n != 1 {
			t.Errorf("after reset Hit = %d", n)
		}

		// Concurrent hits all count.
		var wg sync.WaitGroup
		for range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := s.Hit(ctx, "burst", w1); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if n, _ := s.Hit(ctx, "burst", w1); n != 11 {
			t.Errorf("after 10 concurrent hits the 11th = %d", n)
		}
	})
}

func TestTransactions(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newFixtures(t, s)
		boom := errors.New("boom")

		// An error after writes leaves nothing behind, nested calls included.
		err := s.InTx(ctx, func(ctx context.Context) error {
			must(t, s.SetSetting(ctx, "a", "1"))
			a := &activitypub.Actor{ID: f.id(), URI: "https://local.test/users/ghost", Username: "ghost",
				Kind: activitypub.KindPerson, CreatedAt: f.now, UpdatedAt: f.now}
			must(t, s.CreateActor(ctx, a))                    // with the tx's ctx: SQLite has one writer connection
			if _, err := s.ActorByID(ctx, a.ID); err != nil { // reads see the tx's writes
				t.Errorf("read inside tx: %v", err)
			}
			return s.InTx(ctx, func(ctx context.Context) error {
				must(t, s.SetSetting(ctx, "b", "2"))
				return boom
			})
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v, want boom", err)
		}
		for _, k := range []string{"a", "b"} {
			_, err := s.Setting(ctx, k)
			wantKind(t, err, activitypub.NotFound)
		}
		_, err = s.ActorByUsername(ctx, "ghost", "")
		wantKind(t, err, activitypub.NotFound)

		// A panic rolls back too, and the panic goes on.
		func() {
			defer func() {
				if recover() == nil {
					t.Error("panic swallowed")
				}
			}()
			_ = s.InTx(ctx, func(ctx context.Context) error {
				must(t, s.SetSetting(ctx, "p", "1"))
				panic("boom")
			})
		}()
		_, err = s.Setting(ctx, "p")
		wantKind(t, err, activitypub.NotFound)

		// Success commits.
		must(t, s.InTx(ctx, func(ctx context.Context) error { return s.SetSetting(ctx, "c", "3") }))
		if v, err := s.Setting(ctx, "c"); err != nil || v != "3" {
			t.Errorf("after commit Setting = %q, %v", v, err)
		}
	})
}
