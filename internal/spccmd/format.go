package spccmd

import (
	"math"
	"strconv"

	"github.com/goeswell/goeswell/internal/spc"
)

// formatNum writes v as the reference files do: the shortest of %.15g,
// %.16g and %.17g that reads back to the same double; NA, NaN, Inf, -Inf;
// -0 as 0.
func formatNum(v float64) string {
	switch {
	case spc.IsNA(v):
		return "NA"
	case v != v:
		return "NaN"
	case math.IsInf(v, 1):
		return "Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case v == 0:
		return "0"
	}
	for _, p := range []int{15, 16} {
		s := strconv.FormatFloat(v, 'g', p, 64)
		if r, err := strconv.ParseFloat(s, 64); err == nil && r == v {
			return fixExp(s)
		}
	}
	return fixExp(strconv.FormatFloat(v, 'g', 17, 64))
}

// fixExp makes Go's exponent look like C's printf: at least two digits.
func fixExp(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == 'e' {
			j := i + 2 // after the sign
			if len(s)-j == 1 {
				return s[:j] + "0" + s[j:]
			}
			return s
		}
	}
	return s
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
