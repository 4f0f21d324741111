package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/engage"
)

// People without accounts (migration 00019): community members and
// lived-experience partners recorded by a convener, their attendance, and
// the link to an account when they accept an invitation.

const communityCols = `p.id, p.collaborative_id, p.name, p.contact, p.payment_method, COALESCE(p.team_id, 0), COALESCE(t.name, ''),
	COALESCE(p.group_id, 0), COALESCE(g.name, ''), COALESCE(p.user_id, 0), p.created_at
	FROM community_people p LEFT JOIN teams t ON t.id = p.team_id LEFT JOIN collab_groups g ON g.id = p.group_id`

func scanCommunityPerson(row interface{ Scan(...any) error }) (*collab.CommunityPerson, error) {
	var p collab.CommunityPerson
	var at Time
	err := row.Scan(&p.ID, &p.CollaborativeID, &p.Name, &p.Contact, &p.PaymentMethod, &p.TeamID, &p.TeamName, &p.GroupID, &p.GroupName, &p.UserID, &at)
	p.CreatedAt = at.Time
	return &p, err
}

// CommunityPeople lists a collaborative's people without accounts (and
// those who have since taken one, linked), by name.
func (db *DB) CommunityPeople(ctx context.Context, collabID int64) ([]*collab.CommunityPerson, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+communityCols+` WHERE p.collaborative_id = $1 ORDER BY p.name, p.id`, collabID)
	if err != nil {
		return nil, fmt.Errorf("list community people: %w", err)
	}
	defer rows.Close()
	var out []*collab.CommunityPerson
	for rows.Next() {
		p, err := scanCommunityPerson(rows)
		if err != nil {
			return nil, fmt.Errorf("list community people: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// FindCommunityPerson returns one person of the collaborative;
// collab.ErrNotFound if they are not its.
func (db *DB) FindCommunityPerson(ctx context.Context, collabID, id int64) (*collab.CommunityPerson, error) {
	p, err := scanCommunityPerson(db.read.QueryRowContext(ctx, `SELECT `+communityCols+` WHERE p.id = $1 AND p.collaborative_id = $2`, id, collabID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("find person %d: %w", id, collab.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("find person %d: %w", id, err)
	}
	return p, nil
}

// SaveCommunityPerson records a person without an account (ID 0) or
// updates one. A team or group they are attached to must be the
// collaborative's.
func (db *DB) SaveCommunityPerson(ctx context.Context, who collab.Who, p *collab.CommunityPerson) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		v := collab.NewValidation()
		if p.TeamID != 0 && !inCollab(ctx, tx, "teams", p.TeamID, p.CollaborativeID) {
			v.Add("team", "community.error.team")
		}
		if p.GroupID != 0 && !inCollab(ctx, tx, "collab_groups", p.GroupID, p.CollaborativeID) {
			v.Add("group", "community.error.group")
		}
		if err := v.Err(); err != nil {
			return err
		}
		if p.ID == 0 {
			p.CreatedAt = db.Now()
			if err := tx.QueryRowContext(ctx, `INSERT INTO community_people (collaborative_id, name, contact, payment_method, team_id, group_id, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
				p.CollaborativeID, p.Name, p.Contact, p.PaymentMethod, nullID(p.TeamID), nullID(p.GroupID), ts(p.CreatedAt)).Scan(&p.ID); err != nil {
				return fmt.Errorf("record person: %w", err)
			}
			return db.audit(ctx, tx, who, p.CollaborativeID, "person.create", fmt.Sprint("person:", p.ID), db.created(ctx, tx, "community_people", p.ID))
		}
		before := db.snapshot(ctx, tx, "community_people", p.ID)
		res, err := tx.ExecContext(ctx, `UPDATE community_people SET name = $1, contact = $2, payment_method = $3, team_id = $4, group_id = $5
			WHERE id = $6 AND collaborative_id = $7`, p.Name, p.Contact, p.PaymentMethod, nullID(p.TeamID), nullID(p.GroupID), p.ID, p.CollaborativeID)
		if err != nil {
			return fmt.Errorf("update person %d: %w", p.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("update person %d: %w", p.ID, collab.ErrNotFound)
		}
		return db.audit(ctx, tx, who, p.CollaborativeID, "person.update", fmt.Sprint("person:", p.ID), fromTo(before, db.snapshot(ctx, tx, "community_people", p.ID)))
	})
}

// inCollab reports whether a row of a table with a collaborative_id
// column is the collaborative's. table is one of ours, never input.
func inCollab(ctx context.Context, tx *sql.Tx, table string, id, collabID int64) bool {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` WHERE id = $1 AND collaborative_id = $2`, id, collabID).Scan(&n)
	return err == nil && n > 0
}

// PersonAttendance lists the attendance of people without accounts: at
// one meeting, or at all of the collaborative's (meetingID 0).
func (db *DB) PersonAttendance(ctx context.Context, collabID, meetingID int64) ([]engage.PersonAttendance, error) {
	q := `SELECT a.meeting_id, a.person_id, COALESCE(p.team_id, 0), p.name, a.status FROM person_attendance a
		JOIN meetings m ON m.id = a.meeting_id JOIN community_people p ON p.id = a.person_id WHERE m.collaborative_id = $1`
	args := []any{collabID}
	if meetingID != 0 {
		q += ` AND a.meeting_id = $2`
		args = append(args, meetingID)
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY a.meeting_id, p.name, a.person_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list person attendance: %w", err)
	}
	defer rows.Close()
	var out []engage.PersonAttendance
	for rows.Next() {
		var a engage.PersonAttendance
		if err := rows.Scan(&a.MeetingID, &a.PersonID, &a.TeamID, &a.Name, &a.Status); err != nil {
			return nil, fmt.Errorf("list person attendance: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// SetPersonAttendance records people without accounts at a meeting of the
// collaborative, all or nothing; an empty status removes a record. Each
// must be the collaborative's and still without an account (once linked,
// they are recorded as the account).
func (db *DB) SetPersonAttendance(ctx context.Context, who collab.Who, collabID, meetingID int64, recs []engage.PersonAttendance) error {
	if _, err := db.FindMeeting(ctx, collabID, meetingID); err != nil {
		return err
	}
	v := collab.NewValidation()
	for _, r := range recs {
		if r.Status != "" && !r.Status.Valid() {
			v.Add(fmt.Sprint("person-", r.PersonID), "error.invalid_choice")
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		statuses := map[string][2]any{}
		for _, r := range recs {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM community_people WHERE id = $1 AND collaborative_id = $2 AND user_id IS NULL`,
				r.PersonID, collabID).Scan(&n); err != nil {
				return fmt.Errorf("check person: %w", err)
			}
			if n == 0 {
				v.Add(fmt.Sprint("person-", r.PersonID), "engagement.error.not_member")
				continue
			}
			var was, now any
			var s string
			switch err := tx.QueryRowContext(ctx, `SELECT status FROM person_attendance WHERE meeting_id = $1 AND person_id = $2`, meetingID, r.PersonID).Scan(&s); {
			case err == nil:
				was = s
			case !errors.Is(err, sql.ErrNoRows):
				return fmt.Errorf("record person attendance: %w", err)
			}
			if r.Status == "" {
				if _, err := tx.ExecContext(ctx, `DELETE FROM person_attendance WHERE meeting_id = $1 AND person_id = $2`, meetingID, r.PersonID); err != nil {
					return fmt.Errorf("clear person attendance: %w", err)
				}
			} else {
				now = string(r.Status)
				if _, err := tx.ExecContext(ctx, `INSERT INTO person_attendance (meeting_id, person_id, status, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5)
					ON CONFLICT (meeting_id, person_id) DO UPDATE SET status = excluded.status, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at`,
					meetingID, r.PersonID, r.Status, nullID(who.UserID), ts(db.Now())); err != nil {
					return fmt.Errorf("record person attendance: %w", err)
				}
			}
			if was != now {
				statuses[fmt.Sprint("person:", r.PersonID)] = [2]any{was, now}
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		return db.audit(ctx, tx, who, collabID, "attendance.record", fmt.Sprint("meeting:", meetingID), detail(statuses))
	})
}

// linkPerson gives a person without an account the account userID, in an
// accepted invitation's transaction: their attendance becomes the
// account's (for the team they were attached to), and so do their rate
// and what they are or were owed, so their history follows them. A record
// the account already has wins over the person's, which is then dropped.
func (db *DB) linkPerson(ctx context.Context, tx *sql.Tx, who collab.Who, collabID, personID, userID int64) error {
	var teamID nullID
	var linked nullID
	err := tx.QueryRowContext(ctx, `SELECT team_id, user_id FROM community_people WHERE id = $1 AND collaborative_id = $2`, personID, collabID).Scan(&teamID, &linked)
	if errors.Is(err, sql.ErrNoRows) || linked != 0 {
		return nil // removed or already linked since the invitation: nothing follows
	}
	if err != nil {
		return fmt.Errorf("link person %d: %w", personID, err)
	}
	steps := []struct {
		what, q string
		args    []any
	}{
		{"attendance", `INSERT INTO attendance (meeting_id, user_id, team_id, status, recorded_by, recorded_at)
			SELECT meeting_id, $2, $3, status, recorded_by, recorded_at FROM person_attendance WHERE person_id = $1
			ON CONFLICT (meeting_id, user_id) DO NOTHING`, []any{personID, userID, teamID}},
		{"attendance", `DELETE FROM person_attendance WHERE person_id = $1`, []any{personID}},
		{"rate", `UPDATE compensation_rates SET user_id = $2, person_id = NULL WHERE person_id = $1
			AND NOT EXISTS (SELECT 1 FROM compensation_rates o WHERE o.user_id = $2 AND o.collaborative_id = compensation_rates.collaborative_id)`, []any{personID, userID}},
		{"rate", `DELETE FROM compensation_rates WHERE person_id = $1`, []any{personID}},
		{"compensation", `UPDATE compensation SET user_id = $2, person_id = NULL WHERE person_id = $1
			AND NOT EXISTS (SELECT 1 FROM compensation o WHERE o.user_id = $2 AND o.collaborative_id = compensation.collaborative_id AND o.source = compensation.source)`, []any{personID, userID}},
		{"person", `UPDATE community_people SET user_id = $2 WHERE id = $1`, []any{personID, userID}},
	}
	for _, s := range steps {
		if _, err := tx.ExecContext(ctx, s.q, s.args...); err != nil {
			return fmt.Errorf("link person %d: move %s: %w", personID, s.what, err)
		}
	}
	return db.audit(ctx, tx, who, collabID, "person.link", fmt.Sprint("person:", personID), fmt.Sprint("user:", userID))
}
