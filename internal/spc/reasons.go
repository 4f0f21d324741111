package spc

// PointReasons lists in words why a point signals, for tooltips and JSON.
func PointReasons(q *Point) []string {
	var r []string
	if q.SigmaSignal {
		if q.Y > q.UCL {
			r = append(r, "above the upper control limit")
		} else {
			r = append(r, "below the lower control limit")
		}
	}
	if q.Shift {
		r = append(r, "shift: 6 or more points on one side of the centre line")
	}
	if q.Trend {
		r = append(r, "trend: 5 or more points all going up or all going down")
	}
	if q.RunsSignal && !q.Shift && !q.Trend {
		r = append(r, "runs signal in this part")
	}
	return r
}
