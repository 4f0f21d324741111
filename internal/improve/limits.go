package improve

import (
	"strings"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
)

// A LimitBreak is a person's decision to recalculate a team's control
// limits of a measure from a period on: the chart's next phase. As in QI
// practice (IHI, NHS Making Data Count), the baseline and its limits stay
// as they are until someone chooses to recalculate them, with a reason —
// typically a sustained shift after an adopted change linked to this
// measure. A PDSA cycle alone never starts a phase.
type LimitBreak struct {
	ID, CollaborativeID, TeamID, MeasureID int64
	// Period is the first period of the new phase.
	Period        collab.Date
	Reason        string
	CreatedBy     int64
	CreatedByName string
	CreatedAt     time.Time
}

// Validate checks a recalculation against its measure and normalizes its
// period to the start of the measure's period.
func (b *LimitBreak) Validate(m *Measure) error {
	v := collab.NewValidation()
	b.Reason = strings.TrimSpace(b.Reason)
	if b.Reason == "" {
		v.Add("reason", "error.required")
	}
	text(v, "reason", b.Reason, 1000)
	if b.Period.IsZero() {
		v.Add("period", "error.required")
	} else {
		b.Period = PeriodStart(m.Period, b.Period)
	}
	return v.Err()
}

// Proportion reports whether a ratio measure is a share of its
// denominator (a p chart, or reported in per cent): its numerator can
// never exceed its denominator. A rate (a u chart: incidents per 100 hours)
// can.
func (m *Measure) Proportion() bool {
	return m.Ratio && (m.Chart == "p" || m.Unit == "%")
}

// Percent reports whether the measure is shown in per cent: its values
// (0.35) and a target written as a fraction (0.8) read as 35 % and 80 %.
func (m *Measure) Percent() bool { return m.Ratio && m.Unit == "%" }

// mayBeNegative reports whether a plain value may be below zero: only
// measurements on an I or X-bar chart (a change in a score, a balance).
// Run and c charts of wellbeing collaboratives count things (people,
// sessions, hours), and a negative count is a typing slip.
func (m *Measure) mayBeNegative() bool {
	return m.Chart == "i" || m.Chart == "xbar" || m.Chart == "mdc"
}

// ReportingWindow is the first and last period a team may report for a
// measure in a collaborative: from the collaborative's start to its end,
// and never after the period holding today (a value for a month that has
// not begun is a slip: 2031 typed for 2021). A zero start leaves the
// window open at that end.
func ReportingWindow(m *Measure, c *collab.Collaborative, today collab.Date) (from, to collab.Date) {
	to = PeriodStart(m.Period, today)
	if !c.EndDate.IsZero() && c.EndDate.Before(today) {
		to = PeriodStart(m.Period, c.EndDate)
	}
	if !c.StartDate.IsZero() {
		from = PeriodStart(m.Period, c.StartDate)
	}
	return from, to
}

// InWindow checks a value's period against the reporting window and
// returns a message key, or "".
func (v *Value) InWindow(m *Measure, from, to collab.Date) string {
	p := PeriodStart(m.Period, v.Period)
	if !from.IsZero() && p.Before(from) || p.After(to) {
		return "measure.error_outside_collab"
	}
	return ""
}

// InProject checks a PDSA cycle's dates against the collaborative's and
// returns the field errors: a cycle dated 1999 or 2099 is a slip.
func (p *PDSA) InProject(c *collab.Collaborative) map[string]string {
	out := map[string]string{}
	for f, d := range map[string]collab.Date{"startedOn": p.StartedOn, "endedOn": p.EndedOn} {
		if d.IsZero() {
			continue
		}
		if !c.StartDate.IsZero() && d.Before(c.StartDate) || !c.EndDate.IsZero() && d.After(c.EndDate) {
			out[f] = "pdsa.error_outside_collab"
		}
	}
	return out
}

// Label is the measure's name with its unit, as lists show it: "Intakes
// (%)", but a name that already ends with its unit ("Share (%)") is not
// given it twice.
func (m *Measure) Label() string {
	u := strings.TrimSpace(m.Unit)
	if u == "" || strings.HasSuffix(strings.TrimSpace(m.Name), "("+u+")") {
		return m.Name
	}
	return m.Name + " (" + u + ")"
}

// Shown is a value as a reader of the measure sees it: a proportion in
// per cent as 48.3 (not 0.4828), anything else as stored.
func (m *Measure) Shown(y float64) float64 {
	if m.Percent() {
		return y * 100
	}
	return y
}

// TargetShown is the target as the chart plots it: a per cent measure's
// target written as a fraction (0.8) is 80, as one written in per cent
// (60) stays 60.
func (m *Measure) TargetShown() float64 {
	if m.Target == nil {
		return 0
	}
	t := *m.Target
	if m.Percent() && t <= 1 {
		t *= 100
	}
	return t
}
