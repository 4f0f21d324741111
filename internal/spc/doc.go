// Package spc is goeswell's statistical process control engine: run charts
// and Shewhart control charts computed the way R's qicharts2 0.8.1 computes
// them, read with a named rule set: Anhøj (qicharts2's default), IHI
// (Perla, Provost & Murray 2011) or NHS "Making Data Count" (as
// NHSRplotthedots 0.2.2 computes it).
//
// Entry points:
//
//   - FromSeries charts one series with one observation per subgroup, such
//     as (date, value) or (date, numerator, denominator) points; use
//     DateKey for dates. AnalyzeSeries does the same into a reusable Panel
//     and allocates nothing once warm.
//   - Compute takes raw observations (Obs) with repeated x, facets and part
//     labels, aggregates them as qic() does and charts every panel.
//   - ComputeColumns is Compute on observations stored by column, with
//     facet and part labels as codes into level lists: a million rows
//     cost a few numbers each instead of an Obs with four strings.
//   - MakingDataCount computes an XmR chart with the NHS rules, variation
//     and assurance verdicts.
//
// A Panel stores its chart by column (Key, Y, N, …); Panel.Point(i) gives
// one subgroup as a row, and Panel.Parts the per-phase summary
// (summary.qic) with the reasons for any signal. The centre line and the
// limits are stored once per phase where they are constant (run, i, mr,
// t, c and g charts) and per subgroup only where they vary (xbar, s, p,
// pp, u, up, ip); Panel.LimitsAt(i) gives them for any subgroup. A Panel
// is also the workspace of batch work: AnalyzeSeries and AnalyzeInto
// reuse its memory, so charting many series through one Panel allocates
// nothing once it has held the longest.
//
// The package is pure computation: no I/O, no database, no HTTP. Missing
// values follow R: NA is a NaN carrying R's payload (see NA and IsNA), and
// a plain NaN is the result of an undefined operation such as 0/0.
package spc
