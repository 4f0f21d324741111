package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
)

// audit writes one audit row inside the change's own transaction, so a
// change and its record commit or fail together. The row is written
// unsealed, outside the hash chain; the sealer (auditchain.go) gives it
// its place in the chain once it has committed. Appending to one chain
// inside every transaction made every audited write on PostgreSQL wait
// for a single lock.
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
		FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
		WHERE (a.id < $1 OR $1 = 0) AND (a.collaborative_id = $2 OR $2 = 0)
		ORDER BY a.id DESC LIMIT $3`
	args := []any{f.BeforeID, f.CollaborativeID, f.Limit}
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

// changes describes an update for the audit log as the fields that
// changed, each with its value before and after: {"name":["A","B"]}.
func changes(before, after map[string]any) string {
	diff := map[string][2]any{}
	for k, a := range after {
		if b := before[k]; fmt.Sprint(b) != fmt.Sprint(a) {
			diff[k] = [2]any{b, a}
		}
	}
	if len(diff) == 0 {
		return "{}"
	}
	out, _ := json.Marshal(diff) // map keys are sorted: stable text for the hash chain
	return string(out)
}

// secretColumns never appear in an audit row, even as a diff.
var secretColumns = map[string]bool{"password_hash": true, "totp_secret": true, "token_hash": true, "card_token": true}

// snapshot reads one row as column → value, for the before side of an
// update's audit row. table is always a constant of the calling store
// method; a failed read gives an empty snapshot (the update itself then
// reports the missing row).
func (db *DB) snapshot(ctx context.Context, tx *sql.Tx, table string, id int64) map[string]any {
	return db.snapshotBy(ctx, tx, table, "id", id)
}

// snapshotBy is snapshot for a row keyed by another column, such as a
// collaborative's settings row (collaborative_id).
func (db *DB) snapshotBy(ctx context.Context, tx *sql.Tx, table, key string, id int64) map[string]any {
	// #nosec G202 -- table and key are constants of the caller; the id is bound.
	rows, err := tx.QueryContext(ctx, `SELECT * FROM `+table+` WHERE `+key+` = $1`, id)
	if err != nil {
		return nil
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	if !rows.Next() {
		return nil
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if rows.Scan(ptrs...) != nil {
		return nil
	}
	out := map[string]any{}
	for i, c := range cols {
		if secretColumns[c] {
			continue
		}
		switch v := vals[i].(type) {
		case []byte:
			out[c] = string(v)
		case time.Time:
			out[c] = v.UTC().Format(time.RFC3339Nano)
		default:
			out[c] = v
		}
	}
	return out
}

// diffSince is the audit detail of an update: the row's fields that
// changed since before, each with its old and new value.
func (db *DB) diffSince(ctx context.Context, tx *sql.Tx, table string, id int64, before map[string]any) string {
	return changes(before, db.snapshot(ctx, tx, table, id))
}

// settingsDiff is diffSince for a collaborative's settings row.
func (db *DB) settingsDiff(ctx context.Context, tx *sql.Tx, table string, collabID int64, before map[string]any) string {
	return changes(before, db.snapshotBy(ctx, tx, table, "collaborative_id", collabID))
}
