package collab

import (
	"strconv"
	"strings"
	"time"

	"github.com/goeswell/goeswell/internal/suppress"
)

// A FeedbackRound is a window in which the teams' people give the
// collaborative's leads feedback on the collaborative as a whole (seed
// 000, commitment 7: "ongoing, meaningful feedback to FFI and DPH on the
// experience and efficacy of the collaborative and related capacity
// building, including feasible ways to improve"). The convener sets when
// it opens and closes, for example each quarter after the in-person
// meeting. Each person answers once a round, anonymously or named, as
// they choose.
type FeedbackRound struct {
	ID, CollaborativeID int64
	Title               string
	OpensOn, ClosesOn   Date // both days included
	CreatedAt           time.Time
	// Respondents is how many people have answered (read with the round).
	Respondents int
}

// Validate checks a round before it is stored.
func (r *FeedbackRound) Validate() error {
	v := NewValidation()
	r.Title = strings.TrimSpace(r.Title)
	checkText(v, "title", r.Title, true, 200)
	if r.OpensOn.IsZero() {
		v.Add("opensOn", "error.required")
	}
	if r.ClosesOn.IsZero() {
		v.Add("closesOn", "error.required")
	}
	if !r.OpensOn.IsZero() && !r.ClosesOn.IsZero() && r.ClosesOn.Before(r.OpensOn) {
		v.Add("closesOn", "feedback.error.closes_before_opens")
	}
	return v.Err()
}

// OpenOn reports whether the round takes answers on day d.
func (r *FeedbackRound) OpenOn(d Date) bool { return !d.Before(r.OpensOn) && !d.After(r.ClosesOn) }

// ClosedOn reports whether the round has closed by day d. Its results are
// published only then: read while answers still come in, two readings
// would differ by the one person who answered in between.
func (r *FeedbackRound) ClosedOn(d Date) bool { return d.After(r.ClosesOn) }

// A FeedbackQuestion is one question of every feedback round. The set is
// fixed, so rounds can be compared over time; its words are the
// catalog's ("feedback.q.<key>"), shown in the reader's language.
type FeedbackQuestion struct {
	Key  string
	Kind QuestionKind // QScale (1 to ScaleMax) or QText
}

// FeedbackQuestions are the questions, in order: the experience and
// efficacy of the collaborative and its capacity building, and feasible
// ways to improve.
var FeedbackQuestions = []FeedbackQuestion{
	{"meetings", QScale},
	{"support", QScale},
	{"capacity", QScale},
	{"peers", QScale},
	{"worked", QText},
	{"change", QText},
}

// FeedbackScales are the keys of the rating questions.
func FeedbackScales() []string {
	var out []string
	for _, q := range FeedbackQuestions {
		if q.Kind == QScale {
			out = append(out, q.Key)
		}
	}
	return out
}

// A FeedbackAnswer is one person's answers to a round. An anonymous
// answer holds no trace of its respondent: no account, no address, no
// time; that the person answered is kept apart, in a record that holds no
// answer.
type FeedbackAnswer struct {
	Ratings map[string]int
	Texts   map[string]string
	// Named: the respondent chose to give their name with their answers.
	Named bool
	// UserID and Name are the respondent's for a named answer only.
	UserID int64
	Name   string
}

// CheckFeedback reads a form's answers: ratings 1 to ScaleMax, texts of at
// most 4,000 characters, any question may be left empty but not all.
func CheckFeedback(in map[string]string, named bool) (*FeedbackAnswer, error) {
	v := NewValidation()
	a := &FeedbackAnswer{Ratings: map[string]int{}, Texts: map[string]string{}, Named: named}
	for _, q := range FeedbackQuestions {
		s := strings.TrimSpace(in[q.Key])
		if s == "" {
			continue
		}
		switch q.Kind {
		case QScale:
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > ScaleMax {
				v.Add(q.Key, "error.invalid_choice")
				continue
			}
			a.Ratings[q.Key] = n
		default:
			if v.Length(q.Key, s, 4000) {
				continue
			}
			a.Texts[q.Key] = s
		}
	}
	if len(a.Ratings)+len(a.Texts) == 0 && v.Err() == nil {
		v.Add("answers", "error.no_answers")
	}
	return a, v.Err()
}

// A FeedbackRating is one rating question's results as published.
type FeedbackRating struct {
	Key string
	// Counts are how many gave each score, 1 to ScaleMax; Hidden says
	// which are suppressed.
	Counts [ScaleMax]int
	Hidden [ScaleMax]bool
	// Answers is how many answered the question; AnswersHidden if
	// suppressed.
	Answers       int
	AnswersHidden bool
	// Mean is shown only when every count of the line is: a mean beside a
	// hidden count would be one more equation to solve for it.
	Mean    float64
	HasMean bool
}

// A FeedbackComment is one written answer as published: the respondent's
// name only if they chose to give it.
type FeedbackComment struct {
	Question string
	Text     string
	Name     string
}

// FeedbackResults are a closed round's results.
type FeedbackResults struct {
	Respondents       int
	RespondentsHidden bool
	Ratings           []FeedbackRating
	Comments          []FeedbackComment
	// CommentsWithheld: fewer than k people answered anonymously, and
	// their written answers are not published (named ones are).
	CommentsWithheld bool
}

// ComputeFeedbackResults publishes a round's answers under the one
// disclosure rule: the ratings are one figure (questions by scores, with
// each question's number of answers), suppressed by suppress.Suppress at
// threshold k; the number of respondents is a count of people, hidden
// under k. Written answers are listed in the answers' order (which the
// store makes random), with a name only where the respondent gave it;
// the anonymous ones only when at least k people answered anonymously.
// respondents is the count of people who answered.
func ComputeFeedbackResults(answers []*FeedbackAnswer, respondents, k int) *FeedbackResults {
	k = max(k, suppress.MinThreshold)
	res := &FeedbackResults{Respondents: respondents, RespondentsHidden: respondents > 0 && respondents < k}
	scales := FeedbackScales()
	n := make([][]int, len(scales))
	for i, key := range scales {
		n[i] = make([]int, ScaleMax)
		for _, a := range answers {
			if v, ok := a.Ratings[key]; ok {
				n[i][v-1]++
			}
		}
	}
	t := suppress.NewTable(n)
	// The column totals and the grand total are not published: forced
	// hidden, so the audit counts them as unknown.
	forced := &suppress.Mask{ColTotal: make([]bool, ScaleMax), Grand: true}
	for j := range forced.ColTotal {
		forced.ColTotal[j] = true
	}
	m := suppress.Suppress(t, k, forced)
	for i, key := range scales {
		r := FeedbackRating{Key: key, Answers: t.RowTotal[i], AnswersHidden: m.RowTotal[i]}
		all, sum := !m.RowTotal[i] && t.RowTotal[i] > 0, 0
		for j := range ScaleMax {
			r.Counts[j], r.Hidden[j] = n[i][j], m.Cell[i][j]
			all = all && !m.Cell[i][j]
			sum += (j + 1) * n[i][j]
		}
		if all {
			r.HasMean = true
			r.Mean = float64(int(float64(sum)/float64(t.RowTotal[i])*10+0.5)) / 10
		}
		res.Ratings = append(res.Ratings, r)
	}
	// Anonymous written answers are published only when at least k
	// people answered anonymously. Fewer, they would count respondents
	// the page hides, and whoever can tell who answered (the named ones
	// are known, and an audit log's times hint at the rest) could tell
	// whose words they are among a handful.
	anonymous := 0
	for _, a := range answers {
		if !a.Named {
			anonymous++
		}
	}
	res.CommentsWithheld = anonymous > 0 && anonymous < k
	for _, q := range FeedbackQuestions {
		if q.Kind != QText {
			continue
		}
		for _, a := range answers {
			// A named answer's respondent chose to be known; the
			// anonymous ones are shown only among at least k (below).
			if s := a.Texts[q.Key]; s != "" && (a.Named || !res.CommentsWithheld) {
				c := FeedbackComment{Question: q.Key, Text: s}
				if a.Named {
					c.Name = a.Name
				}
				res.Comments = append(res.Comments, c)
			}
		}
	}
	return res
}
