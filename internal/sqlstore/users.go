package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
)

// HashToken is how every secret token (session, invitation, API token) is
// kept: only its SHA-256, so a copy of the database opens no account.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

const userCols = `id, email, name, lang, time_zone, site_admin, reminders, created_at`

func scanUser(row interface{ Scan(...any) error }) (*collab.User, error) {
	var u collab.User
	var created Time
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Lang, &u.TimeZone, &u.SiteAdmin, &u.Reminders, &created); err != nil {
		return nil, err
	}
	u.CreatedAt = created.Time
	return &u, nil
}

// CreateUser adds an account. hash is the password hash ("" for none yet).
func (db *DB) CreateUser(ctx context.Context, who collab.Who, u *collab.User, hash string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		return db.createUser(ctx, tx, who, u, hash)
	})
}

func (db *DB) createUser(ctx context.Context, tx *sql.Tx, who collab.Who, u *collab.User, hash string) error {
	u.Email = collab.NormalizeEmail(u.Email)
	// u.Lang stays "" unless the person chose a language: then the
	// browser's Accept-Language decides (internal/i18n.Catalog.Match).
	u.CreatedAt = db.Now()
	err := tx.QueryRowContext(ctx, `INSERT INTO users (email, name, password_hash, lang, site_admin, reminders, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		u.Email, u.Name, hash, u.Lang, u.SiteAdmin, true, ts(u.CreatedAt)).Scan(&u.ID)
	if isUnique(err) {
		return fmt.Errorf("create user %s: %w", u.Email, collab.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	u.Reminders = true
	return db.audit(ctx, tx, who, 0, "user.create", "user:"+fmt.Sprint(u.ID), db.created(ctx, tx, "users", u.ID))
}

// FindUserByID returns a user.
func (db *DB) FindUserByID(ctx context.Context, id int64) (*collab.User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("find user %d: %w", id, collab.ErrNotFound)
	}
	return u, err
}

// FindUserByEmail returns a user and their password hash.
func (db *DB) FindUserByEmail(ctx context.Context, email string) (*collab.User, string, error) {
	var hash string
	var u collab.User
	var created Time
	err := db.read.QueryRowContext(ctx, `SELECT `+userCols+`, password_hash FROM users WHERE email = $1`,
		collab.NormalizeEmail(email)).Scan(&u.ID, &u.Email, &u.Name, &u.Lang, &u.TimeZone, &u.SiteAdmin, &u.Reminders, &created, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", fmt.Errorf("find user: %w", collab.ErrNotFound)
	}
	if err != nil {
		return nil, "", fmt.Errorf("find user: %w", err)
	}
	u.CreatedAt = created.Time
	return &u, hash, nil
}

// PasswordHash returns a user's password hash.
func (db *DB) PasswordHash(ctx context.Context, userID int64) (string, error) {
	var h string
	err := db.read.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = $1`, userID).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return "", collab.ErrNotFound
	}
	return h, err
}

// UserUpdate holds the account settings a person may change.
type UserUpdate struct {
	Name *string
	Lang *string
	// TimeZone is an IANA name, or "" for each meeting's own zone.
	TimeZone  *string
	Reminders *bool
}

// UpdateUser changes a person's own settings.
func (db *DB) UpdateUser(ctx context.Context, who collab.Who, id int64, up UserUpdate) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		before := db.snapshot(ctx, tx, "users", id)
		if up.Name != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET name = $1 WHERE id = $2`, *up.Name, id); err != nil {
				return fmt.Errorf("update user %d: %w", id, err)
			}
		}
		if up.Lang != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET lang = $1 WHERE id = $2`, *up.Lang, id); err != nil {
				return fmt.Errorf("update user %d: %w", id, err)
			}
		}
		if up.TimeZone != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET time_zone = $1 WHERE id = $2`, *up.TimeZone, id); err != nil {
				return fmt.Errorf("update user %d: %w", id, err)
			}
		}
		if up.Reminders != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET reminders = $1 WHERE id = $2`, *up.Reminders, id); err != nil {
				return fmt.Errorf("update user %d: %w", id, err)
			}
		}
		return db.audit(ctx, tx, who, 0, "user.update", fmt.Sprint("user:", id), db.diffSince(ctx, tx, "users", id, before))
	})
}

// SetPassword replaces a password hash, ends every other session of the
// person and revokes all their API tokens, so a stolen session or token
// dies with the old password. Every way a password is set comes here.
func (db *DB) SetPassword(ctx context.Context, who collab.Who, id int64, hash, keepSession string) error {
	return db.tx(ctx, func(tx *sql.Tx) error { return db.setPassword(ctx, tx, who, id, hash, keepSession, "user.password") })
}

func (db *DB) setPassword(ctx context.Context, tx *sql.Tx, who collab.Who, id int64, hash, keepSession, action string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, hash, id); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`, id, HashToken(keepSession)); err != nil {
		return fmt.Errorf("end other sessions: %w", err)
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE user_id = $1`, id)
	if err != nil {
		return fmt.Errorf("revoke API tokens: %w", err)
	}
	n, _ := res.RowsAffected()
	return db.audit(ctx, tx, who, 0, action, fmt.Sprint("user:", id), detail(map[string][2]string{"password": {"previous", "new (not recorded)"}, "api_tokens": {fmt.Sprint(n), "0 (revoked)"}}))
}

// Session lifetimes: a session ends after IdleTimeout without use or
// AbsoluteTimeout after sign-in, whichever comes first.
const (
	IdleTimeout     = 12 * time.Hour
	AbsoluteTimeout = 14 * 24 * time.Hour
)

// CreateSession stores a new session for a user: a sign-in.
func (db *DB) CreateSession(ctx context.Context, token string, userID int64) error {
	now := db.Now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $3, $4)`,
			HashToken(token), userID, ts(now), ts(now.Add(AbsoluteTimeout)))
		if err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		// The sign-in before this one marks what is new to the person
		// (their home's "since your last visit").
		if _, err := tx.ExecContext(ctx, `INSERT INTO visits (user_id, signed_in_at) VALUES ($1, $2)
			ON CONFLICT (user_id) DO UPDATE SET previous_at = visits.signed_in_at, signed_in_at = excluded.signed_in_at`, userID, ts(now)); err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		return nil
	})
}

// SessionUser returns the user of a live session and refreshes its idle
// clock (at most once a minute, to keep reads from becoming writes).
func (db *DB) SessionUser(ctx context.Context, token string) (int64, error) {
	now := db.Now()
	var uid int64
	var last, exp Time
	h := HashToken(token)
	err := db.read.QueryRowContext(ctx, `SELECT user_id, last_seen_at, expires_at FROM sessions WHERE token_hash = $1 AND NOT mfa_pending`, h).Scan(&uid, &last, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, collab.ErrUnauthorized
	}
	if err != nil {
		return 0, fmt.Errorf("find session: %w", err)
	}
	if now.After(exp.Time) || now.Sub(last.Time) > IdleTimeout {
		_ = db.DeleteSession(ctx, token)
		return 0, collab.ErrUnauthorized
	}
	if now.Sub(last.Time) > time.Minute {
		if _, err := db.write.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2`, ts(now), h); err != nil {
			return 0, fmt.Errorf("touch session: %w", err)
		}
	}
	return uid, nil
}

// DeleteSession ends a session.
func (db *DB) DeleteSession(ctx context.Context, token string) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, HashToken(token))
	if err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// Sign-in throttling, kept in the database so every replica counts the
// same failures.
const (
	ThrottleWindow   = 15 * time.Minute
	MaxFailsPerEmail = 5
	MaxFailsPerAddr  = 20
)

// SigninThrottled reports whether sign-in for this email or from this
// address is paused, and until when. It only reads: a check of a secret
// counts its attempt with BeginSigninAttempt instead.
func (db *DB) SigninThrottled(ctx context.Context, email, addr string) (bool, time.Time, error) {
	since := ts(db.Now().Add(-ThrottleWindow))
	check := func(col, val string, max int) (bool, time.Time, error) {
		var n int
		var first Time
		err := db.read.QueryRowContext(ctx, `SELECT COUNT(*), MIN(at) FROM signin_failures WHERE `+col+` = $1 AND at > $2`, val, since).Scan(&n, &first)
		if err != nil {
			return false, time.Time{}, fmt.Errorf("count sign-in failures: %w", err)
		}
		return n >= max, first.Add(ThrottleWindow), nil
	}
	if t, until, err := check("email", collab.NormalizeEmail(email), MaxFailsPerEmail); err != nil || t {
		return t, until, err
	}
	return check("remote_addr", addr, MaxFailsPerAddr)
}

// A SigninAttempt is one try at a secret (a password or a second-factor
// code), counted before the secret is checked.
type SigninAttempt struct {
	ID    int64
	Email string
	Addr  string
}

// signinLock is the PostgreSQL advisory lock that serializes the counting
// of sign-in attempts across connections and replicas (the audit chain
// uses 7210001).
const signinLock = 7210002

// BeginSigninAttempt counts an attempt for email from addr before its
// secret is checked: in one transaction it counts the failures and
// attempts in flight in the window and, under the limits, records this
// one. Counting first and atomically means concurrent attempts cannot all
// pass a check made before any of them failed. It returns nil and the time
// the pause ends when sign-in is throttled. A failed attempt stays counted
// (SigninAttemptFailed audits it); a successful sign-in clears the
// email's attempts (RecordSignin).
func (db *DB) BeginSigninAttempt(ctx context.Context, email, addr string) (*SigninAttempt, time.Time, error) {
	email = collab.NormalizeEmail(email)
	var a *SigninAttempt
	var until time.Time
	err := db.tx(ctx, func(tx *sql.Tx) error {
		// SQLite's single writer connection already serializes write
		// transactions; PostgreSQL needs the lock.
		if db.Dialect == Postgres {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, signinLock); err != nil {
				return fmt.Errorf("lock sign-in attempts: %w", err)
			}
		}
		now := db.Now()
		since := ts(now.Add(-ThrottleWindow))
		for _, c := range []struct {
			col, val string
			max      int
		}{{"email", email, MaxFailsPerEmail}, {"remote_addr", addr, MaxFailsPerAddr}} {
			var n int
			var first Time
			err := tx.QueryRowContext(ctx, `SELECT COUNT(*), MIN(at) FROM signin_failures WHERE `+c.col+` = $1 AND at > $2`, c.val, since).Scan(&n, &first)
			if err != nil {
				return fmt.Errorf("count sign-in attempts: %w", err)
			}
			if n >= c.max {
				until = first.Add(ThrottleWindow)
				return nil
			}
		}
		a = &SigninAttempt{Email: email, Addr: addr}
		err := tx.QueryRowContext(ctx, `INSERT INTO signin_failures (email, remote_addr, at) VALUES ($1, $2, $3) RETURNING id`, email, addr, ts(now)).Scan(&a.ID)
		if err != nil {
			return fmt.Errorf("record sign-in attempt: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, time.Time{}, err
	}
	return a, until, nil
}

// SigninAttemptFailed audits a failed attempt, which stays counted.
func (db *DB) SigninAttemptFailed(ctx context.Context, a *SigninAttempt) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM signin_failures WHERE at < $1`, ts(db.Now().Add(-24*time.Hour))); err != nil {
			return fmt.Errorf("prune sign-in failures: %w", err)
		}
		return db.audit(ctx, tx, collab.Who{RemoteAddr: a.Addr}, 0, "signin.fail", "", a.Email)
	})
}

// RecordSigninFailure counts a failed sign-in and audits it.
func (db *DB) RecordSigninFailure(ctx context.Context, email, addr string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO signin_failures (email, remote_addr, at) VALUES ($1, $2, $3)`,
			collab.NormalizeEmail(email), addr, ts(now)); err != nil {
			return fmt.Errorf("record sign-in failure: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM signin_failures WHERE at < $1`, ts(now.Add(-24*time.Hour))); err != nil {
			return fmt.Errorf("prune sign-in failures: %w", err)
		}
		return db.audit(ctx, tx, collab.Who{RemoteAddr: addr}, 0, "signin.fail", "", collab.NormalizeEmail(email))
	})
}

// RecordSignin audits a successful sign-in and clears the email's failures.
func (db *DB) RecordSignin(ctx context.Context, who collab.Who, email string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM signin_failures WHERE email = $1`, collab.NormalizeEmail(email)); err != nil {
			return fmt.Errorf("clear sign-in failures: %w", err)
		}
		return db.audit(ctx, tx, who, 0, "signin", fmt.Sprint("user:", who.UserID), detail(map[string][2]any{"session": {nil, "new"}}))
	})
}

// RecordSignout audits a sign-out.
func (db *DB) RecordSignout(ctx context.Context, who collab.Who) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		return db.audit(ctx, tx, who, 0, "signout", fmt.Sprint("user:", who.UserID), detail(map[string][2]any{"session": {"active", "ended"}}))
	})
}

// CreateAPIToken stores a personal access token.
func (db *DB) CreateAPIToken(ctx context.Context, who collab.Who, t *collab.APIToken, secret string) error {
	t.CreatedAt = db.Now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			t.UserID, t.Name, HashToken(secret), ts(t.CreatedAt)).Scan(&t.ID)
		if err != nil {
			return fmt.Errorf("create token: %w", err)
		}
		return db.audit(ctx, tx, who, 0, "token.create", fmt.Sprint("token:", t.ID), db.created(ctx, tx, "api_tokens", t.ID))
	})
}

// APITokens lists a person's tokens.
func (db *DB) APITokens(ctx context.Context, userID int64) ([]collab.APIToken, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, user_id, name, created_at, last_used_at FROM api_tokens WHERE user_id = $1 ORDER BY id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	var out []collab.APIToken
	for rows.Next() {
		var t collab.APIToken
		var c, u Time
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &c, &u); err != nil {
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		t.CreatedAt, t.LastUsedAt = c.Time, u.Time
		out = append(out, t)
	}
	return out, rows.Err()
}

// DeleteAPIToken revokes one of a person's tokens.
func (db *DB) DeleteAPIToken(ctx context.Context, who collab.Who, userID, id int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		before := db.snapshot(ctx, tx, "api_tokens", id)
		res, err := tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE id = $1 AND user_id = $2`, id, userID)
		if err != nil {
			return fmt.Errorf("delete token: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("delete token %d: %w", id, collab.ErrNotFound)
		}
		return db.audit(ctx, tx, who, 0, "token.revoke", fmt.Sprint("token:", id), removed(before))
	})
}

// APITokenUser returns the owner of a token.
func (db *DB) APITokenUser(ctx context.Context, secret string) (int64, error) {
	var id, uid int64
	var last Time
	h := HashToken(secret)
	err := db.read.QueryRowContext(ctx, `SELECT id, user_id, last_used_at FROM api_tokens WHERE token_hash = $1`, h).Scan(&id, &uid, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, collab.ErrUnauthorized
	}
	if err != nil {
		return 0, fmt.Errorf("find token: %w", err)
	}
	if now := db.Now(); now.Sub(last.Time) > time.Minute {
		if _, err := db.write.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, ts(now), id); err != nil {
			return 0, fmt.Errorf("touch token: %w", err)
		}
	}
	return uid, nil
}

// LoadActor loads a person's roles and teams for authorization.
func (db *DB) LoadActor(ctx context.Context, userID int64) (*collab.Actor, error) {
	u, err := db.FindUserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	a := &collab.Actor{UserID: u.ID, Name: u.Name, Email: u.Email, Lang: u.Lang, TimeZone: u.TimeZone, SiteAdmin: u.SiteAdmin,
		Roles: map[int64][]collab.CollabRole{}, Teams: map[int64]collab.TeamMembership{}, Grants: map[int64]collab.Grants{}}
	// The person's roles (each with its collaborative's override of its
	// grants, if any), the teams they serve in an assigned role (a local
	// evaluator) and their own teams, in one query: every request loads
	// its actor, so on PostgreSQL each query saved is a round trip saved
	// on every request.
	rows, err := db.read.QueryContext(ctx, `SELECT 'role', r.collaborative_id, 0, r.role, g.grants FROM collab_roles r
		LEFT JOIN role_grants g ON g.collaborative_id = r.collaborative_id AND g.role = r.role WHERE r.user_id = $1
		UNION ALL SELECT 'assigned', collaborative_id, team_id, '', NULL FROM role_teams WHERE user_id = $1
		UNION ALL SELECT 'team', t.collaborative_id, m.team_id, m.role, NULL FROM team_members m JOIN teams t ON t.id = m.team_id WHERE m.user_id = $1`, userID)
	if err != nil {
		return nil, fmt.Errorf("load roles and teams: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, role string
		var c, t int64
		var over sql.NullString
		if err := rows.Scan(&kind, &c, &t, &role, &over); err != nil {
			return nil, fmt.Errorf("load roles and teams: %w", err)
		}
		switch kind {
		case "role":
			r := collab.CollabRole(role)
			a.Roles[c] = append(a.Roles[c], r)
			o := collab.RoleGrants{}
			if over.Valid {
				o[r] = collab.ParseGrants(over.String)
			}
			a.Grants[c] |= o.Of(r)
		case "assigned":
			if a.Assigned == nil {
				a.Assigned = map[int64]int64{}
			}
			a.Assigned[t] = c
		case "team":
			a.Teams[t] = collab.TeamMembership{CollaborativeID: c, Role: collab.TeamRole(role)}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load roles and teams: %w", err)
	}
	return a, nil
}

// PendingTimeout is how long a person has to enter their second factor
// after their password.
const PendingTimeout = 10 * time.Minute

// CreatePendingSession stores a session that has passed the password but
// not the second factor: it opens nothing but the second-factor form.
func (db *DB) CreatePendingSession(ctx context.Context, token string, userID int64) error {
	now := db.Now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, mfa_pending) VALUES ($1, $2, $3, $3, $4, $5)`,
			HashToken(token), userID, ts(now), ts(now.Add(PendingTimeout)), true)
		if err != nil {
			return fmt.Errorf("create pending session: %w", err)
		}
		return nil
	})
}

// PendingSessionUser returns the user of a live pending session.
func (db *DB) PendingSessionUser(ctx context.Context, token string) (int64, error) {
	var uid int64
	var exp Time
	err := db.read.QueryRowContext(ctx, `SELECT user_id, expires_at FROM sessions WHERE token_hash = $1 AND mfa_pending`, HashToken(token)).Scan(&uid, &exp)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && db.Now().After(exp.Time)) {
		return 0, collab.ErrUnauthorized
	}
	if err != nil {
		return 0, fmt.Errorf("find pending session: %w", err)
	}
	return uid, nil
}

// TOTPState is a person's second-factor setting.
type TOTPState struct {
	Secret   string
	Enabled  bool
	LastStep int64
}

// TOTP returns a person's second-factor setting.
func (db *DB) TOTP(ctx context.Context, userID int64) (TOTPState, error) {
	var st TOTPState
	err := db.read.QueryRowContext(ctx, `SELECT totp_secret, totp_enabled, totp_last_step FROM users WHERE id = $1`, userID).Scan(&st.Secret, &st.Enabled, &st.LastStep)
	if errors.Is(err, sql.ErrNoRows) {
		return st, fmt.Errorf("find user %d: %w", userID, collab.ErrNotFound)
	}
	return st, err
}

// SetTOTPSecret starts an enrollment: the secret is kept but not required
// until EnableTOTP confirms a code from it.
func (db *DB) SetTOTPSecret(ctx context.Context, who collab.Who, userID int64, secret string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = $1, totp_enabled = $2 WHERE id = $3 AND NOT totp_enabled`, secret, false, userID); err != nil {
			return fmt.Errorf("set TOTP secret: %w", err)
		}
		// A new secret awaiting its first code: the secret itself never
		// enters the log.
		return db.audit(ctx, tx, who, 0, "mfa.setup", fmt.Sprint("user:", userID), detail(map[string][2]any{"totp_secret": {"previous or none", "new, not yet enabled"}}))
	})
}

// EnableTOTP turns the second factor on, recording the step of the code
// that confirmed it.
func (db *DB) EnableTOTP(ctx context.Context, who collab.Who, userID, step int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET totp_enabled = $1, totp_last_step = $2 WHERE id = $3 AND totp_secret <> ''`, true, step, userID)
		if err != nil {
			return fmt.Errorf("enable TOTP: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("enable TOTP: %w", collab.ErrConflict)
		}
		return db.audit(ctx, tx, who, 0, "mfa.enable", fmt.Sprint("user:", userID), detail(map[string][2]bool{"totp_enabled": {false, true}}))
	})
}

// DisableTOTP turns the second factor off and forgets the secret.
func (db *DB) DisableTOTP(ctx context.Context, who collab.Who, userID int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = '', totp_enabled = $1, totp_last_step = 0 WHERE id = $2`, false, userID); err != nil {
			return fmt.Errorf("disable TOTP: %w", err)
		}
		return db.audit(ctx, tx, who, 0, "mfa.disable", fmt.Sprint("user:", userID), detail(map[string][2]bool{"totp_enabled": {true, false}}))
	})
}

// UseTOTPStep records that a code of this step was used. It fails if a
// code of this or a later step was already used, so two racing requests
// cannot both spend one code.
func (db *DB) UseTOTPStep(ctx context.Context, userID, step int64) (bool, error) {
	var ok bool
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1`, step, userID)
		if err != nil {
			return fmt.Errorf("use TOTP step: %w", err)
		}
		n, _ := res.RowsAffected()
		ok = n == 1
		return nil
	})
	return ok, err
}
