package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// heard collects what a bus delivers on one topic.
func heard(b *storage.Bus, topic string) <-chan string {
	ch := make(chan string, 16)
	b.Subscribe(topic, func(p string) { ch <- p })
	return ch
}

// expect waits for one message; the bound only keeps a broken bus from hanging the test.
func expect(t *testing.T, ch <-chan string, want string) {
	t.Helper()
	select {
	case got := <-ch:
		if got != want {
			t.Fatalf("heard %q, want %q", got, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("heard nothing, want %q", want)
	}
}

func expectNothing(t *testing.T, ch <-chan string) {
	t.Helper()
	select {
	case got := <-ch:
		t.Fatalf("heard %q, want nothing", got)
	default:
	}
}

func openBus(t *testing.T, s *storage.Store) *storage.Bus {
	t.Helper()
	b, err := s.OpenBus(context.Background(), nil)
	if err != nil {
		t.Fatalf("OpenBus: %v", err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// Two processes on one database: a change made through one store is heard by the other's bus,
// only once committed, and a store of another schema hears nothing.
func TestBusAnnouncesChangesToOtherProcesses(t *testing.T) {
	ctx := context.Background()
	dsn := storagetest.PostgresDSN(t)
	open := func() *storage.Store {
		s, err := storage.Open(ctx, dsn, storage.Options{Migrate: true})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	writer, reader := open(), open()
	if !writer.Shared() {
		t.Fatal("a PostgreSQL store must report Shared")
	}
	bus := openBus(t, reader)
	policies, settings, actors := heard(bus, storage.TopicPolicy), heard(bus, storage.TopicSetting), heard(bus, storage.TopicActor)
	custom := heard(bus, "custom")
	elsewhere := heard(openBus(t, storagetest.OpenPostgres(t)), storage.TopicPolicy)

	// A rolled-back change announces nothing; the committed one after it is the first heard.
	boom := errors.New("roll back")
	err := writer.InTx(ctx, func(ctx context.Context) error {
		if err := writer.SetDomainPolicy(ctx, activitypub.DomainPolicy{Domain: "rolled.example", Policy: activitypub.PolicyBlock, CreatedAt: time.Now()}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx: %v", err)
	}
	if err := writer.SetDomainPolicy(ctx, activitypub.DomainPolicy{Domain: "spam.example", Policy: activitypub.PolicyBlock, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	expect(t, policies, "spam.example")
	if err := writer.DeleteDomainPolicy(ctx, "spam.example"); err != nil {
		t.Fatal(err)
	}
	expect(t, policies, "spam.example")

	if err := writer.SetSetting(ctx, activitypub.SettingFederationMode, activitypub.FederationAllowlist); err != nil {
		t.Fatal(err)
	}
	expect(t, settings, activitypub.SettingFederationMode)

	f := newFixtures(t, writer)
	a := f.actor("rotating", "remote.example")
	a.PublicKeyPEM = "ROTATED"
	if err := writer.UpdateActor(ctx, a); err != nil {
		t.Fatal(err)
	}
	expect(t, actors, a.ID)

	wb := openBus(t, writer)
	if err := wb.Publish(ctx, "custom", "hello"); err != nil {
		t.Fatal(err)
	}
	expect(t, custom, "hello")
	if err := wb.Publish(ctx, "custom", string(make([]byte, storage.MaxBusPayload))); err == nil {
		t.Fatal("an oversized payload was accepted")
	}
	expectNothing(t, elsewhere)
	expectNothing(t, policies)
}

func TestBusNeedsASharedDatabase(t *testing.T) {
	s := storagetest.OpenSQLite(t)
	if s.Shared() {
		t.Fatal("SQLite reported Shared")
	}
	if _, err := s.OpenBus(context.Background(), nil); !errors.Is(err, storage.ErrNotShared) {
		t.Fatalf("OpenBus on SQLite: %v, want ErrNotShared", err)
	}
	// Changes still work without anyone to tell.
	if err := s.SetDomainPolicy(context.Background(), activitypub.DomainPolicy{Domain: "x.example", Policy: activitypub.PolicyBlock, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkBusRoundTrip measures one announcement from one store to another's bus: what a
// cache invalidation or a relayed streaming event costs before the other process hears it.
func BenchmarkBusRoundTrip(b *testing.B) {
	ctx := context.Background()
	dsn := storagetest.PostgresDSN(b)
	open := func() *storage.Store {
		s, err := storage.Open(ctx, dsn, storage.Options{Migrate: true})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		return s
	}
	sender, receiver := open(), open()
	out, err := sender.OpenBus(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer out.Close()
	in, err := receiver.OpenBus(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	got := make(chan string, 1)
	in.Subscribe("bench", func(p string) { got <- p })
	b.ResetTimer()
	for b.Loop() {
		if err := out.Publish(ctx, "bench", "x"); err != nil {
			b.Fatal(err)
		}
		<-got
	}
}

// BenchmarkHit is the shared rate-limit counter's cost per client API request.
func BenchmarkHit(b *testing.B) {
	storagetest.ForEachB(b, func(b *testing.B, s *storage.Store) {
		ctx := context.Background()
		w := time.Now().Truncate(5 * time.Minute)
		for b.Loop() {
			if _, err := s.Hit(ctx, "api:token:bench", w); err != nil {
				b.Fatal(err)
			}
		}
	})
}
