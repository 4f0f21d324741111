package sqlstore

// The audit log's hash chain.
//
// Every change writes its audit row in its own transaction, unsealed: no
// place in the chain, no hash (audit.go). A sealer then chains committed
// rows: each gets seq, its place in the chain, the hash of the row before
// it and its own hash, an HMAC-SHA256 under a key kept outside the
// database. Only the sealer's one update of an unsealed row's chain
// columns gets past the table's triggers.
//
// The chain's order is the order rows were sealed (seq), not their id.
// On PostgreSQL ids come from an identity column and commit out of order:
// a transaction holding id 10 may commit after one holding id 11. A
// sealer that chained in id order would have to wait until no
// transaction could still commit a smaller id, and long transactions (a
// pg_dump, say) would stall it. Chaining in seal order needs no such
// horizon: the sealer takes the committed, unsealed rows it can see, in id
// order, and a row that commits late simply joins the chain in a later
// round. Nothing is ever inserted before a sealed row.
//
// One sealer at a time: on PostgreSQL each round holds a transaction-level
// advisory lock that only sealers take (replicas that find it held skip
// the round); on SQLite the single writer gives that already.
//
// What the chain detects, given the key: a sealed row edited (its HMAC
// fails; recomputing it needs the key), removed from the middle (the next
// row's link or seq fails), or a rewrite of everything after it. What it
// cannot see by itself is the newest rows removed: the chain that is left
// is intact. So every seal appends its new head — seq, id, hash — to a
// checkpoint file outside the database and logs it; `goeswell audit
// verify` compares every checkpoint with the log, and a sealer refuses to
// extend a chain whose rows no longer match the last checkpoint it knows.
// Rows written but not yet sealed (normally under a second old) are not
// protected, and verify reports how many there are.

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// auditSealLock is the PostgreSQL advisory lock a sealing round holds.
// Writers never take it.
const auditSealLock = 7210002

// sealBatchSize bounds one sealing transaction.
const sealBatchSize = 500

// AuditChain configures the audit chain of a store: its key and where
// its checkpoints go.
type AuditChain struct {
	// Key is the HMAC key, at least 32 bytes (LoadAuditKey).
	Key []byte
	// Checkpoints is the file each seal appends its new chain head to;
	// empty keeps none (and verify cannot then see the newest rows
	// removed).
	Checkpoints string
	// Log receives one line per seal with the new head, a second copy of
	// the checkpoint outside the database; nil logs nothing.
	Log *slog.Logger
}

type auditChain struct {
	mu          sync.Mutex
	key         []byte
	checkpoints string
	log         *slog.Logger
	last        AuditCheckpoint // the newest checkpoint this store knows
}

// An AuditCheckpoint is a chain head as recorded outside the database.
type AuditCheckpoint struct {
	Seq, ID int64
	Hash    string
}

func newAuditKey() []byte {
	k := make([]byte, 32)
	rand.Read(k)
	return k
}

// SetAuditChain gives the store its audit key and checkpoint file, and
// reads the newest checkpoint already in the file. A store that is never
// given a key seals with a random one of its own, which no other process
// can verify: fine for tests, never for a server (cmd/goeswell always sets
// one).
func (db *DB) SetAuditChain(c AuditChain) error {
	if len(c.Key) < 32 {
		return errors.New("audit chain: the key is shorter than 32 bytes")
	}
	var last AuditCheckpoint
	if c.Checkpoints != "" {
		cps, err := ReadAuditCheckpoints(c.Checkpoints)
		if err != nil {
			return err
		}
		for _, cp := range cps {
			if cp.Seq > last.Seq {
				last = cp
			}
		}
	}
	db.chain.mu.Lock()
	defer db.chain.mu.Unlock()
	db.chain.key, db.chain.checkpoints, db.chain.log, db.chain.last = c.Key, c.Checkpoints, c.Log, last
	return nil
}

// LoadAuditKey reads the audit key from path: 64 hex digits. With create,
// a missing file is made with a new random key, readable by its owner
// only; two processes creating it at once end up with the same key.
func LoadAuditKey(path string, create bool) ([]byte, error) {
	b, err := os.ReadFile(path) // #nosec G304 -- the operator's own --audit-key-file
	if errors.Is(err, os.ErrNotExist) && create {
		if err := createAuditKey(path); err != nil {
			return nil, err
		}
		b, err = os.ReadFile(path) // #nosec G304 -- as above
	}
	if err != nil {
		return nil, fmt.Errorf("read audit key: %w", err)
	}
	k, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(k) < 32 {
		return nil, fmt.Errorf("read audit key %s: want at least 64 hex digits", path)
	}
	return k, nil
}

// createAuditKey writes a new key to a temporary file and links it into
// place, so the key file never exists half-written and a second creator
// loses to the first instead of replacing its key.
func createAuditKey(path string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("create audit key: %w", err)
	}
	f, err := os.CreateTemp(dir, ".audit-key-*")
	if err != nil {
		return fmt.Errorf("create audit key: %w", err)
	}
	defer os.Remove(f.Name())
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("create audit key: %w", err)
	}
	_, err = fmt.Fprintf(f, "%x\n", newAuditKey())
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("create audit key: %w", err)
	}
	if err := os.Link(f.Name(), path); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("create audit key: %w", err)
	}
	return nil
}

// ReadAuditCheckpoints reads a checkpoint file: one "seq id hash time"
// line per seal. A missing file has none. A last line without its newline
// (a crash mid-append) is ignored.
func ReadAuditCheckpoints(path string) ([]AuditCheckpoint, error) {
	f, err := os.Open(path) // #nosec G304 -- the operator's own checkpoint file
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read audit checkpoints: %w", err)
	}
	defer f.Close()
	var out []AuditCheckpoint
	r := bufio.NewReader(f)
	for n := 1; ; n++ {
		line, err := r.ReadString('\n')
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read audit checkpoints: %w", err)
		}
		fs := strings.Fields(line)
		if len(fs) < 3 {
			return nil, fmt.Errorf("audit checkpoints %s, line %d: want seq, id and hash", path, n)
		}
		seq, err1 := strconv.ParseInt(fs[0], 10, 64)
		id, err2 := strconv.ParseInt(fs[1], 10, 64)
		if err1 != nil || err2 != nil || len(fs[2]) != 64 {
			return nil, fmt.Errorf("audit checkpoints %s, line %d: want seq, id and hash", path, n)
		}
		out = append(out, AuditCheckpoint{Seq: seq, ID: id, Hash: fs[2]})
	}
}

// auditRow is one audit row as its hash covers it.
type auditRow struct {
	ID, Seq           int64
	At                Time
	ActorID, CollabID int64
	Action, Target    string
	Detail, Addr      string
	Prev, Hash        string
}

const auditRowColumns = `id, at, COALESCE(actor_id, 0), COALESCE(collaborative_id, 0), action, target, detail, remote_addr, prev_hash, hash`

func (e *auditRow) scanDest() []any {
	return []any{&e.ID, &e.At, &e.ActorID, &e.CollabID, &e.Action, &e.Target, &e.Detail, &e.Addr, &e.Prev, &e.Hash}
}

// mac is the row's HMAC under key: every field, its place in the chain
// and the hash before it, length-prefixed so no field can spill into the
// next.
func (e auditRow) mac(key []byte) string {
	at, _ := e.At.Value()
	h := hmac.New(sha256.New, key)
	for _, f := range []string{"goeswell audit v2", fmt.Sprint(e.Seq), fmt.Sprint(e.ID), fmt.Sprint(at), fmt.Sprint(e.ActorID), fmt.Sprint(e.CollabID),
		e.Action, e.Target, e.Detail, e.Addr, e.Prev} {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (db *DB) chainKey() []byte {
	db.chain.mu.Lock()
	defer db.chain.mu.Unlock()
	return db.chain.key
}

// ErrAuditChain is returned when a sealer finds the chain does not match
// its key or its checkpoints, and so will not extend it.
var ErrAuditChain = errors.New("audit chain does not match")

// SealAudit chains every committed, unsealed audit row, first waiting for
// any other sealer (another replica's) to finish its round. It returns how
// many rows it sealed.
func (db *DB) SealAudit(ctx context.Context) (int, error) { return db.seal(ctx, true) }

func (db *DB) seal(ctx context.Context, wait bool) (int, error) {
	total := 0
	for {
		// A cheap look on the read pool first, so an idle sealer never
		// takes the write lock.
		var pending bool
		if err := db.read.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM audit_log WHERE NOT sealed)`).Scan(&pending); err != nil {
			return total, fmt.Errorf("seal audit: %w", err)
		}
		if !pending {
			return total, nil
		}
		n, err := db.sealBatch(ctx, wait)
		total += n
		if err != nil || n < sealBatchSize {
			return total, err
		}
	}
}

func (db *DB) sealBatch(ctx context.Context, wait bool) (int, error) {
	key := db.chainKey()
	var head auditRow
	var rows []auditRow
	err := db.tx(ctx, func(tx *sql.Tx) error {
		rows = rows[:0]
		if db.Dialect == Postgres {
			if wait {
				if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, auditSealLock); err != nil {
					return fmt.Errorf("seal audit: lock: %w", err)
				}
			} else {
				var got bool
				if err := tx.QueryRowContext(ctx, `SELECT pg_try_advisory_xact_lock($1)`, auditSealLock).Scan(&got); err != nil {
					return fmt.Errorf("seal audit: lock: %w", err)
				}
				if !got {
					return nil // another replica is sealing
				}
			}
		}
		var err error
		if head, err = db.checkChainHead(ctx, tx, key); err != nil {
			return err
		}
		q, err := tx.QueryContext(ctx, `SELECT `+auditRowColumns+` FROM audit_log WHERE NOT sealed ORDER BY id LIMIT $1`, sealBatchSize)
		if err != nil {
			return fmt.Errorf("seal audit: %w", err)
		}
		for q.Next() {
			var e auditRow
			if err := q.Scan(e.scanDest()...); err != nil {
				q.Close()
				return fmt.Errorf("seal audit: %w", err)
			}
			rows = append(rows, e)
		}
		q.Close()
		if err := q.Err(); err != nil {
			return fmt.Errorf("seal audit: %w", err)
		}
		if len(rows) == 0 {
			return nil
		}
		// One UPDATE for the batch, not one per row: the sealer's work
		// should stay small beside the writes it follows.
		var values strings.Builder
		args := make([]any, 0, 4*len(rows))
		for i := range rows {
			e := &rows[i]
			e.Seq, e.Prev = head.Seq+1, head.Hash
			e.Hash = e.mac(key)
			head = *e
			if i > 0 {
				values.WriteString(", ")
			}
			n := len(args)
			fmt.Fprintf(&values, "(CAST($%d AS BIGINT), CAST($%d AS BIGINT), CAST($%d AS TEXT), CAST($%d AS TEXT))", n+1, n+2, n+3, n+4)
			args = append(args, e.ID, e.Seq, e.Prev, e.Hash)
		}
		// #nosec G202 -- values holds only numbered placeholders.
		res, err := tx.ExecContext(ctx, `WITH v (id, seq, prev_hash, hash) AS (VALUES `+values.String()+`)
			UPDATE audit_log SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash, sealed = TRUE
			FROM v WHERE audit_log.id = v.id AND NOT audit_log.sealed`, args...)
		if err != nil {
			return fmt.Errorf("seal audit rows %d…%d: %w", rows[0].ID, head.ID, err)
		}
		if n, _ := res.RowsAffected(); n != int64(len(rows)) {
			return fmt.Errorf("seal audit rows %d…%d: %d of %d sealed; another sealer ran", rows[0].ID, head.ID, n, len(rows))
		}
		return nil
	})
	if err != nil || len(rows) == 0 {
		return 0, err
	}
	return len(rows), db.checkpoint(AuditCheckpoint{Seq: head.Seq, ID: head.ID, Hash: head.Hash}, len(rows))
}

// checkChainHead returns the chain's newest row and refuses a chain this
// sealer must not extend: one whose head was not sealed with this key (a
// replica given another key file, or an edited row), or one that no
// longer holds the newest checkpoint this store knows (rows removed from
// the end: sealing on would bury the gap under a valid-looking chain).
func (db *DB) checkChainHead(ctx context.Context, tx *sql.Tx, key []byte) (auditRow, error) {
	head, err := chainHead(ctx, tx, key)
	if err != nil {
		return head, err
	}
	return head, db.checkLastCheckpoint(ctx, tx)
}

type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// chainHead reads the newest sealed row (the zero row if none) and checks
// that it was sealed with key.
func chainHead(ctx context.Context, q rowQuerier, key []byte) (auditRow, error) {
	var head auditRow
	err := q.QueryRowContext(ctx, `SELECT seq, `+auditRowColumns+` FROM audit_log WHERE sealed ORDER BY seq DESC LIMIT 1`).
		Scan(append([]any{&head.Seq}, head.scanDest()...)...)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return auditRow{}, nil
	case err != nil:
		return head, fmt.Errorf("read audit chain head: %w", err)
	case head.mac(key) != head.Hash:
		return head, fmt.Errorf("%w: the newest sealed audit entry (%d) was not sealed with this key: is the audit key file the one the chain was sealed with? (or the entry was changed)", ErrAuditChain, head.ID)
	}
	return head, nil
}

// checkLastCheckpoint refuses a chain that no longer holds the newest
// checkpoint this store knows.
func (db *DB) checkLastCheckpoint(ctx context.Context, tx *sql.Tx) error {
	db.chain.mu.Lock()
	last := db.chain.last
	db.chain.mu.Unlock()
	if last.Seq == 0 {
		return nil
	}
	var hash string
	err := tx.QueryRowContext(ctx, `SELECT hash FROM audit_log WHERE seq = $1 AND sealed`, last.Seq).Scan(&hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("seal audit: read checkpoint row: %w", err)
	}
	if hash != last.Hash {
		return fmt.Errorf("%w: checkpoint %d (entry %d) is not in the audit log as recorded: entries were removed or changed, or the database was restored from a backup (run goeswell audit verify)", ErrAuditChain, last.Seq, last.ID)
	}
	return nil
}

// checkpoint records a new chain head outside the database, after the
// seal committed: a checkpoint written first could name a head that a
// failed commit never made, and verify would cry wolf. A crash between
// the two leaves that head without a checkpoint; the next seal's covers it.
func (db *DB) checkpoint(cp AuditCheckpoint, sealed int) error {
	db.chain.mu.Lock()
	defer db.chain.mu.Unlock()
	if cp.Seq > db.chain.last.Seq {
		db.chain.last = cp
	}
	if db.chain.log != nil {
		db.chain.log.Info("audit sealed", "seq", cp.Seq, "id", cp.ID, "hash", cp.Hash, "rows", sealed)
	}
	if db.chain.checkpoints == "" {
		return nil
	}
	f, err := os.OpenFile(db.chain.checkpoints, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600) // #nosec G304 -- the operator's own checkpoint file
	if err != nil {
		return fmt.Errorf("audit checkpoint: %w", err)
	}
	_, err = fmt.Fprintf(f, "%d %d %s %s\n", cp.Seq, cp.ID, cp.Hash, time.Now().UTC().Format(time.RFC3339))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("audit checkpoint: %w", err)
	}
	return nil
}

// CheckAuditKey reports whether this store's key is the one the chain was
// sealed with (ErrAuditChain if not): a server checks it before it
// starts, so a replica given the wrong key file refuses to run rather
// than fail every round. A chain that no longer matches its checkpoints
// is left to the sealer, which refuses to extend it and logs why: a
// restored backup looks just like that, and should not stop the server.
func (db *DB) CheckAuditKey(ctx context.Context) error {
	_, err := chainHead(ctx, db.read, db.chainKey())
	return err
}

// RunAuditSealer seals the audit log every interval until ctx ends, then
// once more, so a clean shutdown leaves nothing unsealed. Every replica
// may run it: a round that finds another replica sealing is skipped.
// Errors go to log (nil: nowhere), each once until it changes.
func (db *DB) RunAuditSealer(ctx context.Context, every time.Duration, log *slog.Logger) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	t := time.NewTicker(every)
	defer t.Stop()
	var lastErr string
	round := func(ctx context.Context, wait bool) {
		_, err := db.seal(ctx, wait)
		switch {
		case err == nil:
			lastErr = ""
		case ctx.Err() != nil:
		case err.Error() != lastErr:
			lastErr = err.Error()
			log.Error("audit seal", "err", err)
		}
	}
	for {
		select {
		case <-t.C:
			round(ctx, false)
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			round(fctx, true)
			cancel()
			return
		}
	}
}

// AuditReport is what VerifyAudit found.
type AuditReport struct {
	Sealed      int64           // entries in the chain
	Unsealed    int64           // entries written but not yet sealed
	Head        AuditCheckpoint // the chain's newest entry
	Checkpoints int             // checkpoints compared with the log
	// BrokenAt is the id of the first entry found wrong (0 if none, or if
	// the damage is entries missing from the end); Problem says what is
	// wrong, empty when the log is intact.
	BrokenAt int64
	Problem  string
}

// OK reports whether the log is intact.
func (r AuditReport) OK() bool { return r.Problem == "" }

// VerifyAudit walks the chain in seal order and checks every entry's
// place, link and HMAC, then every checkpoint in the checkpoint file.
// Unsealed entries are counted, not checked: nothing protects them yet.
func (db *DB) VerifyAudit(ctx context.Context) (AuditReport, error) {
	var r AuditReport
	key := db.chainKey()
	db.chain.mu.Lock()
	cpFile := db.chain.checkpoints
	db.chain.mu.Unlock()
	cps := map[int64]AuditCheckpoint{}
	if cpFile != "" {
		list, err := ReadAuditCheckpoints(cpFile)
		if err != nil {
			return r, err
		}
		for _, cp := range list {
			if old, ok := cps[cp.Seq]; ok && old != cp {
				r.Problem = fmt.Sprintf("two checkpoints disagree about chain position %d: the log was cut back and sealed again", cp.Seq)
				return r, nil
			}
			cps[cp.Seq] = cp
		}
		r.Checkpoints = len(cps)
	}
	// A read-only transaction: one snapshot for the walk and the counts.
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return r, fmt.Errorf("verify audit: %w", err)
	}
	defer tx.Rollback()
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE NOT sealed`).Scan(&r.Unsealed); err != nil {
		return r, fmt.Errorf("verify audit: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT seq, `+auditRowColumns+` FROM audit_log WHERE sealed ORDER BY seq`)
	if err != nil {
		return r, fmt.Errorf("verify audit: %w", err)
	}
	defer rows.Close()
	prev := auditRow{}
	for rows.Next() {
		var e auditRow
		var seq sql.NullInt64
		if err := rows.Scan(append([]any{&seq}, e.scanDest()...)...); err != nil {
			return r, fmt.Errorf("verify audit: %w", err)
		}
		e.Seq = seq.Int64
		r.BrokenAt = e.ID
		switch {
		case !seq.Valid:
			r.Problem = fmt.Sprintf("entry %d is marked sealed but has no place in the chain", e.ID)
		case e.Seq != prev.Seq+1:
			r.Problem = fmt.Sprintf("entry %d is at chain position %d, after position %d: the entries between were removed", e.ID, e.Seq, prev.Seq)
		case e.Prev != prev.Hash:
			r.Problem = fmt.Sprintf("entry %d does not link to the entry before it: an entry was removed or changed", e.ID)
		case e.mac(key) != e.Hash:
			r.Problem = fmt.Sprintf("entry %d does not match its hash: it was changed (or this is not the key it was sealed with)", e.ID)
		case cps[e.Seq].Seq != 0 && (cps[e.Seq].ID != e.ID || cps[e.Seq].Hash != e.Hash):
			r.Problem = fmt.Sprintf("entry %d at chain position %d differs from its checkpoint (entry %d): the chain was rewritten", e.ID, e.Seq, cps[e.Seq].ID)
		}
		if r.Problem != "" {
			return r, nil
		}
		r.Sealed++
		prev = e
	}
	if err := rows.Err(); err != nil {
		return r, fmt.Errorf("verify audit: %w", err)
	}
	r.BrokenAt = 0
	r.Head = AuditCheckpoint{Seq: prev.Seq, ID: prev.ID, Hash: prev.Hash}
	var newest AuditCheckpoint
	for _, cp := range cps {
		if cp.Seq > newest.Seq {
			newest = cp
		}
	}
	if newest.Seq > prev.Seq {
		r.Problem = fmt.Sprintf("the chain ends at position %d but a checkpoint records position %d (entry %d): entries were removed from the end", prev.Seq, newest.Seq, newest.ID)
	}
	return r, nil
}
