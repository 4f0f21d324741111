package spccmd

import (
	"bytes"
	"math"
	"strconv"

	"github.com/goeswell/goeswell/internal/spc"
)

// formatNum writes v as the reference files do: the shortest of %.15g,
// %.16g and %.17g that reads back to the same double; NA, NaN, Inf, -Inf;
// -0 as 0.
func formatNum(v float64) string {
	var buf [32]byte
	return string(appendNum(buf[:0], v))
}

// appendNum is formatNum appending to b. A %.Pg with P ≥ the digits of the
// shortest round-trip form reads back exactly, and with fewer it cannot,
// so P = max(15, shortest digits) is the rule's answer in one formatting.
func appendNum(b []byte, v float64) []byte {
	switch {
	case spc.IsNA(v):
		return append(b, "NA"...)
	case v != v:
		return append(b, "NaN"...)
	case math.IsInf(v, 1):
		return append(b, "Inf"...)
	case math.IsInf(v, -1):
		return append(b, "-Inf"...)
	case v == 0:
		return append(b, '0')
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		// An integer under 1e15 has at most 15 digits, so %.15g lays it
		// out in full, without exponent: its decimal text.
		return strconv.AppendInt(b, int64(v), 10)
	}
	// The shortest round-trip digits, formatted once: %.Pg with P ≥ their
	// count prints exactly those digits (a normal double carries more than
	// 15 digits, so rounding it to P ≥ 15 significant digits lands on
	// them), so only the layout is left to choose, as %g chooses it:
	// exponent form when exp < -4 or exp ≥ P.
	var tmp [32]byte
	e := strconv.AppendFloat(tmp[:0], v, 'e', -1, 64)
	if math.Abs(v) < 0x1p-1022 {
		// A subnormal carries fewer than 15 digits, so its shortest form
		// can be shorter than its %.15g: format with the precision itself.
		digits := 0
		for _, c := range e {
			if c == 'e' {
				break
			}
			if c >= '0' && c <= '9' {
				digits++
			}
		}
		start := len(b)
		b = strconv.AppendFloat(b, v, 'g', max(15, digits), 64)
		return fixExp(b, start)
	}
	mant, exps, _ := bytes.Cut(e, []byte("e"))
	exp, _ := strconv.Atoi(string(exps))
	neg := mant[0] == '-'
	if neg {
		mant = mant[1:]
	}
	var dbuf [24]byte
	digits := dbuf[:0]
	for _, c := range mant {
		if c != '.' {
			digits = append(digits, c)
		}
	}
	if exp < -4 || exp >= max(15, len(digits)) {
		start := len(b)
		return fixExp(append(b, e...), start)
	}
	if neg {
		b = append(b, '-')
	}
	if exp < 0 {
		b = append(b, "0."...)
		for range -exp - 1 {
			b = append(b, '0')
		}
		return append(b, digits...)
	}
	if len(digits) <= exp+1 {
		b = append(b, digits...)
		for range exp + 1 - len(digits) {
			b = append(b, '0')
		}
		return b
	}
	b = append(b, digits[:exp+1]...)
	b = append(b, '.')
	return append(b, digits[exp+1:]...)
}

// fixExp makes sure an exponent has at least two digits, as C's printf
// writes it (Go already does; this guards the format).
func fixExp(b []byte, start int) []byte {
	for i := start; i < len(b); i++ {
		if b[i] == 'e' && len(b)-(i+2) == 1 {
			d := b[len(b)-1]
			b[len(b)-1] = '0'
			return append(b, d)
		}
	}
	return b
}

func formatBool(b bool) string {
	if b {
		return "TRUE"
	}
	return "FALSE"
}

func formatInt(v int, valid bool) string {
	if !valid {
		return "NA"
	}
	return strconv.Itoa(v)
}
