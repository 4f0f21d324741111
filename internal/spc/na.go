package spc

import "math"

// naBits is R's NA_real_: a NaN whose low word is 1954. R tells NA from NaN
// by that low word, and IEEE arithmetic carries the payload through, so the
// engine can keep R's NA/NaN distinction without a separate mask.
const naBits = 0x7FF00000000007A2

// NA is the missing value (R's NA_real_).
var NA = math.Float64frombits(naBits)

// IsNA reports whether v is the missing value NA (as opposed to a NaN from
// an undefined operation).
func IsNA(v float64) bool {
	// R marks NA by the low word of the NaN payload; truncation is the point.
	return v != v && uint32(math.Float64bits(v)) == 1954 // #nosec G115 -- deliberate truncation to the low 32 bits
}

// isMissing reports whether v is NA or NaN (R's is.na).
func isMissing(v float64) bool { return v != v }
