package spc

// PointReasons lists in plain words why a point signals, each with the
// rule's name, for the chart's tooltips, its table and JSON (English: the
// pages say the same through the message catalog, from Findings).
func PointReasons(q *Point) []string {
	var r []string
	if q.SigmaSignal {
		if q.Y > q.UCL {
			r = append(r, "above the upper control limit: an unusual point (3-sigma rule)")
		} else {
			r = append(r, "below the lower control limit: an unusual point (3-sigma rule)")
		}
	}
	if q.Shift {
		r = append(r, "one of 6 or more points in a row on one side of the centre line: a shift (IHI shift rule)")
	}
	if q.Trend {
		r = append(r, "one of 5 or more points in a row all going up or all going down: a trend (IHI trend rule)")
	}
	if q.RunsSignal && !q.Shift && !q.Trend {
		r = append(r, "in a phase whose pattern around the centre line is not random: a run too long, or too few or too many crossings (runs rules)")
	}
	return r
}
