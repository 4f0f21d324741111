package spc

func ihiPart(ps *PartSummary, seg []Point, opts Options) { anhoejPart(ps, seg, opts) }
