// Package improve holds a team's improvement work in a learning
// collaborative, free of storage and HTTP: the Model for Improvement's aim,
// the driver diagram that links it to change ideas, the PDSA cycles that
// test those ideas, the measures that say whether a change is an
// improvement and their values period by period, and a collaborative's copy
// of a change framework (its change package).
//
// Glossary:
//
//   - Aim: what a team is trying to accomplish, how it will know a change
//     is an improvement, what changes it can make (the three questions of
//     the Model for Improvement), with a target date and measures.
//   - Driver diagram: aim → primary drivers → secondary drivers → change
//     ideas. A change idea may point at a node of an adopted framework (a
//     change concept of the change package).
//   - PDSA cycle: one Plan-Do-Study-Act test of a change idea; cycles on the
//     same idea, each following the previous, form a ramp.
//   - Measure: outcome, process or balancing; shared by the collaborative
//     (every team reports it; defined by a convener) or a team's own.
//   - Period: the first day of the month (monthly) or the Monday of the
//     week (weekly) a value belongs to.
package improve

import (
	"math"
	"strings"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
)

// An Aim answers the Model for Improvement's three questions.
type Aim struct {
	ID, CollaborativeID, TeamID int64
	// Statement: what are we trying to accomplish?
	Statement string
	// HowKnow: how will we know that a change is an improvement?
	HowKnow string
	// WhatChanges: what changes can we make that will result in improvement?
	WhatChanges string
	TargetDate  collab.Date
	MeasureIDs  []int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Validate checks an aim before it is stored.
func (a *Aim) Validate() error {
	v := collab.NewValidation()
	a.Statement = strings.TrimSpace(a.Statement)
	if a.Statement == "" {
		v.Add("statement", "error.required")
	}
	text(v, "statement", a.Statement, 4000)
	text(v, "howKnow", a.HowKnow, 4000)
	text(v, "whatChanges", a.WhatChanges, 4000)
	return v.Err()
}

func text(v *collab.Validation, field, s string, max int) {
	v.Length(field, s, max)
}

// DriverKind is a level of a driver diagram.
type DriverKind string

// The levels of a driver diagram, from the aim outwards.
const (
	DriverPrimary   DriverKind = "primary"
	DriverSecondary DriverKind = "secondary"
	DriverChange    DriverKind = "change"
)

// DriverKinds lists the levels in order.
var DriverKinds = []DriverKind{DriverPrimary, DriverSecondary, DriverChange}

// ParentKind is the kind a node of kind k hangs from ("" for the aim).
func (k DriverKind) ParentKind() DriverKind {
	switch k {
	case DriverSecondary:
		return DriverPrimary
	case DriverChange:
		return DriverSecondary
	}
	return ""
}

// A Driver is one node of an aim's driver diagram.
type Driver struct {
	ID, CollaborativeID, TeamID, AimID int64
	ParentID                           int64
	Kind                               DriverKind
	Title                              string
	// FrameworkNodeID links a change idea to a framework node.
	FrameworkNodeID int64
	// FrameworkNode is the linked node's code and title, when loaded.
	FrameworkNode string
	Position      int
	Children      []*Driver
}

// Validate checks a driver before it is stored.
func (d *Driver) Validate() error {
	v := collab.NewValidation()
	d.Title = strings.TrimSpace(d.Title)
	if d.Title == "" {
		v.Add("title", "error.required")
	}
	text(v, "title", d.Title, 500)
	switch d.Kind {
	case DriverPrimary:
		if d.ParentID != 0 {
			v.Add("parent", "error.invalid_choice")
		}
	case DriverSecondary, DriverChange:
		if d.ParentID == 0 {
			v.Add("parent", "error.required")
		}
	default:
		v.Add("kind", "error.invalid_choice")
	}
	if d.Kind != DriverChange && d.FrameworkNodeID != 0 {
		v.Add("frameworkNode", "error.invalid_choice")
	}
	return v.Err()
}

// Decision is a PDSA cycle's Act: adopt, adapt or abandon the change.
type Decision string

// The decisions; empty means the cycle has not reached Act.
const (
	DecisionNone    Decision = ""
	DecisionAdopt   Decision = "adopt"
	DecisionAdapt   Decision = "adapt"
	DecisionAbandon Decision = "abandon"
)

// Decisions lists the decisions a team may record.
var Decisions = []Decision{DecisionAdopt, DecisionAdapt, DecisionAbandon}

// Stage is where a PDSA cycle is.
type Stage string

// The stages of a cycle, in order, then done.
const (
	StagePlan  Stage = "plan"
	StageDo    Stage = "do"
	StageStudy Stage = "study"
	StageAct   Stage = "act"
	StageDone  Stage = "done"
)

// Stages lists the columns of a PDSA board.
var Stages = []Stage{StagePlan, StageDo, StageStudy, StageAct, StageDone}

// A PDSA is one Plan-Do-Study-Act cycle testing a change idea.
type PDSA struct {
	ID, CollaborativeID, TeamID int64
	ChangeID                    int64
	Change                      string // the change idea's title, when loaded
	// PreviousID is the cycle this one follows in a ramp.
	PreviousID int64
	Title      string
	// Plan.
	Objective, Questions, Predictions string
	Who, What, When, Where            string
	DataPlan                          string
	// Do.
	DoNotes            string
	StartedOn, EndedOn collab.Date
	// Study: what went well first (seed 002's habit), then what differed
	// from the prediction.
	WentWell, Differed string
	// MeasureID is the measure the cycle is expected to move (0 for none).
	MeasureID int64
	// Act.
	Decision  Decision
	NextStep  string
	CreatedBy int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Stage derives where the cycle is from what has been written.
func (p *PDSA) Stage() Stage {
	switch {
	case p.Decision != DecisionNone:
		return StageDone
	case p.WentWell != "" || p.Differed != "":
		return StageAct
	case p.DoNotes != "" || !p.EndedOn.IsZero():
		return StageStudy
	case !p.StartedOn.IsZero():
		return StageDo
	}
	return StagePlan
}

// Validate checks a cycle before it is stored.
func (p *PDSA) Validate() error {
	v := collab.NewValidation()
	p.Title = strings.TrimSpace(p.Title)
	if p.Title == "" {
		v.Add("title", "error.required")
	}
	text(v, "title", p.Title, 300)
	for f, s := range map[string]string{"objective": p.Objective, "questions": p.Questions, "predictions": p.Predictions, "who": p.Who, "what": p.What,
		"when": p.When, "where": p.Where, "dataPlan": p.DataPlan, "doNotes": p.DoNotes, "wentWell": p.WentWell, "differed": p.Differed, "nextStep": p.NextStep} {
		text(v, f, s, 8000)
	}
	if p.ChangeID == 0 {
		v.Add("change", "error.required")
	}
	switch p.Decision {
	case DecisionNone, DecisionAdopt, DecisionAdapt, DecisionAbandon:
	default:
		v.Add("decision", "error.invalid_choice")
	}
	if !p.StartedOn.IsZero() && !p.EndedOn.IsZero() && p.EndedOn.Before(p.StartedOn) {
		v.Add("endedOn", "error.end_before_start")
	}
	if !p.EndedOn.IsZero() && p.StartedOn.IsZero() {
		v.Add("startedOn", "error.required")
	}
	// Study starts with what went well: a decision without it skips the
	// habit the collaborative is built on.
	if p.Decision != DecisionNone && strings.TrimSpace(p.WentWell) == "" {
		v.Add("wentWell", "error.required")
	}
	return v.Err()
}

// MeasureKind says what a measure measures.
type MeasureKind string

// The kinds of measure of the Model for Improvement.
const (
	KindOutcome   MeasureKind = "outcome"
	KindProcess   MeasureKind = "process"
	KindBalancing MeasureKind = "balancing"
)

// MeasureKinds lists the kinds.
var MeasureKinds = []MeasureKind{KindOutcome, KindProcess, KindBalancing}

// Better says which direction of a measure is an improvement.
type Better string

// The directions.
const (
	BetterUp      Better = "up"
	BetterDown    Better = "down"
	BetterNeither Better = "neither"
)

// Betters lists the directions.
var Betters = []Better{BetterUp, BetterDown, BetterNeither}

// Period is how often a measure is reported.
type Period string

// The periods; monthly is the default.
const (
	Monthly Period = "monthly"
	Weekly  Period = "weekly"
)

// Periods lists the periods.
var Periods = []Period{Monthly, Weekly}

// ChartTypes are the chart types a measure may ask for (spc chart names).
var ChartTypes = []string{"run", "i", "p", "u", "c", "xbar", "mdc"}

// A Measure is what a team reports, period by period.
type Measure struct {
	ID, CollaborativeID int64
	// TeamID is 0 for a measure shared by the collaborative.
	TeamID     int64
	Name       string
	Kind       MeasureKind
	Definition string // operational definition
	// Ratio: values are a numerator and a denominator.
	Ratio  bool
	Unit   string
	Better Better
	Target *float64
	Chart  string
	Period Period
	// GroupKey names an optional disaggregation (seed 003, 1.1.3), such as
	// "age group"; GroupValues are its groups. Values are then entered per
	// group, and the total is their sum.
	GroupKey    string
	GroupValues []string
	CreatedAt   time.Time
}

// Shared reports whether every team of the collaborative reports m.
func (m *Measure) Shared() bool { return m.TeamID == 0 }

// Groups are the groups values are entered for: "" (the total) when the
// measure is not disaggregated.
func (m *Measure) Groups() []string {
	if len(m.GroupValues) == 0 {
		return []string{""}
	}
	return m.GroupValues
}

// Validate checks and normalizes a measure.
func (m *Measure) Validate() error {
	v := collab.NewValidation()
	m.Name = strings.TrimSpace(m.Name)
	if m.Name == "" {
		v.Add("name", "error.required")
	}
	text(v, "name", m.Name, 200)
	text(v, "definition", m.Definition, 4000)
	text(v, "unit", m.Unit, 40)
	if m.Kind == "" {
		m.Kind = KindOutcome
	}
	if !oneOf(m.Kind, MeasureKinds) {
		v.Add("kind", "error.invalid_choice")
	}
	if m.Better == "" {
		m.Better = BetterUp
	}
	if !oneOf(m.Better, Betters) {
		v.Add("better", "error.invalid_choice")
	}
	if m.Period == "" {
		m.Period = Monthly
	}
	if !oneOf(m.Period, Periods) {
		v.Add("period", "error.invalid_choice")
	}
	if m.Chart == "" {
		m.Chart = "run"
	}
	if !oneOf(m.Chart, ChartTypes) {
		v.Add("chart", "error.invalid_choice")
	}
	if (m.Chart == "p" || m.Chart == "u") && !m.Ratio {
		v.Add("chart", "measure.error_chart_needs_ratio")
	}
	if m.Target != nil && (math.IsNaN(*m.Target) || math.IsInf(*m.Target, 0)) {
		v.Add("target", "error.number")
	}
	m.GroupKey = strings.TrimSpace(m.GroupKey)
	var gs []string
	seen := map[string]bool{}
	for _, g := range m.GroupValues {
		g = strings.TrimSpace(g)
		if g == "" {
			continue
		}
		if seen[g] {
			v.Add("groupValues", "error.duplicate")
		}
		seen[g] = true
		gs = append(gs, g)
	}
	m.GroupValues = gs
	if m.GroupKey != "" && len(gs) < 2 {
		v.Add("groupValues", "measure.error_two_groups")
	}
	if m.GroupKey == "" && len(gs) > 0 {
		v.Add("groupKey", "error.required")
	}
	return v.Err()
}

func oneOf[T comparable](x T, xs []T) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

// PeriodStart returns the period a day belongs to: the first of its month,
// or the Monday of its week.
func PeriodStart(p Period, d collab.Date) collab.Date {
	t := d.Time()
	if p == Weekly {
		wd := (int(t.Weekday()) + 6) % 7 // Monday = 0
		return collab.DateOf(t.AddDate(0, 0, -wd))
	}
	return collab.NewDate(t.Year(), t.Month(), 1)
}

// NextPeriod returns the period after d.
func NextPeriod(p Period, d collab.Date) collab.Date {
	if p == Weekly {
		return d.AddDays(7)
	}
	return d.AddMonths(1)
}

// PeriodRange lists the periods from the one holding from up to and
// including the one holding to.
func PeriodRange(p Period, from, to collab.Date) []collab.Date {
	var out []collab.Date
	end := PeriodStart(p, to)
	for d := PeriodStart(p, from); !d.After(end); d = NextPeriod(p, d) {
		out = append(out, d)
		if len(out) > 2000 {
			break
		}
	}
	return out
}

// DueDate is when a period's value is due: 15 days after the period ends
// for monthly measures, 7 for weekly ones.
func DueDate(p Period, period collab.Date) collab.Date {
	if p == Weekly {
		return NextPeriod(p, period).AddDays(7)
	}
	return NextPeriod(p, period).AddDays(14)
}

// A Value is one period's number for one team, measure and group.
type Value struct {
	ID, TeamID, MeasureID int64
	Period                collab.Date
	Group                 string
	// Value holds a plain value; Numerator and Denominator a ratio's parts.
	Value, Numerator, Denominator *float64
	EnteredBy                     int64
	EnteredByName                 string
	EnteredAt                     time.Time
	// FirstEnteredAt is when the cell was first filled: a correction
	// later does not make a value that came in on time late.
	FirstEnteredAt time.Time
	Source         string // history only: "form", "import", "api"
}

// Y returns the value plotted: the value, or numerator/denominator, and
// whether there is one.
func (v *Value) Y() (float64, bool) {
	if v.Value != nil {
		return *v.Value, true
	}
	if v.Numerator != nil && v.Denominator != nil && *v.Denominator != 0 {
		return *v.Numerator / *v.Denominator, true
	}
	return 0, false
}

// Empty reports whether the value holds no number at all.
func (v *Value) Empty() bool { return v.Value == nil && v.Numerator == nil && v.Denominator == nil }

// ValidateFor checks a value against its measure and returns a message
// key, or "" when it is fine. It also moves the value's period to the
// start of the measure's period (the first of the month, or the Monday),
// so a date anywhere in the period files the value under it.
func (v *Value) ValidateFor(m *Measure) string {
	bad := func(p *float64) bool { return p != nil && (math.IsNaN(*p) || math.IsInf(*p, 0)) }
	if bad(v.Value) || bad(v.Numerator) || bad(v.Denominator) {
		return "error.number"
	}
	if m.Ratio {
		if v.Value != nil {
			return "measure.error_want_ratio"
		}
		if (v.Numerator == nil) != (v.Denominator == nil) {
			return "measure.error_ratio_both"
		}
		if v.Denominator != nil && *v.Denominator < 0 || v.Numerator != nil && *v.Numerator < 0 {
			return "measure.error_negative"
		}
		if v.Denominator != nil && *v.Denominator == 0 && *v.Numerator != 0 {
			return "measure.error_zero_denominator"
		}
		if m.Proportion() && v.Numerator != nil && v.Denominator != nil && *v.Numerator > *v.Denominator {
			return "measure.error_numerator_above"
		}
	} else if v.Numerator != nil || v.Denominator != nil {
		return "measure.error_want_value"
	} else if v.Value != nil && *v.Value < 0 && !m.mayBeNegative() {
		return "measure.error_negative"
	}
	if !oneOf(v.Group, m.Groups()) {
		return "measure.error_unknown_group"
	}
	if m.Period == Weekly && PeriodStart(Weekly, v.Period) != v.Period || m.Period == Monthly && v.Period.Time().Day() != 1 {
		v.Period = PeriodStart(m.Period, v.Period)
	}
	return ""
}

// Status of one team's reporting of one period.
type Status string

// The reporting statuses.
const (
	StatusOnTime  Status = "on_time"
	StatusLate    Status = "late"
	StatusMissing Status = "missing" // past its due date and not entered
	StatusOpen    Status = "open"    // not yet due
)

// ReportStatus says whether a period's value came in on time, late, is
// missing or not yet due, as of today.
func ReportStatus(p Period, period collab.Date, entered *time.Time, today collab.Date) Status {
	due := DueDate(p, period)
	switch {
	case entered != nil && collab.DateOf(entered.UTC()).After(due):
		return StatusLate
	case entered != nil:
		return StatusOnTime
	case today.After(due):
		return StatusMissing
	}
	return StatusOpen
}
