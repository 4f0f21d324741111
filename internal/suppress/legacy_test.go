package suppress

// legacySuppress is the algorithm this package had before issue 11: each
// line (row, column, line of row totals, line of column totals) protected
// on its own. Kept to measure what the linear-programming audit catches
// and to test that the audit bites on its output.
func legacySuppress(t Table, k int) Mask {
	k = max(k, MinThreshold)
	rows, cols := len(t.N), len(t.ColTotal)
	m := Primary(t, k, nil)
	type ref struct {
		n   int
		hid *bool
	}
	var ls [][]ref
	var ts []ref
	for i := range rows {
		var l []ref
		for j := range cols {
			l = append(l, ref{t.at(i, j), &m.Cell[i][j]})
		}
		ls, ts = append(ls, l), append(ts, ref{t.RowTotal[i], &m.RowTotal[i]})
	}
	for j := range cols {
		var l []ref
		for i := range rows {
			l = append(l, ref{t.at(i, j), &m.Cell[i][j]})
		}
		ls, ts = append(ls, l), append(ts, ref{t.ColTotal[j], &m.ColTotal[j]})
	}
	var rl, cl []ref
	for i := range rows {
		rl = append(rl, ref{t.RowTotal[i], &m.RowTotal[i]})
	}
	for j := range cols {
		cl = append(cl, ref{t.ColTotal[j], &m.ColTotal[j]})
	}
	ls = append(ls, rl, cl)
	ts = append(ts, ref{t.Grand, &m.Grand}, ref{t.Grand, &m.Grand})
	for changed := true; changed; {
		changed = false
		for li, l := range ls {
			if *ts[li].hid {
				continue
			}
			count, sum := 0, 0
			for _, c := range l {
				if *c.hid {
					count++
					sum += c.n
				}
			}
			if count == 0 || (count >= 2 && sum >= k) {
				continue
			}
			best := -1
			for ci, c := range l {
				if *c.hid {
					continue
				}
				if best < 0 || (c.n > 0 && (l[best].n == 0 || c.n < l[best].n)) {
					best = ci
				}
			}
			if best >= 0 {
				*l[best].hid = true
			} else {
				*ts[li].hid = true
			}
			changed = true
		}
	}
	return m
}
