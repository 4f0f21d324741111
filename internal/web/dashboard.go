package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/engage"
	"github.com/goeswell/goeswell/internal/improve"
	"github.com/goeswell/goeswell/internal/learning"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

// A figure is one aggregate as shown: a catalog key and a count.
type figure struct {
	Key   string
	Count learning.Count
}

// figures turns aggregates into what an aggregate page shows. Under the
// disclosure rule (doc/design.md, "One disclosure rule"), every figure
// here counts teams or a team's activities — reports submitted and
// reviewed, items shared, comments, resources, agenda topics and votes —
// not people or their answers, so none is suppressed: the small-count
// threshold blanked nearly all of them for a cohort of five organizations
// while protecting nobody. Figures about people (survey answers,
// population indicators) go through internal/suppress where they are made.
func figures(a *sqlstore.Aggregates) []figure {
	n := func(x int64) learning.Count { return learning.Count{N: x} }
	return []figure{
		{"teams", n(a.Teams)},
		{"active_teams", n(a.ActiveTeams)},
		{"reports_submitted", n(a.ReportsSubmitted)},
		{"reports_reviewed", n(a.ReportsReviewed)},
		{"teams_reporting", n(a.TeamsReporting)},
		{"shares", n(a.Shares)},
		{"teams_sharing", n(a.TeamsSharing)},
		{"comments", n(a.Comments)},
		{"resources_added", n(a.ResourcesAdded)},
		{"resources_used", n(a.ResourcesUsed)},
		{"topics_proposed", n(a.TopicsProposed)},
		{"topics_scheduled", n(a.TopicsScheduled)},
		{"topics_covered", n(a.TopicsCovered)},
		{"votes", n(a.Votes)},
	}
}

// progressFigures is the distribution of teams' self-assessed progress in
// their monthly reports: a team's judgement of its own work, not a
// person's answer, so shown like the other activity figures.
func progressFigures(a *sqlstore.Aggregates) []figure {
	var out []figure
	for _, p := range learning.ProgressScale {
		out = append(out, figure{fmt.Sprint(p), learning.Count{N: a.Progress[p]}})
	}
	return out
}

func figureTable(p basePage, name string, from, to collab.Date, figs []figure, prog []figure, ins []learning.Shown) table {
	t := table{Name: name, Head: []string{p.T("learning.field.section"), p.T("learning.field.figure"), p.T("learning.field.value")}}
	t.Rows = append(t.Rows, []string{p.T("learning.range"), p.T("learning.field.from"), from.String()}, []string{p.T("learning.range"), p.T("learning.field.to"), to.AddDays(-1).String()})
	for _, f := range figs {
		t.Rows = append(t.Rows, []string{p.T("learning.activity"), p.T("learning.figure." + f.Key), p.Count(f.Count)})
	}
	for _, f := range prog {
		t.Rows = append(t.Rows, []string{p.T("report.progress"), p.T("report.progress." + f.Key), p.Count(f.Count)})
	}
	for _, in := range ins {
		t.Rows = append(t.Rows, []string{p.T("indicator.title"), strings.Join([]string{in.Name, in.Geography, in.Period}, " · "), joinNonEmpty(p.ShownCount(in), p.Num(in.Value))})
	}
	return t
}

type teamRow struct {
	Team          *collab.Team
	Report        *learning.Report
	Shares, Uses  int
	OverdueMonths int
}

type dashboardPage struct {
	basePage
	Month      string
	MinCell    int
	Month1     []figure
	AllTime    []figure
	Progress   []figure
	Coach      bool
	Manager    bool
	Teams      []teamRow
	OverdueAll int
	// The table of teams shows one page at a time (listPage).
	TeamsTotal, First, Last int
	PageNo                  int
	Pages                   []int
}

func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	format, err := exportFormat(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	c := rc.Collab
	st, err := s.db.LearningSettings(ctx, c.ID)
	if err != nil {
		return err
	}
	today := s.db.Today()
	month := learning.MonthOf(today)
	cur, err := s.db.LearningAggregates(ctx, c.ID, month, month.AddMonths(1))
	if err != nil {
		return err
	}
	all, err := s.db.LearningAggregates(ctx, c.ID, learning.MonthOf(c.StartDate), today.AddDays(1))
	if err != nil {
		return err
	}
	p := &dashboardPage{basePage: s.base(r, rc, "learning.dashboard_title"), Month: month.String()[:7], MinCell: st.MinCell,
		Month1: figures(cur), AllTime: figures(all), Progress: progressFigures(all),
		Coach: allowed(rc, collab.PermCollabCoach), Manager: allowed(rc, collab.PermCollabManage)}
	if format != "" {
		return s.export(w, r, rc, format, figureTable(p.basePage, "dashboard", learning.MonthOf(c.StartDate), today.AddDays(1), p.AllTime, p.Progress, nil))
	}
	// Team by team is for conveners and coaches only: funders and
	// evaluators see aggregates.
	if p.Coach {
		if p.TeamsTotal, err = s.db.CountTeams(ctx, c.ID); err != nil {
			return err
		}
		var offset int
		p.PageNo, p.Pages, offset = listPage(r, p.TeamsTotal)
		teams, err := s.db.Teams(ctx, c.ID, sqlstore.TeamFilter{Limit: listPerPage, Offset: offset})
		if err != nil {
			return err
		}
		p.First, p.Last = offset+1, offset+len(teams)
		last := month.AddMonths(-1)
		reps, err := s.db.Reports(ctx, c.ID, sqlstore.ReportFilter{From: last, To: month})
		if err != nil {
			return err
		}
		shares, err := s.db.Shares(ctx, c.ID, sqlstore.ShareFilter{From: month, Limit: 1000})
		if err != nil {
			return err
		}
		over, err := s.db.OverdueReports(ctx, c, st.ReportDueDay, today)
		if err != nil {
			return err
		}
		p.OverdueAll = len(over)
		// Indexed by team once: a scan of every report, share and overdue
		// month for each of a thousand teams was millions of steps.
		rows := make(map[int64]*teamRow, len(teams))
		p.Teams = make([]teamRow, len(teams))
		for i, t := range teams {
			p.Teams[i] = teamRow{Team: t}
			rows[t.ID] = &p.Teams[i]
		}
		for _, rep := range reps {
			if row := rows[rep.TeamID]; row != nil {
				row.Report = rep // the last in the store's order, as before
			}
		}
		for _, sh := range shares {
			if row := rows[sh.TeamID]; row != nil {
				row.Shares++
			}
		}
		for _, o := range over {
			if row := rows[o.TeamID]; row != nil {
				row.OverdueMonths++
			}
		}
	}
	return s.render(w, http.StatusOK, "dashboard", p)
}

type funderReportPage struct {
	basePage
	From, To   collab.Date // To is the last day shown
	MinCell    int
	Figures    []figure
	Progress   []figure
	Indicators []learning.Shown
	// Participation is the cohort's month by month (issue 14: the funder
	// report had no attendance, hours or participation).
	Participation []engage.CohortMonth
	// Turnouts are the people at the cohort's meetings month by month,
	// with and without an account, suppressed as figures about people.
	Turnouts []turnoutRow
	// TeamRows are team by team, for conveners and the partner roles the
	// convener chose (collab.Collaborative.ShowsTeamNames); nil otherwise.
	TeamRows []funderTeamRow
	// Measures are the collaborative's shared measures, whose aggregate
	// charts (issue 4) funders may open; Charts draws them in the report
	// (issue 14), as the reader may see them.
	Measures []*improve.Measure
	Charts   []reportChart
	// Feedback is the latest round of feedback on the collaborative closed
	// by the report's end, with its results; Comments says whether the
	// reader may read the written answers (conveners, coaches and state
	// co-leads), beside the suppressed ratings every reader sees.
	Feedback        *collab.FeedbackRound
	FeedbackResults *collab.FeedbackResults
	Comments        bool
	// Evidence is the change package's harvest: each framework node the
	// teams test, with counts of teams, cycles and teams improving (counts
	// of teams, never their names or data).
	Evidence []*evidenceRow
}

// funderReportPage is the funder and efficacy report for a date range:
// aggregates only, with small counts suppressed, printable.
func (s *Server) funderReportPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	format, err := exportFormat(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	c := rc.Collab
	q := r.URL.Query()
	from, ferr := collab.ParseDate(q.Get("from"))
	to, terr := collab.ParseDate(q.Get("to"))
	if ferr != nil || terr != nil {
		return fmt.Errorf("%w: from and to are dates, YYYY-MM-DD", errBadRequest)
	}
	if from.IsZero() {
		from = c.StartDate
	}
	if to.IsZero() {
		to = s.db.Today()
	}
	if to.Before(from) {
		return fmt.Errorf("%w: the range ends before it starts", errBadRequest)
	}
	st, err := s.db.LearningSettings(ctx, c.ID)
	if err != nil {
		return err
	}
	a, err := s.db.LearningAggregates(ctx, c.ID, from, to.AddDays(1))
	if err != nil {
		return err
	}
	p := &funderReportPage{basePage: s.base(r, rc, "learning.funder_title"), From: from, To: to, MinCell: st.MinCell,
		Figures: figures(a), Progress: progressFigures(a)}
	ins, err := s.db.Indicators(ctx, c.ID)
	if err != nil {
		return err
	}
	for _, in := range ins {
		p.Indicators = append(p.Indicators, learning.ShowIndicator(in, st.MinCell))
	}
	ms, err := s.db.Measures(ctx, c.ID, 0)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.Shared() {
			p.Measures = append(p.Measures, m)
		}
	}
	if p.Charts, err = s.reportCharts(r, rc, p.Measures); err != nil {
		return err
	}
	if err := s.reportFeedback(r, rc, p); err != nil {
		return err
	}
	tcs, ts, err := s.db.Participation(ctx, c)
	if err != nil {
		return err
	}
	p.Participation = engage.Cohort(tcs, from, to)
	k, err := s.db.SuppressionThreshold(ctx, c.ID)
	if err != nil {
		return err
	}
	p.Turnouts = monthTurnouts(engage.TurnoutByMonth(ts, from, to), k)
	if c.ShowsTeamNames(rc.Actor) {
		if p.TeamRows, err = s.funderTeamRows(r, c, tcs, from, to); err != nil {
			return err
		}
	}
	fws, err := s.db.AdoptedFrameworks(ctx, c.ID)
	if err != nil {
		return err
	}
	for _, f := range fws {
		rows, err := s.changeEvidence(ctx, c.ID, f)
		if err != nil {
			return err
		}
		if rc.can(collab.PermCollabCohort) && !rc.can(collab.PermCollabCoach) {
			// A team's people know from the change package page which
			// teams test each change.
			withholdImproved(rows)
		}
		for _, row := range rows {
			if len(row.Teams) > 0 {
				p.Evidence = append(p.Evidence, row)
			}
		}
	}
	if format != "" {
		t := figureTable(p.basePage, "funder-report", from, to.AddDays(1), p.Figures, p.Progress, p.Indicators)
		t.Rows = append(t.Rows, participationRows(p.basePage, p.Participation, p.TeamRows)...)
		t.Rows = append(t.Rows, turnoutRows(p.basePage, p.Turnouts)...)
		t.Rows = append(t.Rows, feedbackRows(p.basePage, p.Feedback, p.FeedbackResults)...)
		for _, row := range p.Evidence {
			improving := ""
			if len(row.Measures) > 0 {
				improving = p.T("evidence.improved_of", row.Improved, len(row.Teams))
				if row.ImprovedWithheld {
					improving = p.T("evidence.improved_withheld")
				}
			}
			t.Rows = append(t.Rows, []string{p.T("framework.package_title"), row.Node.Code + " " + row.Node.Title,
				joinNonEmpty(joinNonEmpty(p.T("evidence.teams_testing", len(row.Teams)), p.T("framework.conclusions", row.Adopt, row.Adapt, row.Abandon, row.Open)), improving)})
		}
		return s.export(w, r, rc, format, t)
	}
	return s.render(w, http.StatusOK, "funder_report", p)
}

// A funderTeamRow is one team's activity over the report's range.
type funderTeamRow struct {
	Name                                      string
	Reports, Shares                           int
	Meetings, Covered, Excused, Missed, Below int
	Hours                                     float64
}

// funderTeamRows are the teams' activity figures beside their names:
// reports submitted, items shared, meetings and hours over the range.
func (s *Server) funderTeamRows(r *http.Request, c *collab.Collaborative, tcs []engage.TeamCompliance, from, to collab.Date) ([]funderTeamRow, error) {
	ctx := r.Context()
	reps, err := s.db.Reports(ctx, c.ID, sqlstore.ReportFilter{From: learning.MonthOf(from), To: learning.MonthOf(to).AddMonths(1)})
	if err != nil {
		return nil, err
	}
	shares, err := s.db.Shares(ctx, c.ID, sqlstore.ShareFilter{From: from, To: to.AddDays(1), Limit: 100000})
	if err != nil {
		return nil, err
	}
	byTeam := map[int64]*funderTeamRow{}
	var out []funderTeamRow
	for _, tc := range tcs {
		row := funderTeamRow{Name: tc.Team.Name}
		for _, m := range engage.Cohort([]engage.TeamCompliance{tc}, from, to) {
			row.Meetings += m.Meetings
			row.Covered += m.Covered
			row.Excused += m.Excused
			row.Missed += m.Missed
			row.Below += m.Below
			row.Hours += m.Hours
		}
		out = append(out, row)
	}
	for i, tc := range tcs {
		byTeam[tc.Team.ID] = &out[i]
	}
	for _, rep := range reps {
		if row := byTeam[rep.TeamID]; row != nil && rep.Frozen() {
			row.Reports++
		}
	}
	for _, sh := range shares {
		if row := byTeam[sh.TeamID]; row != nil {
			row.Shares++
		}
	}
	return out, nil
}

// participationRows are the funder report's participation and team rows
// as its CSV and XLSX carry them: the same figures as the page.
func participationRows(p basePage, months []engage.CohortMonth, teams []funderTeamRow) [][]string {
	var rows [][]string
	sec := p.T("partnership.participation.heading")
	for _, m := range months {
		label := m.Month.String()[:7]
		for _, f := range []struct {
			key string
			v   string
		}{
			{"teams", fmt.Sprint(m.Teams)}, {"expected", fmt.Sprint(m.Meetings)}, {"covered", fmt.Sprint(m.Covered)}, {"agreed", fmt.Sprint(m.Excused)},
			{"missed", fmt.Sprint(m.Missed)}, {"hours", p.HoursText(m.Hours)}, {"below", fmt.Sprint(m.Below)}, {"within", fmt.Sprint(m.Within)}, {"above", fmt.Sprint(m.Above)},
		} {
			rows = append(rows, []string{sec, label + " · " + p.T("partnership.participation."+f.key), f.v})
		}
	}
	sec = p.T("partnership.teams.heading")
	for _, t := range teams {
		for _, f := range []struct {
			key string
			v   string
		}{
			{"learning.figure.reports_submitted", fmt.Sprint(t.Reports)}, {"learning.figure.shares", fmt.Sprint(t.Shares)},
			{"partnership.participation.expected", fmt.Sprint(t.Meetings)}, {"partnership.participation.covered", fmt.Sprint(t.Covered)},
			{"partnership.participation.agreed", fmt.Sprint(t.Excused)}, {"partnership.participation.missed", fmt.Sprint(t.Missed)},
			{"partnership.participation.hours", p.HoursText(t.Hours)},
		} {
			rows = append(rows, []string{sec, t.Name + " · " + p.T(f.key), f.v})
		}
	}
	return rows
}

// A cardLine is one line of the report card as shown.
type cardLine struct {
	Item       learning.CardItem
	Figure     *learning.Count
	Indicators []learning.Shown
}

type reportCardPage struct {
	basePage
	Settings  learning.Settings
	Lines     []cardLine
	Items     []learning.CardItem
	IsManager bool
	Public    bool
	PublicURL string
	Figures   []string
	Names     []string
}

func (s *Server) reportCardData(r *http.Request, rc *reqCtx, collabID int64) (*reportCardPage, error) {
	ctx := r.Context()
	st, err := s.db.LearningSettings(ctx, collabID)
	if err != nil {
		return nil, err
	}
	p := &reportCardPage{basePage: s.base(r, rc, "learning.card_title"), Settings: st, Figures: learning.CardFigures}
	if p.Items, err = s.db.CardItems(ctx, collabID); err != nil {
		return nil, err
	}
	c, err := s.db.FindCollaborative(ctx, collabID)
	if err != nil {
		return nil, err
	}
	a, err := s.db.LearningAggregates(ctx, collabID, learning.MonthOf(c.StartDate), s.db.Today().AddDays(1))
	if err != nil {
		return nil, err
	}
	figs := map[string]learning.Count{}
	for _, f := range figures(a) {
		figs[f.Key] = f.Count
	}
	ins, err := s.db.Indicators(ctx, collabID)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, in := range ins {
		if !seen[in.Name] {
			seen[in.Name] = true
			p.Names = append(p.Names, in.Name)
		}
	}
	for _, it := range p.Items {
		l := cardLine{Item: it}
		if it.Kind == "figure" {
			if f, ok := figs[it.Ref]; ok {
				l.Figure = &f
			}
		} else {
			for _, in := range ins {
				if in.Name == it.Ref {
					l.Indicators = append(l.Indicators, learning.ShowIndicator(in, st.MinCell))
				}
			}
		}
		p.Lines = append(p.Lines, l)
	}
	if st.CardPublic && st.CardToken != "" {
		p.PublicURL = s.baseURL + "/cards/" + st.CardToken
	}
	return p, nil
}

func cardTable(p *reportCardPage) table {
	t := table{Name: "report-card", Head: []string{p.T("learning.field.figure"), p.T("learning.card_wording"), p.T("indicator.geography"), p.T("indicator.period"), p.T("learning.field.value")}}
	for _, l := range p.Lines {
		if l.Figure != nil {
			t.Rows = append(t.Rows, []string{l.Item.Label, l.Item.Wording, "", "", p.Count(*l.Figure)})
		}
		for _, in := range l.Indicators {
			t.Rows = append(t.Rows, []string{l.Item.Label, l.Item.Wording, in.Geography, in.Period, joinNonEmpty(p.ShownCount(in), p.Num(in.Value))})
		}
	}
	return t
}

func (s *Server) reportCardPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	format, err := exportFormat(r)
	if err != nil {
		return err
	}
	p, err := s.reportCardData(r, rc, rc.Collab.ID)
	if err != nil {
		return err
	}
	p.IsManager = allowed(rc, collab.PermCollabManage)
	if format != "" {
		return s.export(w, r, rc, format, cardTable(p))
	}
	return s.render(w, http.StatusOK, "report_card", p)
}

// reportCardSave saves the card's wording, lines, publication and the
// collaborative's learning settings (threshold, report due day). Lines are
// posted as kind-N, ref-N, label-N, wording-N; an empty label drops a line.
func (s *Server) reportCardSave(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	ctx := r.Context()
	f := r.PostForm
	st, err := s.db.LearningSettings(ctx, rc.Collab.ID)
	if err != nil {
		return err
	}
	fields := map[string]string{}
	st.CardTitle, st.CardIntro, st.CardPublic = f.Get("cardTitle"), f.Get("cardIntro"), f.Get("cardPublic") != ""
	if _, err := fmt.Sscan(f.Get("minCell"), &st.MinCell); err != nil {
		fields["minCell"] = "error.whole_number"
	}
	if _, err := fmt.Sscan(f.Get("reportDueDay"), &st.ReportDueDay); err != nil {
		fields["reportDueDay"] = "error.whole_number"
	}
	var items []learning.CardItem
	for i := 0; i < 50; i++ {
		n := fmt.Sprint(i)
		if _, ok := f["label-"+n]; !ok {
			continue
		}
		if strings.TrimSpace(f.Get("label-"+n)) == "" && strings.TrimSpace(f.Get("ref-"+n)) == "" {
			continue
		}
		items = append(items, learning.CardItem{Kind: f.Get("kind-" + n), Ref: f.Get("ref-" + n), Label: f.Get("label-" + n), Wording: f.Get("wording-" + n)})
	}
	if len(fields) == 0 {
		err = s.db.SaveReportCard(ctx, rc.who(), &st, items)
		if fe := collab.FieldErrors(err); fe != nil {
			fields = fe
		} else if err != nil {
			return err
		}
	}
	if len(fields) > 0 {
		p, perr := s.reportCardData(r, rc, rc.Collab.ID)
		if perr != nil {
			return perr
		}
		p.IsManager, p.Form, p.Errors = true, f, fields
		return s.render(w, http.StatusUnprocessableEntity, "report_card", p)
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/report-card", rc.Collab.ID), "flash.saved")
}

// reportCardNewAddress gives the public report card a new random address:
// the old link, wherever it was passed on, stops working.
func (s *Server) reportCardNewAddress(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := s.db.NewCardAddress(r.Context(), rc.who(), rc.Collab.ID); err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/report-card", rc.Collab.ID), "learning.card_new_address_done")
}

// publicCardPage shows a published report card to anyone, with the same
// suppression as inside.
func (s *Server) publicCardPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	cid, err := s.db.CollabByCardToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	p, err := s.reportCardData(r, rc, cid)
	if err != nil {
		return err
	}
	p.Public = true
	c, err := s.db.FindCollaborative(r.Context(), cid)
	if err != nil {
		return err
	}
	p.Title = c.Name
	return s.render(w, http.StatusOK, "report_card", p)
}

// ItemsForForm is the card's lines plus two empty ones to add.
func (p *reportCardPage) ItemsForForm() []learning.CardItem {
	out := append([]learning.CardItem{}, p.Items...)
	return append(out, learning.CardItem{Kind: "figure"}, learning.CardItem{Kind: "indicator"})
}
