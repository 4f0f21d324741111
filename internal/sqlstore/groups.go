package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/goeswell/goeswell/internal/collab"
)

// Groups of a collaborative (migration 00018): steering committee and
// workgroups, their members, decisions and action items.

// Groups lists a collaborative's groups by kind and name, with their
// members and items.
func (db *DB) Groups(ctx context.Context, collabID int64) ([]*collab.Group, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, collaborative_id, kind, name, purpose, created_at FROM collab_groups
		WHERE collaborative_id = $1 ORDER BY CASE kind WHEN 'steering' THEN 0 ELSE 1 END, name, id`, collabID)
	if err != nil {
		return nil, fmt.Errorf("list groups: %w", err)
	}
	var out []*collab.Group
	for rows.Next() {
		var g collab.Group
		var at Time
		if err := rows.Scan(&g.ID, &g.CollaborativeID, &g.Kind, &g.Name, &g.Purpose, &at); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list groups: %w", err)
		}
		g.CreatedAt = at.Time
		out = append(out, &g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list groups: %w", err)
	}
	for _, g := range out {
		if err := db.fillGroup(ctx, g); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// FindGroup returns one group of the collaborative, with its members and
// items; collab.ErrNotFound if it is not one of the collaborative's.
func (db *DB) FindGroup(ctx context.Context, collabID, groupID int64) (*collab.Group, error) {
	var g collab.Group
	var at Time
	err := db.read.QueryRowContext(ctx, `SELECT id, collaborative_id, kind, name, purpose, created_at FROM collab_groups WHERE id = $1 AND collaborative_id = $2`,
		groupID, collabID).Scan(&g.ID, &g.CollaborativeID, &g.Kind, &g.Name, &g.Purpose, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("find group %d: %w", groupID, collab.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("find group %d: %w", groupID, err)
	}
	g.CreatedAt = at.Time
	return &g, db.fillGroup(ctx, &g)
}

func (db *DB) fillGroup(ctx context.Context, g *collab.Group) error {
	rows, err := db.read.QueryContext(ctx, `SELECT id, group_id, name, affiliation, COALESCE(user_id, 0) FROM group_members WHERE group_id = $1 ORDER BY name, id`, g.ID)
	if err != nil {
		return fmt.Errorf("group members: %w", err)
	}
	for rows.Next() {
		var m collab.GroupMember
		if err := rows.Scan(&m.ID, &m.GroupID, &m.Name, &m.Affiliation, &m.UserID); err != nil {
			rows.Close()
			return fmt.Errorf("group members: %w", err)
		}
		g.Members = append(g.Members, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("group members: %w", err)
	}
	// Open actions first (what the next meeting follows up), then the
	// rest, newest first.
	rows, err = db.read.QueryContext(ctx, `SELECT id, group_id, kind, title, owner, due, status, follow_up, created_on, updated_at, COALESCE(meeting_id, 0) FROM group_items
		WHERE group_id = $1 ORDER BY CASE WHEN kind = 'action' AND status = 'open' THEN 0 ELSE 1 END, created_on DESC, id DESC`, g.ID)
	if err != nil {
		return fmt.Errorf("group items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var it collab.GroupItem
		var at Time
		if err := rows.Scan(&it.ID, &it.GroupID, &it.Kind, &it.Title, &it.Owner, &it.Due, &it.Status, &it.FollowUp, &it.CreatedOn, &at, &it.MeetingID); err != nil {
			return fmt.Errorf("group items: %w", err)
		}
		it.UpdatedAt = at.Time
		g.Items = append(g.Items, &it)
	}
	return rows.Err()
}

// CreateGroup adds a group to its collaborative.
func (db *DB) CreateGroup(ctx context.Context, who collab.Who, g *collab.Group) error {
	if err := g.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO collab_groups (collaborative_id, kind, name, purpose, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			g.CollaborativeID, g.Kind, g.Name, g.Purpose, ts(db.Now())).Scan(&g.ID); err != nil {
			return fmt.Errorf("create group: %w", err)
		}
		return db.audit(ctx, tx, who, g.CollaborativeID, "group.create", fmt.Sprint("group:", g.ID), db.created(ctx, tx, "collab_groups", g.ID))
	})
}

// AddGroupMember adds a person to a group. A person with an account in
// the collaborative may be named by userID (0 for someone without one).
func (db *DB) AddGroupMember(ctx context.Context, who collab.Who, collabID int64, m *collab.GroupMember) error {
	if err := m.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := groupOf(ctx, tx, collabID, m.GroupID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO group_members (group_id, name, affiliation, user_id) VALUES ($1, $2, $3, $4) RETURNING id`,
			m.GroupID, m.Name, m.Affiliation, nullID(m.UserID)).Scan(&m.ID); err != nil {
			return fmt.Errorf("add group member: %w", err)
		}
		return db.audit(ctx, tx, who, collabID, "group.member_add", fmt.Sprintf("group:%d member:%d", m.GroupID, m.ID), db.created(ctx, tx, "group_members", m.ID))
	})
}

// RemoveGroupMember takes a person out of a group.
func (db *DB) RemoveGroupMember(ctx context.Context, who collab.Who, collabID, groupID, memberID int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := groupOf(ctx, tx, collabID, groupID); err != nil {
			return err
		}
		before := db.snapshot(ctx, tx, "group_members", memberID)
		res, err := tx.ExecContext(ctx, `DELETE FROM group_members WHERE id = $1 AND group_id = $2`, memberID, groupID)
		if err != nil {
			return fmt.Errorf("remove group member: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("group member %d: %w", memberID, collab.ErrNotFound)
		}
		return db.audit(ctx, tx, who, collabID, "group.member_remove", fmt.Sprintf("group:%d member:%d", groupID, memberID), removed(before))
	})
}

// SaveGroupItem records a decision or an action (ID 0), or updates one:
// its status, owner, due date and follow-up.
func (db *DB) SaveGroupItem(ctx context.Context, who collab.Who, collabID int64, it *collab.GroupItem) error {
	if it.Status == "" {
		it.Status = collab.ItemOpen
	}
	if err := it.Validate(); err != nil {
		return err
	}
	now := db.Now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := groupOf(ctx, tx, collabID, it.GroupID); err != nil {
			return err
		}
		if it.ID == 0 {
			it.CreatedOn = collab.DateOf(now)
			if it.MeetingID != 0 {
				// Recorded at one of the group's meetings: on its day.
				var at Time
				err := tx.QueryRowContext(ctx, `SELECT starts_at FROM meetings WHERE id = $1 AND collaborative_id = $2 AND group_id = $3`, it.MeetingID, collabID, it.GroupID).Scan(&at)
				if errors.Is(err, sql.ErrNoRows) {
					return &collab.ValidationError{Fields: map[string]string{"meeting": "group.error_meeting"}}
				}
				if err != nil {
					return fmt.Errorf("save group item: %w", err)
				}
				it.CreatedOn = collab.DateOf(at.Time)
			}
			if err := tx.QueryRowContext(ctx, `INSERT INTO group_items (group_id, kind, title, owner, due, status, follow_up, created_on, created_at, updated_at, meeting_id)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING id`,
				it.GroupID, it.Kind, it.Title, it.Owner, it.Due, it.Status, it.FollowUp, it.CreatedOn, ts(now), nullID(it.MeetingID)).Scan(&it.ID); err != nil {
				return fmt.Errorf("save group item: %w", err)
			}
			return db.audit(ctx, tx, who, collabID, "group.item_add", fmt.Sprintf("group:%d item:%d", it.GroupID, it.ID), db.created(ctx, tx, "group_items", it.ID))
		}
		before := db.snapshot(ctx, tx, "group_items", it.ID)
		res, err := tx.ExecContext(ctx, `UPDATE group_items SET title = $1, owner = $2, due = $3, status = $4, follow_up = $5, updated_at = $6
			WHERE id = $7 AND group_id = $8`, it.Title, it.Owner, it.Due, it.Status, it.FollowUp, ts(now), it.ID, it.GroupID)
		if err != nil {
			return fmt.Errorf("save group item: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("group item %d: %w", it.ID, collab.ErrNotFound)
		}
		return db.audit(ctx, tx, who, collabID, "group.item_update", fmt.Sprintf("group:%d item:%d", it.GroupID, it.ID),
			fromTo(before, db.snapshot(ctx, tx, "group_items", it.ID)))
	})
}

// groupOf checks that a group is the collaborative's.
func groupOf(ctx context.Context, tx *sql.Tx, collabID, groupID int64) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM collab_groups WHERE id = $1 AND collaborative_id = $2`, groupID, collabID).Scan(&n); err != nil {
		return fmt.Errorf("find group %d: %w", groupID, err)
	}
	if n == 0 {
		return fmt.Errorf("find group %d: %w", groupID, collab.ErrNotFound)
	}
	return nil
}
