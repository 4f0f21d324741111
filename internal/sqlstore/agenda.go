package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/learning"
)

// topicQuery selects topics with their vote counts, from viewer's point of
// view ($2). The proposer's name is blanked in SQL for an anonymous topic,
// so no page or export can show it by mistake; Mine still tells the
// proposer the topic is theirs.
const topicQuery = `SELECT a.id, a.collaborative_id, a.title, a.detail,
	CASE WHEN a.anonymous THEN '' ELSE COALESCE(u.name, '') END,
	a.anonymous, a.status, a.session_text, a.session_date, COALESCE(a.meeting_id, 0), a.outcome, a.created_at, a.updated_at,
	(SELECT COUNT(*) FROM agenda_votes v WHERE v.topic_id = a.id),
	EXISTS (SELECT 1 FROM agenda_votes v WHERE v.topic_id = a.id AND v.user_id = $2),
	COALESCE(a.proposed_by = $2, FALSE), COALESCE(m.title, ''), m.starts_at
	FROM agenda_topics a LEFT JOIN users u ON u.id = a.proposed_by LEFT JOIN meetings m ON m.id = a.meeting_id
	WHERE a.collaborative_id = $1`

func scanTopic(row interface{ Scan(...any) error }) (*learning.Topic, error) {
	var t learning.Topic
	var created, updated, meetingAt Time
	if err := row.Scan(&t.ID, &t.CollaborativeID, &t.Title, &t.Detail, &t.ProposerName, &t.Anonymous, &t.Status, &t.SessionText, &t.SessionDate,
		&t.MeetingID, &t.Outcome, &created, &updated, &t.Votes, &t.Voted, &t.Mine, &t.MeetingTitle, &meetingAt); err != nil {
		return nil, err
	}
	t.CreatedAt, t.UpdatedAt, t.MeetingAt = created.Time, updated.Time, meetingAt.Time
	return &t, nil
}

// Topics lists a collaborative's agenda topics as viewer sees them: open
// proposals by votes, then the rest; withdrawn topics only to their
// proposer.
func (db *DB) Topics(ctx context.Context, collabID, viewer int64) ([]*learning.Topic, error) {
	rows, err := db.read.QueryContext(ctx, topicQuery+` AND (a.status <> 'withdrawn' OR a.proposed_by = $2)
		ORDER BY CASE a.status WHEN 'proposed' THEN 0 WHEN 'scheduled' THEN 1 WHEN 'covered' THEN 2 ELSE 3 END,
		(SELECT COUNT(*) FROM agenda_votes v WHERE v.topic_id = a.id) DESC, a.id`, collabID, viewer)
	if err != nil {
		return nil, fmt.Errorf("list topics: %w", err)
	}
	defer rows.Close()
	var out []*learning.Topic
	for rows.Next() {
		t, err := scanTopic(rows)
		if err != nil {
			return nil, fmt.Errorf("list topics: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// FindTopic returns one topic of a collaborative as viewer sees it.
func (db *DB) FindTopic(ctx context.Context, collabID, id, viewer int64) (*learning.Topic, error) {
	t, err := scanTopic(db.read.QueryRowContext(ctx, topicQuery+` AND a.id = $3`, collabID, viewer, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("find topic %d: %w", id, collab.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("find topic %d: %w", id, err)
	}
	return t, nil
}

// ProposeTopic adds a topic proposed by who. The proposer is stored even
// when anonymous (see learning.Topic); the audit row of an anonymous
// proposal names no actor, so the audit log does not undo the anonymity.
func (db *DB) ProposeTopic(ctx context.Context, who collab.Who, t *learning.Topic) error {
	if err := t.Validate(); err != nil {
		return err
	}
	t.ProposedBy, t.Status, t.Mine = who.UserID, learning.TopicProposed, true
	t.CreatedAt = db.Now()
	t.UpdatedAt = t.CreatedAt
	return db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO agenda_topics (collaborative_id, title, detail, proposed_by, anonymous, status, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			t.CollaborativeID, t.Title, t.Detail, nullID(t.ProposedBy), t.Anonymous, t.Status, ts(t.CreatedAt), ts(t.UpdatedAt)).Scan(&t.ID)
		if err != nil {
			return fmt.Errorf("propose topic: %w", err)
		}
		aw := who
		if t.Anonymous {
			aw = collab.Who{RemoteAddr: ""}
		}
		return db.audit(ctx, tx, aw, t.CollaborativeID, "agenda.propose", fmt.Sprint("topic:", t.ID), t.Title)
	})
}

// WithdrawTopic lets a topic's proposer withdraw it; anyone else gets a
// validation error.
func (db *DB) WithdrawTopic(ctx context.Context, who collab.Who, collabID, id int64) error {
	t, err := db.FindTopic(ctx, collabID, id, who.UserID)
	if err != nil {
		return err
	}
	if !t.Mine {
		// Not a 403: the person may be in the agenda, just not this
		// topic's proposer; the page says so beside the topic.
		return &collab.ValidationError{Fields: map[string]string{"topic": "agenda.error.not_yours"}}
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		before := db.snapshot(ctx, tx, "agenda_topics", id)
		if _, err := tx.ExecContext(ctx, `UPDATE agenda_topics SET status = 'withdrawn', updated_at = $1 WHERE id = $2 AND collaborative_id = $3`,
			ts(db.Now()), id, collabID); err != nil {
			return fmt.Errorf("withdraw topic %d: %w", id, err)
		}
		aw := who
		if t.Anonymous {
			aw = collab.Who{}
		}
		return db.audit(ctx, tx, aw, collabID, "agenda.withdraw", fmt.Sprint("topic:", id), db.diffSince(ctx, tx, "agenda_topics", id, before))
	})
}

// Vote records or removes who's vote on a topic: one vote per person per
// topic. Only open or scheduled topics take votes.
func (db *DB) Vote(ctx context.Context, who collab.Who, collabID, id int64, on bool) error {
	t, err := db.FindTopic(ctx, collabID, id, who.UserID)
	if err != nil {
		return err
	}
	if on && t.Status != learning.TopicProposed && t.Status != learning.TopicScheduled {
		return fmt.Errorf("vote on a %s topic: %w", t.Status, collab.ErrConflict)
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var had int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM agenda_votes WHERE topic_id = $1 AND user_id = $2`, id, who.UserID).Scan(&had); err != nil {
			return fmt.Errorf("vote: %w", err)
		}
		var err error
		if on {
			_, err = tx.ExecContext(ctx, `INSERT INTO agenda_votes (topic_id, user_id, created_at) VALUES ($1, $2, $3) ON CONFLICT (topic_id, user_id) DO NOTHING`,
				id, who.UserID, ts(db.Now()))
		} else {
			_, err = tx.ExecContext(ctx, `DELETE FROM agenda_votes WHERE topic_id = $1 AND user_id = $2`, id, who.UserID)
		}
		if err != nil {
			return fmt.Errorf("vote: %w", err)
		}
		action := "agenda.vote"
		if !on {
			action = "agenda.unvote"
		}
		return db.audit(ctx, tx, who, collabID, action, fmt.Sprint("topic:", id), detail(map[string][2]bool{"vote": {had > 0, on}}))
	})
}

// DecideTopic records the convener's decision: scheduled into a session (a
// meeting, once meetings exist, or a date and text), covered, declined.
func (db *DB) DecideTopic(ctx context.Context, who collab.Who, collabID, id int64, d learning.TopicDecision) error {
	if err := d.Validate(); err != nil {
		return err
	}
	t, err := db.FindTopic(ctx, collabID, id, who.UserID)
	if err != nil {
		return err
	}
	if t.Status == learning.TopicWithdrawn {
		return fmt.Errorf("decide a withdrawn topic: %w", collab.ErrConflict)
	}
	if d.MeetingID != 0 {
		var n int
		if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM meetings WHERE id = $1 AND collaborative_id = $2`, d.MeetingID, collabID).Scan(&n); err != nil {
			return fmt.Errorf("decide topic: %w", err)
		}
		if n == 0 {
			return &collab.ValidationError{Fields: map[string]string{"meetingId": "error.invalid_choice"}}
		}
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE agenda_topics SET status = $1, session_text = $2, session_date = $3, meeting_id = $4, outcome = $5, updated_at = $6
			WHERE id = $7 AND collaborative_id = $8`, d.Status, d.SessionText, d.SessionDate, nullID(d.MeetingID), d.Outcome, ts(db.Now()), id, collabID); err != nil {
			return fmt.Errorf("decide topic %d: %w", id, err)
		}
		return db.audit(ctx, tx, who, collabID, "agenda.decide", fmt.Sprint("topic:", id), string(d.Status))
	})
}
