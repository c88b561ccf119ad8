package remote

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// The budget refills with time: after the burst is spent a host gets one fetch per 1/rate, and
// another host is never affected (RES-13). The clock is passed in, so no waiting.
func TestKeyFetchLimiterRefillsPerHost(t *testing.T) {
	l := newKeyFetchLimiter(2, 1, 3, time.Minute)
	now := time.Unix(1000, 0)
	take := func(host string) error {
		release, err := l.acquire(host, now)
		if err == nil {
			release()
		}
		return err
	}
	for i := range 3 {
		if err := take("victim.test"); err != nil {
			t.Fatalf("fetch %d within the burst: %v", i, err)
		}
	}
	if err := take("victim.test"); !errors.Is(err, ErrKeyFetchLimited) {
		t.Fatalf("fetch past the burst: %v, want ErrKeyFetchLimited", err)
	}
	if err := take("friend.test"); err != nil {
		t.Fatalf("another host was limited: %v", err)
	}
	now = now.Add(time.Second)
	if err := take("victim.test"); err != nil {
		t.Fatalf("a second later one fetch should be allowed: %v", err)
	}
	// Concurrency: two in flight, a third refused even with tokens left.
	now = now.Add(time.Hour)
	r1, _ := l.acquire("slow.test", now)
	r2, _ := l.acquire("slow.test", now)
	if _, err := l.acquire("slow.test", now); !errors.Is(err, ErrKeyFetchLimited) {
		t.Fatalf("third concurrent fetch: %v", err)
	}
	r1()
	r2()
	// Negatives expire.
	l.failed("http://victim.test/k", now)
	if !l.failedRecently("http://victim.test/k", now.Add(59*time.Second)) {
		t.Fatal("negative forgotten early")
	}
	if l.failedRecently("http://victim.test/k", now.Add(61*time.Second)) {
		t.Fatal("negative kept past its TTL")
	}
}

// The tables stay bounded however many hosts and key ids an attacker uses (RES-16).
func TestKeyFetchLimiterIsBounded(t *testing.T) {
	l := newKeyFetchLimiter(0, 0, 0, 0)
	now := time.Unix(0, 0)
	for i := range 3 * maxLimiterEntries {
		l.failed(fmt.Sprintf("http://h%d.test/k", i), now)
		if r, err := l.acquire(fmt.Sprintf("h%d.test", i), now); err == nil {
			r()
		}
		now = now.Add(time.Hour) // everything before is expired or refilled
	}
	if len(l.negative) > maxLimiterEntries || len(l.hosts) > maxLimiterEntries {
		t.Fatalf("tables grew to %d negatives and %d hosts", len(l.negative), len(l.hosts))
	}
}

func BenchmarkKeyFetchLimiterAcquire(b *testing.B) {
	l := newKeyFetchLimiter(4, 1e9, 1<<30, time.Minute)
	now := time.Unix(0, 0)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if r, err := l.acquire("victim.test", now); err == nil {
			r()
		}
		_ = l.failedRecently("http://victim.test/k", now)
	}
}
