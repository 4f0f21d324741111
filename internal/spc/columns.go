package spc

import (
	"cmp"
	"fmt"
	"slices"
)

// Columns are observations stored by column, the input of ComputeColumns:
// a long input costs a few numbers per observation rather than an Obs
// with four strings. Repeated labels are stored once, as levels, and each
// observation holds a level's index (a code).
type Columns struct {
	// Key, Y and N are as in Obs; N may be nil when there is no
	// denominator (every N is then NA).
	Key, Y, N []float64
	// Facet1, Facet2 and Part are codes into Levels1, Levels2 and
	// PartLevels; nil when there is no such column (every code then 0
	// and the label "").
	Facet1, Facet2, Part         []int32
	Levels1, Levels2, PartLevels []string
}

// Len is the number of observations.
func (t *Columns) Len() int { return len(t.Key) }

// Obs returns observation i as an Obs (with an empty Label).
func (t *Columns) Obs(i int) Obs {
	o := Obs{Key: t.Key[i], Y: t.Y[i], N: NA}
	if t.N != nil {
		o.N = t.N[i]
	}
	o.Facet1 = level(t.Facet1, t.Levels1, i)
	o.Facet2 = level(t.Facet2, t.Levels2, i)
	o.PartLabel = level(t.Part, t.PartLevels, i)
	return o
}

func level(codes []int32, levels []string, i int) string {
	if codes == nil {
		return ""
	}
	return levels[codes[i]]
}

// ComputeColumns is Compute on columns: the same panels, in the same
// order, with the same values. It leaves t as it is, and leaves every
// Panel's Labels nil: the caller shows x from Key (it knows whether Key is
// a number, a date or a category's position).
func ComputeColumns(t *Columns, hasN bool, agg Agg, opts Options) (*Result, error) {
	n := t.Len()
	if len(t.Y) != n || (t.N != nil && len(t.N) != n) ||
		(t.Facet1 != nil && len(t.Facet1) != n) || (t.Facet2 != nil && len(t.Facet2) != n) || (t.Part != nil && len(t.Part) != n) {
		return nil, fmt.Errorf("compute %d observations: %w", n, ErrLength)
	}
	res := &Result{Chart: opts.Chart, Rules: ruleSet(opts), Method: method(opts), HasN: hasN}
	// Facets sort in byte order of their labels: rank the levels once.
	rank1, rank2 := levelRanks(t.Levels1), levelRanks(t.Levels2)
	facet := func(r int32) (int32, int32) {
		var a, b int32
		if t.Facet1 != nil {
			a = rank1[t.Facet1[r]]
		}
		if t.Facet2 != nil {
			b = rank2[t.Facet2[r]]
		}
		return a, b
	}
	rows := make([]int32, n)
	for i := range rows {
		rows[i] = int32(i) // #nosec G115 -- an input of 2³¹ rows does not fit in memory anyway
	}
	if t.Facet1 != nil || t.Facet2 != nil {
		byFacet := func(a, b int32) int {
			a1, a2 := facet(a)
			b1, b2 := facet(b)
			if c := cmp.Compare(a1, b1); c != 0 {
				return c
			}
			return cmp.Compare(a2, b2)
		}
		if !slices.IsSortedFunc(rows, byFacet) {
			slices.SortStableFunc(rows, byFacet)
		}
	}
	for i := 0; i < len(rows); {
		f1, f2 := facet(rows[i])
		j := i + 1
		for j < len(rows) {
			g1, g2 := facet(rows[j])
			if g1 != f1 || g2 != f2 {
				break
			}
			j++
		}
		// qic drops rows with a missing x before aggregating.
		panelRows := rows[i:j]
		k := 0
		for _, r := range panelRows {
			if x := t.Key[r]; x == x {
				panelRows[k] = r
				k++
			}
		}
		var p Panel
		breaks := p.aggregateColumns(t, panelRows[:k], hasN, agg, opts.PartLabels)
		err := p.analyze(breaks, opts)
		p.Facet1, p.Facet2 = level(t.Facet1, t.Levels1, int(rows[i])), level(t.Facet2, t.Levels2, int(rows[i]))
		if err != nil && (p.Facet1 != "" || p.Facet2 != "") {
			return nil, fmt.Errorf("panel %q %q: %w", p.Facet1, p.Facet2, err)
		}
		if err != nil {
			return nil, err
		}
		res.Panels = append(res.Panels, p)
		i = j
	}
	return res, nil
}

// levelRanks gives each level its position in byte order of the labels;
// equal labels get equal ranks.
func levelRanks(levels []string) []int32 {
	if levels == nil {
		return nil
	}
	order := make([]int32, len(levels))
	for i := range order {
		order[i] = int32(i) // #nosec G115 -- as many levels as rows at most
	}
	slices.SortFunc(order, func(a, b int32) int { return cmp.Compare(levels[a], levels[b]) })
	rank := make([]int32, len(levels))
	r := int32(0)
	for k, i := range order {
		if k > 0 && levels[i] != levels[order[k-1]] {
			r++
		}
		rank[i] = r
	}
	return rank
}

// aggregateColumns is aggregate on the rows of one panel, given by index
// into t; rows is reordered by Key (stably).
func (p *Panel) aggregateColumns(t *Columns, rows []int32, hasN bool, agg Agg, partLabels bool) []int {
	byKey := func(a, b int32) int { return cmp.Compare(t.Key[a], t.Key[b]) }
	if !slices.IsSortedFunc(rows, byKey) {
		slices.SortStableFunc(rows, byKey)
	}
	k := 0
	for i := range rows {
		if i == 0 || t.Key[rows[i]] != t.Key[rows[i-1]] {
			k++
		}
	}
	p.resize(k)
	p.Labels = nil
	var group1 []Obs
	var scratch []float64
	var parts partLabelSet
	breaks := p.scr.ints[:0]
	g := 0
	for i := 0; i < len(rows); {
		j := i + 1
		for j < len(rows) && t.Key[rows[j]] == t.Key[rows[i]] {
			j++
		}
		var sg Subgroup
		if j-i == 1 {
			sg = single(t.Obs(int(rows[i])), hasN, agg)
		} else {
			group1 = group1[:0]
			for _, r := range rows[i:j] {
				group1 = append(group1, t.Obs(int(r)))
			}
			sg, scratch = group(group1, hasN, agg, scratch)
		}
		p.setSubgroup(g, sg)
		if partLabels {
			breaks = parts.note(g, sg.PartLabel, breaks)
		}
		g++
		i = j
	}
	p.scr.ints = breaks
	return breaks
}
