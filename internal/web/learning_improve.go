package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/improve"
	"github.com/goeswell/goeswell/internal/learning"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

// compileReport compiles a team's monthly report: the store's sections
// (resources used, items shared) and, from the improvement work, the PDSA
// cycles active in the month and each measure with its value, signals and
// chart; the success moments recorded in the month; the team's meetings and
// activity hours.
func (s *Server) compileReport(ctx context.Context, c *collab.Collaborative, team *collab.Team, month collab.Date) (*learning.Content, error) {
	content, err := s.db.CompileReport(ctx, c.ID, team.ID, month)
	if err != nil {
		return nil, err
	}
	from := learning.MonthOf(month)
	to := from.AddMonths(1)
	cycles, err := s.db.PDSAs(ctx, c.ID, team.ID)
	if err != nil {
		return nil, err
	}
	pdsa := learning.Section{Key: "pdsa", Rows: []learning.Row{}}
	for _, p := range cycles {
		if !activeIn(p, from, to) {
			continue
		}
		learned := joinNonEmpty(p.WentWell, p.Differed)
		// Catalog keys, shown in the reader's language (see Label).
		val := "pdsa.stage_" + string(p.Stage())
		if p.Decision != improve.DecisionNone {
			val = "pdsa.decision_" + string(p.Decision)
		}
		pdsa.Rows = append(pdsa.Rows, learning.Row{ID: fmt.Sprint("pdsa:", p.ID), Label: p.Title, Value: val, Note: joinNonEmpty(p.Objective, learned)})
	}
	measures, err := s.db.Measures(ctx, c.ID, team.ID)
	if err != nil {
		return nil, err
	}
	ms := learning.Section{Key: "measures", Rows: []learning.Row{}}
	for _, m := range measures {
		vals, err := s.db.Values(ctx, c.ID, sqlstore.ValueFilter{TeamID: team.ID, MeasureID: m.ID, Lean: true})
		if err != nil {
			return nil, err
		}
		// The chart runs to the end of the month: later data is not this
		// report's.
		var upTo []*improve.Value
		for _, v := range vals {
			if v.Period.Before(to) {
				upTo = append(upTo, v)
			}
		}
		pts := teamTotals(m, upTo)
		row := learning.Row{ID: fmt.Sprint("measure:", m.ID), Label: m.Name}
		var inMonth []collab.Date
		for d := range pts {
			if !d.Before(from) && d.Before(to) {
				inMonth = append(inMonth, d)
			}
		}
		sort.Slice(inMonth, func(i, j int) bool { return inMonth[i].Before(inMonth[j]) })
		var parts []string
		for _, d := range inMonth {
			p := pts[d]
			y := p.y
			if m.Ratio && p.n != 0 {
				y = p.y / p.n
			}
			parts = append(parts, periodLabel(m, d)+": "+shownNum(m, y))
		}
		row.Value = strings.Join(parts, "; ")
		breaks, err := s.db.LimitBreaks(ctx, c.ID, team.ID, m.ID)
		if err != nil {
			return nil, err
		}
		res, co, err := measureChart(m, pts, cycles, breaks, "", m.Name+" · "+team.Name)
		if err != nil {
			return nil, err
		}
		if n, runs := signals(res); n > 0 || runs {
			row.Note = signalText(n, runs)
		}
		svg, err := svgString(res, co)
		if err != nil {
			return nil, err
		}
		row.Chart = string(svg)
		ms.Rows = append(ms.Rows, row)
	}
	att, err := s.attendanceSection(ctx, c, team, from)
	if err != nil {
		return nil, err
	}
	moments, err := s.db.Moments(ctx, c.ID, sqlstore.ItemFilter{TeamID: team.ID})
	if err != nil {
		return nil, err
	}
	mo := learning.Section{Key: "moments", Rows: []learning.Row{}}
	for _, m := range moments {
		if d := collab.DateOf(m.CreatedAt); d.Before(from) || !d.Before(to) {
			continue
		}
		mo.Rows = append(mo.Rows, learning.Row{ID: fmt.Sprint("moment:", m.ID), Label: m.Title, Value: m.Learning, Note: m.MadePossible})
	}
	content.Sections = append([]learning.Section{ms, pdsa, mo, att}, content.Sections...)
	return content, nil
}

// attendanceSection is the team's meetings and activity hours for the
// month, from the engagement feature's compliance.
func (s *Server) attendanceSection(ctx context.Context, c *collab.Collaborative, team *collab.Team, month collab.Date) (learning.Section, error) {
	sec := learning.Section{Key: "attendance", Rows: []learning.Row{}}
	tcs, err := s.db.Compliance(ctx, c)
	if err != nil {
		return sec, err
	}
	for _, tc := range tcs {
		if tc.Team == nil || tc.Team.ID != team.ID {
			continue
		}
		for _, mc := range tc.Months {
			if mc.Month != month {
				continue
			}
			sec.Rows = append(sec.Rows,
				learning.Row{ID: "meetings", Label: "report.row.meetings", Value: strconv.Itoa(mc.Meetings),
					Note: fmt.Sprintf("%d covered, %d excused, %d missed", mc.Covered, mc.Excused, mc.Missed)},
				learning.Row{ID: "hours", Label: "report.row.hours", Value: strconv.FormatFloat(mc.Hours, 'f', -1, 64),
					Note: fmt.Sprintf("%g–%g expected", c.Policy.HoursMin, c.Policy.HoursMax)})
		}
	}
	return sec, nil
}

// signalText says what an SPC chart signals, for reports and the feed.
// It is stored in frozen reports and snapshots, so it is plain English
// data rather than a catalog key.
func signalText(points int, runs bool) string {
	var s []string
	switch {
	case points == 1:
		s = append(s, "1 point signals")
	case points > 1:
		s = append(s, fmt.Sprintf("%d points signal", points))
	}
	if runs {
		s = append(s, "runs signal")
	}
	return strings.Join(s, "; ")
}

// activeIn reports whether a cycle was worked on in [from, to): started,
// ended or updated then.
func activeIn(p *improve.PDSA, from, to collab.Date) bool {
	in := func(d collab.Date) bool { return !d.IsZero() && !d.Before(from) && d.Before(to) }
	return in(p.StartedOn) || in(p.EndedOn) || in(collab.DateOf(p.UpdatedAt)) ||
		(!p.StartedOn.IsZero() && p.StartedOn.Before(from) && (p.EndedOn.IsZero() || !p.EndedOn.Before(from)))
}

// SVG shows a chart drawn by the server (see learning.Summary.Chart and
// learning.Row.Chart: never from input).
func (p basePage) SVG(s string) template.HTML { return template.HTML(s) }

// pdsaSummary is a PDSA cycle's snapshot for the feed.
func pdsaSummary(p *improve.PDSA) learning.Summary {
	sum := learning.Summary{Title: p.Title, Body: joinNonEmpty(p.Objective, p.Predictions), Learned: joinNonEmpty(p.WentWell, p.Differed),
		Fields: map[string]string{"stage": string(p.Stage())}}
	if p.Change != "" {
		sum.Fields["change"] = p.Change
	}
	if p.Decision != improve.DecisionNone {
		sum.Fields["decision"] = string(p.Decision)
	}
	if p.NextStep != "" {
		sum.Fields["next"] = p.NextStep
	}
	return sum
}

// autoSharePDSA shares a cycle just recorded if the team shares cycles by
// default (see sqlstore.ShareByDefault). Sharing is a courtesy to the
// cohort: a failure is logged, and the team's save stands.
func (s *Server) autoSharePDSA(ctx context.Context, rc *reqCtx, p *improve.PDSA) {
	sh := &learning.Share{CollaborativeID: rc.Collab.ID, TeamID: rc.Team.ID, Kind: learning.SharePDSA, ItemID: p.ID, Summary: pdsaSummary(p)}
	if _, err := s.db.ShareByDefault(ctx, rc.who(), sh); err != nil {
		s.log.Warn("share a PDSA cycle by default", "pdsa", p.ID, "err", err)
	}
}

// pdsaShare shares a PDSA cycle and what the team learned from it.
func (s *Server) pdsaShare(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	id, err := pathID(r.PathValue("pdsa"))
	if err != nil {
		return err
	}
	p, err := s.db.FindPDSA(r.Context(), rc.Collab.ID, rc.Team.ID, id)
	if err != nil {
		return err
	}
	sh := &learning.Share{CollaborativeID: rc.Collab.ID, TeamID: rc.Team.ID, Kind: learning.SharePDSA, ItemID: p.ID, Summary: pdsaSummary(p)}
	if err := s.db.Share(r.Context(), rc.who(), sh); err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/teams/%d/pdsa/%d", rc.Collab.ID, rc.Team.ID, id), "learning.flash.shared")
}

// measureShare shares a measure's chart, as drawn now, with its signals.
func (s *Server) measureShare(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	d, err := s.teamMeasureChart(r, rc)
	if err != nil {
		return err
	}
	m, res := d.M, d.Res
	svg, err := svgString(res, d.Co)
	if err != nil {
		return err
	}
	n, runs := signals(res)
	sum := learning.Summary{Title: m.Name, Body: m.Definition, Signal: signalText(n, runs), Chart: string(svg)}
	sh := &learning.Share{CollaborativeID: rc.Collab.ID, TeamID: rc.Team.ID, Kind: learning.ShareChart, ItemID: m.ID, Summary: sum}
	if err := s.db.Share(r.Context(), rc.who(), sh); err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/teams/%d/measures/%d", rc.Collab.ID, rc.Team.ID, m.ID), "learning.flash.shared")
}

// FieldLabel names a shared item's field: a known one in the reader's
// language, another (an API client's own) as it was given.
func (p basePage) FieldLabel(k string) string {
	if key := "learning.share_field." + k; p.s.cat.Has(key) {
		return p.T(key)
	}
	return k
}

// FieldValue shows a shared item's field value: a PDSA cycle's stage or
// decision as a word in the reader's language ("Adopt", not "adopt"),
// anything else as it was written.
func (p basePage) FieldValue(k, v string) string {
	var key string
	switch k {
	case "stage":
		key = "pdsa.stage_" + v
	case "decision":
		key = "pdsa.decision_" + v
	}
	if key != "" && p.s.cat.Has(key) {
		return p.T(key)
	}
	return v
}

// Label shows a compiled report's value or label: a catalog key in the
// reader's language, anything else as it is.
func (p basePage) Label(v string) string {
	if (strings.HasPrefix(v, "pdsa.") || strings.HasPrefix(v, "report.row.")) && p.s.cat.Has(v) {
		return p.T(v)
	}
	return v
}

// syncMomentShare keeps the cohort feed in step with a success moment's
// own "share with the cohort" choice: shared, it is on the feed with a
// fresh snapshot; not shared, it is taken off. A failure is logged; the
// team's save stands.
func (s *Server) syncMomentShare(ctx context.Context, rc *reqCtx, m *collab.SuccessMoment) {
	var err error
	if m.Shared {
		sum := learning.Summary{Title: m.Title, Body: m.Story, Learned: m.Learning, Fields: map[string]string{}}
		if m.MadePossible != "" {
			sum.Fields["made_possible"] = m.MadePossible
		}
		if m.WhoInvolved != "" {
			sum.Fields["who_involved"] = m.WhoInvolved
		}
		err = s.db.Share(ctx, rc.who(), &learning.Share{CollaborativeID: rc.Collab.ID, TeamID: rc.Team.ID, Kind: learning.ShareMoment, ItemID: m.ID, Summary: sum})
	} else {
		err = s.db.WithdrawItem(ctx, rc.who(), rc.Collab.ID, rc.Team.ID, learning.ShareMoment, m.ID)
	}
	if err != nil {
		s.log.Warn("sync a success moment with the feed", "moment", m.ID, "err", err)
	}
}
