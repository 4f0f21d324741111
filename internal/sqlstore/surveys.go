package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/suppress"
)

// SuppressionThreshold is the collaborative's small-group threshold for
// survey results (suppress.DefaultThreshold unless a convener set one).
func (db *DB) SuppressionThreshold(ctx context.Context, collabID int64) (int, error) {
	var k int
	err := db.read.QueryRowContext(ctx, `SELECT suppression_threshold FROM wellbeing_settings WHERE collaborative_id = $1`, collabID).Scan(&k)
	if errors.Is(err, sql.ErrNoRows) {
		return suppress.DefaultThreshold, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read suppression threshold: %w", err)
	}
	return max(k, suppress.MinThreshold), nil
}

// SetSuppressionThreshold sets the threshold; it may not go below
// suppress.MinThreshold, and it may not change once any survey of the
// collaborative has an answer: results are released in batches of the
// threshold, first answers first, so results read under 11 and then under
// 12 would differ by exactly the twelfth person.
func (db *DB) SetSuppressionThreshold(ctx context.Context, who collab.Who, collabID int64, k int) error {
	if k < suppress.MinThreshold || k > 1000 {
		return &collab.ValidationError{Fields: map[string]string{"threshold": "error.threshold"}}
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		cur := suppress.DefaultThreshold
		err := tx.QueryRowContext(ctx, `SELECT suppression_threshold FROM wellbeing_settings WHERE collaborative_id = $1`, collabID).Scan(&cur)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("set suppression threshold: %w", err)
		}
		if k != max(cur, suppress.MinThreshold) {
			var answered bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM survey_responses r JOIN surveys s ON s.id = r.survey_id WHERE s.collaborative_id = $1)`, collabID).Scan(&answered); err != nil {
				return fmt.Errorf("set suppression threshold: %w", err)
			}
			if answered {
				return &collab.ValidationError{Fields: map[string]string{"threshold": "error.threshold_locked"}}
			}
		}
		before := db.snapshotBy(ctx, tx, "wellbeing_settings", "collaborative_id", collabID)
		_, err = tx.ExecContext(ctx, `INSERT INTO wellbeing_settings (collaborative_id, suppression_threshold) VALUES ($1, $2)
			ON CONFLICT (collaborative_id) DO UPDATE SET suppression_threshold = excluded.suppression_threshold`, collabID, k)
		if err != nil {
			return fmt.Errorf("set suppression threshold: %w", err)
		}
		return db.audit(ctx, tx, who, collabID, "survey.threshold", fmt.Sprint("collaborative:", collabID), db.settingsDiff(ctx, tx, "wellbeing_settings", collabID, before))
	})
}

// CreateSurvey stores a new survey.
func (db *DB) CreateSurvey(ctx context.Context, who collab.Who, s *collab.Survey) error {
	if err := s.Validate(); err != nil {
		return err
	}
	qs, err := json.Marshal(s.Questions)
	if err != nil {
		return err
	}
	s.CreatedAt, s.Open = db.Now(), true
	return db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO surveys (collaborative_id, title, kind, questions, open, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			s.CollaborativeID, s.Title, s.Kind, string(qs), s.Open, ts(s.CreatedAt)).Scan(&s.ID)
		if err != nil {
			return fmt.Errorf("create survey: %w", err)
		}
		return db.audit(ctx, tx, who, s.CollaborativeID, "survey.create", fmt.Sprint("survey:", s.ID), db.created(ctx, tx, "surveys", s.ID))
	})
}

// SetSurveyOpen opens or closes a survey to responses.
func (db *DB) SetSurveyOpen(ctx context.Context, who collab.Who, collabID, id int64, open bool) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE surveys SET open = $1 WHERE id = $2 AND collaborative_id = $3`, open, id, collabID)
		if err != nil {
			return fmt.Errorf("update survey %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("update survey %d: %w", id, collab.ErrNotFound)
		}
		return db.audit(ctx, tx, who, collabID, "survey.open", fmt.Sprint("survey:", id), fmt.Sprint(open))
	})
}

const surveyCols = `id, collaborative_id, title, kind, questions, open, created_at`

func scanSurvey(row interface{ Scan(...any) error }) (*collab.Survey, error) {
	var s collab.Survey
	var qs string
	var at Time
	if err := row.Scan(&s.ID, &s.CollaborativeID, &s.Title, &s.Kind, &qs, &s.Open, &at); err != nil {
		return nil, err
	}
	s.CreatedAt = at.Time
	if err := json.Unmarshal([]byte(qs), &s.Questions); err != nil {
		return nil, fmt.Errorf("survey %d questions: %w", s.ID, err)
	}
	return &s, nil
}

// Surveys lists a collaborative's surveys, newest first.
func (db *DB) Surveys(ctx context.Context, collabID int64) ([]*collab.Survey, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+surveyCols+` FROM surveys WHERE collaborative_id = $1 ORDER BY id DESC`, collabID)
	if err != nil {
		return nil, fmt.Errorf("list surveys: %w", err)
	}
	defer rows.Close()
	var out []*collab.Survey
	for rows.Next() {
		s, err := scanSurvey(rows)
		if err != nil {
			return nil, fmt.Errorf("list surveys: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// FindSurvey returns a survey of a collaborative.
func (db *DB) FindSurvey(ctx context.Context, collabID, id int64) (*collab.Survey, error) {
	s, err := scanSurvey(db.read.QueryRowContext(ctx, `SELECT `+surveyCols+` FROM surveys WHERE id = $1 AND collaborative_id = $2`, id, collabID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("find survey %d: %w", id, collab.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("find survey %d: %w", id, err)
	}
	return s, nil
}

// CreateSurveyLinks makes count links into a survey for a team of the same
// collaborative (single-use tokens, or one shared link when singleUse is
// false) and returns their tokens, which are not kept.
func (db *DB) CreateSurveyLinks(ctx context.Context, who collab.Who, collabID, surveyID, teamID int64, singleUse bool, tokens []string) error {
	if _, err := db.FindSurvey(ctx, collabID, surveyID); err != nil {
		return err
	}
	if _, err := db.FindTeam(ctx, collabID, teamID); err != nil {
		return &collab.ValidationError{Fields: map[string]string{"team": "error.invalid_choice"}}
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		for _, tok := range tokens {
			_, err := tx.ExecContext(ctx, `INSERT INTO survey_links (survey_id, team_id, token_hash, single_use, used, created_at) VALUES ($1, $2, $3, $4, FALSE, $5)`,
				surveyID, teamID, HashToken(tok), singleUse, ts(db.Now()))
			if err != nil {
				return fmt.Errorf("create survey link: %w", err)
			}
		}
		return db.audit(ctx, tx, who, collabID, "survey.links", fmt.Sprint("survey:", surveyID), fmt.Sprintf("team:%d count:%d single:%v", teamID, len(tokens), singleUse))
	})
}

// SurveyLinks lists a survey's links.
func (db *DB) SurveyLinks(ctx context.Context, collabID, surveyID int64) ([]collab.SurveyLink, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT l.id, l.survey_id, l.team_id, t.name, l.single_use, l.used, l.created_at
		FROM survey_links l JOIN surveys s ON s.id = l.survey_id JOIN teams t ON t.id = l.team_id
		WHERE l.survey_id = $1 AND s.collaborative_id = $2 ORDER BY t.name, l.id`, surveyID, collabID)
	if err != nil {
		return nil, fmt.Errorf("list survey links: %w", err)
	}
	defer rows.Close()
	var out []collab.SurveyLink
	for rows.Next() {
		var l collab.SurveyLink
		var at Time
		if err := rows.Scan(&l.ID, &l.SurveyID, &l.TeamID, &l.TeamName, &l.SingleUse, &l.Used, &at); err != nil {
			return nil, fmt.Errorf("list survey links: %w", err)
		}
		l.CreatedAt = at.Time
		out = append(out, l)
	}
	return out, rows.Err()
}

// SurveyByToken opens a survey through one of its links. A used
// single-use link, a closed survey or an unknown token is ErrNotFound.
func (db *DB) SurveyByToken(ctx context.Context, token string) (*collab.Survey, *collab.SurveyLink, error) {
	var l collab.SurveyLink
	err := db.read.QueryRowContext(ctx, `SELECT id, survey_id, team_id, single_use, used FROM survey_links WHERE token_hash = $1`, HashToken(token)).
		Scan(&l.ID, &l.SurveyID, &l.TeamID, &l.SingleUse, &l.Used)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && l.Used) {
		return nil, nil, fmt.Errorf("survey link: %w", collab.ErrNotFound)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("survey link: %w", err)
	}
	s, err := scanSurvey(db.read.QueryRowContext(ctx, `SELECT `+surveyCols+` FROM surveys WHERE id = $1`, l.SurveyID))
	if err != nil {
		return nil, nil, fmt.Errorf("survey link: %w", err)
	}
	if !s.Open {
		return nil, nil, fmt.Errorf("survey link: closed: %w", collab.ErrNotFound)
	}
	return s, &l, nil
}

// SubmitSurveyResponse stores anonymous answers through a link. It keeps
// the link's team and the month, nothing about the respondent; the audit
// row names the survey only, with no actor and no address. A single-use
// link is spent in the same transaction, so a second answer is
// ErrConflict.
func (db *DB) SubmitSurveyResponse(ctx context.Context, token string, answers map[string]string) error {
	s, _, err := db.SurveyByToken(ctx, token)
	if err != nil {
		return err
	}
	clean, err := s.CheckAnswers(answers)
	if err != nil {
		return err
	}
	b, err := json.Marshal(clean)
	if err != nil {
		return err
	}
	now := db.Now()
	period := collab.NewDate(now.Year(), now.Month(), 1)
	return db.tx(ctx, func(tx *sql.Tx) error {
		var id, team int64
		var single bool
		err := tx.QueryRowContext(ctx, `SELECT id, team_id, single_use FROM survey_links WHERE token_hash = $1 AND used = FALSE`, HashToken(token)).Scan(&id, &team, &single)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("survey link already used: %w", collab.ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("submit response: %w", err)
		}
		if single {
			if _, err := tx.ExecContext(ctx, `UPDATE survey_links SET used = TRUE WHERE id = $1`, id); err != nil {
				return fmt.Errorf("submit response: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO survey_responses (survey_id, team_id, period, answers) VALUES ($1, $2, $3, $4)`, s.ID, team, period, string(b)); err != nil {
			return fmt.Errorf("submit response: %w", err)
		}
		return db.audit(ctx, tx, collab.Who{}, s.CollaborativeID, "survey.response", fmt.Sprint("survey:", s.ID), "")
	})
}

// SurveyResponses returns a survey's responses in the order they came in
// (which collab.ComputeSurveyResults needs to release them in batches),
// for computing results. Callers must pass them through
// collab.ComputeSurveyResults, which releases and suppresses, before
// showing anything; no export, archive or API carries them.
func (db *DB) SurveyResponses(ctx context.Context, collabID, surveyID int64) ([]collab.SurveyResponse, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT r.team_id, r.period, r.answers FROM survey_responses r JOIN surveys s ON s.id = r.survey_id
		WHERE r.survey_id = $1 AND s.collaborative_id = $2 ORDER BY r.id`, surveyID, collabID)
	if err != nil {
		return nil, fmt.Errorf("list responses: %w", err)
	}
	defer rows.Close()
	var out []collab.SurveyResponse
	for rows.Next() {
		var r collab.SurveyResponse
		var a string
		if err := rows.Scan(&r.TeamID, &r.Period, &a); err != nil {
			return nil, fmt.Errorf("list responses: %w", err)
		}
		if err := json.Unmarshal([]byte(a), &r.Answers); err != nil {
			return nil, fmt.Errorf("list responses: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
