package activitypub

import (
	"crypto/rand"
	"encoding/binary"
	"sync"
	"time"
)

// crockford is the ULID alphabet: sortable as text, no ambiguous letters.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// IDs makes ULIDs: 26-character, time-ordered text ids. Ids made by one generator in the same
// millisecond stay strictly increasing, which timelines paged by id rely on.
type IDs struct {
	mu      sync.Mutex
	lastMS  uint64
	lastRnd [10]byte
}

// New returns a fresh id for time now.
func (g *IDs) New(now time.Time) string {
	ms := uint64(now.UnixMilli())
	g.mu.Lock()
	var rnd [10]byte
	if ms <= g.lastMS {
		ms = g.lastMS
		rnd = g.lastRnd
		incr(&rnd)
	} else {
		_, _ = rand.Read(rnd[:])
		rnd[0] &= 0x7f // leave room to increment within a millisecond
	}
	g.lastMS, g.lastRnd = ms, rnd
	g.mu.Unlock()
	return encodeULID(ms, rnd)
}

// IDAt returns the smallest id for time t, for range queries such as "since this time".
func IDAt(t time.Time) string { return encodeULID(uint64(t.UnixMilli()), [10]byte{}) }

func incr(b *[10]byte) {
	for i := len(b) - 1; i >= 0; i-- {
		b[i]++
		if b[i] != 0 {
			return
		}
	}
}

func encodeULID(ms uint64, rnd [10]byte) string {
	var raw [16]byte
	var ts [8]byte
	binary.BigEndian.PutUint64(ts[:], ms)
	copy(raw[:6], ts[2:])
	copy(raw[6:], rnd[:])
	// 128 bits → 26 base32 characters, most significant first (the first carries 3 bits).
	var out [26]byte
	var acc uint64
	bits := 0
	j := 25
	for i := 15; i >= 0; i-- {
		acc |= uint64(raw[i]) << bits
		bits += 8
		for bits >= 5 {
			out[j] = crockford[acc&31]
			acc >>= 5
			bits -= 5
			j--
		}
	}
	for ; j >= 0; j-- {
		out[j] = crockford[acc&31]
		acc >>= 5
	}
	return string(out[:])
}
