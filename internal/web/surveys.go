package web

import (
	"fmt"
	"github.com/goeswell/goeswell/internal/csvout"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

// surveyRoutes are the wellbeing check-ins: surveys built from templates,
// answered anonymously through links, with results that never show a group
// smaller than the collaborative's threshold.
func (s *Server) surveyRoutes() []Route {
	return []Route{
		get("/c/{collab}/surveys", collab.PermCollabAggregate, s.surveysPage),
		post("/c/{collab}/surveys", collab.PermCollabCoach, s.surveyCreate),
		post("/c/{collab}/survey-settings", collab.PermCollabManage, s.surveySettings),
		audited(get("/c/{collab}/surveys/{survey}", collab.PermCollabAggregate, s.surveyPage)),
		get("/c/{collab}/surveys/{survey}/results.csv", collab.PermCollabAggregate, s.surveyCSV),
		post("/c/{collab}/surveys/{survey}/links", collab.PermCollabCoach, s.surveyLinks),
		post("/c/{collab}/surveys/{survey}/open", collab.PermCollabCoach, s.surveyOpen),
		// Answering: no account, no address kept.
		anonymous(get("/s/{token}", collab.PermPublic, s.respondForm)),
		anonymous(post("/s/{token}", collab.PermPublic, s.respond)),
		anonymous(get("/s-done", collab.PermPublic, s.respondDone)),

		apiGet("/collaboratives/{collab}/surveys", collab.PermCollabAggregate, s.apiSurveys),
		apiGet("/collaboratives/{collab}/surveys/{survey}/results", collab.PermCollabAggregate, s.apiSurveyResults),
	}
}

// audited marks a read that opens survey results: it leaves an audit row.
func audited(rt Route) Route {
	rt.Audited = true
	return rt
}

// anonymous marks a route whose client address is never read.
func anonymous(rt Route) Route {
	rt.Anonymous = true
	return rt
}

// surveyResults is what one reader may see of results: the cohort sees teams,
// funders and evaluators the collaborative's totals only; free text is for
// coaches and conveners.
func (s *Server) surveyResults(r *http.Request, rc *reqCtx, sv *collab.Survey) (*collab.SurveyResults, error) {
	ctx := r.Context()
	k, err := s.db.SuppressionThreshold(ctx, rc.Collab.ID)
	if err != nil {
		return nil, err
	}
	rs, err := s.db.SurveyResponses(ctx, rc.Collab.ID, sv.ID)
	if err != nil {
		return nil, err
	}
	teams, err := s.db.Teams(ctx, rc.Collab.ID, sqlstore.TeamFilter{})
	if err != nil {
		return nil, err
	}
	var refs []collab.TeamRef
	for _, t := range teams {
		refs = append(refs, collab.TeamRef{ID: t.ID, Name: t.Name})
	}
	res := collab.ComputeSurveyResults(sv, rs, refs, k)
	c := rc.Collab.ID
	if collab.Authorize(rc.Actor, collab.PermCollabCohort, c, 0) != collab.Allow {
		res.Teams, res.Cells, res.ByTeam = nil, nil, nil
		for i := range res.Questions {
			res.Questions[i].ByTeam = nil
		}
	}
	if collab.Authorize(rc.Actor, collab.PermCollabCoach, c, 0) != collab.Allow {
		for i := range res.Questions {
			res.Questions[i].Texts = nil
		}
	}
	return res, nil
}

type surveysPage struct {
	basePage
	Surveys   []*collab.Survey
	Totals    map[int64]collab.Cell
	Coach     bool
	Manager   bool
	Kinds     []collab.SurveyKind
	Threshold int
}

func (s *Server) surveysData(r *http.Request, rc *reqCtx) (*surveysPage, error) {
	c := rc.Collab.ID
	p := &surveysPage{basePage: s.base(r, rc, "survey.list_title"), Kinds: collab.SurveyKinds, Totals: map[int64]collab.Cell{},
		Coach:   collab.Authorize(rc.Actor, collab.PermCollabCoach, c, 0) == collab.Allow,
		Manager: collab.Authorize(rc.Actor, collab.PermCollabManage, c, 0) == collab.Allow}
	var err error
	if p.Surveys, err = s.db.Surveys(r.Context(), c); err != nil {
		return nil, err
	}
	if p.Threshold, err = s.db.SuppressionThreshold(r.Context(), c); err != nil {
		return nil, err
	}
	// The total shown here is the same masked total the results show, so
	// the two cannot be set against each other.
	for _, sv := range p.Surveys {
		res, err := s.surveyResults(r, rc, sv)
		if err != nil {
			return nil, err
		}
		p.Totals[sv.ID] = res.All
	}
	return p, nil
}

func (s *Server) surveysPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.surveysData(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "surveys", p)
}

func (s *Server) surveyCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	f := r.PostForm
	sv := &collab.Survey{CollaborativeID: rc.Collab.ID, Title: f.Get("title"), Kind: collab.SurveyKind(f.Get("kind"))}
	var err error
	if sv.Kind == collab.SurveyCustom {
		sv.Questions, err = collab.ParseQuestions(f.Get("questions"), rc.Lang, s.cat.Languages())
	} else {
		pr := s.cat.Printer(rc.Lang)
		sv.Questions = collab.SurveyTemplate(sv.Kind, func(k string) string { return pr.Sprintf(k) })
	}
	if err == nil {
		err = s.db.CreateSurvey(r.Context(), rc.who(), sv)
	} else if verr := sv.Validate(); verr != nil {
		for k, v := range collab.FieldErrors(verr) {
			if k != "questions" {
				collab.FieldErrors(err)[k] = v
			}
		}
	}
	if fe := collab.FieldErrors(err); fe != nil {
		p, perr := s.surveysData(r, rc)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors = f, fe
		return s.render(w, http.StatusUnprocessableEntity, "surveys", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/surveys/%d", rc.Collab.ID, sv.ID), "flash.created")
}

func (s *Server) surveySettings(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	k, perr := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("threshold")))
	err := s.db.SetSuppressionThreshold(r.Context(), rc.who(), rc.Collab.ID, k)
	if perr != nil {
		err = &collab.ValidationError{Fields: map[string]string{"threshold": "error.threshold"}}
	}
	if fe := collab.FieldErrors(err); fe != nil {
		p, derr := s.surveysData(r, rc)
		if derr != nil {
			return derr
		}
		p.Form, p.Errors = r.PostForm, fe
		return s.render(w, http.StatusUnprocessableEntity, "surveys", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/surveys", rc.Collab.ID), "flash.saved")
}

type surveyPage struct {
	basePage
	Survey  *collab.Survey
	Results *collab.SurveyResults
	Coach   bool
	Cohort  bool
	Links   []collab.SurveyLink
	Teams   []*collab.Team
	// NewLinks are the links just made, shown once (only hashes are kept).
	NewLinks []string
	Charts   map[string]template.HTML
}

// TooFew is the words for a hidden cell.
func (p *surveyPage) TooFew() string { return p.T("survey.too_few") }

func (s *Server) surveyData(r *http.Request, rc *reqCtx) (*surveyPage, error) {
	ctx := r.Context()
	id, err := pathID(r.PathValue("survey"))
	if err != nil {
		return nil, err
	}
	sv, err := s.db.FindSurvey(ctx, rc.Collab.ID, id)
	if err != nil {
		return nil, err
	}
	c := rc.Collab.ID
	p := &surveyPage{basePage: s.base(r, rc, "survey.title"), Survey: sv, Charts: map[string]template.HTML{},
		Coach:  collab.Authorize(rc.Actor, collab.PermCollabCoach, c, 0) == collab.Allow,
		Cohort: collab.Authorize(rc.Actor, collab.PermCollabCohort, c, 0) == collab.Allow}
	p.Title = sv.Title
	if p.Results, err = s.surveyResults(r, rc, sv); err != nil {
		return nil, err
	}
	if p.Coach {
		if p.Links, err = s.db.SurveyLinks(ctx, c, sv.ID); err != nil {
			return nil, err
		}
		if p.Teams, err = s.db.Teams(ctx, c, sqlstore.TeamFilter{}); err != nil {
			return nil, err
		}
	}
	tooFew := p.T("survey.too_few")
	for _, q := range p.Results.Questions {
		if q.Question.Kind != collab.QScale {
			continue
		}
		if len(q.ByTeam) > 0 {
			var bars []bar
			for i, t := range p.Results.Teams {
				bars = append(bars, bar{Label: t.Name, Value: q.ByTeam[i].Mean, Hidden: q.ByTeam[i].Hidden, Empty: !q.ByTeam[i].HasMean})
			}
			p.Charts[q.Question.Key+"-teams"] = barChart(p.T("survey.chart_by_team", q.Question.Text), bars, collab.ScaleMax, tooFew)
		}
		var pts []bar
		for j, d := range p.Results.Periods {
			pts = append(pts, bar{Label: d.Time().Format("2006-01"), Value: q.ByPeriod[j].Mean, Hidden: q.ByPeriod[j].Hidden, Empty: !q.ByPeriod[j].HasMean})
		}
		p.Charts[q.Question.Key+"-time"] = lineChart(p.T("survey.chart_over_time", q.Question.Text), pts, collab.ScaleMax, tooFew)
	}
	return p, nil
}

func (s *Server) surveyPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.surveyData(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "survey", p)
}

// surveyCSV exports what the reader may see of the results, hidden cells
// written as the words for "too few to show".
func (s *Server) surveyCSV(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.surveyData(r, rc)
	if err != nil {
		return err
	}
	res := p.Results
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="survey-%d-results.csv"`, p.Survey.ID))
	w.Header().Set("Cache-Control", "no-store")
	cw := csvout.NewWriter(w)
	val := func(c collab.Cell, mean bool) string {
		switch {
		case c.Hidden:
			return p.TooFew()
		case mean && c.HasMean:
			return strconv.FormatFloat(c.Mean, 'f', collab.MeanDecimals, 64)
		case mean:
			return ""
		}
		return strconv.Itoa(c.N)
	}
	cw.Write([]string{"question", "group", "period", "n", "mean"})
	all := p.T("survey.all_teams")
	cw.Write([]string{"respondents", all, "", val(res.All, false), ""})
	for j, d := range res.Periods {
		cw.Write([]string{"respondents", all, d.String(), val(res.ByPeriod[j], false), ""})
	}
	for i, t := range res.Teams {
		cw.Write([]string{"respondents", t.Name, "", val(res.ByTeam[i], false), ""})
		for j, d := range res.Periods {
			cw.Write([]string{"respondents", t.Name, d.String(), val(res.Cells[i][j], false), ""})
		}
	}
	for _, q := range res.Questions {
		if q.Question.Kind == collab.QText {
			continue // free text is never exported
		}
		if q.Question.Kind == collab.QScale {
			// Means only: a question's answer counts are not published.
			cw.Write([]string{q.Question.Key, all, "", "", val(q.All, true)})
			for j, d := range res.Periods {
				cw.Write([]string{q.Question.Key, all, d.String(), "", val(q.ByPeriod[j], true)})
			}
			for i, t := range res.Teams {
				cw.Write([]string{q.Question.Key, t.Name, "", "", val(q.ByTeam[i], true)})
			}
		}
		for _, o := range q.Options {
			opt := o.Option
			if opt == "" {
				opt = p.T("survey.no_answer")
			}
			cw.Write([]string{q.Question.Key + ":" + opt, all, "", val(o.Cell, false), ""})
		}
	}
	cw.Flush()
	return cw.Error()
}

func (s *Server) surveyLinks(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	f := r.PostForm
	sid, err := pathID(r.PathValue("survey"))
	if err != nil {
		return err
	}
	team, _ := strconv.ParseInt(f.Get("team"), 10, 64)
	single := f.Get("mode") == "single"
	count := 1
	if single {
		count, err = strconv.Atoi(strings.TrimSpace(f.Get("count")))
		if err != nil || count < 1 || count > 500 {
			err = &collab.ValidationError{Fields: map[string]string{"count": "error.link_count"}}
		} else {
			err = nil
		}
	}
	var tokens []string
	if err == nil {
		for range count {
			tokens = append(tokens, newToken("s"))
		}
		err = s.db.CreateSurveyLinks(r.Context(), rc.who(), rc.Collab.ID, sid, team, single, tokens)
	}
	p, perr := s.surveyData(r, rc)
	if perr != nil {
		return perr
	}
	if fe := collab.FieldErrors(err); fe != nil {
		p.Form, p.Errors = f, fe
		return s.render(w, http.StatusUnprocessableEntity, "survey", p)
	}
	if err != nil {
		return err
	}
	for _, t := range tokens {
		p.NewLinks = append(p.NewLinks, s.baseURL+"/s/"+t)
	}
	return s.render(w, http.StatusOK, "survey", p)
}

func (s *Server) surveyOpen(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	sid, err := pathID(r.PathValue("survey"))
	if err != nil {
		return err
	}
	if err := s.db.SetSurveyOpen(r.Context(), rc.who(), rc.Collab.ID, sid, r.PostForm.Get("open") == "1"); err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/surveys/%d", rc.Collab.ID, sid), "flash.saved")
}

type respondPage struct {
	basePage
	Survey *collab.Survey
	Token  string
	Scale  []int
}

// A respondQuestion is a question as the respondent reads it.
type respondQuestion struct {
	collab.Question
	Choices []respondChoice
}

// A respondChoice is an option: the value stored, in the survey's own
// words, and the label shown, in the respondent's language.
type respondChoice struct{ Value, Label string }

// Questions are the survey's questions in the respondent's language. A
// template survey is stored in its creator's language; its questions and
// options are shown from the catalog in the page's language instead, while
// an option still sends the stored text, so answers in every language
// count together. A custom survey is shown as written.
func (p *respondPage) Questions() []respondQuestion {
	var local []collab.Question
	if p.Survey.Kind != collab.SurveyCustom {
		local = collab.SurveyTemplate(p.Survey.Kind, func(k string) string { return p.T(k) })
	}
	out := make([]respondQuestion, len(p.Survey.Questions))
	for i, q := range p.Survey.Questions {
		rq := respondQuestion{Question: q}
		// Labels in the respondent's language: a template's from the
		// catalog, a custom question's from its translation if it has one.
		labels := q.Options
		if i < len(local) && local[i].Key == q.Key && local[i].Kind == q.Kind && len(local[i].Options) == len(q.Options) {
			rq.Text, labels = local[i].Text, local[i].Options
		} else if p.Survey.Kind == collab.SurveyCustom {
			text, opts := q.In(p.Lang)
			if len(opts) == len(q.Options) {
				rq.Text, labels = text, opts
			}
		}
		for j, o := range q.Options {
			rq.Choices = append(rq.Choices, respondChoice{Value: o, Label: labels[j]})
		}
		out[i] = rq
	}
	return out
}

// noTrace marks a respondent's pages: nothing cached, nothing sent on.
func noTrace(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
}

func (s *Server) respondForm(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	noTrace(w)
	tok := r.PathValue("token")
	sv, _, err := s.db.SurveyByToken(r.Context(), tok)
	if err != nil {
		return err
	}
	p := &respondPage{basePage: s.base(r, rc, "survey.respond_title"), Survey: sv, Token: tok, Scale: []int{1, 2, 3, 4, 5}}
	p.Title = sv.Title
	return s.render(w, http.StatusOK, "survey_respond", p)
}

// respond stores answers. The handler passes nothing about the request to
// the store: no account, no address (the audit row is written with an
// empty Who), and answers are never logged.
func (s *Server) respond(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	noTrace(w)
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	tok := r.PathValue("token")
	sv, _, err := s.db.SurveyByToken(r.Context(), tok)
	if err != nil {
		return err
	}
	answers := map[string]string{}
	for _, q := range sv.Questions {
		answers[q.Key] = r.PostForm.Get(q.Key)
	}
	err = s.db.SubmitSurveyResponse(r.Context(), tok, answers)
	if fe := collab.FieldErrors(err); fe != nil {
		p := &respondPage{basePage: s.base(r, rc, "survey.respond_title"), Survey: sv, Token: tok, Scale: []int{1, 2, 3, 4, 5}}
		p.Title, p.Form, p.Errors = sv.Title, r.PostForm, fe
		return s.render(w, http.StatusUnprocessableEntity, "survey_respond", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/s-done", "")
}

func (s *Server) respondDone(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	noTrace(w)
	return s.render(w, http.StatusOK, "survey_done", s.base(r, rc, "survey.done_title"))
}

// The API's shapes for surveys.

type apiSurvey struct {
	ID        int64             `json:"id"`
	Title     string            `json:"title"`
	Kind      collab.SurveyKind `json:"kind"`
	Open      bool              `json:"open"`
	Questions []collab.Question `json:"questions"`
	// Respondents is the masked total: hidden when too few answered.
	Respondents collab.Cell `json:"respondents"`
}

type apiSurveyResults struct {
	Threshold int                 `json:"threshold"`
	Periods   []string            `json:"periods"`
	All       collab.Cell         `json:"all"`
	ByPeriod  []collab.Cell       `json:"byPeriod"`
	Teams     []apiTeamResult     `json:"teams,omitempty"`
	Questions []apiQuestionResult `json:"questions"`
}

type apiTeamResult struct {
	collab.TeamRef
	All      collab.Cell   `json:"all"`
	ByPeriod []collab.Cell `json:"byPeriod"`
}

type apiQuestionResult struct {
	Key      string              `json:"key"`
	Kind     collab.QuestionKind `json:"kind"`
	Text     string              `json:"text"`
	All      collab.Cell         `json:"all"`
	ByPeriod []collab.Cell       `json:"byPeriod"`
	ByTeam   []collab.Cell       `json:"byTeam,omitempty"`
	Options  []apiOption         `json:"options,omitempty"`
}

type apiOption struct {
	Option string `json:"option"`
	collab.Cell
}

func (s *Server) apiSurveys(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	svs, err := s.db.Surveys(r.Context(), rc.Collab.ID)
	if err != nil {
		return err
	}
	out := []apiSurvey{}
	for _, sv := range svs {
		res, err := s.surveyResults(r, rc, sv)
		if err != nil {
			return err
		}
		out = append(out, apiSurvey{ID: sv.ID, Title: sv.Title, Kind: sv.Kind, Open: sv.Open, Questions: sv.Questions, Respondents: res.All})
	}
	writeJSON(w, http.StatusOK, map[string]any{"surveys": out})
	return nil
}

func (s *Server) apiSurveyResults(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	id, err := pathID(r.PathValue("survey"))
	if err != nil {
		return err
	}
	sv, err := s.db.FindSurvey(r.Context(), rc.Collab.ID, id)
	if err != nil {
		return err
	}
	res, err := s.surveyResults(r, rc, sv)
	if err != nil {
		return err
	}
	out := apiSurveyResults{Threshold: res.Threshold, Periods: []string{}, All: res.All, ByPeriod: res.ByPeriod}
	for _, d := range res.Periods {
		out.Periods = append(out.Periods, d.String())
	}
	for i, t := range res.Teams {
		out.Teams = append(out.Teams, apiTeamResult{TeamRef: t, All: res.ByTeam[i], ByPeriod: res.Cells[i]})
	}
	for _, q := range res.Questions {
		if q.Question.Kind == collab.QText {
			continue // free text stays on the page, for coaches only
		}
		aq := apiQuestionResult{Key: q.Question.Key, Kind: q.Question.Kind, Text: q.Question.Text, All: q.All, ByPeriod: q.ByPeriod, ByTeam: q.ByTeam}
		for _, o := range q.Options {
			aq.Options = append(aq.Options, apiOption{Option: o.Option, Cell: o.Cell})
		}
		out.Questions = append(out.Questions, aq)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
