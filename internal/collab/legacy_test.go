package collab

import (
	"sort"
	"strconv"

	"github.com/goeswell/goeswell/internal/suppress"
)

// legacyComputeSurveyResults is ComputeSurveyResults before issue 11 (results
// recomputed over every response on every read), kept to measure the
// differencing attack. It tabulates responses for teams (teams without a row
// are left out) at threshold k, hiding every group smaller than k and
// enough others that no hidden group can be recovered by subtraction.
func legacyComputeSurveyResults(s *Survey, rs []SurveyResponse, teams []TeamRef, k int) *SurveyResults {
	if k < suppress.MinThreshold {
		k = suppress.MinThreshold
	}
	res := &SurveyResults{Threshold: k, Teams: teams}
	ti := map[int64]int{}
	for i, t := range teams {
		ti[t.ID] = i
	}
	seen := map[Date]bool{}
	for _, r := range rs {
		if _, ok := ti[r.TeamID]; ok && !seen[r.Period] {
			seen[r.Period] = true
			res.Periods = append(res.Periods, r.Period)
		}
	}
	sort.Slice(res.Periods, func(i, j int) bool { return res.Periods[i].Before(res.Periods[j]) })
	pi := map[Date]int{}
	for j, p := range res.Periods {
		pi[p] = j
	}
	grid := func() [][]int {
		g := make([][]int, len(teams))
		for i := range g {
			g[i] = make([]int, len(res.Periods))
		}
		return g
	}
	// Respondents.
	n := grid()
	for _, r := range rs {
		if i, ok := ti[r.TeamID]; ok {
			n[i][pi[r.Period]]++
		}
	}
	t := suppress.NewTable(n)
	m := suppress.Suppress(t, k, nil)
	cell := func(c int, hidden bool, sum float64) Cell {
		if hidden {
			return Cell{Hidden: true}
		}
		out := Cell{N: c}
		if c > 0 {
			out.Mean, out.HasMean = sum/float64(c), true
		}
		return out
	}
	res.Cells = make([][]Cell, len(teams))
	for i := range teams {
		for j := range res.Periods {
			res.Cells[i] = append(res.Cells[i], cell(n[i][j], m.Cell[i][j], 0))
		}
		res.ByTeam = append(res.ByTeam, cell(t.RowTotal[i], m.RowTotal[i], 0))
	}
	for j := range res.Periods {
		res.ByPeriod = append(res.ByPeriod, cell(t.ColTotal[j], m.ColTotal[j], 0))
	}
	res.All = cell(t.Grand, m.Grand, 0)

	for _, q := range s.Questions {
		qr := QuestionResult{Question: q}
		an, sum := grid(), make([][]float64, len(teams))
		for i := range sum {
			sum[i] = make([]float64, len(res.Periods))
		}
		var texts []string
		choice := map[string]int{}
		for _, r := range rs {
			i, ok := ti[r.TeamID]
			a := r.Answers[q.Key]
			if !ok || a == "" {
				continue
			}
			j := pi[r.Period]
			an[i][j]++
			switch q.Kind {
			case QScale:
				v, _ := strconv.Atoi(a)
				sum[i][j] += float64(v)
			case QChoice:
				choice[a]++
			case QText:
				texts = append(texts, a)
			}
		}
		qt := suppress.NewTable(an)
		// A question's groups are hidden wherever the respondents' are,
		// and wherever too few answered that question.
		qm := suppress.Suppress(qt, k, &suppress.Mask{Cell: m.Cell})
		rowSum, colSum, all := make([]float64, len(teams)), make([]float64, len(res.Periods)), 0.0
		for i := range teams {
			for j := range res.Periods {
				rowSum[i] += sum[i][j]
				colSum[j] += sum[i][j]
				all += sum[i][j]
			}
		}
		for i := range teams {
			qr.ByTeam = append(qr.ByTeam, cell(qt.RowTotal[i], qm.RowTotal[i], rowSum[i]))
		}
		for j := range res.Periods {
			qr.ByPeriod = append(qr.ByPeriod, cell(qt.ColTotal[j], qm.ColTotal[j], colSum[j]))
		}
		qr.All = cell(qt.Grand, qm.Grand, all)
		switch q.Kind {
		case QChoice:
			// The options and "no answer" together count every
			// respondent, so the line's total is the respondents' total
			// and no option, nor the people who skipped the question, can
			// be had by subtraction.
			row := make([]int, len(q.Options)+1)
			answered := 0
			for x, o := range q.Options {
				row[x] = choice[o]
				answered += choice[o]
			}
			row[len(q.Options)] = t.Grand - answered
			ot := suppress.NewTable([][]int{row})
			om := suppress.Suppress(ot, k, nil)
			for x := range row {
				o := ""
				if x < len(q.Options) {
					o = q.Options[x]
				}
				qr.Options = append(qr.Options, OptionCount{Option: o, Cell: cell(row[x], om.Cell[0][x] || m.Grand, 0)})
			}
		case QText:
			if !qr.All.Hidden && qr.All.N >= k {
				sort.Strings(texts)
				qr.Texts = texts
			}
		}
		// A question's own answer counts are not published: set against
		// the respondents' counts they would give away how many skipped
		// it in a small group. Means and the options' counts carry the
		// results.
		qr.All.N = 0
		for i := range qr.ByTeam {
			qr.ByTeam[i].N = 0
		}
		for j := range qr.ByPeriod {
			qr.ByPeriod[j].N = 0
		}
		res.Questions = append(res.Questions, qr)
	}
	return res
}
