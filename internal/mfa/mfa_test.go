package mfa

import (
	"strings"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	e, err := NewEnrollment("goeswell", "a@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(e.URL, "otpauth://totp/") || !strings.HasPrefix(e.QR, "data:image/png;base64,") {
		t.Fatalf("enrollment = %+v", e)
	}
	now := time.Date(2026, 11, 23, 12, 0, 10, 0, time.UTC)
	code, _ := Code(e.Secret, now)
	prev, _ := Code(e.Secret, now.Add(-Step))
	old, _ := Code(e.Secret, now.Add(-3*Step))
	step, ok := Check(e.Secret, code, now, 0)
	if !ok || step != now.Unix()/30 {
		t.Fatalf("current code refused (%d, %v)", step, ok)
	}
	if _, ok := Check(e.Secret, code, now, step); ok {
		t.Error("a code was accepted twice")
	}
	if _, ok := Check(e.Secret, prev, now, 0); !ok {
		t.Error("the previous step's code (clock drift) was refused")
	}
	if _, ok := Check(e.Secret, old, now, 0); ok {
		t.Error("a code three steps old was accepted")
	}
	for _, bad := range []string{"", "12345", "1234567", "abcdef"} {
		if _, ok := Check(e.Secret, bad, now, 0); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}
