package improve

import (
	"testing"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
)

func TestPeriods(t *testing.T) {
	d := collab.NewDate(2025, 3, 19) // a Wednesday
	if got := PeriodStart(Monthly, d).String(); got != "2025-03-01" {
		t.Errorf("month of %s = %s", d, got)
	}
	if got := PeriodStart(Weekly, d).String(); got != "2025-03-17" {
		t.Errorf("week of %s = %s", d, got)
	}
	if got := PeriodStart(Weekly, collab.NewDate(2025, 3, 23)).String(); got != "2025-03-17" {
		t.Errorf("week of a Sunday = %s", got)
	}
	if n := len(PeriodRange(Monthly, collab.NewDate(2024, 1, 15), collab.NewDate(2025, 12, 2))); n != 24 {
		t.Errorf("24 months gave %d periods", n)
	}
	if got := DueDate(Monthly, collab.NewDate(2025, 1, 1)).String(); got != "2025-02-15" {
		t.Errorf("due date of January = %s", got)
	}
}

func TestReportStatus(t *testing.T) {
	jan := collab.NewDate(2025, 1, 1)
	at := func(y int, m time.Month, d int) *time.Time { t := time.Date(y, m, d, 12, 0, 0, 0, time.UTC); return &t }
	cases := []struct {
		name    string
		entered *time.Time
		today   collab.Date
		want    Status
	}{
		{"on time", at(2025, 2, 3), collab.NewDate(2025, 3, 1), StatusOnTime},
		{"on the due day", at(2025, 2, 15), collab.NewDate(2025, 3, 1), StatusOnTime},
		{"late", at(2025, 2, 16), collab.NewDate(2025, 3, 1), StatusLate},
		{"missing", nil, collab.NewDate(2025, 2, 16), StatusMissing},
		{"not yet due", nil, collab.NewDate(2025, 2, 10), StatusOpen},
	}
	for _, c := range cases {
		if got := ReportStatus(Monthly, jan, c.entered, c.today); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestPDSAStageAndValidate(t *testing.T) {
	p := &PDSA{Title: "Try it", ChangeID: 1}
	steps := []struct {
		change func()
		want   Stage
	}{
		{func() {}, StagePlan},
		{func() { p.StartedOn = collab.NewDate(2025, 1, 6) }, StageDo},
		{func() { p.DoNotes = "done" }, StageStudy},
		{func() { p.WentWell = "people talked" }, StageAct},
		{func() { p.Decision = DecisionAdapt }, StageDone},
	}
	for _, s := range steps {
		s.change()
		if got := p.Stage(); got != s.want {
			t.Errorf("stage %s, want %s", got, s.want)
		}
		if err := p.Validate(); err != nil {
			t.Errorf("at %s: %v", s.want, err)
		}
	}
	bad := []struct {
		name  string
		p     PDSA
		field string
	}{
		{"no title", PDSA{ChangeID: 1}, "title"},
		{"no change idea", PDSA{Title: "x"}, "change"},
		{"ends before it starts", PDSA{Title: "x", ChangeID: 1, StartedOn: collab.NewDate(2025, 2, 1), EndedOn: collab.NewDate(2025, 1, 1)}, "endedOn"},
		{"a decision before what went well", PDSA{Title: "x", ChangeID: 1, Decision: DecisionAdopt}, "wentWell"},
		{"an unknown decision", PDSA{Title: "x", ChangeID: 1, Decision: "maybe", WentWell: "y"}, "decision"},
	}
	for _, b := range bad {
		if fe := collab.FieldErrors(b.p.Validate()); fe[b.field] == "" {
			t.Errorf("%s: errors %v, want one on %s", b.name, fe, b.field)
		}
	}
}

func TestMeasureValidate(t *testing.T) {
	m := &Measure{Name: " Visits ", GroupKey: "age", GroupValues: []string{"under 25", " ", "25 and over"}}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	if m.Name != "Visits" || m.Kind != KindOutcome || m.Period != Monthly || m.Chart != "run" || len(m.GroupValues) != 2 {
		t.Errorf("defaults not applied: %+v", m)
	}
	for _, c := range []struct {
		name  string
		m     Measure
		field string
	}{
		{"p chart of a plain value", Measure{Name: "x", Chart: "p"}, "chart"},
		{"one group", Measure{Name: "x", GroupKey: "age", GroupValues: []string{"all"}}, "groupValues"},
		{"groups without a key", Measure{Name: "x", GroupValues: []string{"a", "b"}}, "groupKey"},
		{"duplicate groups", Measure{Name: "x", GroupKey: "k", GroupValues: []string{"a", "a"}}, "groupValues"},
		{"unknown period", Measure{Name: "x", Period: "daily"}, "period"},
	} {
		if fe := collab.FieldErrors(c.m.Validate()); fe[c.field] == "" {
			t.Errorf("%s: errors %v, want one on %s", c.name, fe, c.field)
		}
	}
}

func TestValueValidateFor(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	ratio := &Measure{Ratio: true, Period: Monthly}
	plain := &Measure{Period: Weekly, GroupKey: "g", GroupValues: []string{"a", "b"}}
	cases := []struct {
		v    Value
		m    *Measure
		want string
	}{
		{Value{Numerator: f(1), Denominator: f(2)}, ratio, ""},
		{Value{Numerator: f(1)}, ratio, "measure.error_ratio_both"},
		{Value{Value: f(1)}, ratio, "measure.error_want_ratio"},
		{Value{Numerator: f(1), Denominator: f(0)}, ratio, "measure.error_zero_denominator"},
		{Value{Numerator: f(-1), Denominator: f(2)}, ratio, "measure.error_negative"},
		{Value{Value: f(1), Group: "a"}, plain, ""},
		{Value{Value: f(1)}, plain, "measure.error_unknown_group"},
		{Value{Numerator: f(1), Denominator: f(2), Group: "a"}, plain, "measure.error_want_value"},
	}
	for i, c := range cases {
		c.v.Period = collab.NewDate(2025, 3, 19)
		if got := c.v.ValidateFor(c.m); got != c.want {
			t.Errorf("case %d: %q, want %q", i, got, c.want)
		}
	}
	v := Value{Value: f(1), Group: "a", Period: collab.NewDate(2025, 3, 19)}
	v.ValidateFor(plain)
	if v.Period.String() != "2025-03-17" {
		t.Errorf("a weekly value's period is the week's Monday, got %s", v.Period)
	}
}
