package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// The details of audit rows for creates and deletes, in the shape
// changes gives updates: each field with its value before and after.
// A create is a change from nothing ({"name":[null,"Harbor"]}), a delete
// a change to nothing ({"name":["Harbor",null]}), so one reader serves
// every row of the log. Secret columns are left out as in snapshot;
// anything named like a token, a hash or a secret is left out too, for a
// table added later whose secret column secretColumns does not list yet.

// maxAuditText bounds a text value in a detail: the log says what
// changed, it is not a second copy of long notes.
const maxAuditText = 500

// created is the detail of a create: the new row, read back in the same
// transaction, every non-secret field from nothing to its value.
func (db *DB) created(ctx context.Context, tx *sql.Tx, table string, id int64) string {
	return fromTo(nil, db.snapshot(ctx, tx, table, id))
}

// removed is the detail of a delete, from a snapshot taken before it.
func removed(before map[string]any) string {
	return fromTo(before, nil)
}

// fromTo writes every field of before and after as [before, after].
func fromTo(before, after map[string]any) string {
	out := map[string][2]any{}
	for k, v := range before {
		if !auditSecret(k) {
			out[k] = [2]any{short(v), nil}
		}
	}
	for k, v := range after {
		if !auditSecret(k) {
			out[k] = [2]any{out[k][0], short(v)}
		}
	}
	if len(out) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(out) // sorted keys: stable text for the hash chain
	return string(b)
}

// detail writes a detail of any other shape as JSON, for rows that touch
// several objects at once (attendance, payments).
func detail(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func auditSecret(col string) bool {
	return secretColumns[col] || strings.HasSuffix(col, "_hash") || strings.Contains(col, "secret") || strings.Contains(col, "token")
}

func short(v any) any {
	if s, ok := v.(string); ok && len(s) > maxAuditText {
		n := maxAuditText
		for n > 0 && !utf8.RuneStart(s[n]) {
			n-- // never cut a character in two
		}
		return s[:n] + "…"
	}
	return v
}

// snapshotAll reads every row of a table whose key column is id, in the
// table's first column's order, secret columns left out: the before or
// after side of a change to a list (a report card's items). table and key
// are always constants of the calling store method.
func (db *DB) snapshotAll(ctx context.Context, tx *sql.Tx, table, key string, id int64) []map[string]any {
	// #nosec G202 -- table and key are constants of the caller; the id is bound.
	rows, err := tx.QueryContext(ctx, `SELECT * FROM `+table+` WHERE `+key+` = $1 ORDER BY 1`, id)
	if err != nil {
		return nil
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []map[string]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if rows.Scan(ptrs...) != nil {
			return out
		}
		row := map[string]any{}
		for i, c := range cols {
			if auditSecret(c) || c == key || c == "id" {
				continue
			}
			if b, ok := vals[i].([]byte); ok {
				vals[i] = string(b)
			}
			row[c] = short(vals[i])
		}
		out = append(out, row)
	}
	return out
}

// maxAuditCells bounds the cells (or objects) one audit row lists: an
// import of thousands of values says which first and how many in all.
const maxAuditCells = 200

// cellKey names a cell of a team's data in an audit detail.
func cellKey(measureID int64, period fmt.Stringer, group string) string {
	k := fmt.Sprintf("measure:%d %s", measureID, period)
	if group != "" {
		k += " " + group
	}
	return k
}

// cellFields is a cell's stored numbers, the ones it has.
func cellFields(value, num, den *float64) map[string]float64 {
	out := map[string]float64{}
	for k, p := range map[string]*float64{"value": value, "numerator": num, "denominator": den} {
		if p != nil {
			out[k] = *p
		}
	}
	return out
}

// valuesDetail is the detail of a save of values: where they came from,
// how many cells changed, and each (up to maxAuditCells) before and after.
func valuesDetail(source string, changed int, cells map[string][2]any) string {
	return detail(map[string]any{"source": source, "changed": changed, "cells": cells})
}

// withOrg adds the name of the organization a row refers to (org_id):
// a partner or an application is known by its organization's name,
// which lives in another table.
func (db *DB) withOrg(ctx context.Context, tx *sql.Tx, row map[string]any) map[string]any {
	if row == nil || row["org_id"] == nil {
		return row
	}
	var name string
	if tx.QueryRowContext(ctx, `SELECT name FROM organizations WHERE id = $1`, row["org_id"]).Scan(&name) == nil {
		row["org_name"] = name
	}
	return row
}
