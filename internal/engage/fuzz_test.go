package engage

import (
	"strings"
	"testing"
)

// FuzzParseSignIn: any sheet is read or refused with row-and-column
// errors; never a panic, and never rows alongside an error (all or
// nothing).
func FuzzParseSignIn(f *testing.F) {
	for _, s := range []string{
		"email,status,agreed_on\nana@example.org,in_person,\nbo@example.org,apologies,2026-03-01\n",
		"email,status\nana@example.org,virtual\n",
		"status,email\n,\n",
		"email,status,agreed_on\nnobody@example.org,absent,2026-13-40\n",
		"\"unterminated,status\n",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rows, err := ParseSignIn(strings.NewReader(s), func(e string) bool { return strings.HasSuffix(e, "@example.org") })
		if err != nil && len(rows) > 0 {
			t.Errorf("rows returned with an error: %v", err)
		}
	})
}
