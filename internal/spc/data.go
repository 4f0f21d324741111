package spc

import (
	"math"
	"slices"
	"time"
)

// Obs is one input observation (one CSV row).
type Obs struct {
	// Key orders the subgroups: the index, number, date (days since the Unix
	// epoch) or category level position. Observations with equal Key form one
	// subgroup.
	Key float64
	// Label is how the subgroup is shown (for example an ISO date).
	Label string
	// Y is the measure or count (numerator); NA when missing.
	Y float64
	// N is the denominator; NA when missing or when the chart has none.
	N float64
	// Facet1 and Facet2 name the panel; empty values form one panel.
	Facet1, Facet2 string
	// PartLabel is the phase label used with Options.PartLabels.
	PartLabel string
}

// Agg is the function that summarises y when a subgroup has several
// observations and no denominator (qicharts2's agg.fun).
type Agg int

// The aggregate functions qicharts2 offers.
const (
	AggMean Agg = iota
	AggMedian
	AggSum
	AggSD
)

// ParseAgg returns the Agg named s (mean, median, sum or sd).
func ParseAgg(s string) (Agg, bool) {
	switch s {
	case "mean":
		return AggMean, true
	case "median":
		return AggMedian, true
	case "sum":
		return AggSum, true
	case "sd":
		return AggSD, true
	}
	return 0, false
}

// Subgroup is one aggregated x value, as qicharts2's qic.agg builds it.
type Subgroup struct {
	Key       float64
	Label     string
	PartLabel string  // the part label of the subgroup's first observation
	Y         float64 // the plotted value before chart transformation
	N         float64 // the summed denominator; NA without one
	YSum      float64 // sum(y); NA when the only observation is NA
	YLength   int     // the number of non-missing y
	YMean     float64 // mean(y); NaN when YLength is 0
	YSD       float64 // sd(y); NA when YLength < 2
}

// Aggregate folds the observations of one panel into subgroups ordered by
// Key, following qicharts2 0.8.1's qic.agg: y.sum drops NA only when the
// subgroup has two or more rows, y is sum(y)/sum(n) with a denominator and
// agg(y) otherwise. With hasN, a row whose y or n is missing has both set to
// NA first (qic's complete.cases step). obs is reordered in place.
func Aggregate(obs []Obs, hasN bool, agg Agg) []Subgroup {
	return AggregateInto(make([]Subgroup, 0, len(obs)), obs, hasN, agg)
}

// AggregateInto is Aggregate appending to dst, for callers that reuse memory.
func AggregateInto(dst []Subgroup, obs []Obs, hasN bool, agg Agg) []Subgroup {
	if !slices.IsSortedFunc(obs, cmpObsKey) {
		slices.SortStableFunc(obs, cmpObsKey)
	}
	var scratch []float64
	for i := 0; i < len(obs); {
		j := i + 1
		for j < len(obs) && obs[j].Key == obs[i].Key {
			j++
		}
		rows := obs[i:j]
		if j-i == 1 {
			dst = append(dst, single(rows[0], hasN, agg))
		} else {
			var sg Subgroup
			sg, scratch = group(rows, hasN, agg, scratch)
			dst = append(dst, sg)
		}
		i = j
	}
	return dst
}

func cmpObsKey(a, b Obs) int {
	switch {
	case a.Key < b.Key:
		return -1
	case a.Key > b.Key:
		return 1
	}
	return 0
}

// single is the fast path for a subgroup of one observation.
func single(o Obs, hasN bool, agg Agg) Subgroup {
	y, n := o.Y, o.N
	sg := Subgroup{Key: o.Key, Label: o.Label, PartLabel: o.PartLabel}
	if hasN {
		if isMissing(y) || isMissing(n) {
			y, n = NA, NA
		}
	}
	sg.YSum = y
	sg.YSD = NA
	if isMissing(y) {
		sg.YLength = 0
		sg.YMean = math.NaN()
		sg.YSum = NA
	} else {
		sg.YLength = 1
		sg.YMean = y
	}
	if hasN {
		nn := n
		ys := y
		if isMissing(nn) {
			nn = 0
		}
		if isMissing(ys) {
			ys = 0
		}
		sg.N = nn
		sg.Y = ys / nn
		return sg
	}
	sg.N = NA
	switch agg {
	case AggMean:
		sg.Y = sg.YMean
	case AggMedian:
		if sg.YLength == 0 {
			sg.Y = NA
		} else {
			sg.Y = y
		}
	case AggSum:
		if sg.YLength == 0 {
			sg.Y = 0
		} else {
			sg.Y = y
		}
	case AggSD:
		sg.Y = NA
	}
	return sg
}

func group(rows []Obs, hasN bool, a Agg, scratch []float64) (Subgroup, []float64) {
	sg := Subgroup{Key: rows[0].Key, Label: rows[0].Label, PartLabel: rows[0].PartLabel}
	scratch = scratch[:0]
	var sum, nsum float64
	for _, o := range rows {
		y, n := o.Y, o.N
		if hasN && (isMissing(y) || isMissing(n)) {
			continue
		}
		if !isMissing(y) {
			scratch = append(scratch, y)
			sum += y
		}
		if hasN && !isMissing(n) {
			nsum += n
		}
	}
	sg.YSum = sum
	sg.YLength = len(scratch)
	sg.YMean = mean(scratch)
	sg.YSD = sd(scratch)
	if hasN {
		sg.N = nsum
		sg.Y = sum / nsum
		return sg, scratch
	}
	sg.N = NA
	switch a {
	case AggMean:
		sg.Y = sg.YMean
	case AggMedian:
		sg.Y = median(scratch)
	case AggSum:
		sg.Y = sum
	case AggSD:
		sg.Y = sg.YSD
	}
	return sg, scratch
}

// DateLabel formats days since 1970-01-01 as an ISO date (YYYY-MM-DD).
func DateLabel(days float64) string {
	return time.Unix(int64(days)*86400, 0).UTC().Format("2006-01-02")
}

// DateKey is DateLabel's inverse for a time: the whole days since
// 1970-01-01 (UTC), the Key of a date subgroup.
func DateKey(t time.Time) float64 {
	y, m, d := t.Date()
	return float64(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}
