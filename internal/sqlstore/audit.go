package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/goeswell/goeswell/internal/collab"
)

// audit writes one audit row inside the change's own transaction, so a
// change and its record commit or fail together.
func (db *DB) audit(ctx context.Context, tx *sql.Tx, who collab.Who, collabID int64, action, target, detail string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, actor_id, collaborative_id, action, target, detail, remote_addr) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		ts(db.Now()), nullID(who.UserID), nullID(collabID), action, target, detail, who.RemoteAddr)
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// Audit records an event that changes nothing else, such as an export.
func (db *DB) Audit(ctx context.Context, who collab.Who, collabID int64, action, target, detail string) error {
	return db.tx(ctx, func(tx *sql.Tx) error { return db.audit(ctx, tx, who, collabID, action, target, detail) })
}

// AuditFilter selects audit rows: a collaborative's (with the events of
// the people in it) or, for site admins, everything (CollaborativeID 0).
type AuditFilter struct {
	CollaborativeID int64
	BeforeID        int64 // paging: rows with a smaller id
	Limit           int
}

// AuditLog lists audit rows, newest first.
func (db *DB) AuditLog(ctx context.Context, f AuditFilter) ([]collab.AuditEntry, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	q := `SELECT a.id, a.at, COALESCE(a.actor_id, 0), COALESCE(u.name, ''), COALESCE(a.collaborative_id, 0), a.action, a.target, a.detail, a.remote_addr
		FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id WHERE 1 = 1`
	var args []any
	if f.BeforeID != 0 {
		args = append(args, f.BeforeID)
		q += fmt.Sprintf(` AND a.id < $%d`, len(args))
	}
	if f.CollaborativeID != 0 {
		args = append(args, f.CollaborativeID)
		q += fmt.Sprintf(` AND a.collaborative_id = $%d`, len(args))
	}
	q += fmt.Sprintf(` ORDER BY a.id DESC LIMIT %d`, f.Limit)
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	defer rows.Close()
	var out []collab.AuditEntry
	for rows.Next() {
		var e collab.AuditEntry
		var at Time
		if err := rows.Scan(&e.ID, &at, &e.ActorID, &e.ActorName, &e.CollaborativeID, &e.Action, &e.Target, &e.Detail, &e.RemoteAddr); err != nil {
			return nil, fmt.Errorf("list audit: %w", err)
		}
		e.At = at.Time
		out = append(out, e)
	}
	return out, rows.Err()
}
