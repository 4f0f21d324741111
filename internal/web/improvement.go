package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/improve"
)

// improvementRoutes are a team's improvement work (aims, driver diagrams,
// PDSA cycles, measures, data, charts), the collaborative's shared
// measures, and its change frameworks.
func (s *Server) improvementRoutes() []Route {
	const t = "/c/{collab}/teams/{team}"
	const at = "/collaboratives/{collab}/teams/{team}"
	return []Route{
		// The team's improvement work.
		get(t+"/improvement", collab.PermTeamRead, s.improvementPage),
		post(t+"/aims", collab.PermTeamWrite, s.aimCreate),
		get(t+"/aims/{aim}", collab.PermTeamRead, s.aimPage),
		post(t+"/aims/{aim}", collab.PermTeamWrite, s.aimUpdate),
		get(t+"/aims/{aim}/diagram.svg", collab.PermTeamRead, s.aimDiagram),
		post(t+"/aims/{aim}/drivers", collab.PermTeamWrite, s.driverCreate),
		post(t+"/aims/{aim}/drivers/{driver}", collab.PermTeamWrite, s.driverUpdate),
		get(t+"/pdsa", collab.PermTeamRead, s.pdsaBoard),
		post(t+"/pdsa", collab.PermTeamWrite, s.pdsaCreate),
		get(t+"/pdsa/{pdsa}", collab.PermTeamRead, s.pdsaPage),
		post(t+"/pdsa/{pdsa}", collab.PermTeamWrite, s.pdsaUpdate),
		get(t+"/measures", collab.PermTeamRead, s.teamMeasures),
		post(t+"/measures", collab.PermTeamWrite, s.teamMeasureCreate),
		get(t+"/measures/{measure}", collab.PermTeamRead, s.teamMeasurePage),
		get(t+"/measures/{measure}/chart.svg", collab.PermTeamRead, s.teamMeasureSVG),
		get(t+"/measures/{measure}/data.csv", collab.PermTeamRead, s.teamMeasureCSV),
		post(t+"/measures/{measure}/limits", collab.PermTeamWrite, s.limitsRecalculate),
		post(t+"/measures/{measure}/limits/{limits}/delete", collab.PermTeamWrite, s.limitsRemove),
		get(t+"/data", collab.PermTeamRead, s.dataGrid),
		post(t+"/data", collab.PermTeamWrite, s.dataSave),
		post(t+"/data/import", collab.PermTeamWrite, s.dataImport),

		// The collaborative's measures.
		get("/c/{collab}/measures", collab.PermCollabAggregate, s.collabMeasures),
		post("/c/{collab}/measures", collab.PermCollabManage, s.collabMeasureCreate),
		get("/c/{collab}/measures/{measure}", collab.PermCollabCoach, s.collabMeasurePage),
		get("/c/{collab}/measures/{measure}/aggregate", collab.PermCollabAggregate, s.aggregatePage),
		get("/c/{collab}/measures/{measure}/aggregate.svg", collab.PermCollabAggregate, s.aggregateSVG),
		get("/c/{collab}/measures/{measure}/aggregate.csv", collab.PermCollabAggregate, s.aggregateCSV),

		// Change frameworks and the change package.
		get("/c/{collab}/frameworks", collab.PermCollabAggregate, s.frameworksPage),
		post("/c/{collab}/frameworks", collab.PermCollabManage, s.frameworkAdopt),
		post("/c/{collab}/frameworks/import", collab.PermCollabManage, s.frameworkImport),
		get("/c/{collab}/frameworks/{fw}", collab.PermCollabAggregate, s.frameworkPage),
		get("/c/{collab}/frameworks/{fw}/export", collab.PermCollabAggregate, s.frameworkExport),
		get("/c/{collab}/frameworks/{fw}/history", collab.PermCollabCoach, s.frameworkHistory),
		get("/c/{collab}/frameworks/{fw}/package", collab.PermCollabCohort, s.changePackage),
		post("/c/{collab}/frameworks/{fw}/package/links", collab.PermCollabManage, s.measureLink),
		post("/c/{collab}/frameworks/{fw}/nodes", collab.PermCollabManage, s.frameworkNodeAdd),
		post("/c/{collab}/frameworks/{fw}/nodes/{node}", collab.PermCollabManage, s.frameworkNodeEdit),

		// JSON API.
		apiGet("/collaboratives/{collab}/measures", collab.PermCollabAggregate, s.apiMeasures),
		apiDo("POST", "/collaboratives/{collab}/measures", collab.PermCollabManage, s.apiMeasureCreate),
		apiGet("/collaboratives/{collab}/frameworks", collab.PermCollabAggregate, s.apiFrameworks),
		apiGet("/collaboratives/{collab}/frameworks/{fw}", collab.PermCollabAggregate, s.apiFramework),
		apiGet(at+"/measures", collab.PermTeamRead, s.apiTeamMeasures),
		apiGet(at+"/values", collab.PermTeamRead, s.apiValues),
		apiDo("PUT", at+"/values", collab.PermTeamWrite, s.apiValuesPut),
		apiDo("POST", at+"/values/import", collab.PermTeamWrite, s.apiValuesImport),
		apiGet(at+"/aims", collab.PermTeamRead, s.apiAims),
		apiGet(at+"/pdsa", collab.PermTeamRead, s.apiPDSAs),
		apiDo("POST", at+"/pdsa", collab.PermTeamWrite, s.apiPDSACreate),
	}
}

func (rc *reqCtx) teamURL(rest string) string {
	return fmt.Sprintf("/c/%d/teams/%d%s", rc.Collab.ID, rc.Team.ID, rest)
}

func (rc *reqCtx) can(p collab.Perm) bool {
	var t int64
	if rc.Team != nil {
		t = rc.Team.ID
	}
	return collab.Authorize(rc.Actor, p, rc.Collab.ID, t) == collab.Allow
}

func formID(f url.Values, name string) int64 {
	id, _ := strconv.ParseInt(strings.TrimSpace(f.Get(name)), 10, 64)
	if id < 0 {
		return 0
	}
	return id
}

// formDate reads a date field, recording a field error if it is malformed.
func formDate(f url.Values, name string, v *collab.Validation) collab.Date {
	d, err := collab.ParseDate(strings.TrimSpace(f.Get(name)))
	if err != nil {
		v.Add(name, "error.date")
	}
	return d
}

// teamBase is what every page of a team's improvement work shows.
type teamBase struct {
	basePage
	Team     *collab.Team
	CanWrite bool
}

func (s *Server) teamBase(r *http.Request, rc *reqCtx, titleKey string) teamBase {
	b := teamBase{basePage: s.base(r, rc, titleKey), Team: rc.Team, CanWrite: rc.can(collab.PermTeamWrite)}
	b.Title = b.T(titleKey) + " · " + rc.Team.Name
	return b
}

type improvementPage struct {
	teamBase
	Aims     []*improve.Aim
	Cycles   []*improve.PDSA
	Measures []measureStatus
	Stages   []improve.Stage
}

// measureStatus is a measure with how its team has reported it.
type measureStatus struct {
	M                *improve.Measure
	Missing, Late    int
	MissingPeriods   []string
	Reported, Signal int
}

func (s *Server) improvementData(r *http.Request, rc *reqCtx) (*improvementPage, error) {
	ctx := r.Context()
	p := &improvementPage{teamBase: s.teamBase(r, rc, "improve.title"), Stages: improve.Stages}
	var err error
	if p.Aims, err = s.db.Aims(ctx, rc.Collab.ID, rc.Team.ID); err != nil {
		return nil, err
	}
	if p.Cycles, err = s.db.PDSAs(ctx, rc.Collab.ID, rc.Team.ID); err != nil {
		return nil, err
	}
	if p.Measures, err = s.teamMeasureStatuses(r, rc); err != nil {
		return nil, err
	}
	return p, nil
}

// CountStage counts the cycles at a stage.
func (p *improvementPage) CountStage(st improve.Stage) int {
	n := 0
	for _, c := range p.Cycles {
		if c.Stage() == st {
			n++
		}
	}
	return n
}

func (s *Server) improvementPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.improvementData(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "improvement", p)
}

func aimFromForm(f url.Values, a *improve.Aim) error {
	v := collab.NewValidation()
	a.Statement, a.HowKnow, a.WhatChanges = f.Get("statement"), strings.TrimSpace(f.Get("howKnow")), strings.TrimSpace(f.Get("whatChanges"))
	a.TargetDate = formDate(f, "targetDate", v)
	a.MeasureIDs = nil
	for _, m := range f["measures"] {
		if id, err := strconv.ParseInt(m, 10, 64); err == nil {
			a.MeasureIDs = append(a.MeasureIDs, id)
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	return a.Validate()
}

func (s *Server) aimCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	a := &improve.Aim{CollaborativeID: rc.Collab.ID, TeamID: rc.Team.ID}
	err := aimFromForm(r.PostForm, a)
	if err == nil {
		err = s.db.SaveAim(r.Context(), rc.who(), a)
	}
	if fe := collab.FieldErrors(err); fe != nil {
		p, perr := s.improvementData(r, rc)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors = r.PostForm, fe
		return s.render(w, http.StatusUnprocessableEntity, "improvement", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, rc.teamURL(fmt.Sprintf("/aims/%d", a.ID)), "flash.created")
}

type aimPage struct {
	teamBase
	Aim      *improve.Aim
	Drivers  []*improve.Driver
	Measures []*improve.Measure
	// Frameworks are the adopted frameworks, whose nodes a change idea
	// may be linked to.
	Frameworks []*improve.CollabFramework
	// DriverForm names the form whose errors the page shows: "aim", a
	// driver's id, or "new-" and the kind of driver being added.
	DriverForm string
}

// HasMeasure reports whether the aim (or the re-shown form) names m.
func (p *aimPage) HasMeasure(id int64) bool {
	if p.Form != nil {
		for _, v := range p.Form["measures"] {
			if v == strconv.FormatInt(id, 10) {
				return true
			}
		}
		return false
	}
	for _, m := range p.Aim.MeasureIDs {
		if m == id {
			return true
		}
	}
	return false
}

// Secondaries lists the secondary drivers, for the change idea form.
func (p *aimPage) Secondaries() []*improve.Driver {
	var out []*improve.Driver
	for _, d := range p.Drivers {
		out = append(out, d.Children...)
	}
	return out
}

func (s *Server) aimData(r *http.Request, rc *reqCtx) (*aimPage, error) {
	ctx := r.Context()
	id, err := pathID(r.PathValue("aim"))
	if err != nil {
		return nil, err
	}
	p := &aimPage{teamBase: s.teamBase(r, rc, "improve.aim_title")}
	if p.Aim, err = s.db.FindAim(ctx, rc.Collab.ID, rc.Team.ID, id); err != nil {
		return nil, err
	}
	if p.Drivers, err = s.db.Drivers(ctx, rc.Collab.ID, rc.Team.ID, id); err != nil {
		return nil, err
	}
	if p.Measures, err = s.db.Measures(ctx, rc.Collab.ID, rc.Team.ID); err != nil {
		return nil, err
	}
	if p.Frameworks, err = s.db.AdoptedFrameworks(ctx, rc.Collab.ID); err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Server) aimPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.aimData(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "aim", p)
}

func (s *Server) aimUpdate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	p, err := s.aimData(r, rc)
	if err != nil {
		return err
	}
	a := *p.Aim
	err = aimFromForm(r.PostForm, &a)
	if err == nil {
		err = s.db.SaveAim(r.Context(), rc.who(), &a)
	}
	if fe := collab.FieldErrors(err); fe != nil {
		p.Form, p.Errors, p.DriverForm = r.PostForm, fe, "aim"
		return s.render(w, http.StatusUnprocessableEntity, "aim", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, rc.teamURL(fmt.Sprintf("/aims/%d", a.ID)), "flash.saved")
}

func (s *Server) aimDiagram(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.aimData(r, rc)
	if err != nil {
		return err
	}
	svg := driverDiagramSVG(p.Aim, p.Drivers, p.T)
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write([]byte(svg))
	return err
}

func (s *Server) driverCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	p, err := s.aimData(r, rc)
	if err != nil {
		return err
	}
	f := r.PostForm
	d := &improve.Driver{CollaborativeID: rc.Collab.ID, TeamID: rc.Team.ID, AimID: p.Aim.ID, Kind: improve.DriverKind(f.Get("kind")),
		ParentID: formID(f, "parent"), Title: f.Get("title"), FrameworkNodeID: formID(f, "frameworkNode")}
	err = s.db.AddDriver(r.Context(), rc.who(), d)
	if fe := collab.FieldErrors(err); fe != nil {
		p.Form, p.Errors, p.DriverForm = f, fe, "new-"+f.Get("kind")
		return s.render(w, http.StatusUnprocessableEntity, "aim", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, rc.teamURL(fmt.Sprintf("/aims/%d#driver-%d", p.Aim.ID, d.ID)), "flash.created")
}

func (s *Server) driverUpdate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	p, err := s.aimData(r, rc)
	if err != nil {
		return err
	}
	id, err := pathID(r.PathValue("driver"))
	if err != nil {
		return err
	}
	d, err := s.db.FindDriver(r.Context(), rc.Collab.ID, rc.Team.ID, id)
	if err != nil {
		return err
	}
	if d.AimID != p.Aim.ID {
		return fmt.Errorf("driver %d of another aim: %w", id, collab.ErrNotFound)
	}
	f := r.PostForm
	if f.Get("action") == "delete" {
		err = s.db.DeleteDriver(r.Context(), rc.who(), rc.Collab.ID, rc.Team.ID, id)
	} else {
		if f.Has("title") {
			d.Title = f.Get("title")
		}
		if d.Kind == improve.DriverChange {
			d.FrameworkNodeID = formID(f, "frameworkNode")
		}
		err = s.db.UpdateDriver(r.Context(), rc.who(), d)
	}
	if fe := collab.FieldErrors(err); fe != nil {
		p.Form, p.Errors, p.DriverForm = f, fe, fmt.Sprint(id)
		return s.render(w, http.StatusUnprocessableEntity, "aim", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, rc.teamURL(fmt.Sprintf("/aims/%d", p.Aim.ID)), "flash.saved")
}

type pdsaBoardPage struct {
	teamBase
	Cycles   []*improve.PDSA
	Changes  []*improve.Driver
	Stages   []improve.Stage
	Measures []*improve.Measure // a cycle may name the measure it should move
}

// AtStage lists the cycles at a stage.
func (p *pdsaBoardPage) AtStage(st improve.Stage) []*improve.PDSA {
	var out []*improve.PDSA
	for _, c := range p.Cycles {
		if c.Stage() == st {
			out = append(out, c)
		}
	}
	return out
}

// Ramp lists a change idea's cycles in order, for the ramps view.
func (p *pdsaBoardPage) Ramp(changeID int64) []*improve.PDSA {
	var out []*improve.PDSA
	for _, c := range p.Cycles {
		if c.ChangeID == changeID {
			out = append(out, c)
		}
	}
	return out
}

func (s *Server) pdsaBoardData(r *http.Request, rc *reqCtx) (*pdsaBoardPage, error) {
	p := &pdsaBoardPage{teamBase: s.teamBase(r, rc, "pdsa.board_title"), Stages: improve.Stages}
	var err error
	if p.Cycles, err = s.db.PDSAs(r.Context(), rc.Collab.ID, rc.Team.ID); err != nil {
		return nil, err
	}
	if p.Measures, err = s.db.Measures(r.Context(), rc.Collab.ID, rc.Team.ID); err != nil {
		return nil, err
	}
	p.Changes, err = s.db.ChangeIdeas(r.Context(), rc.Collab.ID, rc.Team.ID)
	return p, err
}

func (s *Server) pdsaBoard(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.pdsaBoardData(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "pdsa_board", p)
}

// pdsaFromForm reads every field of the cycle form that was sent.
func pdsaFromForm(f url.Values, c *improve.PDSA) error {
	v := collab.NewValidation()
	str := func(name string, dst *string) {
		if f.Has(name) {
			*dst = strings.TrimSpace(strings.ReplaceAll(f.Get(name), "\r\n", "\n"))
		}
	}
	str("title", &c.Title)
	str("objective", &c.Objective)
	str("questions", &c.Questions)
	str("predictions", &c.Predictions)
	str("who", &c.Who)
	str("what", &c.What)
	str("when", &c.When)
	str("where", &c.Where)
	str("dataPlan", &c.DataPlan)
	str("doNotes", &c.DoNotes)
	str("wentWell", &c.WentWell)
	str("differed", &c.Differed)
	str("nextStep", &c.NextStep)
	if f.Has("change") {
		c.ChangeID = formID(f, "change")
	}
	if f.Has("previous") {
		c.PreviousID = formID(f, "previous")
	}
	if f.Has("measure") {
		c.MeasureID = formID(f, "measure")
	}
	if f.Has("startedOn") {
		c.StartedOn = formDate(f, "startedOn", v)
	}
	if f.Has("endedOn") {
		c.EndedOn = formDate(f, "endedOn", v)
	}
	if f.Has("decision") {
		c.Decision = improve.Decision(f.Get("decision"))
	}
	if err := v.Err(); err != nil {
		return err
	}
	return c.Validate()
}

func (s *Server) pdsaCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	c := &improve.PDSA{CollaborativeID: rc.Collab.ID, TeamID: rc.Team.ID}
	err := pdsaFromForm(r.PostForm, c)
	if err == nil {
		err = s.db.SavePDSA(r.Context(), rc.who(), c)
	}
	if fe := collab.FieldErrors(err); fe != nil {
		p, perr := s.pdsaBoardData(r, rc)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors = r.PostForm, fe
		return s.render(w, http.StatusUnprocessableEntity, "pdsa_board", p)
	}
	if err != nil {
		return err
	}
	s.autoSharePDSA(r.Context(), rc, c)
	return s.redirect(w, r, rc.teamURL(fmt.Sprintf("/pdsa/%d", c.ID)), "flash.created")
}

type pdsaPage struct {
	teamBase
	Measures  []*improve.Measure
	Cycle     *improve.PDSA
	Changes   []*improve.Driver
	Others    []*improve.PDSA
	Decisions []improve.Decision
}

func (s *Server) pdsaData(r *http.Request, rc *reqCtx) (*pdsaPage, error) {
	id, err := pathID(r.PathValue("pdsa"))
	if err != nil {
		return nil, err
	}
	p := &pdsaPage{teamBase: s.teamBase(r, rc, "pdsa.title"), Decisions: improve.Decisions}
	ctx := r.Context()
	if p.Cycle, err = s.db.FindPDSA(ctx, rc.Collab.ID, rc.Team.ID, id); err != nil {
		return nil, err
	}
	if p.Changes, err = s.db.ChangeIdeas(ctx, rc.Collab.ID, rc.Team.ID); err != nil {
		return nil, err
	}
	if p.Measures, err = s.db.Measures(ctx, rc.Collab.ID, rc.Team.ID); err != nil {
		return nil, err
	}
	all, err := s.db.PDSAs(ctx, rc.Collab.ID, rc.Team.ID)
	for _, c := range all {
		if c.ID != id {
			p.Others = append(p.Others, c)
		}
	}
	return p, err
}

func (s *Server) pdsaPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.pdsaData(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "pdsa", p)
}

func (s *Server) pdsaUpdate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	p, err := s.pdsaData(r, rc)
	if err != nil {
		return err
	}
	c := *p.Cycle
	err = pdsaFromForm(r.PostForm, &c)
	if err == nil {
		err = s.db.SavePDSA(r.Context(), rc.who(), &c)
	}
	if fe := collab.FieldErrors(err); fe != nil {
		p.Form, p.Errors = r.PostForm, fe
		return s.render(w, http.StatusUnprocessableEntity, "pdsa", p)
	}
	if err != nil {
		return err
	}
	s.autoSharePDSA(r.Context(), rc, &c)
	if r.PostForm.Get("next") != "" && c.Decision != improve.DecisionNone && c.Decision != improve.DecisionAbandon {
		// Start the next cycle of the ramp from Act's "next step".
		n := &improve.PDSA{CollaborativeID: c.CollaborativeID, TeamID: c.TeamID, ChangeID: c.ChangeID, PreviousID: c.ID, MeasureID: c.MeasureID,
			Title: c.Title, Objective: c.NextStep}
		if err := s.db.SavePDSA(r.Context(), rc.who(), n); err != nil {
			return err
		}
		return s.redirect(w, r, rc.teamURL(fmt.Sprintf("/pdsa/%d", n.ID)), "flash.created")
	}
	return s.redirect(w, r, rc.teamURL(fmt.Sprintf("/pdsa/%d", c.ID)), "flash.saved")
}
