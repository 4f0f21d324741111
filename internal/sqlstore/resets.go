package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
)

// ResetTTL is how long a password reset link works.
const ResetTTL = time.Hour

// MaxResetsPerUser is how many reset links one person can be sent in
// ResetTTL: enough for a lost email, too few to flood a mailbox.
const MaxResetsPerUser = 3

// CreatePasswordReset stores a reset link for a person (only the token's
// hash) and audits it. createdBy is the administrator or convener who made
// the link to pass on, 0 when the person asked by email. It returns false,
// storing nothing, when the person already has MaxResetsPerUser links
// made in the last ResetTTL.
func (db *DB) CreatePasswordReset(ctx context.Context, who collab.Who, userID, createdBy int64, token string) (bool, error) {
	made := false
	err := db.tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM password_resets WHERE user_id = $1 AND created_at > $2`,
			userID, ts(now.Add(-ResetTTL))).Scan(&n); err != nil {
			return fmt.Errorf("count password resets: %w", err)
		}
		if n >= MaxResetsPerUser && createdBy == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM password_resets WHERE expires_at < $1`, ts(now.Add(-24*time.Hour))); err != nil {
			return fmt.Errorf("prune password resets: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO password_resets (user_id, token_hash, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
			userID, HashToken(token), nullID(createdBy), ts(now), ts(now.Add(ResetTTL))); err != nil {
			return fmt.Errorf("create password reset: %w", err)
		}
		made = true
		detail := "by email"
		if createdBy != 0 {
			detail = "link made to pass on"
		}
		return db.audit(ctx, tx, who, 0, "password.reset_request", fmt.Sprint("user:", userID), detail)
	})
	return made, err
}

// PasswordResetUser returns the person an open reset link is for; a used,
// expired or unknown link is ErrNotFound.
func (db *DB) PasswordResetUser(ctx context.Context, token string) (*collab.User, error) {
	var uid int64
	var exp, used Time
	err := db.read.QueryRowContext(ctx, `SELECT user_id, expires_at, used_at FROM password_resets WHERE token_hash = $1`, HashToken(token)).Scan(&uid, &exp, &used)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (!used.IsZero() || db.Now().After(exp.Time))) {
		return nil, fmt.Errorf("find password reset: %w", collab.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("find password reset: %w", err)
	}
	return db.FindUserByID(ctx, uid)
}

// ResetPassword uses a reset link: it sets the new password hash, ends
// every session, revokes every API token and every other reset link of
// the person, all in one transaction, and returns the person's id. A
// link works once (ErrNotFound after).
func (db *DB) ResetPassword(ctx context.Context, who collab.Who, token, hash string) (int64, error) {
	var uid int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		// Used first, conditionally, so two racing uses cannot both work.
		err := tx.QueryRowContext(ctx, `UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id`,
			ts(now), HashToken(token)).Scan(&uid)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("use password reset: %w", collab.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("use password reset: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM password_resets WHERE user_id = $1 AND used_at IS NULL`, uid); err != nil {
			return fmt.Errorf("end other reset links: %w", err)
		}
		who.UserID = uid
		return db.setPassword(ctx, tx, who, uid, hash, "", "user.password_reset")
	})
	return uid, err
}
