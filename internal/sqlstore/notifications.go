package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/notify"
)

// notifyTeam tells the people of an event's team, except whoever acted,
// inside the event's own transaction: the notification exists exactly when
// the event does. People of other teams never get a row.
func (db *DB) notifyTeam(ctx context.Context, tx *sql.Tx, e notify.Event) error {
	rows, err := tx.QueryContext(ctx, `SELECT tm.user_id FROM team_members tm JOIN teams t ON t.id = tm.team_id
		WHERE tm.team_id = $1 AND t.collaborative_id = $2 ORDER BY tm.user_id`, e.TeamID, e.CollaborativeID)
	if err != nil {
		return fmt.Errorf("notify team %d: %w", e.TeamID, err)
	}
	var users []int64
	for rows.Next() {
		var u int64
		if err := rows.Scan(&u); err != nil {
			rows.Close()
			return fmt.Errorf("notify team %d: %w", e.TeamID, err)
		}
		if u != e.ActorID {
			users = append(users, u)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("notify team %d: %w", e.TeamID, err)
	}
	now := ts(db.Now())
	for _, u := range users {
		if _, err := tx.ExecContext(ctx, `INSERT INTO notifications (collaborative_id, team_id, user_id, actor_id, kind, subject, link, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, e.CollaborativeID, e.TeamID, u, nullID(e.ActorID), e.Kind, e.Subject, e.Link, now); err != nil {
			return fmt.Errorf("notify team %d: %w", e.TeamID, err)
		}
	}
	return nil
}

// NotificationFilter selects a person's notifications.
type NotificationFilter struct {
	// TeamID, when set, keeps one team's.
	TeamID int64
	Unread bool
	Limit  int
}

// Notifications lists a person's notifications, newest first. Only their
// own: the user id is the scope.
func (db *DB) Notifications(ctx context.Context, userID int64, f NotificationFilter) ([]*notify.Notification, error) {
	q := `SELECT n.id, n.collaborative_id, COALESCE(n.team_id, 0), n.user_id, COALESCE(n.actor_id, 0), COALESCE(u.name, ''), n.kind, n.subject, n.link, n.created_at, n.read_at
		FROM notifications n LEFT JOIN users u ON u.id = n.actor_id WHERE n.user_id = $1`
	args := []any{userID}
	if f.TeamID != 0 {
		args = append(args, f.TeamID)
		q += fmt.Sprintf(` AND n.team_id = $%d`, len(args))
	}
	if f.Unread {
		q += ` AND n.read_at IS NULL`
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	rows, err := db.read.QueryContext(ctx, q+fmt.Sprintf(` ORDER BY n.id DESC LIMIT %d`, f.Limit), args...)
	if err != nil {
		return nil, fmt.Errorf("list notifications: %w", err)
	}
	defer rows.Close()
	var out []*notify.Notification
	for rows.Next() {
		var n notify.Notification
		var at, read Time
		if err := rows.Scan(&n.ID, &n.CollaborativeID, &n.TeamID, &n.UserID, &n.ActorID, &n.ActorName, &n.Kind, &n.Subject, &n.Link, &at, &read); err != nil {
			return nil, fmt.Errorf("list notifications: %w", err)
		}
		n.CreatedAt, n.ReadAt = at.Time, read.Time
		out = append(out, &n)
	}
	return out, rows.Err()
}

// UnreadNotifications counts a person's unread notifications, for the
// header.
func (db *DB) UnreadNotifications(ctx context.Context, userID int64) (int, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL`, userID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count notifications: %w", err)
	}
	return n, nil
}

// MarkNotificationsRead marks one of a person's notifications read, or all
// of them when id is 0. Someone else's id is ErrNotFound.
func (db *DB) MarkNotificationsRead(ctx context.Context, who collab.Who, userID, id int64) (int, error) {
	var n int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		q, args := `UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL`, []any{ts(db.Now()), userID}
		if id != 0 {
			q, args = q+` AND id = $3`, append(args, id)
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("mark notifications read: %w", err)
		}
		n, _ = res.RowsAffected()
		if id != 0 && n == 0 {
			var c int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE id = $1 AND user_id = $2`, id, userID).Scan(&c); err != nil {
				return fmt.Errorf("mark notification %d read: %w", id, err)
			}
			if c == 0 {
				return fmt.Errorf("mark notification %d read: %w", id, collab.ErrNotFound)
			}
		}
		target := "notifications:all"
		if id != 0 {
			target = fmt.Sprint("notification:", id)
		}
		return db.audit(ctx, tx, who, 0, "notification.read", target, fmt.Sprintf("read_at: set on %d", n))
	})
	return int(n), err
}

// NotificationEmail reports whether a person asked for notifications by
// email too.
func (db *DB) NotificationEmail(ctx context.Context, userID int64) (bool, error) {
	var on bool
	err := db.read.QueryRowContext(ctx, `SELECT email FROM notification_settings WHERE user_id = $1`, userID).Scan(&on)
	if err == sql.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("notification settings: %w", err)
	}
	return on, nil
}

// SetNotificationEmail turns a person's notification emails on or off.
func (db *DB) SetNotificationEmail(ctx context.Context, who collab.Who, userID int64, on bool) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO notification_settings (user_id, email) VALUES ($1, $2)
			ON CONFLICT (user_id) DO UPDATE SET email = excluded.email`, userID, on); err != nil {
			return fmt.Errorf("notification settings: %w", err)
		}
		return db.audit(ctx, tx, who, 0, "notification.settings", fmt.Sprint("user:", userID), fmt.Sprintf("email: %t", on))
	})
}

// A NotificationEmail is a notification to send and where.
type NotificationEmail struct {
	*notify.Notification
	Email, Lang string
}

// PendingNotificationEmails lists notifications not yet emailed (nor read)
// to people who opted in, oldest first, for the reminder loop.
func (db *DB) PendingNotificationEmails(ctx context.Context, limit int) ([]NotificationEmail, error) {
	rows, err := db.read.QueryContext(ctx, fmt.Sprintf(`SELECT n.id, n.collaborative_id, COALESCE(n.team_id, 0), n.user_id, COALESCE(a.name, ''), n.kind, n.subject, n.link, n.created_at, u.email, u.lang
		FROM notifications n JOIN notification_settings s ON s.user_id = n.user_id AND s.email
		JOIN users u ON u.id = n.user_id LEFT JOIN users a ON a.id = n.actor_id
		WHERE n.emailed_at IS NULL AND n.read_at IS NULL ORDER BY n.id LIMIT %d`, limit))
	if err != nil {
		return nil, fmt.Errorf("pending notification emails: %w", err)
	}
	defer rows.Close()
	var out []NotificationEmail
	for rows.Next() {
		var n notify.Notification
		var at Time
		e := NotificationEmail{Notification: &n}
		if err := rows.Scan(&n.ID, &n.CollaborativeID, &n.TeamID, &n.UserID, &n.ActorName, &n.Kind, &n.Subject, &n.Link, &at, &e.Email, &e.Lang); err != nil {
			return nil, fmt.Errorf("pending notification emails: %w", err)
		}
		n.CreatedAt = at.Time
		out = append(out, e)
	}
	return out, rows.Err()
}

// ClaimNotificationEmail marks a notification emailed; false when another
// replica claimed it first, so each is sent once. release undoes a claim
// whose sending failed, for the next round to try again.
func (db *DB) ClaimNotificationEmail(ctx context.Context, id int64, release bool) (bool, error) {
	var n int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		q, args := `UPDATE notifications SET emailed_at = $1 WHERE id = $2 AND emailed_at IS NULL`, []any{ts(db.Now()), id}
		if release {
			q, args = `UPDATE notifications SET emailed_at = NULL WHERE id = $1`, []any{id}
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("claim notification email %d: %w", id, err)
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return n == 1, err
}

// PreviousVisit is when a person signed in before their latest sign-in
// (zero if this is their first): what the feed gained since is new to them.
func (db *DB) PreviousVisit(ctx context.Context, userID int64) (time.Time, error) {
	var at Time
	err := db.read.QueryRowContext(ctx, `SELECT previous_at FROM visits WHERE user_id = $1`, userID).Scan(&at)
	if err == sql.ErrNoRows {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("previous visit: %w", err)
	}
	return at.Time, nil
}
