package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/goeswell/goeswell/internal/collab"
)

// Feedback on the collaborative as a whole (migration 00022): rounds, who
// answered each, and the answers — the last two in separate tables that
// share nothing but the round, so that "one answer a person" holds without
// an anonymous answer pointing at its respondent. Neither table records a
// time, and an answer's key is random: the order answers came in, which
// set beside a person's sign-in times would name them, is kept nowhere.

const feedbackRoundCols = `r.id, r.collaborative_id, r.title, r.opens_on, r.closes_on, r.created_at,
	(SELECT COUNT(*) FROM feedback_respondents p WHERE p.round_id = r.id)`

func scanFeedbackRound(row interface{ Scan(...any) error }) (*collab.FeedbackRound, error) {
	var r collab.FeedbackRound
	var at Time
	if err := row.Scan(&r.ID, &r.CollaborativeID, &r.Title, &r.OpensOn, &r.ClosesOn, &at, &r.Respondents); err != nil {
		return nil, err
	}
	r.CreatedAt = at.Time
	return &r, nil
}

// FeedbackRounds lists a collaborative's feedback rounds, the latest to
// open first, with how many people answered each.
func (db *DB) FeedbackRounds(ctx context.Context, collabID int64) ([]*collab.FeedbackRound, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+feedbackRoundCols+` FROM feedback_rounds r
		WHERE r.collaborative_id = $1 ORDER BY r.opens_on DESC, r.id DESC`, collabID)
	if err != nil {
		return nil, fmt.Errorf("list feedback rounds: %w", err)
	}
	defer rows.Close()
	var out []*collab.FeedbackRound
	for rows.Next() {
		r, err := scanFeedbackRound(rows)
		if err != nil {
			return nil, fmt.Errorf("list feedback rounds: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// FindFeedbackRound returns one round of the collaborative;
// collab.ErrNotFound if it is not one of its rounds.
func (db *DB) FindFeedbackRound(ctx context.Context, collabID, id int64) (*collab.FeedbackRound, error) {
	r, err := scanFeedbackRound(db.read.QueryRowContext(ctx, `SELECT `+feedbackRoundCols+` FROM feedback_rounds r
		WHERE r.id = $1 AND r.collaborative_id = $2`, id, collabID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("find feedback round %d: %w", id, collab.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("find feedback round %d: %w", id, err)
	}
	return r, nil
}

// CreateFeedbackRound opens a round at the dates the convener set.
func (db *DB) CreateFeedbackRound(ctx context.Context, who collab.Who, r *collab.FeedbackRound) error {
	if err := r.Validate(); err != nil {
		return err
	}
	r.CreatedAt = db.Now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO feedback_rounds (collaborative_id, title, opens_on, closes_on, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			r.CollaborativeID, r.Title, r.OpensOn, r.ClosesOn, ts(r.CreatedAt)).Scan(&r.ID); err != nil {
			return fmt.Errorf("create feedback round: %w", err)
		}
		return db.audit(ctx, tx, who, r.CollaborativeID, "feedback_round.create", fmt.Sprint("feedback_round:", r.ID), db.created(ctx, tx, "feedback_rounds", r.ID))
	})
}

// UpdateFeedbackRound changes a round's title and dates. A round that has
// closed stays closed, with its dates: its results are published, and
// answers let in after a reading would be told apart by the next one.
func (db *DB) UpdateFeedbackRound(ctx context.Context, who collab.Who, r *collab.FeedbackRound) error {
	if err := r.Validate(); err != nil {
		return err
	}
	today := db.Today()
	return db.tx(ctx, func(tx *sql.Tx) error {
		var closes collab.Date
		err := tx.QueryRowContext(ctx, `SELECT closes_on FROM feedback_rounds WHERE id = $1 AND collaborative_id = $2`, r.ID, r.CollaborativeID).Scan(&closes)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("update feedback round %d: %w", r.ID, collab.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("update feedback round %d: %w", r.ID, err)
		}
		if today.After(closes) {
			return &collab.ValidationError{Fields: map[string]string{"closesOn": "feedback.error.closed"}}
		}
		before := db.snapshot(ctx, tx, "feedback_rounds", r.ID)
		if _, err := tx.ExecContext(ctx, `UPDATE feedback_rounds SET title = $1, opens_on = $2, closes_on = $3 WHERE id = $4`,
			r.Title, r.OpensOn, r.ClosesOn, r.ID); err != nil {
			return fmt.Errorf("update feedback round %d: %w", r.ID, err)
		}
		return db.audit(ctx, tx, who, r.CollaborativeID, "feedback_round.update", fmt.Sprint("feedback_round:", r.ID), fromTo(before, db.snapshot(ctx, tx, "feedback_rounds", r.ID)))
	})
}

// DeleteFeedbackRound removes a round nobody has answered;
// collab.ErrConflict once someone has.
func (db *DB) DeleteFeedbackRound(ctx context.Context, who collab.Who, collabID, id int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var answered bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM feedback_respondents WHERE round_id = $1)`, id).Scan(&answered); err != nil {
			return fmt.Errorf("delete feedback round %d: %w", id, err)
		}
		if answered {
			return fmt.Errorf("delete feedback round %d: answered: %w", id, collab.ErrConflict)
		}
		before := db.snapshot(ctx, tx, "feedback_rounds", id)
		res, err := tx.ExecContext(ctx, `DELETE FROM feedback_rounds WHERE id = $1 AND collaborative_id = $2`, id, collabID)
		if err != nil {
			return fmt.Errorf("delete feedback round %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("delete feedback round %d: %w", id, collab.ErrNotFound)
		}
		return db.audit(ctx, tx, who, collabID, "feedback_round.delete", fmt.Sprint("feedback_round:", id), removed(before))
	})
}

// HasAnsweredFeedback reports whether a person has answered a round.
func (db *DB) HasAnsweredFeedback(ctx context.Context, roundID, userID int64) (bool, error) {
	var ok bool
	err := db.read.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM feedback_respondents WHERE round_id = $1 AND user_id = $2)`, roundID, userID).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("feedback answered: %w", err)
	}
	return ok, nil
}

// FeedbackToAnswer lists the rounds of a collaborative open today that a
// person has not answered yet, for their home page.
func (db *DB) FeedbackToAnswer(ctx context.Context, collabID, userID int64) ([]*collab.FeedbackRound, error) {
	today := db.Today()
	rows, err := db.read.QueryContext(ctx, `SELECT `+feedbackRoundCols+` FROM feedback_rounds r
		WHERE r.collaborative_id = $1 AND r.opens_on <= $2 AND r.closes_on >= $2
		AND NOT EXISTS (SELECT 1 FROM feedback_respondents p WHERE p.round_id = r.id AND p.user_id = $3)
		ORDER BY r.closes_on, r.id`, collabID, today, userID)
	if err != nil {
		return nil, fmt.Errorf("feedback to answer: %w", err)
	}
	defer rows.Close()
	var out []*collab.FeedbackRound
	for rows.Next() {
		r, err := scanFeedbackRound(rows)
		if err != nil {
			return nil, fmt.Errorf("feedback to answer: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// feedbackStored is an answer as the answers column holds it.
type feedbackStored struct {
	Ratings map[string]int    `json:"ratings,omitempty"`
	Texts   map[string]string `json:"texts,omitempty"`
}

// AnswerFeedback records a person's answers to a round open today: that
// userID answered, in one table, and the answers, in the other — with
// userID only if the person chose to be named (a.Named). A second answer
// by the same person is collab.ErrConflict. An anonymous answer's audit
// row names the round only: no actor, no address.
func (db *DB) AnswerFeedback(ctx context.Context, who collab.Who, collabID, roundID, userID int64, a *collab.FeedbackAnswer) error {
	b, err := json.Marshal(feedbackStored{Ratings: a.Ratings, Texts: a.Texts})
	if err != nil {
		return fmt.Errorf("answer feedback: %w", err)
	}
	var key [16]byte
	if _, err := rand.Read(key[:]); err != nil {
		return fmt.Errorf("answer feedback: %w", err)
	}
	named := sql.NullInt64{}
	if a.Named {
		named = sql.NullInt64{Int64: userID, Valid: true}
	} else {
		who = collab.Who{}
	}
	today := db.Today()
	return db.tx(ctx, func(tx *sql.Tx) error {
		var opens, closes collab.Date
		err := tx.QueryRowContext(ctx, `SELECT opens_on, closes_on FROM feedback_rounds WHERE id = $1 AND collaborative_id = $2`, roundID, collabID).Scan(&opens, &closes)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("answer feedback round %d: %w", roundID, collab.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("answer feedback round %d: %w", roundID, err)
		}
		if r := (collab.FeedbackRound{OpensOn: opens, ClosesOn: closes}); !r.OpenOn(today) {
			return &collab.ValidationError{Fields: map[string]string{"answers": "feedback.error.not_open"}}
		}
		// ON CONFLICT rather than catching the unique violation: on
		// PostgreSQL a violation would abort the transaction.
		res, err := tx.ExecContext(ctx, `INSERT INTO feedback_respondents (round_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, roundID, userID)
		if err != nil {
			return fmt.Errorf("answer feedback round %d: %w", roundID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("answer feedback round %d: already answered: %w", roundID, collab.ErrConflict)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO feedback_answers (id, round_id, user_id, answers) VALUES ($1, $2, $3, $4)`,
			hex.EncodeToString(key[:]), roundID, named, string(b)); err != nil {
			return fmt.Errorf("answer feedback round %d: %w", roundID, err)
		}
		return db.audit(ctx, tx, who, collabID, "feedback_round.answer", fmt.Sprint("feedback_round:", roundID), "")
	})
}

// FeedbackAnswers returns a round's answers in the order of their random
// keys, with the names of respondents who gave them. Callers publish them
// only through collab.ComputeFeedbackResults.
func (db *DB) FeedbackAnswers(ctx context.Context, collabID, roundID int64) ([]*collab.FeedbackAnswer, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT a.answers, COALESCE(a.user_id, 0), COALESCE(u.name, '') FROM feedback_answers a
		JOIN feedback_rounds r ON r.id = a.round_id LEFT JOIN users u ON u.id = a.user_id
		WHERE a.round_id = $1 AND r.collaborative_id = $2 ORDER BY a.id`, roundID, collabID)
	if err != nil {
		return nil, fmt.Errorf("feedback answers: %w", err)
	}
	defer rows.Close()
	var out []*collab.FeedbackAnswer
	for rows.Next() {
		var s string
		a := &collab.FeedbackAnswer{}
		if err := rows.Scan(&s, &a.UserID, &a.Name); err != nil {
			return nil, fmt.Errorf("feedback answers: %w", err)
		}
		var st feedbackStored
		if err := json.Unmarshal([]byte(s), &st); err != nil {
			return nil, fmt.Errorf("feedback answers: %w", err)
		}
		a.Ratings, a.Texts, a.Named = st.Ratings, st.Texts, a.UserID != 0
		out = append(out, a)
	}
	return out, rows.Err()
}
