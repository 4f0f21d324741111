package collab

import (
	"strings"
	"testing"

	"github.com/goeswell/goeswell/internal/suppress"
)

// TestComputeFeedbackResults: the ratings are one figure under the
// disclosure rule (every shown count 0 or at least k, nothing hidden
// recoverable), a mean only beside a whole line, and written answers
// named only where the respondent gave their name.
func TestComputeFeedbackResults(t *testing.T) {
	rate := func(n int, key string, v int) []*FeedbackAnswer {
		var out []*FeedbackAnswer
		for range n {
			out = append(out, &FeedbackAnswer{Ratings: map[string]int{key: v}})
		}
		return out
	}
	tests := []struct {
		name        string
		answers     []*FeedbackAnswer
		k           int
		wantShown   map[string][ScaleMax]bool // per question, which counts show
		wantMean    map[string]float64        // questions with a mean
		respondents int
	}{
		{"all large", append(rate(6, "meetings", 4), rate(5, "meetings", 5)...), 5,
			map[string][ScaleMax]bool{"meetings": {true, true, true, true, true}}, map[string]float64{"meetings": 4.5}, 11},
		{"one small cell hides a neighbour", append(append(rate(6, "meetings", 4), rate(5, "meetings", 5)...), rate(1, "meetings", 2)...), 5,
			map[string][ScaleMax]bool{"meetings": {true, false, true, true, false}}, map[string]float64{}, 12},
		{"a lone rating", rate(1, "support", 3), 5,
			map[string][ScaleMax]bool{"support": {true, true, false, true, true}}, map[string]float64{}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ComputeFeedbackResults(tt.answers, tt.respondents, tt.k)
			if res.RespondentsHidden != (tt.respondents < tt.k) {
				t.Errorf("respondents hidden = %v for %d at k=%d", res.RespondentsHidden, tt.respondents, tt.k)
			}
			var n [][]int
			var m suppress.Mask
			for _, r := range res.Ratings {
				row := make([]int, ScaleMax)
				hid := make([]bool, ScaleMax)
				for j := range ScaleMax {
					row[j], hid[j] = r.Counts[j], r.Hidden[j]
					if !r.Hidden[j] && r.Counts[j] > 0 && r.Counts[j] < tt.k {
						t.Errorf("%s: count %d shown under k", r.Key, r.Counts[j])
					}
				}
				n = append(n, row)
				m.Cell = append(m.Cell, hid)
				m.RowTotal = append(m.RowTotal, r.AnswersHidden)
				if want, ok := tt.wantShown[r.Key]; ok {
					for j := range ScaleMax {
						if !r.Hidden[j] != want[j] {
							t.Errorf("%s: shown %v, want %v", r.Key, r.Hidden, want)
							break
						}
					}
				}
				if mean, ok := tt.wantMean[r.Key]; ok != r.HasMean || (ok && mean != r.Mean) {
					t.Errorf("%s: mean %v (%v), want %v (%v)", r.Key, r.Mean, r.HasMean, mean, ok)
				}
			}
			m.ColTotal, m.Grand = []bool{true, true, true, true, true}, true
			if ex := suppress.Audit(suppress.NewTable(n), m, tt.k); len(ex) > 0 {
				t.Errorf("the published ratings expose %v", ex)
			}
		})
	}
	named := []*FeedbackAnswer{
		{Texts: map[string]string{"change": "anon"}, UserID: 0},
		{Texts: map[string]string{"worked": "mine"}, Named: true, UserID: 7, Name: "Rosa"},
	}
	for range suppress.MinThreshold - 1 { // enough anonymous respondents for their words to show
		named = append(named, &FeedbackAnswer{Ratings: map[string]int{"meetings": 3}})
	}
	res := ComputeFeedbackResults(named, len(named), suppress.MinThreshold)
	if len(res.Comments) != 2 || res.Comments[0].Name != "Rosa" || res.Comments[1].Name != "" {
		t.Errorf("comments: %+v", res.Comments)
	}
}

// TestCheckFeedback: ratings 1 to 5 named by their question, at least
// one answer, texts kept as typed (trimmed).
func TestCheckFeedback(t *testing.T) {
	if _, err := CheckFeedback(map[string]string{"meetings": "6", "change": "x"}, false); FieldErrors(err)["meetings"] == "" {
		t.Errorf("a rating of 6: %v", err)
	}
	if _, err := CheckFeedback(map[string]string{}, false); FieldErrors(err)["answers"] == "" {
		t.Errorf("no answers: %v", err)
	}
	a, err := CheckFeedback(map[string]string{"support": "5", "worked": "  the peers  "}, true)
	if err != nil || a.Ratings["support"] != 5 || a.Texts["worked"] != "the peers" || !a.Named {
		t.Errorf("good answers read as %+v, %v", a, err)
	}
}

// TestFeedbackCommentsInSmallRounds: promise "survey and feedback answers
// are anonymous and figures about people are suppressed in small
// groups". Anonymous written answers are published only when at least
// the threshold's number of people answered anonymously: fewer, they
// would count respondents the page hides (two comments to a question say
// at least two answered), and whoever can tell who answered (the named
// are known; an audit log's times hint at the rest) could tell whose
// words they are. A named answer is shown: its respondent chose to be
// known.
func TestFeedbackCommentsInSmallRounds(t *testing.T) {
	anon := func(text string) *FeedbackAnswer {
		return &FeedbackAnswer{Texts: map[string]string{"worked": text}, Ratings: map[string]int{"meetings": 3}}
	}
	named := &FeedbackAnswer{Texts: map[string]string{"change": "named words"}, Named: true, UserID: 7, Name: "Rosa"}
	for _, tt := range []struct {
		name        string
		answers     []*FeedbackAnswer
		respondents int
		k           int
		want        []string // the comments published, in order
	}{
		{"one anonymous respondent", []*FeedbackAnswer{anon("lone words")}, 1, 5, nil},
		{"two anonymous under k", []*FeedbackAnswer{anon("a"), anon("b")}, 2, 5, nil},
		{"named and anonymous under k", []*FeedbackAnswer{anon("a"), named}, 2, 5, []string{"named words"}},
		{"k below the floor counts as the floor", []*FeedbackAnswer{anon("a"), anon("b")}, 2, 1, nil},
		{"enough respondents, too few anonymous", []*FeedbackAnswer{anon("a"), anon("b"), anon("c"), named, anon("d")}, 5, 5, []string{"named words"}},
		{"enough anonymous respondents", []*FeedbackAnswer{anon("a"), anon("b"), anon("c"), named, anon("d"), anon("e")}, 6, 5, []string{"a", "b", "c", "d", "e", "named words"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := ComputeFeedbackResults(tt.answers, tt.respondents, tt.k)
			var got []string
			for _, c := range res.Comments {
				got = append(got, c.Text)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("comments %q, want %q", got, tt.want)
			}
		})
	}
}
