package collab

import (
	"math"
	"sort"
	"strconv"

	"github.com/goeswell/goeswell/internal/suppress"
)

// A Cell is one published number of survey results: how many answered
// and, for a scale question, their mean. A hidden cell carries no numbers
// at all, so nothing downstream (page, export, API) can leak them.
type Cell struct {
	N    int     `json:"n"`
	Mean float64 `json:"mean,omitempty"`
	// HasMean says Mean is a mean of at least one answer.
	HasMean bool `json:"hasMean,omitempty"`
	Hidden  bool `json:"hidden"`
}

// TeamRef names a team in results.
type TeamRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// SurveyResults are a survey's published results: respondents by team
// (rows) and month (columns) with their totals, and per question the same
// margins, computed over released responses only (see
// ComputeSurveyResults) with the small-group rule applied.
type SurveyResults struct {
	Threshold int
	Teams     []TeamRef
	Periods   []Date
	Cells     [][]Cell
	ByTeam    []Cell
	ByPeriod  []Cell
	All       Cell
	Questions []QuestionResult
}

// QuestionResult is one question's published results.
type QuestionResult struct {
	Question Question
	ByTeam   []Cell
	ByPeriod []Cell
	All      Cell
	// Options counts the answers to a choice question, collaborative-wide.
	Options []OptionCount
	// Texts are free-text answers, pooled across teams and sorted (so
	// their order says nothing), released in batches of the threshold.
	// Callers show them to the cohort's coaches and conveners only.
	Texts []string
}

// OptionCount is how many chose one option.
type OptionCount struct {
	Option string
	Cell
}

// MeanDecimals is the precision of published means. A mean to full
// precision carries its denominator with it (12.0/7 cannot be a mean of
// 8), which is how the count of a question's answers, never published,
// could be worked out; one decimal over at least k answers does not.
const MeanDecimals = 1

// roundMean rounds a mean to MeanDecimals.
func roundMean(x float64) float64 {
	p := math.Pow10(MeanDecimals)
	return math.Round(x*p) / p
}

// release says which answers each published statistic is computed over.
// The unit is the atom: a group's answers are released k at a time, in
// the order they came in — the first k, then the next k — so every
// published number is a sum over whole atoms, and any difference between
// two reads of a number, or between numbers over the same atoms (a team's
// months and its total, a question's teams and its months), is a sum over
// whole atoms: nobody, or at least k people. A remainder smaller than k
// waits for the next atom, also after the survey closes: the reads before
// and after releasing it would isolate fewer than k people.
type release struct {
	// cell[i][j] are the released respondents of team i in period j,
	// as indices into the responses.
	cell [][][]int
	// answers[q][i][j] are the released answers to scale question q.
	answers map[string][][][]int
	// options[q][x] are the released choices of option x of q, the last
	// x being "no answer".
	options map[string][][]int
	// texts[q] are the released free-text answers to q.
	texts map[string][]int
}

// atoms keeps the whole batches of k of idx, in order.
func atoms(idx []int, k int) []int { return idx[:len(idx)/k*k] }

// releaseOf decides what is released of rs (in arrival order) for the
// teams and periods given (ti and pi map a team id and a period to their
// row and column).
func releaseOf(s *Survey, rs []SurveyResponse, ti map[int64]int, pi map[Date]int, teams, periods, k int) *release {
	grid := func() [][][]int {
		g := make([][][]int, teams)
		for i := range g {
			g[i] = make([][]int, periods)
		}
		return g
	}
	rel := &release{cell: grid(), answers: map[string][][][]int{}, options: map[string][][]int{}, texts: map[string][]int{}}
	all := grid()
	var in []int // responses of the teams given
	for x, r := range rs {
		if i, ok := ti[r.TeamID]; ok {
			all[i][pi[r.Period]] = append(all[i][pi[r.Period]], x)
			in = append(in, x)
		}
	}
	for i := range teams {
		for j := range periods {
			rel.cell[i][j] = atoms(all[i][j], k)
		}
	}
	for _, q := range s.Questions {
		switch q.Kind {
		case QScale:
			g := grid()
			for i := range teams {
				for j := range periods {
					var ans []int
					for _, x := range all[i][j] {
						if rs[x].Answers[q.Key] != "" {
							ans = append(ans, x)
						}
					}
					g[i][j] = atoms(ans, k)
				}
			}
			rel.answers[q.Key] = g
		case QChoice:
			by := make([][]int, len(q.Options)+1)
			opt := map[string]int{}
			for x, o := range q.Options {
				opt[o] = x
			}
			for _, x := range in {
				o, ok := opt[rs[x].Answers[q.Key]]
				if !ok {
					o = len(q.Options)
				}
				by[o] = append(by[o], x)
			}
			for o := range by {
				by[o] = atoms(by[o], k)
			}
			rel.options[q.Key] = by
		case QText:
			var ans []int
			for _, x := range in {
				if rs[x].Answers[q.Key] != "" {
					ans = append(ans, x)
				}
			}
			rel.texts[q.Key] = atoms(ans, k)
		}
	}
	return rel
}

// ComputeSurveyResults tabulates responses rs, given in the order they
// came in, for teams (teams without a row are left out) at threshold k.
//
// Results are released in batches: every group's answers — a team's in a
// month, a question's in a team's month, an option's, a question's
// written answers — count only in whole batches of k, in arrival order,
// so a result changes only when k more people of that group have answered
// (see release). Reading before and after one person answers shows
// nothing new, and no two reads, by team, question or month, differ by
// fewer than k people. A group whose answers all wait shows 0, not
// "too few to show": a group turning hidden when its first answer comes
// in would say that someone of it answered, and for an option what they
// chose. Then the small-group rule (internal/suppress) runs over each figure,
// means are rounded to MeanDecimals, and a question's answer counts are
// not published.
func ComputeSurveyResults(s *Survey, rs []SurveyResponse, teams []TeamRef, k int) *SurveyResults {
	res, _ := computeSurveyResults(s, rs, teams, k)
	return res
}

func computeSurveyResults(s *Survey, rs []SurveyResponse, teams []TeamRef, k int) (*SurveyResults, *release) {
	k = max(k, suppress.MinThreshold)
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
	rows, cols := len(teams), len(res.Periods)
	rel := releaseOf(s, rs, ti, pi, rows, cols, k)
	counts := func(g [][][]int) [][]int {
		n := make([][]int, rows)
		for i := range n {
			n[i] = make([]int, cols)
			for j := range n[i] {
				n[i][j] = len(g[i][j])
			}
		}
		return n
	}
	// Respondents: one figure (teams, months, totals), one suppression
	// call. Released counts are multiples of k, so it hides nothing
	// today; it stays as the rule's second line of defence.
	n := counts(rel.cell)
	t := suppress.NewTable(n)
	m := suppress.Suppress(t, k, nil)
	cell := func(c int, hidden bool, sum float64) Cell {
		if hidden {
			return Cell{Hidden: true}
		}
		out := Cell{N: c}
		if c > 0 {
			out.Mean, out.HasMean = roundMean(sum/float64(c)), true
		}
		return out
	}
	res.Cells = make([][]Cell, rows)
	for i := range rows {
		for j := range cols {
			res.Cells[i] = append(res.Cells[i], cell(n[i][j], m.Cell[i][j], 0))
		}
		res.ByTeam = append(res.ByTeam, cell(t.RowTotal[i], m.RowTotal[i], 0))
	}
	for j := range cols {
		res.ByPeriod = append(res.ByPeriod, cell(t.ColTotal[j], m.ColTotal[j], 0))
	}
	res.All = cell(t.Grand, m.Grand, 0)

	for _, q := range s.Questions {
		qr := QuestionResult{Question: q}
		switch q.Kind {
		case QScale:
			g := rel.answers[q.Key]
			qt := suppress.NewTable(counts(g))
			// A question's groups are hidden wherever the respondents'
			// are.
			qm := suppress.Suppress(qt, k, &m)
			sum := func(ix []int) float64 {
				s := 0.0
				for _, x := range ix {
					v, _ := strconv.Atoi(rs[x].Answers[q.Key])
					s += float64(v)
				}
				return s
			}
			rowSum, colSum, all := make([]float64, rows), make([]float64, cols), 0.0
			for i := range rows {
				for j := range cols {
					v := sum(g[i][j])
					rowSum[i] += v
					colSum[j] += v
					all += v
				}
			}
			for i := range rows {
				qr.ByTeam = append(qr.ByTeam, cell(qt.RowTotal[i], qm.RowTotal[i], rowSum[i]))
			}
			for j := range cols {
				qr.ByPeriod = append(qr.ByPeriod, cell(qt.ColTotal[j], qm.ColTotal[j], colSum[j]))
			}
			qr.All = cell(qt.Grand, qm.Grand, all)
		case QChoice:
			by := rel.options[q.Key]
			row := make([]int, len(by))
			for x := range by {
				row[x] = len(by[x])
			}
			ot := suppress.NewTable([][]int{row})
			om := suppress.Suppress(ot, k, nil)
			for x := range row {
				o := ""
				if x < len(q.Options) {
					o = q.Options[x]
				}
				qr.Options = append(qr.Options, OptionCount{Option: o, Cell: cell(row[x], om.Cell[0][x] || m.Grand, 0)})
			}
			qr.All = Cell{Hidden: m.Grand}
			for range rows {
				qr.ByTeam = append(qr.ByTeam, Cell{Hidden: true})
			}
			for range cols {
				qr.ByPeriod = append(qr.ByPeriod, Cell{Hidden: true})
			}
		case QText:
			for _, x := range rel.texts[q.Key] {
				qr.Texts = append(qr.Texts, rs[x].Answers[q.Key])
			}
			sort.Strings(qr.Texts)
			qr.All = Cell{Hidden: m.Grand}
			for range rows {
				qr.ByTeam = append(qr.ByTeam, Cell{Hidden: true})
			}
			for range cols {
				qr.ByPeriod = append(qr.ByPeriod, Cell{Hidden: true})
			}
		}
		// A question's own answer counts are not published: set against
		// the respondents' counts they would give away how many skipped
		// it. Means and the options' counts carry the results.
		qr.All.N = 0
		for i := range qr.ByTeam {
			qr.ByTeam[i].N = 0
		}
		for j := range qr.ByPeriod {
			qr.ByPeriod[j].N = 0
		}
		res.Questions = append(res.Questions, qr)
	}
	return res, rel
}
