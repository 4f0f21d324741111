package collab

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SurveyKind says which template a wellbeing check-in was built from.
type SurveyKind string

// The survey templates.
const (
	// SurveyFiveDomains: how much a respondent has in each of the Five
	// Domains of Wellbeing, and what they trade off.
	SurveyFiveDomains SurveyKind = "five_domains"
	// SurveyStaffPulse: a staff workplace-wellbeing pulse on the five
	// domains of the Surgeon General's framework (seed 004).
	SurveyStaffPulse SurveyKind = "staff_pulse"
	// SurveyCustom: questions written by the convener.
	SurveyCustom SurveyKind = "custom"
)

// SurveyKinds lists the templates in display order.
var SurveyKinds = []SurveyKind{SurveyFiveDomains, SurveyStaffPulse, SurveyCustom}

// QuestionKind is the type of a survey question.
type QuestionKind string

// The question types.
const (
	QScale  QuestionKind = "scale"  // 1 (none) to 5 (plenty)
	QChoice QuestionKind = "choice" // one of Options
	QText   QuestionKind = "text"   // free text: never shown to funders or evaluators, never logged
)

// ScaleMax is the top of every scale question.
const ScaleMax = 5

// A Question is one question of a survey.
type Question struct {
	Key     string       `json:"key"`
	Kind    QuestionKind `json:"kind"`
	Text    string       `json:"text"`
	Options []string     `json:"options,omitempty"`
	// Lang is the language a custom question is written in, and
	// Translations its words in other languages, by language tag: a
	// respondent reads the question in their own language when it has
	// one. Answers are stored in the question's own words (an option's
	// value is its Options entry), so answers in every language count
	// together. Template questions come from the catalog instead.
	Lang         string                         `json:"lang,omitempty"`
	Translations map[string]QuestionTranslation `json:"translations,omitempty"`
}

// A QuestionTranslation is a custom question in another language: its
// text and, for a choice, its options in the same order.
type QuestionTranslation struct {
	Text    string   `json:"text"`
	Options []string `json:"options,omitempty"`
}

// In returns the question's text and option labels in language lang:
// its translation if it has one, else its own words.
func (q Question) In(lang string) (string, []string) {
	if tr, ok := q.Translations[lang]; ok && lang != q.Lang {
		return tr.Text, tr.Options
	}
	return q.Text, q.Options
}

// StaffDomains are the five domains of seed 004's workplace framework.
var StaffDomains = []string{"protection_from_harm", "connection_community", "work_life_harmony", "mattering_at_work", "opportunity_for_growth"}

// SurveyTemplate returns the questions of a template, with texts taken
// from the catalog through t (so a survey is written in its creator's
// language and stays as written).
func SurveyTemplate(kind SurveyKind, t func(key string) string) []Question {
	var qs []Question
	switch kind {
	case SurveyFiveDomains:
		for _, d := range Domains {
			qs = append(qs, Question{Key: "have_" + string(d), Kind: QScale, Text: t("survey.q.have_" + string(d))})
		}
		var opts []string
		for _, d := range Domains {
			opts = append(opts, t("domain."+string(d)))
		}
		qs = append(qs, Question{Key: "give_up", Kind: QChoice, Text: t("survey.q.give_up"), Options: opts},
			Question{Key: "tradeoff", Kind: QText, Text: t("survey.q.tradeoff")})
	case SurveyStaffPulse:
		for _, d := range StaffDomains {
			qs = append(qs, Question{Key: d, Kind: QScale, Text: t("survey.q.staff_" + d)})
		}
		qs = append(qs, Question{Key: "better", Kind: QText, Text: t("survey.q.staff_better")})
	}
	return qs
}

// ParseQuestions reads custom questions written in language lang, one a
// line: "scale: text", "choice: text | option; option", "text: text". A
// line that starts with another of the languages, such as "es: texto" or
// "es: texto | opción; opción", translates the question above it; a
// choice's translation lists as many options, in the same order.
func ParseQuestions(src, lang string, langs []string) ([]Question, error) {
	v := NewValidation()
	var qs []Question
	other := map[string]bool{}
	for _, l := range langs {
		if l != lang {
			other[l] = true
		}
	}
	for _, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		kind, rest, ok := strings.Cut(line, ":")
		kind = strings.TrimSpace(strings.ToLower(kind))
		if ok && other[kind] {
			if len(qs) == 0 {
				v.Add("questions", "error.translation_first")
				break
			}
			q := &qs[len(qs)-1]
			tr := QuestionTranslation{Text: strings.TrimSpace(rest)}
			if q.Kind == QChoice {
				tr.Text, tr.Options = splitOptions(tr.Text)
				if len(tr.Options) != len(q.Options) {
					v.Add("questions", "error.translation_options")
					break
				}
			}
			if tr.Text == "" || len(tr.Text) > 500 {
				v.Add("questions", "error.question_line")
				break
			}
			if q.Translations == nil {
				q.Translations = map[string]QuestionTranslation{}
			}
			q.Translations[kind] = tr
			continue
		}
		q := Question{Key: fmt.Sprintf("q%d", len(qs)+1), Kind: QuestionKind(kind), Text: strings.TrimSpace(rest), Lang: lang}
		if !ok || (q.Kind != QScale && q.Kind != QChoice && q.Kind != QText) {
			v.Add("questions", "error.question_line")
			break
		}
		if q.Kind == QChoice {
			q.Text, q.Options = splitOptions(q.Text)
			if len(q.Options) < 2 {
				v.Add("questions", "error.question_options")
				break
			}
		}
		if q.Text == "" || len(q.Text) > 500 {
			v.Add("questions", "error.question_line")
			break
		}
		qs = append(qs, q)
	}
	if len(qs) == 0 {
		v.Add("questions", "error.required")
	}
	if len(qs) > 40 {
		v.Add("questions", "error.too_many")
	}
	return qs, v.Err()
}

// splitOptions reads "text | option; option".
func splitOptions(s string) (string, []string) {
	text, opts, _ := strings.Cut(s, "|")
	var out []string
	for _, o := range strings.Split(opts, ";") {
		if o = strings.TrimSpace(o); o != "" {
			out = append(out, o)
		}
	}
	return strings.TrimSpace(text), out
}

// A Survey is a wellbeing check-in of a collaborative, answered
// anonymously through links given to teams.
type Survey struct {
	ID              int64
	CollaborativeID int64
	Title           string
	Kind            SurveyKind
	Questions       []Question
	Open            bool
	CreatedAt       time.Time
}

// Validate checks a survey before it is stored.
func (s *Survey) Validate() error {
	v := NewValidation()
	s.Title = strings.TrimSpace(s.Title)
	checkText(v, "title", s.Title, true, 200)
	ok := false
	for _, k := range SurveyKinds {
		ok = ok || k == s.Kind
	}
	if !ok {
		v.Add("kind", "error.invalid_choice")
	}
	if len(s.Questions) == 0 && !v.Has("questions") {
		v.Add("questions", "error.required")
	}
	return v.Err()
}

// A SurveyLink is an anonymous way into a survey for one team: either a
// link many people share or a single-use token for one person. Only a
// hash of its token is stored.
type SurveyLink struct {
	ID        int64
	SurveyID  int64
	TeamID    int64
	TeamName  string
	SingleUse bool
	Used      bool
	CreatedAt time.Time
}

// A SurveyResponse is one anonymous set of answers. It keeps the team of
// the link and the month only — no account, no address, no exact time —
// so answers cannot be matched to a person by when they came in.
type SurveyResponse struct {
	TeamID  int64
	Period  Date // first day of the month
	Answers map[string]string
}

// CheckAnswers validates answers against the survey's questions and drops
// empty ones; at least one answer is needed.
func (s *Survey) CheckAnswers(in map[string]string) (map[string]string, error) {
	v := NewValidation()
	out := map[string]string{}
	for _, q := range s.Questions {
		a := strings.TrimSpace(in[q.Key])
		if a == "" {
			continue
		}
		switch q.Kind {
		case QScale:
			n, err := strconv.Atoi(a)
			if err != nil || n < 1 || n > ScaleMax {
				v.Add(q.Key, "error.invalid_choice")
				continue
			}
		case QChoice:
			ok := false
			for _, o := range q.Options {
				ok = ok || o == a
			}
			if !ok {
				v.Add(q.Key, "error.invalid_choice")
				continue
			}
		case QText:
			if len(a) > 4000 {
				v.Add(q.Key, "error.too_long")
				continue
			}
		}
		out[q.Key] = a
	}
	if len(out) == 0 && v.Err() == nil {
		v.Add("answers", "error.no_answers")
	}
	return out, v.Err()
}
