package web

import (
	"html/template"
	"net/http"
	"slices"

	"github.com/goeswell/goeswell/internal/chart"
	"github.com/goeswell/goeswell/internal/improve"
	"github.com/goeswell/goeswell/internal/spc"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

// A disaggregated measure (seed 003's disaggregated data: a measure split
// into groups such as age groups) is shown by group on the collaborative's
// views too, not only on a team's page: every team's values of a group
// summed, one panel a group.

// groupView is a grouped measure's chart over every team, as drawn.
type groupView struct {
	SVG   template.HTML
	Table template.HTML
	// Hidden counts the group-periods left out for the reader (too few
	// teams, or a count of people under the threshold).
	Hidden int
}

// groupAggregate draws measure m by group over every team. restricted
// readers (funders, evaluators, co-leads) see a group's period only when
// at least MinAggregateTeams teams reported it and, for a proportion,
// its numerator and denominator (counts of people) reach minCell; when
// one group of a period is left out, the smallest other is left out too,
// or the period's total (the aggregate chart) would give it away.
func (s *Server) groupAggregate(r *http.Request, rc *reqCtx, m *improve.Measure, restricted bool, minCell int) (*groupView, error) {
	if m.GroupKey == "" {
		return nil, nil
	}
	gps, err := s.db.MeasureGroupPeriods(r.Context(), rc.Collab.ID, m)
	if err != nil {
		return nil, err
	}
	v := &groupView{}
	if restricted {
		gps, v.Hidden = discloseGroups(m, gps, minCell)
	}
	var obs []spc.Obs
	for _, g := range gps {
		o := spc.Obs{Key: spc.DateKey(g.Period.Time()), Label: periodLabel(m, g.Period), Facet1: g.Group, Y: g.Y, N: spc.NA}
		if m.Ratio {
			o.N = g.N
		} else {
			o.Y = g.Y / float64(g.Teams) // a team's mean, as the aggregate chart
		}
		obs = append(obs, o)
	}
	if len(obs) == 0 {
		return v, nil
	}
	res, err := spc.Compute(obs, m.Ratio, spc.AggSum, chartOptions(m, r.URL.Query().Get("rules")))
	if err != nil {
		return nil, err
	}
	p := s.cat.Printer(rc.Lang)
	co := chart.Options{Title: m.Name + " · " + p.Sprintf("measure.by_group", m.GroupKey), YLabel: m.Unit, Width: 720, Height: 260, Words: s.chartWords(rc.Lang)}
	if v.SVG, err = svgString(res, co); err != nil {
		return nil, err
	}
	v.Table = template.HTML(chart.TableIn(res, s.chartWords(rc.Lang))) // #nosec G203 -- chart.TableIn escapes every value
	return v, nil
}

// discloseGroups keeps the group-periods a restricted reader may see (see
// groupAggregate) and counts those left out.
func discloseGroups(m *improve.Measure, gps []sqlstore.GroupPeriod, minCell int) ([]sqlstore.GroupPeriod, int) {
	small := func(g sqlstore.GroupPeriod) bool {
		if g.Teams < MinAggregateTeams {
			return true
		}
		return m.Ratio && (g.Y < float64(minCell) || g.N < float64(minCell))
	}
	var out []sqlstore.GroupPeriod
	hidden := 0
	for i := 0; i < len(gps); {
		j := i
		for j < len(gps) && gps[j].Period == gps[i].Period {
			j++
		}
		period := slices.Clone(gps[i:j])
		hide := make([]bool, len(period))
		n := 0
		for k, g := range period {
			if small(g) {
				hide[k], n = true, n+1
			}
		}
		if n == 1 && len(period) > 1 {
			// Complementary: the next smallest, by its denominator (or
			// value), so the hidden one cannot be had by subtraction.
			best := -1
			for k, g := range period {
				if !hide[k] && (best < 0 || size(m, g) < size(m, period[best])) {
					best = k
				}
			}
			hide[best] = true
		}
		for k, g := range period {
			if hide[k] {
				hidden++
			} else {
				out = append(out, g)
			}
		}
		i = j
	}
	return out, hidden
}

func size(m *improve.Measure, g sqlstore.GroupPeriod) float64 {
	if m.Ratio {
		return g.N
	}
	return g.Y
}
