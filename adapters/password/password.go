// Package password hashes passwords with argon2id in the PHC string format, so parameters can be
// raised later without invalidating existing hashes.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id holds the cost parameters. The zero value is not usable; use Default.
type Argon2id struct {
	Time    uint32
	Memory  uint32 // KiB
	Threads uint8
	KeyLen  uint32
}

// Default follows RFC 9106's second recommended option scaled to a small server: 19 MiB, 2
// passes (OWASP's minimum for argon2id), so a sign-in costs tens of milliseconds, not seconds.
func Default() Argon2id { return Argon2id{Time: 2, Memory: 19 * 1024, Threads: 1, KeyLen: 32} }

// Hash returns a PHC-format argon2id hash of pw with a fresh salt.
func (a Argon2id) Hash(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, a.Time, a.Memory, a.Threads, a.KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, a.Memory, a.Time, a.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// ErrMalformed is returned for a stored hash that is not argon2id PHC.
var ErrMalformed = errors.New("password: malformed hash")

// Verify reports whether pw matches hash, using the parameters stored in the hash.
func (a Argon2id) Verify(hash, pw string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, ErrMalformed
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, ErrMalformed
	}
	var mem, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &t, &p); err != nil || p == 0 || t == 0 {
		return false, ErrMalformed
	}
	if mem > 1<<20 || t > 16 { // refuse parameters that would let a tampered row exhaust memory
		return false, ErrMalformed
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, ErrMalformed
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 || len(want) > 128 {
		return false, ErrMalformed
	}
	got := argon2.IDKey([]byte(pw), salt, t, mem, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
