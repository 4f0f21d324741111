package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/learning"
)

// FilesDir is where uploaded files go by default: a "files" folder beside a
// SQLite database, or "" for PostgreSQL (the server must be told a folder
// every replica shares).
func (db *DB) FilesDir() string {
	if db.Dialect == SQLite && db.path != "" {
		return filepath.Join(filepath.Dir(db.path), "files")
	}
	return ""
}

// LearningSettings returns a collaborative's learning settings, the
// defaults if none were saved.
func (db *DB) LearningSettings(ctx context.Context, collabID int64) (learning.Settings, error) {
	s := learning.DefaultSettings(collabID)
	err := db.read.QueryRowContext(ctx, `SELECT min_cell, report_due_day, card_title, card_intro, card_public, card_token
		FROM learning_settings WHERE collaborative_id = $1`, collabID).
		Scan(&s.MinCell, &s.ReportDueDay, &s.CardTitle, &s.CardIntro, &s.CardPublic, &s.CardToken)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("learning settings: %w", err)
	}
	// A threshold saved before the floor existed still never goes below it.
	s.MinCell = max(s.MinCell, learning.MinMinCell)
	return s, nil
}

// SaveLearningSettings stores a collaborative's learning settings. The
// report card's public token is made the first time the card is published
// and kept afterwards, so a published address stays stable.
func (db *DB) SaveLearningSettings(ctx context.Context, who collab.Who, s *learning.Settings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	cardToken(s)
	return db.tx(ctx, func(tx *sql.Tx) error { return db.saveSettings(ctx, tx, who, s) })
}

func (db *DB) saveSettings(ctx context.Context, tx *sql.Tx, who collab.Who, s *learning.Settings) error {
	before := db.snapshotBy(ctx, tx, "learning_settings", "collaborative_id", s.CollaborativeID)
	_, err := tx.ExecContext(ctx, `INSERT INTO learning_settings (collaborative_id, min_cell, report_due_day, card_title, card_intro, card_public, card_token)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (collaborative_id) DO UPDATE SET min_cell = excluded.min_cell, report_due_day = excluded.report_due_day,
		card_title = excluded.card_title, card_intro = excluded.card_intro, card_public = excluded.card_public, card_token = excluded.card_token`,
		s.CollaborativeID, s.MinCell, s.ReportDueDay, s.CardTitle, s.CardIntro, s.CardPublic, s.CardToken)
	if err != nil {
		return fmt.Errorf("save learning settings: %w", err)
	}
	return db.audit(ctx, tx, who, s.CollaborativeID, "learning.settings", fmt.Sprint("collaborative:", s.CollaborativeID), db.settingsDiff(ctx, tx, "learning_settings", s.CollaborativeID, before))
}

// cardToken gives a card published for the first time its random public
// token (128 bits: the address cannot be guessed).
func cardToken(s *learning.Settings) {
	if s.CardPublic && s.CardToken == "" {
		b := make([]byte, 16)
		rand.Read(b)
		s.CardToken = hex.EncodeToString(b)
	}
}

// NewCardAddress gives a collaborative's report card a new random token,
// so its old public address answers 404 from now on. An unpublished card
// loses its token and gets a fresh one when next published; a card never
// saved has no address to change. The audit row records the change but
// never a token.
func (db *DB) NewCardAddress(ctx context.Context, who collab.Who, collabID int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var public bool
		err := tx.QueryRowContext(ctx, `SELECT card_public FROM learning_settings WHERE collaborative_id = $1`, collabID).Scan(&public)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("new card address: %w", err)
		}
		s := learning.Settings{CardPublic: public}
		cardToken(&s)
		if _, err := tx.ExecContext(ctx, `UPDATE learning_settings SET card_token = $1 WHERE collaborative_id = $2`, s.CardToken, collabID); err != nil {
			return fmt.Errorf("new card address: %w", err)
		}
		return db.audit(ctx, tx, who, collabID, "learning.card_address", fmt.Sprint("collaborative:", collabID), "the public report card has a new address; the old one no longer works")
	})
}

// CollabByCardToken finds the collaborative whose report card is published
// under token; an unpublished card is not found.
func (db *DB) CollabByCardToken(ctx context.Context, token string) (int64, error) {
	var id int64
	err := db.read.QueryRowContext(ctx, `SELECT collaborative_id FROM learning_settings WHERE card_public AND card_token = $1 AND card_token <> ''`, token).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("find report card: %w", collab.ErrNotFound)
	}
	return id, err
}

// Aggregates are a collaborative's learning figures over a date range, raw:
// pages and exports apply small-count suppression before showing them.
type Aggregates struct {
	From, To           collab.Date // To exclusive
	Teams, ActiveTeams int64
	// Monthly reports count by when they were submitted (or reviewed), like
	// every other figure, not by the month they cover: a report for
	// November submitted on 3 December is December's, so "this month"
	// shows it as soon as it is in.
	ReportsSubmitted int64 // submitted in range (and maybe reviewed since)
	ReportsReviewed  int64 // reviewed in range
	TeamsReporting   int64
	// Progress counts reports submitted in range by self-assessed score 1–5.
	Progress        [6]int64
	Shares          int64
	TeamsSharing    int64
	Comments        int64
	ResourcesAdded  int64
	ResourcesUsed   int64 // uses marked in range
	TopicsProposed  int64
	TopicsScheduled int64
	TopicsCovered   int64
	Votes           int64
	Indicators      int64
}

// LearningAggregates counts what happened in [from, to).
func (db *DB) LearningAggregates(ctx context.Context, collabID int64, from, to collab.Date) (*Aggregates, error) {
	a := &Aggregates{From: from, To: to}
	f, t := ts(from.Time()), ts(to.Time())
	qs := []struct {
		dst  *int64
		q    string
		args []any
	}{
		{&a.Teams, `SELECT COUNT(*) FROM teams WHERE collaborative_id = $1`, []any{collabID}},
		{&a.ActiveTeams, `SELECT COUNT(*) FROM teams WHERE collaborative_id = $1 AND active`, []any{collabID}},
		{&a.ReportsSubmitted, `SELECT COUNT(*) FROM reports WHERE collaborative_id = $1 AND status <> 'draft' AND submitted_at >= $2 AND submitted_at < $3`, []any{collabID, f, t}},
		{&a.ReportsReviewed, `SELECT COUNT(*) FROM reports WHERE collaborative_id = $1 AND status = 'reviewed' AND reviewed_at >= $2 AND reviewed_at < $3`, []any{collabID, f, t}},
		{&a.TeamsReporting, `SELECT COUNT(DISTINCT team_id) FROM reports WHERE collaborative_id = $1 AND status <> 'draft' AND submitted_at >= $2 AND submitted_at < $3`, []any{collabID, f, t}},
		{&a.Shares, `SELECT COUNT(*) FROM shares WHERE collaborative_id = $1 AND withdrawn_at IS NULL AND shared_at >= $2 AND shared_at < $3`, []any{collabID, f, t}},
		{&a.TeamsSharing, `SELECT COUNT(DISTINCT team_id) FROM shares WHERE collaborative_id = $1 AND withdrawn_at IS NULL AND shared_at >= $2 AND shared_at < $3`, []any{collabID, f, t}},
		{&a.Comments, `SELECT COUNT(*) FROM share_comments c JOIN shares s ON s.id = c.share_id WHERE s.collaborative_id = $1 AND c.created_at >= $2 AND c.created_at < $3`, []any{collabID, f, t}},
		{&a.ResourcesAdded, `SELECT COUNT(*) FROM resources WHERE collaborative_id = $1 AND created_at >= $2 AND created_at < $3`, []any{collabID, f, t}},
		{&a.ResourcesUsed, `SELECT COUNT(*) FROM resource_uses x JOIN resources r ON r.id = x.resource_id WHERE r.collaborative_id = $1 AND x.marked_at >= $2 AND x.marked_at < $3`, []any{collabID, f, t}},
		{&a.TopicsProposed, `SELECT COUNT(*) FROM agenda_topics WHERE collaborative_id = $1 AND status <> 'withdrawn' AND created_at >= $2 AND created_at < $3`, []any{collabID, f, t}},
		{&a.TopicsScheduled, `SELECT COUNT(*) FROM agenda_topics WHERE collaborative_id = $1 AND status = 'scheduled'`, []any{collabID}},
		{&a.TopicsCovered, `SELECT COUNT(*) FROM agenda_topics WHERE collaborative_id = $1 AND status = 'covered' AND updated_at >= $2 AND updated_at < $3`, []any{collabID, f, t}},
		{&a.Votes, `SELECT COUNT(*) FROM agenda_votes v JOIN agenda_topics a ON a.id = v.topic_id WHERE a.collaborative_id = $1 AND v.created_at >= $2 AND v.created_at < $3`, []any{collabID, f, t}},
		{&a.Indicators, `SELECT COUNT(*) FROM indicators WHERE collaborative_id = $1`, []any{collabID}},
	}
	for _, q := range qs {
		if err := db.read.QueryRowContext(ctx, q.q, q.args...).Scan(q.dst); err != nil {
			return nil, fmt.Errorf("learning aggregates: %w", err)
		}
	}
	rows, err := db.read.QueryContext(ctx, `SELECT progress, COUNT(*) FROM reports WHERE collaborative_id = $1 AND status <> 'draft' AND submitted_at >= $2 AND submitted_at < $3 GROUP BY progress`, collabID, f, t)
	if err != nil {
		return nil, fmt.Errorf("learning aggregates: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p int
		var n int64
		if err := rows.Scan(&p, &n); err != nil {
			return nil, err
		}
		if p >= 0 && p <= 5 {
			a.Progress[p] = n
		}
	}
	return a, rows.Err()
}

// CardItems lists the report card's lines in order.
func (db *DB) CardItems(ctx context.Context, collabID int64) ([]learning.CardItem, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, collaborative_id, position, kind, ref, label, wording FROM card_items WHERE collaborative_id = $1 ORDER BY position, id`, collabID)
	if err != nil {
		return nil, fmt.Errorf("list card items: %w", err)
	}
	defer rows.Close()
	var out []learning.CardItem
	for rows.Next() {
		var c learning.CardItem
		if err := rows.Scan(&c.ID, &c.CollaborativeID, &c.Position, &c.Kind, &c.Ref, &c.Label, &c.Wording); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SaveReportCard stores the card's settings and replaces its lines.
func (db *DB) SaveReportCard(ctx context.Context, who collab.Who, s *learning.Settings, items []learning.CardItem) error {
	v := collab.NewValidation()
	for i := range items {
		if fe := collab.FieldErrors(items[i].Validate()); fe != nil {
			for k, m := range fe {
				v.Add(fmt.Sprintf("%s-%d", k, i), m)
			}
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	if err := s.Validate(); err != nil {
		return err
	}
	cardToken(s)
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.saveSettings(ctx, tx, who, s); err != nil {
			return err
		}
		before := db.snapshotAll(ctx, tx, "card_items", "collaborative_id", s.CollaborativeID)
		if _, err := tx.ExecContext(ctx, `DELETE FROM card_items WHERE collaborative_id = $1`, s.CollaborativeID); err != nil {
			return fmt.Errorf("save report card: %w", err)
		}
		for i, it := range items {
			if _, err := tx.ExecContext(ctx, `INSERT INTO card_items (collaborative_id, position, kind, ref, label, wording) VALUES ($1, $2, $3, $4, $5, $6)`,
				s.CollaborativeID, i+1, it.Kind, it.Ref, it.Label, it.Wording); err != nil {
				return fmt.Errorf("save report card: %w", err)
			}
		}
		return db.audit(ctx, tx, who, s.CollaborativeID, "card.save", fmt.Sprint("collaborative:", s.CollaborativeID), detail(map[string][2]any{"items": {before, db.snapshotAll(ctx, tx, "card_items", "collaborative_id", s.CollaborativeID)}}))
	})
}
