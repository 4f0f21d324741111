package chart

import (
	"fmt"
	"strings"
)

// Words translates the chart's own words — titles, descriptions, table
// headers and signal reasons — by message-catalog key (internal/i18n's
// "chart.*" keys). The chart package does not import the catalog: the
// web layer passes its page's translator, and nil draws English.
type Words func(key string, args ...any) string

// English is the chart's wording when no Words is given. The catalog's
// English entries for these keys must say the same (a test in
// internal/web checks it), so a page and a downloaded SVG agree.
var English = map[string]string{
	"chart.title":           "%s chart",
	"chart.rules":           "Rules: %s",
	"chart.desc":            "%s chart of %d subgroups, rule set %s.",
	"chart.desc_part":       " Part %d: centre line %s",
	"chart.desc_limits":     ", limits %s to %s",
	"chart.desc_outside":    "; %d points outside the limits",
	"chart.desc_no_runs":    "; no runs signal",
	"chart.excluded":        "excluded",
	"chart.baseline":        "baseline",
	"chart.target":          "target %s",
	"chart.caption":         "%s chart, rule set %s",
	"chart.col.part":        "Part",
	"chart.col.n":           "n",
	"chart.col.cl":          "Centre line",
	"chart.col.lcl":         "Lower limit",
	"chart.col.ucl":         "Upper limit",
	"chart.col.signal":      "Signal",
	"chart.col.mean":        "Mean",
	"chart.col.lpl":         "Lower process limit",
	"chart.col.upl":         "Upper process limit",
	"chart.col.special":     "Special cause",
	"chart.mdc_title":       "XmR chart (Making Data Count)",
	"chart.mdc_rules":       "Rules: %s (Making Data Count)",
	"chart.mdc_caption":     "XmR chart (Making Data Count): %s; variation %s",
	"chart.mdc_desc":        "XmR chart of %d points with Making Data Count rules. Mean %s, process limits %s to %s. Variation: %s.",
	"chart.mdc_assurance":   " Assurance: %s.",
	"chart.reason.above":    "above the upper control limit: an unusual point (3-sigma rule)",
	"chart.reason.below":    "below the lower control limit: an unusual point (3-sigma rule)",
	"chart.reason.shift":    "one of 6 or more points in a row on one side of the centre line: a shift (IHI shift rule)",
	"chart.reason.trend":    "one of 5 or more points in a row all going up or all going down: a trend (IHI trend rule)",
	"chart.reason.runs":     "in a phase whose pattern around the centre line is not random: a run too long, or too few or too many crossings (runs rules)",
	"chart.reason.few_runs": "too few runs",
	"chart.reason.many":     "too many runs",
	"chart.reason.crossing": "unusually few crossings",
	"chart.reason.long_run": "unusually long run",
	"chart.reason.method":   "%s runs signal",
}

// reasonKeys finds the catalog key of a reason internal/spc gives in
// English (spc stays free of the catalog: its reasons are also the JSON
// API's words).
var reasonKeys = func() map[string]string {
	m := map[string]string{}
	for k, v := range English {
		if strings.HasPrefix(k, "chart.reason.") && !strings.Contains(v, "%") {
			m[v] = k
		}
	}
	return m
}()

// t translates key with args, in English when w is nil.
func (w Words) t(key string, args ...any) string {
	if w != nil {
		return w(key, args...)
	}
	return fmt.Sprintf(English[key], args...)
}

// reason translates one of spc's reasons; one it does not know stays as
// spc wrote it.
func (w Words) reason(r string) string {
	if k, ok := reasonKeys[r]; ok {
		return w.t(k)
	}
	if m, ok := strings.CutSuffix(r, " runs signal"); ok {
		return w.t("chart.reason.method", m)
	}
	return r
}

// reasons translates and joins a list of spc's reasons.
func (w Words) reasons(rs []string, sep string) string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = w.reason(r)
	}
	return strings.Join(out, sep)
}
