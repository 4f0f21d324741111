package sqlstore

import (
	"archive/zip"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/csvout"
	"github.com/goeswell/goeswell/internal/ziplimit"
)

// A collaborative's archive is a zip file holding:
//
//	manifest.json   format, version, schema version, the tables in load order
//	                with their columns, kinds and foreign keys
//	data.json       every row of the collaborative, table by table
//	csv/TABLE.csv   the same rows as CSV, for people and spreadsheets
//	files/KEY       the stored files (resource library uploads)
//
// What belongs to a collaborative is read from the schema itself: the
// collaboratives row, every table with a foreign key to it, and every table
// with a foreign key to one of those, transitively; the users and
// organizations those rows refer to come along. So a table a later feature
// adds is archived without changes here. Left out on purpose: the audit
// log (an installation's own append-only record), invitations and survey
// links (secrets; the new server makes its own), and everything about signing in (sessions, tokens, password
// hashes, second factors), and calendar-feed secrets: people are matched by email on import and set
// their password through the new server's own invitation or reset.
//
// Also left out: what the pages keep anonymous (archiveWithheld,
// archiveRedact). An archive is a byte stream leaving the server, and a
// convener holding it must learn no more than the pages show: no survey
// response row (a team of three, answers and free text in the order they
// came in, where the pages publish only released, suppressed aggregates),
// no feedback row (who said a meeting was not helpful), no answer to a
// feedback round on the collaborative nor who answered it, and no proposer of
// an anonymous agenda topic. An imported anonymous topic therefore belongs
// to nobody: its proposer can no longer withdraw it.
//
// Import loads the rows in a new collaborative, in one transaction, with
// new ids (foreign keys remapped), so it works on any goeswell of the same
// schema version, SQLite or PostgreSQL, whatever it already holds.

// ArchiveFormat names the archive format; ArchiveVersion is its version.
const (
	ArchiveFormat  = "goeswell-collaborative"
	ArchiveVersion = 1
)

// archiveSkip are tables never archived (see above).
var archiveSkip = map[string]bool{"audit_log": true, "invitations": true, "sessions": true, "api_tokens": true,
	"signin_failures": true, "idempotency_keys": true, "goose_db_version": true, "survey_links": true,
	// Writes not yet folded into every team's totals, which import sums
	// afresh.
	"measure_periods_stale": true,
	// Each person's inbox and sign-in times are the installation's; the
	// events they point at (comments, reviews, meetings) are archived.
	"notifications": true, "notification_settings": true, "visits": true}

// archiveWithheld are tables of a collaborative whose rows would name or
// single out people the pages keep anonymous (see above). They are never
// exported; an older archive that carries them has them ignored on import.
var archiveWithheld = map[string]bool{"survey_responses": true, "feedback": true,
	// Feedback on the collaborative: an answer and who answered (a round
	// of three people with one named answer narrows the others).
	"feedback_answers": true, "feedback_respondents": true}

// archiveRedact clears, row by row, references to people the pages keep
// anonymous. It runs before the referenced people are collected, so a
// person known only as an anonymous proposer is not in the archive at all.
var archiveRedact = map[string]func(t *ArchiveTable, row []any){
	"agenda_topics": func(t *ArchiveTable, row []any) {
		a, p := indexOf(t.Columns, "anonymous"), indexOf(t.Columns, "proposed_by")
		if a >= 0 && p >= 0 && row[a] != false {
			// Anything but a plain false counts as anonymous: a column
			// read in an unexpected form must not leak the proposer.
			row[p] = nil
		}
	},
}

// archiveUserCols are the only user columns an archive carries.
var archiveUserCols = map[string]bool{"id": true, "email": true, "name": true, "lang": true, "created_at": true}

// ArchiveFiles names the columns holding stored-file keys; their files go
// in the archive and get new keys on import.
var ArchiveFiles = map[string]string{"resources": "file_key"}

// ArchiveItemRefs maps a table's polymorphic reference (a kind column and
// an id column with no declared foreign key, like shares' kind and
// item_id) to the table each kind refers to, so import can remap it. A
// feature that shares its items adds its kind here.
var ArchiveItemRefs = map[string]ItemRef{
	"shares": {KindColumn: "kind", IDColumn: "item_id", Tables: map[string]string{"resource": "resources"}},
}

// ArchiveSoftRefs are references by id with no declared foreign key (a
// history row keeps the id of a node that may since be gone; a topic names
// a meeting of a feature that may not be installed): table -> column ->
// referenced table. Import remaps them when the referenced row is in the
// archive and clears them otherwise.
var ArchiveSoftRefs = map[string]map[string]string{
	"framework_changes": {"node_id": "framework_nodes"},
}

// ItemRef describes a polymorphic reference.
type ItemRef struct {
	KindColumn, IDColumn string
	Tables               map[string]string // kind -> table
}

// ArchiveTable describes one table in an archive.
type ArchiveTable struct {
	Name    string            `json:"name"`
	Columns []string          `json:"columns"`
	Kinds   map[string]string `json:"kinds"` // column -> int, float, bool, text, time, date
	// FKs maps a column to the table it refers to (by id).
	FKs map[string]string `json:"fks,omitempty"`
	// HasID says the table has an integer id primary key.
	HasID bool `json:"hasId"`
}

// Manifest is an archive's manifest.json.
type Manifest struct {
	Format        string         `json:"format"`
	Version       int            `json:"version"`
	SchemaVersion int64          `json:"schemaVersion"`
	ExportedAt    time.Time      `json:"exportedAt"`
	Collaborative string         `json:"collaborative"`
	Tables        []ArchiveTable `json:"tables"`
	Files         []string       `json:"files"`
	MissingFiles  []string       `json:"missingFiles,omitempty"`
}

// ArchiveData is an archive's data.json: rows by table, each row a list of
// values in the table's column order, normalized (times as RFC 3339 UTC
// text, dates as YYYY-MM-DD, booleans as true/false).
type ArchiveData map[string][][]any

type schemaInfo struct {
	tables map[string]*ArchiveTable
	order  []string
}

// schema reads the tables, columns, kinds and foreign keys of the database.
func (db *DB) schema(ctx context.Context) (*schemaInfo, error) {
	si := &schemaInfo{tables: map[string]*ArchiveTable{}}
	get := func(name string) *ArchiveTable {
		t := si.tables[name]
		if t == nil {
			t = &ArchiveTable{Name: name, Kinds: map[string]string{}, FKs: map[string]string{}}
			si.tables[name] = t
			si.order = append(si.order, name)
		}
		return t
	}
	var colQ, fkQ string
	if db.Dialect == SQLite {
		colQ = `SELECT m.name, p.name, LOWER(p.type), p.pk FROM sqlite_master m JOIN pragma_table_info(m.name) p
			WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid`
		fkQ = `SELECT m.name, f."from", f."table" FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table'`
	} else {
		// pg_catalog rather than information_schema: the same answer,
		// many times faster.
		colQ = `SELECT c.relname, a.attname, LOWER(format_type(a.atttypid, a.atttypmod)),
			CASE WHEN EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary AND a.attnum = ANY(i.indkey)) THEN 1 ELSE 0 END
			FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid
			WHERE n.nspname = current_schema() AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped ORDER BY c.relname, a.attnum`
		fkQ = `SELECT c.relname, a.attname, r.relname FROM pg_constraint k
			JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
			JOIN pg_class r ON r.oid = k.confrelid
			JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
			WHERE k.contype = 'f' AND n.nspname = current_schema()`
	}
	rows, err := db.read.QueryContext(ctx, colQ)
	if err != nil {
		return nil, fmt.Errorf("read schema: %w", err)
	}
	pks := map[string]int{}
	for rows.Next() {
		var tbl, col, typ string
		var pk int
		if err := rows.Scan(&tbl, &col, &typ, &pk); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read schema: %w", err)
		}
		t := get(tbl)
		t.Columns = append(t.Columns, col)
		t.Kinds[col] = columnKind(col, typ)
		if pk > 0 {
			pks[tbl]++
			if col == "id" {
				t.HasID = true
			}
		}
	}
	rows.Close()
	for name, n := range pks {
		if n > 1 {
			si.tables[name].HasID = false
		}
	}
	rows, err = db.read.QueryContext(ctx, fkQ)
	if err != nil {
		return nil, fmt.Errorf("read foreign keys: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var tbl, col, ref string
		if err := rows.Scan(&tbl, &col, &ref); err != nil {
			return nil, fmt.Errorf("read foreign keys: %w", err)
		}
		get(tbl).FKs[col] = ref
	}
	return si, rows.Err()
}

// columnKind normalizes a declared type. SQLite stores timestamps as TEXT:
// the schema's convention names them *_at (or "at").
func columnKind(col, typ string) string {
	switch {
	case strings.Contains(typ, "bool"):
		return "bool"
	case strings.Contains(typ, "int"):
		return "int"
	case strings.Contains(typ, "double"), strings.Contains(typ, "real"), strings.Contains(typ, "numeric"):
		return "float"
	case typ == "date":
		return "date"
	case strings.Contains(typ, "timestamp"), col == "at" || strings.HasSuffix(col, "_at"):
		return "time"
	}
	return "text"
}

// archivePlan decides which tables an archive holds, in load order
// (parents first), and for each owned table the column that ties it to its
// owner: table -> (column, parent table).
func (si *schemaInfo) archivePlan() (order []string, owner map[string][2]string, referenced map[string]bool, err error) {
	owner = map[string][2]string{}
	owned := map[string]bool{"collaboratives": true}
	for changed := true; changed; {
		changed = false
		for _, name := range si.order {
			t := si.tables[name]
			if owned[name] || archiveSkip[name] || archiveWithheld[name] {
				continue
			}
			// Prefer a direct tie to the collaborative, then the first
			// owned parent by column name, so the plan is deterministic.
			cols := make([]string, 0, len(t.FKs))
			for c := range t.FKs {
				cols = append(cols, c)
			}
			sort.Strings(cols)
			sort.SliceStable(cols, func(i, j int) bool {
				return t.FKs[cols[i]] == "collaboratives" && t.FKs[cols[j]] != "collaboratives"
			})
			for _, c := range cols {
				if owned[t.FKs[c]] && t.FKs[c] != name {
					owned[name] = true
					owner[name] = [2]string{c, t.FKs[c]}
					changed = true
					break
				}
			}
		}
	}
	referenced = map[string]bool{}
	for name := range owned {
		for _, ref := range si.tables[name].FKs {
			if !owned[ref] {
				referenced[ref] = true
			}
		}
	}
	// Load order: referenced tables, then owned ones parents first.
	placed := map[string]bool{}
	for _, name := range si.order {
		if referenced[name] {
			order = append(order, name)
			placed[name] = true
		}
	}
	for len(placed) < len(owned)+len(referenced) {
		progress := false
		for _, name := range si.order {
			if placed[name] || !owned[name] {
				continue
			}
			ready := true
			for _, ref := range si.tables[name].FKs {
				if ref != name && !placed[ref] && (owned[ref] || referenced[ref]) {
					ready = false
				}
			}
			if ready {
				order = append(order, name)
				placed[name] = true
				progress = true
			}
		}
		if !progress {
			return nil, nil, nil, errors.New("archive: the schema's foreign keys form a cycle")
		}
	}
	return order, owner, referenced, nil
}

// scopeSQL selects the ids (or the tie column's values) of a table's rows
// that belong to collaborative $1.
func scopeSQL(name string, owner map[string][2]string) string {
	if name == "collaboratives" {
		return `SELECT id FROM collaboratives WHERE id = $1`
	}
	o := owner[name]
	if o[1] == "collaboratives" {
		return fmt.Sprintf(`SELECT id FROM %s WHERE %s = $1`, name, o[0])
	}
	return fmt.Sprintf(`SELECT id FROM %s WHERE %s IN (%s)`, name, o[0], scopeSQL(o[1], owner))
}

func rowsSQL(name string, cols []string, owner map[string][2]string) string {
	sel := `SELECT ` + strings.Join(cols, ", ") + ` FROM ` + name
	if name == "collaboratives" {
		return sel + ` WHERE id = $1`
	}
	o := owner[name]
	if o[1] == "collaboratives" {
		return sel + fmt.Sprintf(` WHERE %s = $1`, o[0])
	}
	return sel + fmt.Sprintf(` WHERE %s IN (%s)`, o[0], scopeSQL(o[1], owner))
}

// normalize turns a scanned value into the archive's form for its kind.
func normalize(v any, kind string) any {
	if b, ok := v.([]byte); ok {
		v = string(b)
	}
	if v == nil {
		return nil
	}
	switch kind {
	case "bool":
		switch x := v.(type) {
		case bool:
			return x
		case int64:
			return x != 0
		case string:
			return x == "1" || strings.EqualFold(x, "true")
		}
	case "int":
		switch x := v.(type) {
		case int64:
			return x
		case int32:
			return int64(x)
		case float64:
			return int64(x)
		case string:
			n, _ := strconv.ParseInt(x, 10, 64)
			return n
		}
	case "float":
		switch x := v.(type) {
		case float64:
			return x
		case float32:
			return float64(x)
		case int64:
			return float64(x)
		case string:
			f, _ := strconv.ParseFloat(x, 64)
			return f
		}
	case "time":
		var t Time
		if err := t.Scan(v); err == nil {
			return t.UTC().Format(timeLayout)
		}
	case "date":
		var d collab.Date
		if err := d.Scan(v); err == nil {
			return d.String()
		}
	}
	if t, ok := v.(time.Time); ok {
		return t.UTC().Format(timeLayout)
	}
	return v
}

// ExportArchive writes collaborative collabID, with the stored files from
// filesDir ("" for none), as a zip archive to w.
func (db *DB) ExportArchive(ctx context.Context, collabID int64, filesDir string, w io.Writer) (*Manifest, error) {
	c, err := db.FindCollaborative(ctx, collabID)
	if err != nil {
		return nil, err
	}
	si, err := db.schema(ctx)
	if err != nil {
		return nil, err
	}
	order, owner, referenced, err := si.archivePlan()
	if err != nil {
		return nil, err
	}
	_, version, err := db.SchemaStatus(ctx)
	if err != nil {
		return nil, err
	}
	m := &Manifest{Format: ArchiveFormat, Version: ArchiveVersion, SchemaVersion: version, ExportedAt: db.Now().UTC(), Collaborative: c.Name}
	data := ArchiveData{}
	// Owned tables first (their rows name the referenced ones).
	refIDs := map[string]map[int64]bool{}
	for _, name := range order {
		if referenced[name] {
			continue
		}
		t := si.tables[name]
		rows, err := db.queryRows(ctx, t, rowsSQL(name, t.Columns, owner)+orderBy(t), collabID)
		if err != nil {
			return nil, err
		}
		if redact := archiveRedact[name]; redact != nil {
			for _, r := range rows {
				redact(t, r)
			}
		}
		data[name] = rows
		for i, col := range t.Columns {
			if ref := t.FKs[col]; referenced[ref] {
				for _, r := range rows {
					if id, ok := r[i].(int64); ok {
						if refIDs[ref] == nil {
							refIDs[ref] = map[int64]bool{}
						}
						refIDs[ref][id] = true
					}
				}
			}
		}
	}
	for _, name := range order {
		if !referenced[name] {
			continue
		}
		t := *si.tables[name]
		if name == "users" {
			var cols []string
			for _, col := range t.Columns {
				if archiveUserCols[col] {
					cols = append(cols, col)
				}
			}
			t.Columns = cols
			si.tables[name] = &t
		}
		ids := make([]string, 0, len(refIDs[name]))
		for id := range refIDs[name] {
			ids = append(ids, strconv.FormatInt(id, 10))
		}
		if len(ids) == 0 {
			data[name] = [][]any{}
			continue
		}
		sort.Strings(ids)
		rows, err := db.queryRows(ctx, &t, `SELECT `+strings.Join(t.Columns, ", ")+` FROM `+name+` WHERE id IN (`+strings.Join(ids, ",")+`)`+orderBy(&t))
		if err != nil {
			return nil, err
		}
		data[name] = rows
	}
	for _, name := range order {
		m.Tables = append(m.Tables, *si.tables[name])
	}

	zw := zip.NewWriter(w)
	// Files.
	for tbl, col := range ArchiveFiles {
		t := si.tables[tbl]
		if t == nil || filesDir == "" {
			continue
		}
		i := indexOf(t.Columns, col)
		for _, r := range data[tbl] {
			key, _ := r[i].(string)
			if key == "" {
				continue
			}
			b, err := os.ReadFile(filepath.Join(filesDir, filepath.Base(key))) // #nosec G304 -- a random key of ours, reduced to a base name
			if errors.Is(err, os.ErrNotExist) {
				// A lost file must not make the rest unexportable; the
				// manifest says which are missing.
				m.MissingFiles = append(m.MissingFiles, filepath.Base(key))
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("archive file %s: %w", key, err)
			}
			fw, err := zw.Create("files/" + filepath.Base(key))
			if err != nil {
				return nil, err
			}
			if _, err := fw.Write(b); err != nil {
				return nil, err
			}
			m.Files = append(m.Files, filepath.Base(key))
		}
	}
	sort.Strings(m.Files)
	for _, name := range order {
		t := si.tables[name]
		fw, err := zw.Create("csv/" + name + ".csv")
		if err != nil {
			return nil, err
		}
		cw := csvout.NewWriter(fw)
		cw.Write(t.Columns)
		for _, r := range data[name] {
			rec := make([]string, len(r))
			for i, v := range r {
				if v != nil {
					rec[i] = fmt.Sprint(v)
				}
			}
			cw.Write(rec)
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return nil, err
		}
	}
	for name, v := range map[string]any{"manifest.json": m, "data.json": data} {
		fw, err := zw.Create(name)
		if err != nil {
			return nil, err
		}
		enc := json.NewEncoder(fw)
		enc.SetIndent("", " ")
		if err := enc.Encode(v); err != nil {
			return nil, err
		}
	}
	return m, zw.Close()
}

func orderBy(t *ArchiveTable) string {
	if t.HasID {
		return ` ORDER BY id`
	}
	return ` ORDER BY ` + strings.Join(t.Columns, ", ")
}

func indexOf(cols []string, c string) int {
	for i, x := range cols {
		if x == c {
			return i
		}
	}
	return -1
}

func (db *DB) queryRows(ctx context.Context, t *ArchiveTable, q string, args ...any) ([][]any, error) {
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("archive %s: %w", t.Name, err)
	}
	defer rows.Close()
	out := [][]any{}
	for rows.Next() {
		vals := make([]any, len(t.Columns))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("archive %s: %w", t.Name, err)
		}
		for i, col := range t.Columns {
			vals[i] = normalize(vals[i], t.Kinds[col])
		}
		out = append(out, vals)
	}
	return out, rows.Err()
}

// archiveLimits bound what an archive may expand to: its data and its
// uploaded files (each at most learning.MaxFileSize), uncompressed.
var archiveLimits = ziplimit.Limits{Total: 1 << 30, Entry: 64 << 20, Entries: 100000}

// ReadArchive reads an archive's manifest, data and files.
func ReadArchive(r io.ReaderAt, size int64) (*Manifest, ArchiveData, map[string][]byte, error) {
	// Everything is read into memory below, so what the zip expands to is
	// checked first, declared and actual sizes both: a zip bomb is refused
	// before it is inflated.
	if err := ziplimit.Check(r, size, archiveLimits); err != nil {
		return nil, nil, nil, fmt.Errorf("read archive: %w", err)
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("read archive: %w", err)
	}
	var m Manifest
	var data ArchiveData
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return nil, nil, nil, err
		}
		b, err := io.ReadAll(io.LimitReader(rc, archiveLimits.Entry))
		rc.Close()
		if err != nil {
			return nil, nil, nil, err
		}
		switch {
		case f.Name == "manifest.json":
			err = json.Unmarshal(b, &m)
		case f.Name == "data.json":
			dec := json.NewDecoder(strings.NewReader(string(b)))
			dec.UseNumber()
			err = dec.Decode(&data)
		case strings.HasPrefix(f.Name, "files/"):
			files[filepath.Base(f.Name)] = b
		}
		if err != nil {
			return nil, nil, nil, fmt.Errorf("read archive %s: %w", f.Name, err)
		}
	}
	if m.Format != ArchiveFormat || m.Version != ArchiveVersion {
		return nil, nil, nil, &collab.ValidationError{Fields: map[string]string{"file": "learning.error.not_archive"}}
	}
	return &m, data, files, nil
}

// ImportArchive loads an archive as a new collaborative, in one
// transaction, storing its files in filesDir, and returns the new
// collaborative's id. People are matched by email; unknown ones get an
// account with no password.
func (db *DB) ImportArchive(ctx context.Context, who collab.Who, r io.ReaderAt, size int64, filesDir string) (int64, error) {
	m, data, files, err := ReadArchive(r, size)
	if err != nil {
		return 0, err
	}
	_, version, err := db.SchemaStatus(ctx)
	if err != nil {
		return 0, err
	}
	if m.SchemaVersion != version {
		return 0, &collab.ValidationError{Fields: map[string]string{"file": "learning.error.archive_version"}}
	}
	tables, err := db.importPlan(ctx, m, data)
	if err != nil {
		return 0, err
	}
	newKeys := map[string]string{}
	var written []string
	if len(files) > 0 {
		if filesDir == "" {
			return 0, &collab.ValidationError{Fields: map[string]string{"file": "resource.error.no_storage"}}
		}
		if err := os.MkdirAll(filesDir, 0o750); err != nil {
			return 0, err
		}
		for key, b := range files {
			nk := randomKey()
			if err := os.WriteFile(filepath.Join(filesDir, nk), b, 0o600); err != nil {
				return 0, err
			}
			newKeys[key] = nk
			written = append(written, filepath.Join(filesDir, nk))
		}
	}
	ids := map[string]map[int64]int64{} // table -> old id -> new id
	var newCollab int64
	err = db.tx(ctx, func(tx *sql.Tx) error {
		for _, t := range tables {
			ids[t.Name] = map[int64]int64{}
			for ri, row := range data[t.Name] {
				if len(row) != len(t.Columns) {
					return fmt.Errorf("import %s row %d: %d values for %d columns", t.Name, ri+1, len(row), len(t.Columns))
				}
				vals := make([]any, len(row))
				for i, col := range t.Columns {
					v, err := denormalize(row[i], t.Kinds[col])
					if err != nil {
						return fmt.Errorf("import %s row %d %s: %w", t.Name, ri+1, col, err)
					}
					if ref, ok := t.FKs[col]; ok && v != nil {
						nv, ok := ids[ref][v.(int64)]
						if !ok {
							return fmt.Errorf("import %s row %d: %s refers to a missing %s row", t.Name, ri+1, col, ref)
						}
						v = nv
					}
					if fc, ok := ArchiveFiles[t.Name]; ok && fc == col {
						if s, _ := v.(string); s != "" {
							// A file missing from the archive keeps no key:
							// the resource stays, without its file.
							v = newKeys[s]
						}
					}
					vals[i] = v
				}
				for col, ref := range ArchiveSoftRefs[t.Name] {
					if i := indexOf(t.Columns, col); i >= 0 && vals[i] != nil {
						if nv, ok := ids[ref][vals[i].(int64)]; ok {
							vals[i] = nv
						} else {
							vals[i] = nil
						}
					}
				}
				if ir, ok := ArchiveItemRefs[t.Name]; ok {
					ki, ii := indexOf(t.Columns, ir.KindColumn), indexOf(t.Columns, ir.IDColumn)
					if ki >= 0 && ii >= 0 {
						if ref, ok := ir.Tables[fmt.Sprint(vals[ki])]; ok {
							if nv, ok := ids[ref][vals[ii].(int64)]; ok {
								vals[ii] = nv
							}
						}
					}
				}
				if t.Name == "users" {
					id, err := db.importUser(ctx, tx, t, vals)
					if err != nil {
						return err
					}
					ids["users"][vals[indexOf(t.Columns, "id")].(int64)] = id
					continue
				}
				cols, args := t.Columns, vals
				var oldID int64
				if t.HasID {
					i := indexOf(cols, "id")
					oldID = vals[i].(int64)
					cols = append(append([]string{}, cols[:i]...), cols[i+1:]...)
					args = append(append([]any{}, vals[:i]...), vals[i+1:]...)
				}
				ph := make([]string, len(cols))
				for i := range ph {
					ph[i] = fmt.Sprintf("$%d", i+1)
				}
				// Table and column names are this database's own (importPlan
				// checked every one against the schema); values are bound.
				q := `INSERT INTO ` + t.Name + ` (` + strings.Join(cols, ", ") + `) VALUES (` + strings.Join(ph, ", ") + `)` // #nosec G202 -- names checked against the schema
				if t.HasID {
					var nid int64
					if err := tx.QueryRowContext(ctx, q+` RETURNING id`, args...).Scan(&nid); err != nil {
						return fmt.Errorf("import %s row %d: %w", t.Name, ri+1, err)
					}
					ids[t.Name][oldID] = nid
					if t.Name == "collaboratives" {
						newCollab = nid
					}
				} else if _, err := tx.ExecContext(ctx, q, args...); err != nil {
					return fmt.Errorf("import %s row %d: %w", t.Name, ri+1, err)
				}
			}
		}
		if newCollab == 0 {
			return errors.New("import: the archive holds no collaborative")
		}
		// Every team's totals are the teams' totals summed: an archive
		// taken on PostgreSQL while writes were waiting to be folded
		// (FoldMeasurePeriods) may carry some out of date.
		for _, q := range []string{`DELETE FROM measure_periods WHERE collaborative_id = $1`,
			`INSERT INTO measure_periods (collaborative_id, measure_id, period, teams, y, n)
				SELECT collaborative_id, measure_id, period, COUNT(*), SUM(y), SUM(n) FROM measure_team_periods
				WHERE collaborative_id = $1 GROUP BY collaborative_id, measure_id, period`} {
			if _, err := tx.ExecContext(ctx, q, newCollab); err != nil {
				return fmt.Errorf("import: measure totals: %w", err)
			}
		}
		// The public report card's address is the source's; a copy must
		// not answer at it too.
		if _, err := tx.ExecContext(ctx, `UPDATE learning_settings SET card_public = FALSE, card_token = '' WHERE collaborative_id = $1`, newCollab); err != nil {
			return fmt.Errorf("import: %w", err)
		}
		return db.audit(ctx, tx, who, newCollab, "collaborative.import", fmt.Sprint("collaborative:", newCollab), m.Collaborative)
	})
	if err != nil {
		for _, p := range written {
			os.Remove(p)
		}
		return 0, err
	}
	return newCollab, nil
}

// importPlan checks an archive against this database's own schema and
// returns its tables in load order, described by this database: which
// tables may be loaded, their column kinds, foreign keys and ids come from
// here, never from the archive, so a crafted manifest cannot write into
// other tables (the audit log, sessions), name columns that do not exist,
// or leave a reference to this server's rows unmapped. Each table keeps the
// archive's column order, for its rows.
func (db *DB) importPlan(ctx context.Context, m *Manifest, data ArchiveData) ([]ArchiveTable, error) {
	si, err := db.schema(ctx)
	if err != nil {
		return nil, err
	}
	order, _, _, err := si.archivePlan()
	if err != nil {
		return nil, err
	}
	refuse := func(format string, args ...any) ([]ArchiveTable, error) {
		return nil, fmt.Errorf("import: "+format+": %w", append(args, &collab.ValidationError{Fields: map[string]string{"file": "learning.error.archive_broken"}})...)
	}
	given := map[string]ArchiveTable{}
	for _, t := range m.Tables {
		given[t.Name] = t
	}
	inPlan := map[string]bool{}
	var out []ArchiveTable
	for _, name := range order {
		inPlan[name] = true
		mt, ok := given[name]
		if !ok {
			continue
		}
		local := si.tables[name]
		t := ArchiveTable{Name: name, Columns: mt.Columns, Kinds: map[string]string{}, FKs: map[string]string{}, HasID: local.HasID}
		for _, col := range mt.Columns {
			if indexOf(local.Columns, col) < 0 || (name == "users" && !archiveUserCols[col]) {
				return refuse("table %s has no column %q here", name, col)
			}
			t.Kinds[col] = local.Kinds[col]
			if ref, ok := local.FKs[col]; ok {
				t.FKs[col] = ref
			}
		}
		if local.HasID && indexOf(mt.Columns, "id") < 0 {
			return refuse("table %s lacks its ids", name)
		}
		out = append(out, t)
	}
	for name, rows := range data {
		if !inPlan[name] && !archiveWithheld[name] && len(rows) > 0 {
			return refuse("table %s is not part of a collaborative", name)
		}
	}
	if len(data["collaboratives"]) != 1 {
		return refuse("the archive holds %d collaboratives, want 1", len(data["collaboratives"]))
	}
	return out, nil
}

func randomKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// importUser finds a person by email or creates them with no password.
func (db *DB) importUser(ctx context.Context, tx *sql.Tx, t ArchiveTable, vals []any) (int64, error) {
	get := func(c string) any {
		if i := indexOf(t.Columns, c); i >= 0 {
			return vals[i]
		}
		return nil
	}
	email := strings.ToLower(fmt.Sprint(get("email")))
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM users WHERE email = $1`, email).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("import user: %w", err)
	}
	lang, _ := get("lang").(string) // "" follows the browser
	created := get("created_at")
	if created == nil {
		created = ts(db.Now())
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO users (email, name, lang, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		email, fmt.Sprint(get("name")), lang, created).Scan(&id); err != nil {
		return 0, fmt.Errorf("import user %s: %w", email, err)
	}
	return id, nil
}

// denormalize turns an archive value (from JSON with UseNumber) into a
// value to bind for its kind.
func denormalize(v any, kind string) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch kind {
	case "int":
		if n, ok := v.(json.Number); ok {
			return n.Int64()
		}
	case "float":
		if n, ok := v.(json.Number); ok {
			return n.Float64()
		}
	case "bool":
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case "time", "date", "text":
		if s, ok := v.(string); ok {
			return s, nil
		}
	}
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n, nil
		}
		return x.Float64()
	case int64, float64, bool, string:
		return x, nil
	}
	return nil, fmt.Errorf("unexpected %T for a %s column", v, kind)
}
