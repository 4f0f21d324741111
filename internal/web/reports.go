package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/learning"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

type teamReportsPage struct {
	basePage
	Team    *collab.Team
	Reports []*learning.Report
	// Month is the month the form starts (YYYY-MM), Draft its report.
	Month    string
	Draft    *learning.Report
	Content  *learning.Content
	Progress []int
	Due      collab.Date
}

func reportListTable(p basePage, rs []*learning.Report, name string) table {
	t := table{Name: name, Head: []string{p.T("field.team"), p.T("report.month"), p.T("report.status"), p.T("report.progress"), p.T("report.submitted_at"), p.T("report.reviewed_at")}}
	for _, r := range rs {
		t.Rows = append(t.Rows, []string{r.TeamName, r.Month.String()[:7], p.T("report.status." + string(r.Status)), progressText(r.Progress),
			p.Date(r.SubmittedAt), p.Date(r.ReviewedAt)})
	}
	return t
}

func progressText(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// parseMonth reads YYYY-MM (or a full date) as the first of its month.
func parseMonth(s string) (collab.Date, error) {
	s = strings.TrimSpace(s)
	if len(s) == 7 {
		s += "-01"
	}
	d, err := collab.ParseDate(s)
	if err != nil || d.IsZero() {
		return collab.Date{}, fmt.Errorf("month %q: %w", s, collab.ErrNotFound)
	}
	return learning.MonthOf(d), nil
}

func (s *Server) teamReportsData(r *http.Request, rc *reqCtx) (*teamReportsPage, error) {
	ctx := r.Context()
	st, err := s.db.LearningSettings(ctx, rc.Collab.ID)
	if err != nil {
		return nil, err
	}
	p := &teamReportsPage{basePage: s.base(r, rc, "report.team_title"), Team: rc.Team, Progress: learning.ProgressScale}
	if p.Reports, err = s.db.Reports(ctx, rc.Collab.ID, sqlstore.ReportFilter{TeamID: rc.Team.ID}); err != nil {
		return nil, err
	}
	// The month to report on: the one asked for, else last month.
	month := learning.MonthOf(s.db.Today()).AddMonths(-1)
	if m := r.URL.Query().Get("month"); m != "" {
		if month, err = parseMonth(m); err != nil {
			return nil, err
		}
	}
	if r.Method == http.MethodPost {
		if m, err := parseMonth(r.PostForm.Get("month")); err == nil {
			month = m
		}
	}
	p.Month, p.Due = month.String()[:7], learning.DueDate(month, st.ReportDueDay)
	for _, rep := range p.Reports {
		if rep.Month == month {
			p.Draft = rep
		}
	}
	if p.Draft == nil || !p.Draft.Frozen() {
		if p.Content, err = s.compileReport(ctx, rc.Collab, rc.Team, month); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (s *Server) teamReportsPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	format, err := exportFormat(r)
	if err != nil {
		return err
	}
	p, err := s.teamReportsData(r, rc)
	if err != nil {
		return err
	}
	if format != "" {
		return s.export(w, r, rc, format, reportListTable(p.basePage, p.Reports, "reports"))
	}
	return s.render(w, http.StatusOK, "reports_team", p)
}

// reportSave saves the team's draft for a month, or (action=submit)
// submits it: the compiled report is frozen as JSON with it.
func (s *Server) reportSave(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	ctx := r.Context()
	f := r.PostForm
	submit := f.Get("action") == "submit"
	rep := &learning.Report{CollaborativeID: rc.Collab.ID, TeamID: rc.Team.ID, Narrative: f.Get("narrative")}
	rep.Progress, _ = strconv.Atoi(f.Get("progress"))
	var err error
	if rep.Month, err = parseMonth(f.Get("month")); err != nil {
		err = &collab.ValidationError{Fields: map[string]string{"month": "report.error.month"}}
	} else {
		var content *learning.Content
		if submit {
			content, err = s.compileReport(ctx, rc.Collab, rc.Team, rep.Month)
		}
		if err == nil {
			err = s.db.SaveReport(ctx, rc.who(), rep, submit, content)
		}
	}
	if fe := collab.FieldErrors(err); fe != nil {
		p, perr := s.teamReportsData(r, rc)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors = f, fe
		return s.render(w, http.StatusUnprocessableEntity, "reports_team", p)
	}
	if err != nil {
		return err
	}
	if submit {
		return s.redirect(w, r, fmt.Sprintf("/c/%d/teams/%d/reports/%d", rc.Collab.ID, rc.Team.ID, rep.ID), "learning.flash.report_submitted")
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/teams/%d/reports?month=%s", rc.Collab.ID, rc.Team.ID, rep.Month.String()[:7]), "flash.saved")
}

type reportPage struct {
	basePage
	Team      *collab.Team
	Report    *learning.Report
	Content   *learning.Content
	Diffs     []learning.Difference
	CanReview bool
	Due       collab.Date
}

func (s *Server) reportData(r *http.Request, rc *reqCtx) (*reportPage, error) {
	ctx := r.Context()
	id, err := pathID(r.PathValue("report"))
	if err != nil {
		return nil, err
	}
	rep, err := s.db.FindReport(ctx, rc.Collab.ID, rc.Team.ID, id)
	if err != nil {
		return nil, err
	}
	st, err := s.db.LearningSettings(ctx, rc.Collab.ID)
	if err != nil {
		return nil, err
	}
	p := &reportPage{basePage: s.base(r, rc, "report.title"), Team: rc.Team, Report: rep, CanReview: allowed(rc, collab.PermReportsReview),
		Due: learning.DueDate(rep.Month, st.ReportDueDay)}
	p.Title = p.T("report.heading", rc.Team.Name, p.MonthYear(rep.Month))
	live, err := s.compileReport(ctx, rc.Collab, rc.Team, rep.Month)
	if err != nil {
		return nil, err
	}
	if rep.Frozen() {
		// A submitted report shows what was submitted; later corrections
		// to the data show as differences, never as silent changes.
		p.Content = rep.Content
		p.Diffs = learning.Diff(rep.Content, live)
	} else {
		p.Content = live
	}
	return p, nil
}

// Late reports whether the report was submitted after its due date.
func (p *reportPage) Late() bool {
	return !p.Report.SubmittedAt.IsZero() && !p.Report.SubmittedAt.Before(p.Due.AddDays(1).Time())
}

func reportTable(p *reportPage) table {
	t := table{Name: "report-" + p.Report.Month.String()[:7], Head: []string{p.T("report.section"), p.T("learning.field.title"), p.T("report.value"), p.T("field.note")}}
	t.Rows = append(t.Rows, []string{p.T("report.narrative"), "", p.Report.Narrative, ""},
		[]string{p.T("report.progress"), "", progressText(p.Report.Progress), ""})
	if p.Content != nil {
		for _, sec := range p.Content.Sections {
			for _, row := range sec.Rows {
				t.Rows = append(t.Rows, []string{p.T("report.section." + sec.Key), p.Label(row.Label), p.Label(row.Value), row.Note})
			}
		}
	}
	return t
}

func (s *Server) reportPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	format, err := exportFormat(r)
	if err != nil {
		return err
	}
	p, err := s.reportData(r, rc)
	if err != nil {
		return err
	}
	if format != "" {
		return s.export(w, r, rc, format, reportTable(p))
	}
	return s.render(w, http.StatusOK, "report", p)
}

func (s *Server) reportComment(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	id, err := pathID(r.PathValue("report"))
	if err != nil {
		return err
	}
	err = s.db.CommentOnReport(r.Context(), rc.who(), rc.Collab.ID, rc.Team.ID, id, r.PostForm.Get("body"))
	if fe := collab.FieldErrors(err); fe != nil {
		p, perr := s.reportData(r, rc)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors = r.PostForm, fe
		return s.render(w, http.StatusUnprocessableEntity, "report", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/teams/%d/reports/%d#comments", rc.Collab.ID, rc.Team.ID, id), "learning.flash.commented")
}

func (s *Server) reportReview(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	id, err := pathID(r.PathValue("report"))
	if err != nil {
		return err
	}
	if err := s.db.ReviewReport(r.Context(), rc.who(), rc.Collab.ID, rc.Team.ID, id); err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/teams/%d/reports/%d", rc.Collab.ID, rc.Team.ID, id), "learning.flash.reviewed")
}

type reportsPage struct {
	basePage
	Reports []*learning.Report
	Overdue []sqlstore.Overdue
}

func (s *Server) reportsPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	format, err := exportFormat(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	st, err := s.db.LearningSettings(ctx, rc.Collab.ID)
	if err != nil {
		return err
	}
	p := &reportsPage{basePage: s.base(r, rc, "report.all_title")}
	if p.Reports, err = s.db.Reports(ctx, rc.Collab.ID, sqlstore.ReportFilter{}); err != nil {
		return err
	}
	if p.Overdue, err = s.db.OverdueReports(ctx, rc.Collab, st.ReportDueDay, s.db.Today()); err != nil {
		return err
	}
	if format != "" {
		if r.URL.Query().Get("list") == "overdue" {
			t := table{Name: "overdue-reports", Head: []string{p.T("field.team"), p.T("report.month"), p.T("report.due")}}
			for _, o := range p.Overdue {
				t.Rows = append(t.Rows, []string{o.TeamName, o.Month.String()[:7], o.Due.String()})
			}
			return s.export(w, r, rc, format, t)
		}
		return s.export(w, r, rc, format, reportListTable(p.basePage, p.Reports, "reports"))
	}
	return s.render(w, http.StatusOK, "reports", p)
}

// DraftNarrative is the saved draft's narrative, if any.
func (p *teamReportsPage) DraftNarrative() string {
	if p.Draft == nil {
		return ""
	}
	return p.Draft.Narrative
}

// DraftProgress is the saved draft's progress score, if any.
func (p *teamReportsPage) DraftProgress() string {
	if p.Draft == nil {
		return "0"
	}
	return strconv.Itoa(p.Draft.Progress)
}
