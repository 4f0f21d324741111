package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/csvout"
	"github.com/goeswell/goeswell/internal/suppress"
)

// feedbackRoundRoutes are the feedback on the collaborative as a whole
// (seed 000, commitment 7): rounds the convener opens at set dates, which
// the teams' people answer once each, anonymously or named; conveners,
// coaches and state co-leads read the results once a round has closed.
func (s *Server) feedbackRoundRoutes() []Route {
	const r = "/c/{collab}/feedback-rounds/{round}"
	return []Route{
		get("/c/{collab}/feedback-rounds", collab.PermCohortRead, s.feedbackRoundsPage),
		post("/c/{collab}/feedback-rounds", collab.PermCollabManage, s.feedbackRoundCreate),
		post(r, collab.PermCollabManage, s.feedbackRoundUpdate),
		post(r+"/delete", collab.PermCollabManage, s.feedbackRoundDelete),
		// Answering: the cohort may open the form; only a team's people
		// answer (the convener and coaches are who the feedback is for).
		get(r+"/answer", collab.PermCollabCohort, s.feedbackAnswerForm),
		post(r+"/answer", collab.PermCollabCohort, s.feedbackAnswer),
		// Results: audited reads (isExport: "/results").
		get(r+"/results", collab.PermFeedbackRead, s.feedbackResultsPage),
		get(r+"/results.csv", collab.PermFeedbackRead, s.feedbackResultsCSV),
	}
}

// onTeamOf reports whether the actor is on a team of the collaborative:
// the people who answer feedback rounds.
func onTeamOf(a *collab.Actor, c int64) bool {
	for _, m := range a.Teams {
		if m.CollaborativeID == c {
			return true
		}
	}
	return false
}

type feedbackRoundsPage struct {
	basePage
	Rounds  []*collab.FeedbackRound
	Today   collab.Date
	Manager bool
	Reader  bool // may read results
	Member  bool // answers rounds
	// Answered are the rounds the person has answered.
	Answered map[int64]bool
	// K is the collaborative's threshold: a count of people who answered
	// under it is not shown, here as on the results.
	K int
}

// State names where a round is: upcoming, open or closed.
func (p *feedbackRoundsPage) State(r *collab.FeedbackRound) string { return roundState(r, p.Today) }

func roundState(r *collab.FeedbackRound, today collab.Date) string {
	switch {
	case r.OpenOn(today):
		return "open"
	case r.ClosedOn(today):
		return "closed"
	}
	return "upcoming"
}

func (s *Server) feedbackRoundsData(r *http.Request, rc *reqCtx) (*feedbackRoundsPage, error) {
	c := rc.Collab.ID
	p := &feedbackRoundsPage{basePage: s.base(r, rc, "feedback.title"), Today: s.db.Today(), Manager: rc.can(collab.PermCollabManage),
		Reader: rc.can(collab.PermFeedbackRead), Member: onTeamOf(rc.Actor, c), Answered: map[int64]bool{}}
	var err error
	if p.Rounds, err = s.db.FeedbackRounds(r.Context(), c); err != nil {
		return nil, err
	}
	if p.K, err = s.db.SuppressionThreshold(r.Context(), c); err != nil {
		return nil, err
	}
	if p.Member {
		for _, rd := range p.Rounds {
			if p.Answered[rd.ID], err = s.db.HasAnsweredFeedback(r.Context(), rd.ID, rc.Actor.UserID); err != nil {
				return nil, err
			}
		}
	}
	return p, nil
}

func (s *Server) feedbackRoundsPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.feedbackRoundsData(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "feedback_rounds", p)
}

// roundFromForm reads a round's title and dates; a date that does not
// parse is an error on its field.
func roundFromForm(f url.Values, rd *collab.FeedbackRound) map[string]string {
	fe := map[string]string{}
	rd.Title = f.Get("title")
	for _, d := range []struct {
		name string
		to   *collab.Date
	}{{"opensOn", &rd.OpensOn}, {"closesOn", &rd.ClosesOn}} {
		v, err := collab.ParseDate(f.Get(d.name))
		if err != nil {
			fe[d.name] = "error.date"
		}
		*d.to = v
	}
	if err := rd.Validate(); err != nil {
		for k, v := range collab.FieldErrors(err) {
			if _, ok := fe[k]; !ok {
				fe[k] = v
			}
		}
	}
	if len(fe) == 0 {
		return nil
	}
	return fe
}

func (s *Server) feedbackRoundCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	rd := &collab.FeedbackRound{CollaborativeID: rc.Collab.ID}
	fe := roundFromForm(r.PostForm, rd)
	if fe == nil {
		fe = collab.FieldErrors(s.db.CreateFeedbackRound(r.Context(), rc.who(), rd))
	}
	if fe != nil {
		p, err := s.feedbackRoundsData(r, rc)
		if err != nil {
			return err
		}
		p.Form, p.Errors = r.PostForm, fe
		return s.render(w, http.StatusUnprocessableEntity, "feedback_rounds", p)
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/feedback-rounds", rc.Collab.ID), "flash.created")
}

func (s *Server) findRound(r *http.Request, rc *reqCtx) (*collab.FeedbackRound, error) {
	id, err := pathID(r.PathValue("round"))
	if err != nil {
		return nil, err
	}
	return s.db.FindFeedbackRound(r.Context(), rc.Collab.ID, id)
}

func (s *Server) feedbackRoundUpdate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	rd, err := s.findRound(r, rc)
	if err != nil {
		return err
	}
	fe := roundFromForm(r.PostForm, rd)
	if fe == nil {
		err = s.db.UpdateFeedbackRound(r.Context(), rc.who(), rd)
		if fe = collab.FieldErrors(err); fe == nil && err != nil {
			return err
		}
	}
	if fe != nil {
		p, err := s.feedbackResultsData(r, rc)
		if err != nil {
			return err
		}
		p.Form, p.Errors = r.PostForm, fe
		return s.render(w, http.StatusUnprocessableEntity, "feedback_results", p)
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/feedback-rounds/%d/results", rc.Collab.ID, rd.ID), "flash.saved")
}

func (s *Server) feedbackRoundDelete(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	rd, err := s.findRound(r, rc)
	if err != nil {
		return err
	}
	if err := s.db.DeleteFeedbackRound(r.Context(), rc.who(), rc.Collab.ID, rd.ID); err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/feedback-rounds", rc.Collab.ID), "flash.deleted")
}

type feedbackAnswerPage struct {
	basePage
	Round     *collab.FeedbackRound
	Questions []collab.FeedbackQuestion
	Scale     []int
	State     string
	Member    bool
	Answered  bool
}

func (s *Server) feedbackAnswerData(r *http.Request, rc *reqCtx) (*feedbackAnswerPage, error) {
	rd, err := s.findRound(r, rc)
	if err != nil {
		return nil, err
	}
	p := &feedbackAnswerPage{basePage: s.base(r, rc, "feedback.answer_title"), Round: rd, Questions: collab.FeedbackQuestions,
		Scale: []int{1, 2, 3, 4, 5}, State: roundState(rd, s.db.Today()), Member: onTeamOf(rc.Actor, rc.Collab.ID)}
	p.Title = rd.Title
	if p.Member {
		if p.Answered, err = s.db.HasAnsweredFeedback(r.Context(), rd.ID, rc.Actor.UserID); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (s *Server) feedbackAnswerForm(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.feedbackAnswerData(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "feedback_answer", p)
}

// feedbackAnswer records a team member's answers. Whether they are named
// is their choice on the form; anonymous is the default.
func (s *Server) feedbackAnswer(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	p, err := s.feedbackAnswerData(r, rc)
	if err != nil {
		return err
	}
	in := map[string]string{}
	for _, q := range collab.FeedbackQuestions {
		in[q.Key] = r.PostForm.Get(q.Key)
	}
	var fe map[string]string
	switch {
	case !p.Member:
		fe = map[string]string{"answers": "feedback.error.not_member"}
	case p.Answered:
		fe = map[string]string{"answers": "feedback.error.answered"}
	default:
		a, err := collab.CheckFeedback(in, r.PostForm.Get("identity") == "named")
		if fe = collab.FieldErrors(err); fe == nil {
			err = s.db.AnswerFeedback(r.Context(), rc.who(), rc.Collab.ID, p.Round.ID, rc.Actor.UserID, a)
			if errors.Is(err, collab.ErrConflict) {
				fe = map[string]string{"answers": "feedback.error.answered"}
			} else if fe = collab.FieldErrors(err); fe == nil && err != nil {
				return err
			}
		}
	}
	if fe != nil {
		p.Form, p.Errors = r.PostForm, fe
		return s.render(w, http.StatusUnprocessableEntity, "feedback_answer", p)
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/feedback-rounds", rc.Collab.ID), "feedback.thanks")
}

type feedbackResultsPage struct {
	basePage
	Round     *collab.FeedbackRound
	State     string
	Threshold int
	// Results are nil until the round has closed.
	Results *collab.FeedbackResults
	Manager bool
}

// feedbackResults publishes a closed round's answers (nil while it is
// open or upcoming) at the collaborative's threshold.
func (s *Server) feedbackResults(r *http.Request, rc *reqCtx, rd *collab.FeedbackRound) (*collab.FeedbackResults, int, error) {
	ctx := r.Context()
	k, err := s.db.SuppressionThreshold(ctx, rc.Collab.ID)
	if err != nil {
		return nil, 0, err
	}
	if !rd.ClosedOn(s.db.Today()) {
		return nil, k, nil
	}
	as, err := s.db.FeedbackAnswers(ctx, rc.Collab.ID, rd.ID)
	if err != nil {
		return nil, 0, err
	}
	return collab.ComputeFeedbackResults(as, rd.Respondents, k), k, nil
}

func (s *Server) feedbackResultsData(r *http.Request, rc *reqCtx) (*feedbackResultsPage, error) {
	rd, err := s.findRound(r, rc)
	if err != nil {
		return nil, err
	}
	p := &feedbackResultsPage{basePage: s.base(r, rc, "feedback.results_title"), Round: rd, State: roundState(rd, s.db.Today()), Manager: rc.can(collab.PermCollabManage)}
	p.Title = rd.Title
	p.Results, p.Threshold, err = s.feedbackResults(r, rc, rd)
	return p, err
}

func (s *Server) feedbackResultsPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.feedbackResultsData(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "feedback_results", p)
}

// feedbackResultsCSV exports what the results page shows: the ratings as
// suppressed, and the written answers, named only where the respondent
// chose. Nothing while the round is open.
func (s *Server) feedbackResultsCSV(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.feedbackResultsData(r, rc)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="feedback-round-%d-results.csv"`, p.Round.ID))
	w.Header().Set("Cache-Control", "no-store")
	cw := csvout.NewWriter(w)
	cw.Write([]string{"question", "answer", "value", "respondent"})
	if res := p.Results; res != nil {
		count := p.Shown
		cw.Write([]string{p.T("feedback.respondents"), "", count(res.Respondents, res.RespondentsHidden), ""})
		for _, rt := range res.Ratings {
			q := p.T("feedback.q." + rt.Key)
			for j := range collab.ScaleMax {
				cw.Write([]string{q, strconv.Itoa(j + 1), count(rt.Counts[j], rt.Hidden[j]), ""})
			}
			cw.Write([]string{q, p.T("feedback.answers"), count(rt.Answers, rt.AnswersHidden), ""})
			if rt.HasMean {
				cw.Write([]string{q, p.T("feedback.mean"), strconv.FormatFloat(rt.Mean, 'f', 1, 64), ""})
			}
		}
		for _, c := range res.Comments {
			name := c.Name
			if name == "" {
				name = p.T("feedback.anonymous")
			}
			cw.Write([]string{p.T("feedback.q." + c.Question), "", c.Text, name})
		}
	}
	cw.Flush()
	return cw.Error()
}

// Small reports whether a count of people is one the disclosure rule
// hides at threshold k.
func (p basePage) Small(n, k int) bool { return n > 0 && n < max(k, suppress.MinThreshold) }

// Shown is a count as published: the number, or words for one
// suppressed.
func (p basePage) Shown(n int, hidden bool) string {
	if hidden {
		return p.T("learning.too_few")
	}
	return strconv.Itoa(n)
}

// ScaleLabels head the rating columns: 1 (not at all) to 5 (very much).
func (p basePage) ScaleLabels() []string {
	out := make([]string, collab.ScaleMax)
	for i := range out {
		out[i] = p.T("feedback.scale." + strconv.Itoa(i+1))
	}
	return out
}

// reportFeedback puts the latest round closed by the report's last day in
// the funder report, with its ratings as published; its written answers
// only for the readers of feedback.
func (s *Server) reportFeedback(r *http.Request, rc *reqCtx, p *funderReportPage) error {
	rounds, err := s.db.FeedbackRounds(r.Context(), rc.Collab.ID)
	if err != nil {
		return err
	}
	today := s.db.Today()
	for _, rd := range rounds {
		if rd.ClosedOn(today) && !rd.ClosesOn.After(p.To) && (p.Feedback == nil || rd.ClosesOn.After(p.Feedback.ClosesOn)) {
			p.Feedback = rd
		}
	}
	if p.Feedback == nil {
		return nil
	}
	if p.FeedbackResults, _, err = s.feedbackResults(r, rc, p.Feedback); err != nil {
		return err
	}
	p.Comments = rc.can(collab.PermFeedbackRead)
	if !p.Comments {
		p.FeedbackResults.Comments = nil
	}
	return nil
}

// feedbackRows are the funder report's feedback rows in its CSV and XLSX:
// the same figures as the page (never the written answers).
func feedbackRows(p basePage, rd *collab.FeedbackRound, res *collab.FeedbackResults) [][]string {
	if rd == nil || res == nil {
		return nil
	}
	sec := p.T("feedback.report_heading") + " · " + rd.Title
	rows := [][]string{{sec, p.T("feedback.respondents"), p.Shown(res.Respondents, res.RespondentsHidden)}}
	labels := p.ScaleLabels()
	for _, rt := range res.Ratings {
		q := p.T("feedback.q." + rt.Key)
		for j := range collab.ScaleMax {
			rows = append(rows, []string{sec, q + " · " + labels[j], p.Shown(rt.Counts[j], rt.Hidden[j])})
		}
		rows = append(rows, []string{sec, q + " · " + p.T("feedback.answers"), p.Shown(rt.Answers, rt.AnswersHidden)})
		if rt.HasMean {
			rows = append(rows, []string{sec, q + " · " + p.T("feedback.mean"), strconv.FormatFloat(rt.Mean, 'f', 1, 64)})
		}
	}
	return rows
}
