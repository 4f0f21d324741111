// Package sqlstore is goeswell's storage: one schema and one set of SQL
// statements over two databases, embedded SQLite (the default, for a
// single server) and PostgreSQL (for several stateless replicas). It is the
// only package that imports database drivers.
//
// Statements use PostgreSQL's $1…$n placeholders; modernc.org/sqlite binds
// them by number too, so the same text serves both (pinned by a test).
// Where the dialects really differ — column types, the backup command —
// the difference is switched on in one place.
package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations
var migrations embed.FS

// Dialect names a database.
type Dialect string

// The supported databases.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open store. On SQLite it keeps two pools: one connection for
// writes, whose transactions begin IMMEDIATE so concurrent writers queue on
// the lock instead of failing with SQLITE_BUSY halfway through, and several
// for reads, which WAL lets run beside the writer. On PostgreSQL both are
// the same pool.
type DB struct {
	Dialect Dialect
	read    *sql.DB
	write   *sql.DB
	path    string // SQLite file
	// Now is the clock; tests replace it.
	Now func() time.Time
	// chain is the audit hash chain's key and checkpoints (auditchain.go).
	chain auditChain
}

// Open connects to the database named by dsn: "sqlite:PATH" (or a bare
// path ending in .db) or "postgres://…". It does not migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	db := &DB{Now: func() time.Time { return time.Now().UTC() }}
	// Until SetAuditChain gives it the real key, a store seals with a
	// random one of its own: enough for tests and tools that never seal.
	db.chain.key = newAuditKey()
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		db.Dialect = Postgres
		pool, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		pool.SetMaxOpenConns(20)
		pool.SetMaxIdleConns(20)
		pool.SetConnMaxIdleTime(5 * time.Minute)
		db.read, db.write = pool, pool
	case strings.HasPrefix(dsn, "sqlite:"):
		db.Dialect = SQLite
		db.path = strings.TrimPrefix(dsn, "sqlite:")
		if db.path == "" {
			return nil, errors.New("open sqlite: the DSN names no file (want sqlite:PATH)")
		}
		if dir := filepath.Dir(db.path); dir != "." {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("open sqlite: %w", err)
			}
		}
		var err error
		if db.write, err = openSQLite(db.path, true); err != nil {
			return nil, err
		}
		if db.read, err = openSQLite(db.path, false); err != nil {
			db.write.Close()
			return nil, err
		}
	default:
		return nil, fmt.Errorf("open database: unknown DSN %q (want sqlite:PATH or postgres://…)", redact(dsn))
	}
	if err := db.write.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s: %w", db.Dialect, err)
	}
	return db, nil
}

// openSQLite opens one pool on the file. synchronous=FULL: in WAL mode,
// NORMAL can lose the last acknowledged transactions on power loss; a
// collaborative's month of data is worth the extra fsync per commit.
func openSQLite(path string, writer bool) (*sql.DB, error) {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "foreign_keys(1)", "busy_timeout(10000)", "synchronous(FULL)"} {
		q.Add("_pragma", p)
	}
	if writer {
		q.Set("_txlock", "immediate")
	} else {
		q.Add("_pragma", "query_only(1)")
	}
	pool, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	if writer {
		pool.SetMaxOpenConns(1)
	} else {
		pool.SetMaxOpenConns(8)
	}
	pool.SetConnMaxIdleTime(0)
	return pool, nil
}

func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		u.User = url.User(u.User.Username())
		return u.String()
	}
	return dsn
}

// Close closes the pools.
func (db *DB) Close() error {
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.read.PingContext(ctx) }

// Durability reads back, on the connection that commits every write, the
// settings README promises for SQLite: journal_mode=wal and
// synchronous=FULL (2), without which an acknowledged write may be lost
// on power loss. It returns them as "journal_mode=wal synchronous=2", and
// an error if they are not what was promised. A typo in a DSN pragma, or a
// driver that ignores one, would otherwise go unnoticed: a killed process
// loses nothing even with synchronous=OFF, only a power cut shows it.
// PostgreSQL's durability is the server's (fsync, synchronous_commit):
// it reports synchronous_commit and refuses "off".
func (db *DB) Durability(ctx context.Context) (string, error) {
	if db.Dialect == Postgres {
		var sc string
		if err := db.write.QueryRowContext(ctx, `SHOW synchronous_commit`).Scan(&sc); err != nil {
			return "", fmt.Errorf("read synchronous_commit: %w", err)
		}
		detail := "synchronous_commit=" + sc
		if sc == "off" {
			return detail, fmt.Errorf("postgres runs with synchronous_commit=off: acknowledged writes may be lost")
		}
		return detail, nil
	}
	// The writer pool holds one connection, so this is the connection
	// every commit goes through.
	var mode string
	var synchronous int
	if err := db.write.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
		return "", fmt.Errorf("read journal_mode: %w", err)
	}
	if err := db.write.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&synchronous); err != nil {
		return "", fmt.Errorf("read synchronous: %w", err)
	}
	detail := fmt.Sprintf("journal_mode=%s synchronous=%d", strings.ToLower(mode), synchronous)
	if !strings.EqualFold(mode, "wal") || synchronous != 2 {
		return detail, fmt.Errorf("sqlite runs with %s, want journal_mode=wal synchronous=2 (FULL)", detail)
	}
	return detail, nil
}

func (db *DB) provider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+string(db.Dialect))
	if err != nil {
		return nil, err
	}
	d := goose.DialectSQLite3
	var opts []goose.ProviderOption
	if db.Dialect == Postgres {
		d = goose.DialectPostgres
		// Several replicas may start at once; an advisory lock makes one
		// migrate while the others wait.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(d, db.write, sub, opts...)
}

// Migrate brings the schema up to date and returns the new version.
func (db *DB) Migrate(ctx context.Context) (int64, error) {
	p, err := db.provider()
	if err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	return p.GetDBVersion(ctx)
}

// SchemaStatus reports the database's schema version and the version this
// binary carries.
func (db *DB) SchemaStatus(ctx context.Context) (have, want int64, err error) {
	p, err := db.provider()
	if err != nil {
		return 0, 0, err
	}
	srcs := p.ListSources()
	if len(srcs) > 0 {
		want = srcs[len(srcs)-1].Version
	}
	have, err = p.GetDBVersion(ctx)
	if err != nil {
		return 0, want, fmt.Errorf("read schema version: %w", err)
	}
	return have, want, nil
}

// CheckSchema returns an error unless the schema is exactly this binary's:
// an older one needs `goeswell migrate`, a newer one a newer binary.
func (db *DB) CheckSchema(ctx context.Context) error {
	have, want, err := db.SchemaStatus(ctx)
	if err != nil {
		return err
	}
	switch {
	case have < want:
		return fmt.Errorf("database schema is version %d, this goeswell needs %d: run `goeswell migrate`", have, want)
	case have > want:
		return fmt.Errorf("database schema is version %d, newer than this goeswell (%d): run a newer goeswell", have, want)
	}
	return nil
}

// Backup writes a consistent copy of a SQLite database to path while the
// server keeps running (VACUUM INTO reads one snapshot).
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.Dialect != SQLite {
		return errors.New("backup: goeswell backs up SQLite only; for PostgreSQL use pg_dump (for example: pg_dump --format=custom --file=goeswell.dump DBNAME)")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s already exists; choose a new file", path)
	}
	if _, err := db.write.ExecContext(ctx, "VACUUM INTO $1", path); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}

// tx runs fn in a write transaction and commits it if fn returns nil. If
// ctx carries an idempotency key not yet spent, the key is recorded in the
// same transaction: the change and the key commit together or not at all.
func (db *DB) tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	ik, _ := ctx.Value(idemKey{}).(*idempotency)
	if ik != nil && !ik.spent {
		_, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (user_id, key, created_at) VALUES ($1, $2, $3)`, ik.userID, ik.key, ts(db.Now()))
		if isUnique(err) {
			tx.Rollback()
			return ErrAlreadyApplied
		}
		if err != nil {
			tx.Rollback()
			return fmt.Errorf("record idempotency key: %w", err)
		}
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if ik != nil {
		ik.spent = true // later transactions of the same request are its own
	}
	return nil
}

// ErrAlreadyApplied is returned for a write whose idempotency key was
// already used: the change was made by an earlier request.
var ErrAlreadyApplied = errors.New("already applied")

type idemKey struct{}

type idempotency struct {
	userID int64
	key    string
	spent  bool
}

// WithIdempotencyKey marks ctx's first write as the one that key names.
func WithIdempotencyKey(ctx context.Context, userID int64, key string) context.Context {
	return context.WithValue(ctx, idemKey{}, &idempotency{userID: userID, key: key})
}

// Time is a timestamp as both databases store it: RFC 3339 text in UTC with
// fixed-width microseconds in SQLite (so text order is time order), and
// TIMESTAMPTZ in PostgreSQL, which parses the same text.
type Time struct{ time.Time }

const timeLayout = "2006-01-02T15:04:05.000000Z"

// Value formats t; the zero time is NULL.
func (t Time) Value() (driver.Value, error) {
	if t.IsZero() {
		return nil, nil
	}
	return t.UTC().Format(timeLayout), nil
}

// Scan reads text or a time.Time.
func (t *Time) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		t.Time = time.Time{}
	case time.Time:
		t.Time = v.UTC()
	case string:
		p, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return fmt.Errorf("scan time %q: %w", v, err)
		}
		t.Time = p.UTC()
	case []byte:
		return t.Scan(string(v))
	default:
		return fmt.Errorf("scan time: unsupported type %T", src)
	}
	return nil
}

func ts(t time.Time) Time { return Time{t} }

// nullID stores 0 as NULL, for optional references.
type nullID int64

func (n nullID) Value() (driver.Value, error) {
	if n == 0 {
		return nil, nil
	}
	return int64(n), nil
}

func (n *nullID) Scan(src any) error {
	var v sql.NullInt64
	if err := v.Scan(src); err != nil {
		return err
	}
	*n = nullID(v.Int64)
	return nil
}

// isUnique reports whether err is a unique-constraint violation, in either
// dialect's words.
func isUnique(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}
