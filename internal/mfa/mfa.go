// Package mfa is the optional second factor at sign-in: time-based
// one-time passwords (RFC 6238, 30-second steps, 6 digits, SHA-1), as
// authenticator apps implement them.
package mfa

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image/png"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// Step is the length of one TOTP step.
const Step = 30 * time.Second

// Enrollment is a new secret for a person to add to their authenticator.
type Enrollment struct {
	Secret string // base32
	URL    string // otpauth:// URI
	QR     string // data: URL of a PNG QR code of URL
}

// NewEnrollment makes a secret for account under issuer.
func NewEnrollment(issuer, account string) (*Enrollment, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account})
	if err != nil {
		return nil, fmt.Errorf("new TOTP secret: %w", err)
	}
	img, err := key.Image(220, 220)
	if err != nil {
		return nil, fmt.Errorf("TOTP QR code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("TOTP QR code: %w", err)
	}
	return &Enrollment{Secret: key.Secret(), URL: key.URL(), QR: "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())}, nil
}

// Check reports whether code is valid for secret at now, allowing one
// step of clock drift either way, and returns the step it matched. A code
// for a step at or before lastStep is refused: each code works once.
func Check(secret, code string, now time.Time, lastStep int64) (int64, bool) {
	if len(code) != 6 {
		return 0, false
	}
	cur := now.Unix() / int64(Step/time.Second)
	for _, d := range []int64{0, -1, 1} {
		step := cur + d
		if step <= lastStep {
			continue
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*int64(Step/time.Second), 0), totp.ValidateOpts{
			Period: uint(Step / time.Second), Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1,
		})
		if err == nil && want == code {
			return step, true
		}
	}
	return 0, false
}

// Code returns the code for secret at t (for tests and tools).
func Code(secret string, t time.Time) (string, error) { return totp.GenerateCode(secret, t) }
