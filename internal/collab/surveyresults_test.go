package collab

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"testing"
	"time"
)

var pulse = &Survey{Title: "Pulse", Kind: SurveyCustom, Questions: []Question{
	{Key: "q1", Kind: QScale, Text: "How connected?"},
	{Key: "q2", Kind: QChoice, Text: "Which?", Options: []string{"Safety", "Stability"}},
	{Key: "q3", Kind: QText, Text: "What helps?"},
}}

// TestSurveyResultsOneMoreAnswerShowsNothing is issue 11 item 3's attack:
// results recomputed on every read at full precision, so reading before
// and after one person answers gave away that person's answers (the
// mean moved by their answer over n). Reads before and after any answer
// that does not complete a batch of k must be identical; and a hidden
// team's answers must not be in the totals, where the totals minus the
// shown teams would give their sum.
func TestSurveyResultsOneMoreAnswerShowsNothing(t *testing.T) {
	teams := []TeamRef{{1, "Harbor"}, {2, "Pioneer"}}
	march := NewDate(2026, 3, 1)
	var rs []SurveyResponse
	for x := range 12 {
		rs = append(rs, SurveyResponse{TeamID: 1, Period: march, Answers: map[string]string{"q1": strconv.Itoa(1 + x%5), "q2": "Safety", "q3": fmt.Sprint("text ", x)}})
	}
	before := ComputeSurveyResults(pulse, rs, teams, 11)
	one := append(slices.Clone(rs), SurveyResponse{TeamID: 1, Period: march, Answers: map[string]string{"q1": "5", "q2": "Stability", "q3": "the one"}})
	after := ComputeSurveyResults(pulse, one, teams, 11)
	if !reflect.DeepEqual(before, after) {
		t.Errorf("one more answer changed the results:\nbefore %+v\nafter  %+v", before, after)
	}
	// Pioneer's three answers, fewer than k, are in no number at all —
	// not its row, and not the totals, where the totals minus the shown
	// teams would give their sum.
	three := slices.Clone(rs)
	for range 3 {
		three = append(three, SurveyResponse{TeamID: 2, Period: march, Answers: map[string]string{"q1": "1", "q2": "Stability", "q3": "pioneer"}})
	}
	if withP := ComputeSurveyResults(pulse, three, teams, 11); !reflect.DeepEqual(withP, before) {
		t.Errorf("a small team's answers show:\nwithout %+v\nwith    %+v", before, withP)
	}
	// Means are rounded.
	if m := after.Questions[0].All.Mean; m != roundMean(m) || m*10 != float64(int(m*10)) {
		t.Errorf("mean %v is not rounded to one decimal", m)
	}
}

// group is one published statistic's contributors at one read.
type group struct {
	name string
	set  []int
}

// groups lists every published statistic of a read with the responses it
// is computed over, and checks the read's published numbers are exactly
// those of the sets (so the sets are the truth about what was published).
func groups(t *testing.T, s *Survey, rs []SurveyResponse, res *SurveyResults, rel *release) []group {
	t.Helper()
	var out []group
	union := func(g [][][]int, rows, cols []int) []int {
		var u []int
		for _, i := range rows {
			for _, j := range cols {
				u = append(u, g[i][j]...)
			}
		}
		sort.Ints(u)
		return u
	}
	span := func(n int) []int {
		s := make([]int, n)
		for i := range s {
			s[i] = i
		}
		return s
	}
	rows, cols := span(len(res.Teams)), span(len(res.Periods))
	checkN := func(name string, c Cell, set []int) {
		if !c.Hidden && c.N != len(set) {
			t.Fatalf("%s: published %d, released %d", name, c.N, len(set))
		}
		out = append(out, group{name, set})
	}
	for i := range rows {
		for j := range cols {
			checkN(fmt.Sprintf("cell %d,%d", i, j), res.Cells[i][j], rel.cell[i][j])
		}
		checkN(fmt.Sprintf("team %d", i), res.ByTeam[i], union(rel.cell, []int{i}, cols))
	}
	for j := range cols {
		checkN(fmt.Sprintf("period %d", j), res.ByPeriod[j], union(rel.cell, rows, []int{j}))
	}
	checkN("all", res.All, union(rel.cell, rows, cols))
	for qx, q := range s.Questions {
		qr := res.Questions[qx]
		switch q.Kind {
		case QScale:
			g := rel.answers[q.Key]
			checkMean := func(name string, c Cell, set []int) {
				if !c.Hidden && len(set) > 0 {
					sum := 0
					for _, x := range set {
						v, _ := strconv.Atoi(rs[x].Answers[q.Key])
						sum += v
					}
					if want := roundMean(float64(sum) / float64(len(set))); c.Mean != want || !c.HasMean {
						t.Fatalf("%s: published mean %v, released answers' %v", name, c.Mean, want)
					}
				}
				out = append(out, group{name, set})
			}
			for i := range rows {
				checkMean(fmt.Sprintf("%s team %d", q.Key, i), qr.ByTeam[i], union(g, []int{i}, cols))
			}
			for j := range cols {
				checkMean(fmt.Sprintf("%s period %d", q.Key, j), qr.ByPeriod[j], union(g, rows, []int{j}))
			}
			checkMean(q.Key+" all", qr.All, union(g, rows, cols))
		case QChoice:
			for x, o := range qr.Options {
				checkN(fmt.Sprintf("%s option %q", q.Key, o.Option), o.Cell, rel.options[q.Key][x])
			}
		case QText:
			var want []string
			for _, x := range rel.texts[q.Key] {
				want = append(want, rs[x].Answers[q.Key])
			}
			sort.Strings(want)
			if !slices.Equal(want, qr.Texts) {
				t.Fatalf("%s: published texts %q, released %q", q.Key, qr.Texts, want)
			}
			out = append(out, group{q.Key + " texts", rel.texts[q.Key]})
		}
	}
	return out
}

// TestSurveyReleaseProperty: for random sequences of responses (teams,
// months, skipped questions) read after every response, no difference
// between two reads — of a team, a month, a question, an option, the
// written answers — covers fewer than k people: each published number is
// computed over a set of responses that only grows, by nobody or by at
// least k at a time, and every set is itself nobody or at least k.
func TestSurveyReleaseProperty(t *testing.T) {
	seqs := 150
	if testing.Short() {
		seqs = 50
	}
	r := rand.New(rand.NewPCG(11, 3))
	for seq := range seqs {
		k := 5 + r.IntN(3)
		nteams := 1 + r.IntN(4)
		var teams []TeamRef
		for i := range nteams {
			teams = append(teams, TeamRef{ID: int64(i + 1), Name: fmt.Sprint("team ", i)})
		}
		month := 1
		var rs []SurveyResponse
		var reads [][]group
		for x := range 20 + r.IntN(60) {
			if r.IntN(12) == 0 && month < 12 {
				month++
			}
			a := map[string]string{}
			if r.IntN(5) > 0 {
				a["q1"] = strconv.Itoa(1 + r.IntN(5))
			}
			if r.IntN(4) > 0 {
				a["q2"] = pulse.Questions[1].Options[r.IntN(2)]
			}
			if r.IntN(2) == 0 {
				a["q3"] = fmt.Sprint("text ", x)
			}
			// Team nteams+1 has no row: its answers count nowhere.
			rs = append(rs, SurveyResponse{TeamID: int64(1 + r.IntN(nteams+1)), Period: NewDate(2026, time.Month(month), 1), Answers: a})
			res, rel := computeSurveyResults(pulse, rs, teams, k)
			reads = append(reads, groups(t, pulse, rs, res, rel))
		}
		for t2 := range reads {
			for _, g := range reads[t2] {
				if n := len(g.set); n > 0 && n < k {
					t.Fatalf("seq %d read %d: %s is computed over %d < k=%d responses", seq, t2, g.name, n, k)
				}
			}
			for t1 := range t2 {
				prev := map[string][]int{}
				for _, g := range reads[t1] {
					prev[g.name] = g.set
				}
				for _, g := range reads[t2] {
					p, ok := prev[g.name]
					if !ok {
						p = nil // a month not yet begun: nothing published then
					}
					for _, x := range p {
						if !slices.Contains(g.set, x) {
							t.Fatalf("seq %d: %s dropped response %d between reads %d and %d", seq, g.name, x, t1, t2)
						}
					}
					if d := len(g.set) - len(p); d > 0 && d < k {
						t.Fatalf("seq %d: %s differs by %d < k=%d responses between reads %d and %d", seq, g.name, d, k, t1, t2)
					}
				}
			}
		}
	}
}

// TestSurveyDifferencingBeforeAfter measures the differencing attack on
// random sequences of responses read after each one: how many
// consecutive reads differ, each difference being exactly one new
// response, under the old computation (every response counted on every
// read) and under release in batches, where a read differs from the last
// only when a batch of at least k completes
// (go test ./internal/collab -run DifferencingBeforeAfter -v).
func TestSurveyDifferencingBeforeAfter(t *testing.T) {
	seqs := 60
	if testing.Short() {
		seqs = 15
	}
	r := rand.New(rand.NewPCG(5, 8))
	var pairs, oldOne, oldMean, newDiff, newOne int
	for range seqs {
		k := 5 + r.IntN(7)
		teams := []TeamRef{{1, "a"}, {2, "b"}, {3, "c"}}
		var rs []SurveyResponse
		var prevOld, prevNew *SurveyResults
		for x := range 30 + r.IntN(60) {
			a := map[string]string{"q1": strconv.Itoa(1 + r.IntN(5))}
			if r.IntN(3) > 0 {
				a["q2"] = pulse.Questions[1].Options[r.IntN(2)]
			}
			if r.IntN(2) == 0 {
				a["q3"] = fmt.Sprint("text ", x)
			}
			rs = append(rs, SurveyResponse{TeamID: int64(1 + r.IntN(3)), Period: NewDate(2026, time.Month(1+x/30), 1), Answers: a})
			o, n := legacyComputeSurveyResults(pulse, rs, teams, k), ComputeSurveyResults(pulse, rs, teams, k)
			if prevOld != nil {
				pairs++
				if !reflect.DeepEqual(o, prevOld) {
					oldOne++
					if o.Questions[0].All != prevOld.Questions[0].All {
						oldMean++
					}
				}
				if !reflect.DeepEqual(n, prevNew) {
					newDiff++
					// A change must release at least k answers at once;
					// TestSurveyReleaseProperty checks each group.
					if n.All.N-prevNew.All.N < k && n.All.N != prevNew.All.N {
						newOne++
					}
				}
			}
			prevOld, prevNew = o, n
		}
	}
	t.Logf("%d consecutive read pairs (one new response each): old computation differs in %d (the collaborative-wide mean of q1 moves by one person's answer in %d); release in batches differs in %d, each by a batch of at least k, by fewer than k in %d",
		pairs, oldOne, oldMean, newDiff, newOne)
	if newOne != 0 {
		t.Error("a read differs from the last by fewer than k responses")
	}
}
