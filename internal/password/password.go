// Package password hashes and checks passwords with argon2id, stored in
// the PHC string format so parameters can be raised later without losing
// existing hashes.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters. The defaults follow RFC 9106's
// second recommended option (64 MiB, 3 passes), lowered to 1 thread as
// the server has few cores and many requests.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
	KeyLen  uint32
}

// Default is used for new hashes.
var Default = Params{Memory: 64 * 1024, Time: 3, Threads: 1, KeyLen: 32}

// ErrMismatch is returned when a password does not match its hash.
var ErrMismatch = errors.New("password does not match")

var b64 = base64.RawStdEncoding

// Hash returns the PHC string of pw under p.
func Hash(pw string, p Params) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Check compares pw with a PHC hash in constant time.
func Check(pw, hash string) error {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return ErrMismatch
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return ErrMismatch
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return ErrMismatch
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return ErrMismatch
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 || len(want) > 1024 {
		return ErrMismatch
	}
	keyLen := uint32(len(want)) // #nosec G115 -- bounded to 1..1024 just above
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, keyLen)
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return ErrMismatch
	}
	return nil
}

// dummyHash is a hash of nothing in particular, checked when an account
// does not exist so that an unknown email takes as long as a wrong
// password. It is made on the first unknown-email sign-in, not at package
// init: a 64 MiB argon2id hash at init cost every process (even
// `goeswell version`) most of a second and 64 MiB. The first unknown
// email therefore pays two hashes; every later one pays one, like a
// wrong password.
var dummyHash = sync.OnceValue(func() string {
	// Hash fails only if crypto/rand does, which since Go 1.24 it never
	// reports (it crashes the program instead).
	h, _ := Hash("goeswell-timing-equaliser", Default)
	return h
})

// CheckDummy spends the time of one Check and always fails.
func CheckDummy(pw string) error {
	_ = Check(pw, dummyHash())
	return ErrMismatch
}
