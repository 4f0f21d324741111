package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/importer"
	"github.com/goeswell/goeswell/internal/improve"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

type apiMeasure struct {
	ID          int64               `json:"id"`
	TeamID      int64               `json:"teamId,omitempty"`
	Shared      bool                `json:"shared"`
	Name        string              `json:"name"`
	Kind        improve.MeasureKind `json:"kind"`
	Definition  string              `json:"definition"`
	Ratio       bool                `json:"ratio"`
	Unit        string              `json:"unit"`
	Better      improve.Better      `json:"better"`
	Target      *float64            `json:"target,omitempty"`
	Chart       string              `json:"chart"`
	Period      improve.Period      `json:"period"`
	GroupKey    string              `json:"groupKey,omitempty"`
	GroupValues []string            `json:"groupValues,omitempty"`
}

func toAPIMeasure(m *improve.Measure) apiMeasure {
	return apiMeasure{ID: m.ID, TeamID: m.TeamID, Shared: m.Shared(), Name: m.Name, Kind: m.Kind, Definition: m.Definition, Ratio: m.Ratio, Unit: m.Unit,
		Better: m.Better, Target: m.Target, Chart: m.Chart, Period: m.Period, GroupKey: m.GroupKey, GroupValues: m.GroupValues}
}

func writeMeasures(w http.ResponseWriter, ms []*improve.Measure) {
	out := []apiMeasure{}
	for _, m := range ms {
		out = append(out, toAPIMeasure(m))
	}
	writeJSON(w, http.StatusOK, map[string]any{"measures": out})
}

func (s *Server) apiMeasures(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	ms, err := s.db.Measures(r.Context(), rc.Collab.ID, 0)
	if err != nil {
		return err
	}
	writeMeasures(w, ms)
	return nil
}

func (s *Server) apiTeamMeasures(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	ms, err := s.db.Measures(r.Context(), rc.Collab.ID, rc.Team.ID)
	if err != nil {
		return err
	}
	writeMeasures(w, ms)
	return nil
}

type apiMeasureInput struct {
	Name        string              `json:"name"`
	Kind        improve.MeasureKind `json:"kind"`
	Definition  string              `json:"definition"`
	Ratio       bool                `json:"ratio"`
	Unit        string              `json:"unit"`
	Better      improve.Better      `json:"better"`
	Target      *float64            `json:"target"`
	Chart       string              `json:"chart"`
	Period      improve.Period      `json:"period"`
	GroupKey    string              `json:"groupKey"`
	GroupValues []string            `json:"groupValues"`
}

func (s *Server) apiMeasureCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	in, err := decode[apiMeasureInput](r)
	if err != nil {
		return err
	}
	m := &improve.Measure{CollaborativeID: rc.Collab.ID, Name: in.Name, Kind: in.Kind, Definition: in.Definition, Ratio: in.Ratio, Unit: in.Unit,
		Better: in.Better, Target: in.Target, Chart: in.Chart, Period: in.Period, GroupKey: in.GroupKey, GroupValues: in.GroupValues}
	if err := s.db.CreateMeasure(r.Context(), rc.who(), m); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toAPIMeasure(m))
	return nil
}

type apiValue struct {
	MeasureID   int64    `json:"measureId"`
	Period      string   `json:"period"`
	Group       string   `json:"group,omitempty"`
	Value       *float64 `json:"value,omitempty"`
	Numerator   *float64 `json:"numerator,omitempty"`
	Denominator *float64 `json:"denominator,omitempty"`
	EnteredBy   string   `json:"enteredBy,omitempty"`
	EnteredAt   string   `json:"enteredAt,omitempty"`
}

func (s *Server) apiValues(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	mid, _ := strconv.ParseInt(r.URL.Query().Get("measure"), 10, 64)
	vals, err := s.db.Values(r.Context(), rc.Collab.ID, sqlstore.ValueFilter{TeamID: rc.Team.ID, MeasureID: mid})
	if err != nil {
		return err
	}
	out := []apiValue{}
	for _, v := range vals {
		out = append(out, apiValue{MeasureID: v.MeasureID, Period: v.Period.String(), Group: v.Group, Value: v.Value, Numerator: v.Numerator,
			Denominator: v.Denominator, EnteredBy: v.EnteredByName, EnteredAt: v.EnteredAt.Format("2006-01-02T15:04:05Z")})
	}
	writeJSON(w, http.StatusOK, map[string]any{"values": out})
	return nil
}

type apiValuesInput struct {
	Values []apiValue `json:"values"`
	DryRun bool       `json:"dryRun"`
}

type apiPlan struct {
	Adds      int  `json:"adds"`
	Updates   int  `json:"updates"`
	Clears    int  `json:"clears"`
	Unchanged int  `json:"unchanged"`
	Applied   bool `json:"applied"`
}

// apiValuesPut writes a team's values all together or not at all; with
// dryRun it only says what would change. Errors name the entry (row is
// its 1-based index in "values").
func (s *Server) apiValuesPut(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	in, err := decode[apiValuesInput](r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	ms, err := s.db.Measures(ctx, rc.Collab.ID, rc.Team.ID)
	if err != nil {
		return err
	}
	byID := map[int64]*improve.Measure{}
	for _, m := range ms {
		byID[m.ID] = m
	}
	var errs importer.Errors
	var rows []importer.Row
	seen := map[string]bool{}
	for i, a := range in.Values {
		m := byID[a.MeasureID]
		d, derr := collab.ParseDate(a.Period)
		if derr != nil || d.IsZero() {
			if pd, perr := collab.ParseDate(a.Period + "-01"); perr == nil && !pd.IsZero() {
				d, derr = pd, nil
			}
		}
		switch {
		case m == nil:
			errs = append(errs, importer.CellError{Row: i + 1, Column: "measureId", Key: "measure.import_error_unknown_measure", Msg: "no such measure for this team"})
			continue
		case derr != nil || d.IsZero():
			errs = append(errs, importer.CellError{Row: i + 1, Column: "period", Key: "measure.import_error_period", Msg: "want YYYY-MM or YYYY-MM-DD"})
			continue
		}
		v := &improve.Value{MeasureID: m.ID, Period: improve.PeriodStart(m.Period, d), Group: a.Group, Value: a.Value, Numerator: a.Numerator, Denominator: a.Denominator}
		if msg := v.ValidateFor(m); msg != "" {
			col := "value"
			if m.Ratio {
				col = "denominator"
				if msg == "measure.error_numerator_above" || msg == "measure.error_negative" && v.Numerator != nil && *v.Numerator < 0 {
					col = "numerator"
				}
			}
			errs = append(errs, importer.CellError{Row: i + 1, Column: col, Key: msg, Msg: s.cat.Printer("en").Sprintf(msg)})
			continue
		}
		if from, to := improve.ReportingWindow(m, rc.Collab, collab.DateOf(s.db.Now())); !v.Empty() && v.InWindow(m, from, to) != "" {
			errs = append(errs, importer.CellError{Row: i + 1, Column: "period", Key: "measure.error_outside_collab", Msg: s.cat.Printer("en").Sprintf("measure.error_outside_collab")})
			continue
		}
		k := strconv.FormatInt(m.ID, 10) + "|" + v.Period.String() + "|" + v.Group
		if seen[k] {
			errs = append(errs, importer.CellError{Row: i + 1, Column: "period", Key: "measure.import_error_duplicate_row", Msg: "the same measure, period and group twice"})
			continue
		}
		seen[k] = true
		rows = append(rows, importer.Row{Line: i + 1, Value: v})
	}
	if len(errs) > 0 {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": map[string]any{"code": "invalid", "message": s.cat.Printer(rc.Lang).Sprintf("error.invalid"), "rows": errs}})
		return nil
	}
	existing, err := s.db.Values(ctx, rc.Collab.ID, sqlstore.ValueFilter{TeamID: rc.Team.ID})
	if err != nil {
		return err
	}
	plan := importer.MakePlan(rows, existing)
	out := apiPlan{Adds: plan.Adds, Updates: plan.Updates, Clears: plan.Clears, Unchanged: plan.Unchanged}
	if !in.DryRun {
		if _, err := importer.Apply(ctx, s.db, rc.who(), rc.Collab.ID, rc.Team.ID, plan, "api"); err != nil {
			return err
		}
		out.Applied = true
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// apiValuesImport takes a CSV or XLSX file as the request body (by its
// Content-Type) and imports it all or nothing, as the data page does;
// ?dryRun=1 only says what would change.
func (s *Server) apiValuesImport(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	ctx := r.Context()
	var format importer.Format
	switch ct, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";"); strings.TrimSpace(ct) {
	case "text/csv":
		format = importer.CSV
	case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
		format = importer.XLSX
	default:
		return fmt.Errorf("%w: send the file as text/csv or application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", errBadRequest)
	}
	ms, err := s.db.Measures(ctx, rc.Collab.ID, rc.Team.ID)
	if err != nil {
		return err
	}
	rows, err := importer.Parse(r.Body, format, ms)
	if err == nil {
		err = importer.CheckPeriods(rows, ms, rc.Collab, collab.DateOf(s.db.Now()))
	}
	var ie *importer.Errors
	if errors.As(err, &ie) {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": map[string]any{"code": "invalid", "message": s.cat.Printer(rc.Lang).Sprintf("error.invalid"), "rows": *ie}})
		return nil
	}
	if err != nil {
		return err
	}
	existing, err := s.db.Values(ctx, rc.Collab.ID, sqlstore.ValueFilter{TeamID: rc.Team.ID})
	if err != nil {
		return err
	}
	plan := importer.MakePlan(rows, existing)
	out := apiPlan{Adds: plan.Adds, Updates: plan.Updates, Clears: plan.Clears, Unchanged: plan.Unchanged}
	if r.URL.Query().Get("dryRun") == "" {
		if _, err := importer.Apply(ctx, s.db, rc.who(), rc.Collab.ID, rc.Team.ID, plan, "api"); err != nil {
			return err
		}
		out.Applied = true
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type apiAim struct {
	ID          int64   `json:"id"`
	Statement   string  `json:"statement"`
	HowKnow     string  `json:"howKnow"`
	WhatChanges string  `json:"whatChanges"`
	TargetDate  string  `json:"targetDate,omitempty"`
	MeasureIDs  []int64 `json:"measureIds"`
}

func (s *Server) apiAims(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	as, err := s.db.Aims(r.Context(), rc.Collab.ID, rc.Team.ID)
	if err != nil {
		return err
	}
	out := []apiAim{}
	for _, a := range as {
		ids := a.MeasureIDs
		if ids == nil {
			ids = []int64{}
		}
		out = append(out, apiAim{ID: a.ID, Statement: a.Statement, HowKnow: a.HowKnow, WhatChanges: a.WhatChanges, TargetDate: a.TargetDate.String(), MeasureIDs: ids})
	}
	writeJSON(w, http.StatusOK, map[string]any{"aims": out})
	return nil
}

type apiPDSA struct {
	ID          int64            `json:"id"`
	ChangeID    int64            `json:"changeId"`
	PreviousID  int64            `json:"previousId,omitempty"`
	MeasureID   int64            `json:"measureId,omitempty"`
	Title       string           `json:"title"`
	Objective   string           `json:"objective"`
	Questions   string           `json:"questions"`
	Predictions string           `json:"predictions"`
	Who         string           `json:"who"`
	What        string           `json:"what"`
	When        string           `json:"when"`
	Where       string           `json:"where"`
	DataPlan    string           `json:"dataPlan"`
	DoNotes     string           `json:"doNotes"`
	StartedOn   string           `json:"startedOn,omitempty"`
	EndedOn     string           `json:"endedOn,omitempty"`
	WentWell    string           `json:"wentWell"`
	Differed    string           `json:"differed"`
	Decision    improve.Decision `json:"decision"`
	NextStep    string           `json:"nextStep"`
	Stage       improve.Stage    `json:"stage"`
}

func toAPIPDSA(p *improve.PDSA) apiPDSA {
	return apiPDSA{ID: p.ID, ChangeID: p.ChangeID, PreviousID: p.PreviousID, MeasureID: p.MeasureID, Title: p.Title, Objective: p.Objective, Questions: p.Questions, Predictions: p.Predictions,
		Who: p.Who, What: p.What, When: p.When, Where: p.Where, DataPlan: p.DataPlan, DoNotes: p.DoNotes, StartedOn: p.StartedOn.String(), EndedOn: p.EndedOn.String(),
		WentWell: p.WentWell, Differed: p.Differed, Decision: p.Decision, NextStep: p.NextStep, Stage: p.Stage()}
}

func (s *Server) apiPDSAs(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	ps, err := s.db.PDSAs(r.Context(), rc.Collab.ID, rc.Team.ID)
	if err != nil {
		return err
	}
	out := []apiPDSA{}
	for _, p := range ps {
		out = append(out, toAPIPDSA(p))
	}
	writeJSON(w, http.StatusOK, map[string]any{"cycles": out})
	return nil
}

func (s *Server) apiPDSACreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	in, err := decode[apiPDSA](r)
	if err != nil {
		return err
	}
	p := &improve.PDSA{CollaborativeID: rc.Collab.ID, TeamID: rc.Team.ID, ChangeID: in.ChangeID, PreviousID: in.PreviousID, MeasureID: in.MeasureID, Title: in.Title, Objective: in.Objective,
		Questions: in.Questions, Predictions: in.Predictions, Who: in.Who, What: in.What, When: in.When, Where: in.Where, DataPlan: in.DataPlan, DoNotes: in.DoNotes,
		WentWell: in.WentWell, Differed: in.Differed, Decision: in.Decision, NextStep: in.NextStep}
	v := collab.NewValidation()
	if p.StartedOn, err = collab.ParseDate(in.StartedOn); err != nil {
		v.Add("startedOn", "error.date")
	}
	if p.EndedOn, err = collab.ParseDate(in.EndedOn); err != nil {
		v.Add("endedOn", "error.date")
	}
	if err := v.Err(); err != nil {
		return err
	}
	if err := s.db.SavePDSA(r.Context(), rc.who(), p); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toAPIPDSA(p))
	return nil
}

type apiFrameworkSummary struct {
	ID         int64  `json:"id"`
	Key        string `json:"key"`
	Name       string `json:"name"`
	BuiltinKey string `json:"builtinKey,omitempty"`
}

func (s *Server) apiFrameworks(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	fs, err := s.db.Frameworks(r.Context(), rc.Collab.ID)
	if err != nil {
		return err
	}
	out := []apiFrameworkSummary{}
	for _, f := range fs {
		out = append(out, apiFrameworkSummary{ID: f.ID, Key: f.Key, Name: f.Name, BuiltinKey: f.BuiltinKey})
	}
	writeJSON(w, http.StatusOK, map[string]any{"frameworks": out})
	return nil
}

// apiFramework answers the collaborative's copy in the framework file
// format (retired nodes left out), so it imports again as it is.
func (s *Server) apiFramework(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	f, err := s.findFramework(r, rc)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f.Export())
	return nil
}
