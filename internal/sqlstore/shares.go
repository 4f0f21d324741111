package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/learning"
	"github.com/goeswell/goeswell/internal/notify"
)

// Share puts one of a team's items on the cohort feed with a snapshot of
// it. Sharing an item again (after a withdrawal, or with a fresh
// snapshot) updates its entry rather than adding a second. Other features
// call this with their own kind: the feed is theirs too.
func (db *DB) Share(ctx context.Context, who collab.Who, s *learning.Share) error {
	if err := s.Validate(); err != nil {
		return err
	}
	sum, err := json.Marshal(s.Summary)
	if err != nil {
		return err
	}
	s.SharedAt, s.SharedBy, s.WithdrawnAt = db.Now(), who.UserID, time.Time{}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM teams WHERE id = $1 AND collaborative_id = $2`, s.TeamID, s.CollaborativeID).Scan(&n); err != nil || n == 0 {
			return fmt.Errorf("share: team %d: %w", s.TeamID, collab.ErrNotFound)
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO shares (collaborative_id, team_id, kind, item_id, title, summary, shared_by, shared_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (team_id, kind, item_id) DO UPDATE SET title = excluded.title, summary = excluded.summary,
			shared_by = excluded.shared_by, shared_at = excluded.shared_at, withdrawn_at = NULL RETURNING id`,
			s.CollaborativeID, s.TeamID, s.Kind, s.ItemID, s.Summary.Title, string(sum), nullID(s.SharedBy), ts(s.SharedAt)).Scan(&s.ID)
		if err != nil {
			return fmt.Errorf("share: %w", err)
		}
		return db.audit(ctx, tx, who, s.CollaborativeID, "share.create", fmt.Sprintf("share:%d team:%d %s:%d", s.ID, s.TeamID, s.Kind, s.ItemID), s.Summary.Title)
	})
}

// WithdrawShare takes a team's item off the feed; its comments stay, out of
// sight, should the team share it again.
func (db *DB) WithdrawShare(ctx context.Context, who collab.Who, collabID, teamID, shareID int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		before := db.snapshot(ctx, tx, "shares", shareID)
		res, err := tx.ExecContext(ctx, `UPDATE shares SET withdrawn_at = $1 WHERE id = $2 AND team_id = $3 AND collaborative_id = $4 AND withdrawn_at IS NULL`,
			ts(db.Now()), shareID, teamID, collabID)
		if err != nil {
			return fmt.Errorf("withdraw share %d: %w", shareID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("withdraw share %d: %w", shareID, collab.ErrNotFound)
		}
		return db.audit(ctx, tx, who, collabID, "share.withdraw", fmt.Sprint("share:", shareID), db.diffSince(ctx, tx, "shares", shareID, before))
	})
}

// ShareFilter selects feed entries.
type ShareFilter struct {
	TeamID int64
	Kind   learning.ShareKind
	// Withdrawn includes withdrawn entries (for the team's own list).
	Withdrawn bool
	// From and To bound shared_at (To exclusive), when set.
	From, To collab.Date
	Limit    int
}

const shareCols = `s.id, s.collaborative_id, s.team_id, t.name, s.kind, s.item_id, s.summary, COALESCE(s.shared_by, 0), s.shared_at, s.withdrawn_at`

func scanShare(row interface{ Scan(...any) error }) (*learning.Share, error) {
	var s learning.Share
	var sum string
	var at, wd Time
	if err := row.Scan(&s.ID, &s.CollaborativeID, &s.TeamID, &s.TeamName, &s.Kind, &s.ItemID, &sum, &s.SharedBy, &at, &wd); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(sum), &s.Summary); err != nil {
		return nil, fmt.Errorf("share %d summary: %w", s.ID, err)
	}
	s.SharedAt, s.WithdrawnAt = at.Time, wd.Time
	return &s, nil
}

// Shares lists a collaborative's feed, newest first, with comments.
func (db *DB) Shares(ctx context.Context, collabID int64, f ShareFilter) ([]*learning.Share, error) {
	q := `SELECT ` + shareCols + ` FROM shares s JOIN teams t ON t.id = s.team_id WHERE s.collaborative_id = $1`
	args := []any{collabID}
	add := func(cond string, v any) {
		args = append(args, v)
		q += fmt.Sprintf(" AND "+cond, len(args))
	}
	if !f.Withdrawn {
		q += ` AND s.withdrawn_at IS NULL`
	}
	if f.TeamID != 0 {
		add(`s.team_id = $%d`, f.TeamID)
	}
	if f.Kind != "" {
		add(`s.kind = $%d`, f.Kind)
	}
	if !f.From.IsZero() {
		add(`s.shared_at >= $%d`, ts(f.From.Time()))
	}
	if !f.To.IsZero() {
		add(`s.shared_at < $%d`, ts(f.To.Time()))
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 200
	}
	rows, err := db.read.QueryContext(ctx, q+fmt.Sprintf(` ORDER BY s.shared_at DESC, s.id DESC LIMIT %d`, f.Limit), args...)
	if err != nil {
		return nil, fmt.Errorf("list shares: %w", err)
	}
	defer rows.Close()
	var out []*learning.Share
	byID := map[int64]*learning.Share{}
	for rows.Next() {
		s, err := scanShare(rows)
		if err != nil {
			return nil, fmt.Errorf("list shares: %w", err)
		}
		out = append(out, s)
		byID[s.ID] = s
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list shares: %w", err)
	}
	rows.Close()
	cs, err := db.comments(ctx, `SELECT c.id, c.share_id, COALESCE(c.user_id, 0), COALESCE(u.name, ''), c.body, c.created_at FROM share_comments c
		LEFT JOIN users u ON u.id = c.user_id JOIN shares s ON s.id = c.share_id WHERE s.collaborative_id = $1 ORDER BY c.id`, collabID)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		if s := byID[c.ParentID]; s != nil {
			s.Comments = append(s.Comments, c)
		}
	}
	return out, nil
}

func (db *DB) comments(ctx context.Context, q string, args ...any) ([]learning.Comment, error) {
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list comments: %w", err)
	}
	defer rows.Close()
	var out []learning.Comment
	for rows.Next() {
		var c learning.Comment
		var at Time
		if err := rows.Scan(&c.ID, &c.ParentID, &c.UserID, &c.UserName, &c.Body, &at); err != nil {
			return nil, fmt.Errorf("list comments: %w", err)
		}
		c.CreatedAt = at.Time
		out = append(out, c)
	}
	return out, rows.Err()
}

// FindShare returns a live feed entry of a collaborative.
func (db *DB) FindShare(ctx context.Context, collabID, id int64) (*learning.Share, error) {
	s, err := scanShare(db.read.QueryRowContext(ctx, `SELECT `+shareCols+` FROM shares s JOIN teams t ON t.id = s.team_id
		WHERE s.id = $1 AND s.collaborative_id = $2 AND s.withdrawn_at IS NULL`, id, collabID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("find share %d: %w", id, collab.ErrNotFound)
	}
	return s, err
}

// CommentOnShare adds a comment to a live feed entry.
func (db *DB) CommentOnShare(ctx context.Context, who collab.Who, collabID, shareID int64, body string) error {
	if err := learning.ValidateComment(&body); err != nil {
		return err
	}
	sh, err := db.FindShare(ctx, collabID, shareID)
	if err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO share_comments (share_id, user_id, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			shareID, nullID(who.UserID), body, ts(db.Now())).Scan(&id); err != nil {
			return fmt.Errorf("comment: %w", err)
		}
		// The team that shared it hears of the comment: a coach's word on
		// a shared PDSA cycle is how PDSA work gets its feedback.
		if err := db.notifyTeam(ctx, tx, notify.Event{CollaborativeID: collabID, TeamID: sh.TeamID, ActorID: who.UserID, Kind: notify.ShareComment,
			Subject: sh.Summary.Title, Link: fmt.Sprintf("/c/%d/feed#share-%d", collabID, shareID)}); err != nil {
			return err
		}
		return db.audit(ctx, tx, who, collabID, "share.comment", fmt.Sprintf("share:%d comment:%d", shareID, id), db.created(ctx, tx, "share_comments", id))
	})
}

// ShareDefaults returns the kinds a team shares by default.
func (db *DB) ShareDefaults(ctx context.Context, teamID int64) (map[learning.ShareKind]bool, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT kind FROM share_defaults WHERE team_id = $1`, teamID)
	if err != nil {
		return nil, fmt.Errorf("share defaults: %w", err)
	}
	defer rows.Close()
	out := map[learning.ShareKind]bool{}
	for rows.Next() {
		var k learning.ShareKind
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out[k] = true
	}
	return out, rows.Err()
}

// SetShareDefaults sets the kinds a team shares by default: features that
// create items of those kinds share them as they are made (the team can
// still withdraw each).
func (db *DB) SetShareDefaults(ctx context.Context, who collab.Who, collabID, teamID int64, kinds []learning.ShareKind) error {
	for _, k := range kinds {
		if !k.Valid() {
			return &collab.ValidationError{Fields: map[string]string{"kinds": "error.invalid_choice"}}
		}
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM share_defaults WHERE team_id = $1 AND team_id IN (SELECT id FROM teams WHERE collaborative_id = $2)`, teamID, collabID); err != nil {
			return fmt.Errorf("share defaults: %w", err)
		}
		for _, k := range kinds {
			if _, err := tx.ExecContext(ctx, `INSERT INTO share_defaults (team_id, kind) VALUES ($1, $2) ON CONFLICT DO NOTHING`, teamID, k); err != nil {
				return fmt.Errorf("share defaults: %w", err)
			}
		}
		return db.audit(ctx, tx, who, collabID, "share.defaults", fmt.Sprint("team:", teamID), fmt.Sprint(kinds))
	})
}

// ShareByDefault shares an item if its team shares items of its kind by
// default and the item was never shared (a withdrawn item stays withdrawn;
// the team re-shares it by hand). It reports whether it shared. Features
// call it when they record an item.
func (db *DB) ShareByDefault(ctx context.Context, who collab.Who, s *learning.Share) (bool, error) {
	if err := s.Validate(); err != nil {
		return false, err
	}
	sum, err := json.Marshal(s.Summary)
	if err != nil {
		return false, err
	}
	s.SharedAt, s.SharedBy = db.Now(), who.UserID
	shared := false
	err = db.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM share_defaults d JOIN teams t ON t.id = d.team_id
			WHERE d.team_id = $1 AND d.kind = $2 AND t.collaborative_id = $3
			AND NOT EXISTS (SELECT 1 FROM shares s WHERE s.team_id = d.team_id AND s.kind = d.kind AND s.item_id = $4)`,
			s.TeamID, s.Kind, s.CollaborativeID, s.ItemID).Scan(&n); err != nil {
			return fmt.Errorf("share by default: %w", err)
		}
		if n == 0 {
			return nil
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO shares (collaborative_id, team_id, kind, item_id, title, summary, shared_by, shared_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			s.CollaborativeID, s.TeamID, s.Kind, s.ItemID, s.Summary.Title, string(sum), nullID(s.SharedBy), ts(s.SharedAt)).Scan(&s.ID); err != nil {
			return fmt.Errorf("share by default: %w", err)
		}
		shared = true
		return db.audit(ctx, tx, who, s.CollaborativeID, "share.default", fmt.Sprintf("share:%d team:%d %s:%d", s.ID, s.TeamID, s.Kind, s.ItemID), s.Summary.Title)
	})
	return shared, err
}

// WithdrawItem takes an item off the feed if it is on it, for features
// whose items carry their own "shared" choice; it is no error if the item
// was not shared.
func (db *DB) WithdrawItem(ctx context.Context, who collab.Who, collabID, teamID int64, kind learning.ShareKind, itemID int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE shares SET withdrawn_at = $1 WHERE team_id = $2 AND collaborative_id = $3 AND kind = $4 AND item_id = $5 AND withdrawn_at IS NULL`,
			ts(db.Now()), teamID, collabID, kind, itemID)
		if err != nil {
			return fmt.Errorf("withdraw %s %d: %w", kind, itemID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return db.audit(ctx, tx, who, collabID, "share.withdraw", fmt.Sprintf("team:%d %s:%d", teamID, kind, itemID), detail(map[string][2]any{"withdrawn_at": {nil, ts(db.Now()).String()}}))
	})
}
