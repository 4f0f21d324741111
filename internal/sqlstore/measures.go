package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/improve"
)

const measureCols = `id, collaborative_id, COALESCE(team_id, 0), name, kind, definition, ratio, unit, better, target, chart, period, group_key, group_values, created_at`

func scanMeasure(row interface{ Scan(...any) error }) (*improve.Measure, error) {
	var m improve.Measure
	var target sql.NullFloat64
	var groups string
	var created Time
	if err := row.Scan(&m.ID, &m.CollaborativeID, &m.TeamID, &m.Name, &m.Kind, &m.Definition, &m.Ratio, &m.Unit, &m.Better, &target, &m.Chart, &m.Period,
		&m.GroupKey, &groups, &created); err != nil {
		return nil, err
	}
	if target.Valid {
		m.Target = &target.Float64
	}
	if groups != "" {
		m.GroupValues = strings.Split(groups, "\n")
	}
	m.CreatedAt = created.Time
	return &m, nil
}

func nullFloat(p *float64) sql.NullFloat64 {
	if p == nil {
		return sql.NullFloat64{}
	}
	return sql.NullFloat64{Float64: *p, Valid: true}
}

func floatPtr(n sql.NullFloat64) *float64 {
	if !n.Valid {
		return nil
	}
	v := n.Float64
	return &v
}

// CreateMeasure adds a measure: shared by the collaborative (TeamID 0) or
// a team's own.
func (db *DB) CreateMeasure(ctx context.Context, who collab.Who, m *improve.Measure) error {
	if err := m.Validate(); err != nil {
		return err
	}
	m.CreatedAt = db.Now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		if m.TeamID != 0 {
			if err := teamInCollab(ctx, tx, m.CollaborativeID, m.TeamID); err != nil {
				return err
			}
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO measures (collaborative_id, team_id, name, kind, definition, ratio, unit, better, target, chart, period, group_key, group_values, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
			m.CollaborativeID, nullID(m.TeamID), m.Name, m.Kind, m.Definition, m.Ratio, m.Unit, m.Better, nullFloat(m.Target), m.Chart, m.Period,
			m.GroupKey, strings.Join(m.GroupValues, "\n"), ts(m.CreatedAt)).Scan(&m.ID)
		if err != nil {
			return fmt.Errorf("create measure: %w", err)
		}
		return db.audit(ctx, tx, who, m.CollaborativeID, "measure.create", fmt.Sprintf("team:%d measure:%d", m.TeamID, m.ID), db.created(ctx, tx, "measures", m.ID))
	})
}

func teamInCollab(ctx context.Context, tx *sql.Tx, collabID, teamID int64) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM teams WHERE id = $1 AND collaborative_id = $2`, teamID, collabID).Scan(&n); err != nil {
		return fmt.Errorf("find team %d: %w", teamID, err)
	}
	if n == 0 {
		return fmt.Errorf("find team %d: %w", teamID, collab.ErrNotFound)
	}
	return nil
}

// Measures lists the collaborative's shared measures and, with teamID, that
// team's own.
func (db *DB) Measures(ctx context.Context, collabID, teamID int64) ([]*improve.Measure, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+measureCols+` FROM measures WHERE collaborative_id = $1 AND (team_id IS NULL OR team_id = $2)
		ORDER BY CASE WHEN team_id IS NULL THEN 0 ELSE 1 END, CASE kind WHEN 'outcome' THEN 0 WHEN 'process' THEN 1 ELSE 2 END, name, id`, collabID, teamID)
	if err != nil {
		return nil, fmt.Errorf("list measures: %w", err)
	}
	defer rows.Close()
	var out []*improve.Measure
	for rows.Next() {
		m, err := scanMeasure(rows)
		if err != nil {
			return nil, fmt.Errorf("list measures: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// FindMeasure returns a measure a team reports (shared, or the team's own);
// with teamID 0, a shared measure only.
func (db *DB) FindMeasure(ctx context.Context, collabID, teamID, measureID int64) (*improve.Measure, error) {
	m, err := scanMeasure(db.read.QueryRowContext(ctx, `SELECT `+measureCols+` FROM measures WHERE id = $1 AND collaborative_id = $2 AND (team_id IS NULL OR team_id = $3)`,
		measureID, collabID, teamID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("find measure %d: %w", measureID, collab.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("find measure %d: %w", measureID, err)
	}
	return m, nil
}

// ValueFilter selects values.
type ValueFilter struct {
	MeasureID int64 // 0 for every measure
	TeamID    int64 // 0 for every team of the collaborative
	// Lean leaves out who entered each value.
	Lean bool
}

// Values lists values of a collaborative by team, measure, period and
// group, with who entered each.
func (db *DB) Values(ctx context.Context, collabID int64, f ValueFilter) ([]*improve.Value, error) {
	q := `SELECT v.id, v.team_id, v.measure_id, v.period, v.grp, v.value, v.numerator, v.denominator, COALESCE(v.entered_by, 0), COALESCE(u.name, ''), v.entered_at, v.first_entered_at
		FROM measure_values v LEFT JOIN users u ON u.id = v.entered_by WHERE v.collaborative_id = $1`
	if f.Lean {
		// Charts need only the numbers: no names, one table.
		q = `SELECT v.id, v.team_id, v.measure_id, v.period, v.grp, v.value, v.numerator, v.denominator, 0, '', v.entered_at, v.first_entered_at
		FROM measure_values v WHERE v.collaborative_id = $1`
	}
	args := []any{collabID}
	if f.MeasureID != 0 {
		args = append(args, f.MeasureID)
		q += fmt.Sprintf(` AND v.measure_id = $%d`, len(args))
	}
	if f.TeamID != 0 {
		args = append(args, f.TeamID)
		q += fmt.Sprintf(` AND v.team_id = $%d`, len(args))
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY v.team_id, v.measure_id, v.period, v.grp`, args...)
	if err != nil {
		return nil, fmt.Errorf("list values: %w", err)
	}
	defer rows.Close()
	var out []*improve.Value
	for rows.Next() {
		v, err := scanValue(rows)
		if err != nil {
			return nil, fmt.Errorf("list values: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func scanValue(row interface{ Scan(...any) error }) (*improve.Value, error) {
	var v improve.Value
	var val, num, den sql.NullFloat64
	var at, first Time
	if err := row.Scan(&v.ID, &v.TeamID, &v.MeasureID, &v.Period, &v.Group, &val, &num, &den, &v.EnteredBy, &v.EnteredByName, &at, &first); err != nil {
		return nil, err
	}
	v.Value, v.Numerator, v.Denominator = floatPtr(val), floatPtr(num), floatPtr(den)
	v.EnteredAt, v.FirstEnteredAt = at.Time, first.Time
	return &v, nil
}

// ValueKey identifies one cell of a team's data.
type ValueKey struct {
	MeasureID int64
	Period    collab.Date
	Group     string
}

// SaveValues writes a team's values all together or not at all. A value
// equal to the stored one is left alone; an empty one clears the cell.
// Every change appends to the value history, so a correction never loses
// what was there. It returns how many cells changed.
func (db *DB) SaveValues(ctx context.Context, who collab.Who, collabID, teamID int64, vals []*improve.Value, source string) (int, error) {
	changed := 0
	err := db.tx(ctx, func(tx *sql.Tx) error {
		changed = 0
		cells := map[string][2]any{} // the audit row's: each cell before and after
		now := db.Now()
		ratio := map[int64]bool{} // the measures checked, and whether each is a ratio
		measures := map[int64]*improve.Measure{}
		touched := map[int64]map[collab.Date]bool{}
		// The team must be the collaborative's; one query checks it and
		// reads the dates values must fall within.
		var c collab.Collaborative
		err := tx.QueryRowContext(ctx, `SELECT c.start_date, c.end_date FROM collaboratives c JOIN teams t ON t.collaborative_id = c.id
			WHERE c.id = $1 AND t.id = $2`, collabID, teamID).Scan(&c.StartDate, &c.EndDate)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("find team %d: %w", teamID, collab.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("save values: %w", err)
		}
		for _, v := range vals {
			m := measures[v.MeasureID]
			if m == nil {
				var err error
				m, err = scanMeasure(tx.QueryRowContext(ctx, `SELECT `+measureCols+` FROM measures WHERE id = $1 AND collaborative_id = $2 AND (team_id IS NULL OR team_id = $3)`,
					v.MeasureID, collabID, teamID))
				if errors.Is(err, sql.ErrNoRows) {
					return fmt.Errorf("save values: measure %d: %w", v.MeasureID, collab.ErrNotFound)
				}
				if err != nil {
					return fmt.Errorf("save values: %w", err)
				}
				measures[v.MeasureID], ratio[v.MeasureID] = m, m.Ratio
			}
			// Every way in (the grid, a paste, a file, the API) checks
			// first and names the cell; this is the rule's last word, so
			// no caller can store 50/40 or a value for 2031.
			// Clearing a cell is always allowed: a value stored before
			// these checks, or before the collaborative's dates changed,
			// can still be taken back.
			if !v.Empty() {
				if key := v.ValidateFor(m); key != "" {
					return &collab.ValidationError{Fields: map[string]string{"value": key}}
				}
				from, to := improve.ReportingWindow(m, &c, collab.DateOf(now))
				if key := v.InWindow(m, from, to); key != "" {
					return &collab.ValidationError{Fields: map[string]string{"period": key}}
				}
			}
			var id int64
			var val, num, den sql.NullFloat64
			err := tx.QueryRowContext(ctx, `SELECT id, value, numerator, denominator FROM measure_values WHERE team_id = $1 AND measure_id = $2 AND period = $3 AND grp = $4`,
				teamID, v.MeasureID, v.Period, v.Group).Scan(&id, &val, &num, &den)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("save values: %w", err)
			}
			exists := err == nil
			if exists && same(val, v.Value) && same(num, v.Numerator) && same(den, v.Denominator) {
				continue
			}
			if !exists && v.Empty() {
				continue
			}
			switch {
			case v.Empty():
				_, err = tx.ExecContext(ctx, `DELETE FROM measure_values WHERE id = $1`, id)
			case exists:
				_, err = tx.ExecContext(ctx, `UPDATE measure_values SET value = $1, numerator = $2, denominator = $3, entered_by = $4, entered_at = $5 WHERE id = $6`,
					nullFloat(v.Value), nullFloat(v.Numerator), nullFloat(v.Denominator), nullID(who.UserID), ts(now), id)
			default:
				// Another request may write the same first cell at the same
				// moment: an upsert, never SELECT-then-INSERT, so the later
				// one updates instead of failing on the unique key.
				_, err = tx.ExecContext(ctx, `INSERT INTO measure_values (collaborative_id, team_id, measure_id, period, grp, value, numerator, denominator, entered_by, entered_at, first_entered_at)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
					ON CONFLICT (team_id, measure_id, period, grp) DO UPDATE SET value = excluded.value, numerator = excluded.numerator,
						denominator = excluded.denominator, entered_by = excluded.entered_by, entered_at = excluded.entered_at`, collabID, teamID, v.MeasureID, v.Period, v.Group,
					nullFloat(v.Value), nullFloat(v.Numerator), nullFloat(v.Denominator), nullID(who.UserID), ts(now))
			}
			if err != nil {
				return fmt.Errorf("save value %s: %w", v.Period, err)
			}
			if len(cells) < maxAuditCells {
				var was any
				if exists {
					was = cellFields(floatPtr(val), floatPtr(num), floatPtr(den))
				}
				var now any
				if !v.Empty() {
					now = cellFields(v.Value, v.Numerator, v.Denominator)
				}
				cells[cellKey(v.MeasureID, v.Period, v.Group)] = [2]any{was, now}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO measure_value_history (team_id, measure_id, period, grp, value, numerator, denominator, entered_by, entered_at, source)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, teamID, v.MeasureID, v.Period, v.Group,
				nullFloat(v.Value), nullFloat(v.Numerator), nullFloat(v.Denominator), nullID(who.UserID), ts(now), source); err != nil {
				return fmt.Errorf("record value history: %w", err)
			}
			if touched[v.MeasureID] == nil {
				touched[v.MeasureID] = map[collab.Date]bool{}
			}
			touched[v.MeasureID][v.Period] = true
			changed++
		}
		if changed == 0 {
			return nil
		}
		if err := db.refreshSummaries(ctx, tx, teamID, ratio, touched); err != nil {
			return err
		}
		return db.audit(ctx, tx, who, collabID, "values.save", fmt.Sprint("team:", teamID), valuesDetail(source, changed, cells))
	})
	return changed, err
}

func same(n sql.NullFloat64, p *float64) bool {
	if !n.Valid || p == nil {
		return !n.Valid && p == nil
	}
	return n.Float64 == *p
}

// ValueHistory lists every version of a team's values of one measure,
// newest first; an entry with no number is a cleared cell.
func (db *DB) ValueHistory(ctx context.Context, collabID, teamID, measureID int64) ([]*improve.Value, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT h.id, h.team_id, h.measure_id, h.period, h.grp, h.value, h.numerator, h.denominator, COALESCE(h.entered_by, 0), COALESCE(u.name, ''), h.entered_at, h.source
		FROM measure_value_history h JOIN teams t ON t.id = h.team_id LEFT JOIN users u ON u.id = h.entered_by
		WHERE h.team_id = $1 AND h.measure_id = $2 AND t.collaborative_id = $3 ORDER BY h.id DESC`, teamID, measureID, collabID)
	if err != nil {
		return nil, fmt.Errorf("value history: %w", err)
	}
	defer rows.Close()
	var out []*improve.Value
	for rows.Next() {
		var v improve.Value
		var val, num, den sql.NullFloat64
		var at Time
		if err := rows.Scan(&v.ID, &v.TeamID, &v.MeasureID, &v.Period, &v.Group, &val, &num, &den, &v.EnteredBy, &v.EnteredByName, &at, &v.Source); err != nil {
			return nil, fmt.Errorf("value history: %w", err)
		}
		v.Value, v.Numerator, v.Denominator = floatPtr(val), floatPtr(num), floatPtr(den)
		v.EnteredAt = at.Time
		out = append(out, &v)
	}
	return out, rows.Err()
}

// A TeamPeriod is one team's total of a measure for one period: the sum
// over its groups of the values, or of the numerators and denominators.
type TeamPeriod struct {
	TeamID int64
	Period collab.Date
	Y, N   float64
	// First is when the period was first entered.
	First time.Time
}

// MeasureTotals lists a measure's totals per team and period, for the
// views of every team at once (the funnel plot): one row per team and
// period, kept by SaveValues, instead of one per value and group.
func (db *DB) MeasureTotals(ctx context.Context, collabID int64, m *improve.Measure) ([]TeamPeriod, error) {
	return db.teamPeriods(ctx, `SELECT team_id, period, y, n, first_entered_at FROM measure_team_periods
		WHERE collaborative_id = $1 AND measure_id = $2 ORDER BY team_id, period`, collabID, m.ID)
}

// TeamMeasureTotals lists the totals per period of a measure of some
// teams only: the page of teams a view draws.
func (db *DB) TeamMeasureTotals(ctx context.Context, collabID, measureID int64, teamIDs []int64) ([]TeamPeriod, error) {
	if len(teamIDs) == 0 {
		return nil, nil
	}
	args := []any{collabID, measureID}
	return db.teamPeriods(ctx, `SELECT team_id, period, y, n, first_entered_at FROM measure_team_periods
		WHERE collaborative_id = $1 AND measure_id = $2 AND team_id IN (`+inList(&args, teamIDs)+`) ORDER BY team_id, period`, args...)
}

// inList appends ids to args and returns their placeholders, for IN (…).
func inList(args *[]any, ids []int64) string {
	var b strings.Builder
	for i, id := range ids {
		*args = append(*args, id)
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", len(*args))
	}
	return b.String()
}

func (db *DB) teamPeriods(ctx context.Context, q string, args ...any) ([]TeamPeriod, error) {
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("measure totals: %w", err)
	}
	defer rows.Close()
	var out []TeamPeriod
	for rows.Next() {
		var tp TeamPeriod
		var first Time
		if err := rows.Scan(&tp.TeamID, &tp.Period, &tp.Y, &tp.N, &first); err != nil {
			return nil, fmt.Errorf("measure totals: %w", err)
		}
		tp.First = first.Time
		out = append(out, tp)
	}
	return out, rows.Err()
}

// A PeriodTotal is every team's totals of a measure for one period
// together: the sums of their totals and how many teams reported it.
type PeriodTotal struct {
	Period collab.Date
	Teams  int
	Y, N   float64
}

// MeasurePeriods lists a measure's totals over every team by period, the
// aggregate chart's points, from the summary SaveValues keeps: as many
// rows as periods, however many teams. Periods a write on PostgreSQL
// noted as changed and no fold has rewritten yet are summed afresh from
// the teams' totals, in the same statement (one snapshot), so a reader
// never sees a total without a committed write.
func (db *DB) MeasurePeriods(ctx context.Context, collabID, measureID int64) ([]PeriodTotal, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT period, teams, y, n FROM measure_periods p
		WHERE collaborative_id = $1 AND measure_id = $2
		  AND NOT EXISTS (SELECT 1 FROM measure_periods_stale s WHERE s.measure_id = p.measure_id AND s.period = p.period)
		UNION ALL
		SELECT period, COUNT(*), SUM(y), SUM(n) FROM measure_team_periods
		WHERE collaborative_id = $1 AND measure_id = $2
		  AND period IN (SELECT period FROM measure_periods_stale WHERE measure_id = $2)
		GROUP BY period
		ORDER BY period`,
		collabID, measureID)
	if err != nil {
		return nil, fmt.Errorf("measure periods: %w", err)
	}
	defer rows.Close()
	var out []PeriodTotal
	for rows.Next() {
		var p PeriodTotal
		if err := rows.Scan(&p.Period, &p.Teams, &p.Y, &p.N); err != nil {
			return nil, fmt.Errorf("measure periods: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// MeasureTeamsReporting counts the teams that reported a measure at all.
func (db *DB) MeasureTeamsReporting(ctx context.Context, collabID, measureID int64) (int, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM measure_team_summaries WHERE collaborative_id = $1 AND measure_id = $2`,
		collabID, measureID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count teams reporting: %w", err)
	}
	return n, nil
}

// refreshSummaries rewrites the summaries of the measures and periods a
// team's values changed (see migration 00010): the team's total of each
// period, the team's reporting of each measure, and every team's total of
// those periods together (on PostgreSQL, noted for FoldMeasurePeriods).
// Each is recomputed from the rows it sums, so a correction or a cleared
// cell leaves no rounding behind.
func (db *DB) refreshSummaries(ctx context.Context, tx *sql.Tx, teamID int64, ratio map[int64]bool, touched map[int64]map[collab.Date]bool) error {
	if db.Dialect == Postgres {
		// One team may save from several requests at once (two browser
		// tabs, an import beside the form, replicas): its own summary rows
		// are rewritten under a lock on the team. Without it two writers
		// both delete and both insert a row. Teams never wait on each
		// other here: every team's totals are left to FoldMeasurePeriods.
		if err := lockUntilCommit(ctx, tx, lockTeamSummaries, teamID); err != nil {
			return fmt.Errorf("lock team %d summaries: %w", teamID, err)
		}
	}
	mids := make([]int64, 0, len(touched))
	for mid := range touched {
		mids = append(mids, mid)
	}
	slices.Sort(mids)
	for _, mid := range mids {
		periods := make([]collab.Date, 0, len(touched[mid]))
		for d := range touched[mid] {
			periods = append(periods, d)
		}
		slices.SortFunc(periods, func(a, b collab.Date) int { return a.Time().Compare(b.Time()) })
		ok := `value IS NOT NULL`
		y, n := `value`, `0`
		if ratio[mid] {
			// A ratio counts only rows with both parts, as a team's own
			// chart does.
			ok = `numerator IS NOT NULL AND denominator IS NOT NULL`
			y, n = `numerator`, `denominator`
		}
		// The team's own rows first, under the team's lock.
		err := db.execPeriods(ctx, tx, periods, func(d collab.Date) []any { return []any{mid, teamID, d} },
			`DELETE FROM measure_team_periods WHERE measure_id = $1 AND team_id = $2 AND period = $3`,
			`INSERT INTO measure_team_periods (collaborative_id, measure_id, team_id, period, y, n, first_entered_at)
				SELECT collaborative_id, measure_id, team_id, period, SUM(`+y+`), SUM(`+n+`), MIN(first_entered_at) FROM measure_values
				WHERE measure_id = $1 AND team_id = $2 AND period = $3 AND `+ok+` GROUP BY collaborative_id, measure_id, team_id, period`)
		if err != nil {
			return fmt.Errorf("refresh team totals: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM measure_team_summaries WHERE measure_id = $1 AND team_id = $2`, mid, teamID); err != nil {
			return fmt.Errorf("refresh team summary: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO measure_team_summaries (collaborative_id, measure_id, team_id, periods, last_period, last_y, last_n)
			SELECT collaborative_id, measure_id, team_id, (SELECT COUNT(*) FROM measure_team_periods WHERE measure_id = $1 AND team_id = $2), period, y, n
			FROM measure_team_periods WHERE measure_id = $1 AND team_id = $2 ORDER BY period DESC LIMIT 1`, mid, teamID); err != nil {
			return fmt.Errorf("refresh team summary: %w", err)
		}
		if db.Dialect == Postgres {
			// Teams write the same measure from several replicas at
			// once. A sum over every team's rows taken here would miss
			// another team's uncommitted change (and its sum ours) unless
			// every writer of the measure queued on one lock until commit;
			// so the periods are only noted as changed, with no key to
			// wait on: MeasurePeriods sums them afresh until
			// FoldMeasurePeriods rewrites them (migration 00012).
			err = db.execPeriods(ctx, tx, periods, func(d collab.Date) []any { return []any{mid, d} },
				`INSERT INTO measure_periods_stale (measure_id, period) VALUES ($1, $2)`)
			if err != nil {
				return fmt.Errorf("note period totals: %w", err)
			}
			continue
		}
		// SQLite's single writer serializes this already.
		if err := rewritePeriods(ctx, db, tx, mid, periods); err != nil {
			return err
		}
	}
	return nil
}

// rewritePeriods rewrites every team's total of a measure for the given
// periods from the teams' own totals.
func rewritePeriods(ctx context.Context, db *DB, tx *sql.Tx, mid int64, periods []collab.Date) error {
	err := db.execPeriods(ctx, tx, periods, func(d collab.Date) []any { return []any{mid, d} },
		`DELETE FROM measure_periods WHERE measure_id = $1 AND period = $2`,
		`INSERT INTO measure_periods (collaborative_id, measure_id, period, teams, y, n)
			SELECT collaborative_id, measure_id, period, COUNT(*), SUM(y), SUM(n) FROM measure_team_periods
			WHERE measure_id = $1 AND period = $2 GROUP BY collaborative_id, measure_id, period`)
	if err != nil {
		return fmt.Errorf("refresh period totals: %w", err)
	}
	return nil
}

// FoldMeasurePeriods rewrites the totals over every team of the periods
// writes noted as changed, and clears the notes, in one transaction: a
// reader sees the notes (and sums those periods itself) until it sees
// the rewritten totals. A note committed after the round took its notes
// stays for the next round. One replica folds at a time; a round that
// finds another folding is skipped. It returns how many periods it
// rewrote. SQLite keeps no notes (see refreshSummaries).
func (db *DB) FoldMeasurePeriods(ctx context.Context) (int, error) {
	if db.Dialect != Postgres {
		return 0, nil
	}
	var pending bool
	if err := db.read.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM measure_periods_stale)`).Scan(&pending); err != nil {
		return 0, fmt.Errorf("fold measure periods: %w", err)
	}
	if !pending {
		return 0, nil
	}
	folded := 0
	err := db.tx(ctx, func(tx *sql.Tx) error {
		folded = 0
		var got bool
		if err := tx.QueryRowContext(ctx, `SELECT pg_try_advisory_xact_lock($1)`, lockFoldPeriods).Scan(&got); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		if !got {
			return nil
		}
		rows, err := tx.QueryContext(ctx, `WITH d AS (DELETE FROM measure_periods_stale RETURNING measure_id, period)
			SELECT DISTINCT measure_id, period FROM d ORDER BY measure_id, period`)
		if err != nil {
			return err
		}
		byMeasure := map[int64][]collab.Date{}
		var mids []int64
		for rows.Next() {
			var mid int64
			var d collab.Date
			if err := rows.Scan(&mid, &d); err != nil {
				rows.Close()
				return err
			}
			if byMeasure[mid] == nil {
				mids = append(mids, mid)
			}
			byMeasure[mid] = append(byMeasure[mid], d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, mid := range mids {
			if err := rewritePeriods(ctx, db, tx, mid, byMeasure[mid]); err != nil {
				return err
			}
			folded += len(byMeasure[mid])
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("fold measure periods: %w", err)
	}
	return folded, nil
}

// RunMeasureFolder folds the noted measure periods every interval until
// ctx ends. Every replica may run it. Errors go to log, each once until
// it changes.
func (db *DB) RunMeasureFolder(ctx context.Context, every time.Duration, log *slog.Logger) {
	if db.Dialect != Postgres {
		return
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	t := time.NewTicker(every)
	defer t.Stop()
	var lastErr string
	for {
		select {
		case <-t.C:
			_, err := db.FoldMeasurePeriods(ctx)
			switch {
			case err == nil:
				lastErr = ""
			case ctx.Err() != nil:
			case err.Error() != lastErr:
				lastErr = err.Error()
				log.Error("fold measure periods", "err", err)
			}
		case <-ctx.Done():
			return
		}
	}
}

// execPeriods runs the statements for each period in turn. On SQLite
// they are prepared once: an import touches dozens of periods, and
// parsing a statement costs SQLite more than running it here. The
// PostgreSQL driver caches prepared statements itself, and preparing
// by hand would cost it round trips.
func (db *DB) execPeriods(ctx context.Context, tx *sql.Tx, periods []collab.Date, args func(collab.Date) []any, qs ...string) error {
	if db.Dialect != SQLite || len(periods) < 2 {
		for _, d := range periods {
			for _, q := range qs {
				if _, err := tx.ExecContext(ctx, q, args(d)...); err != nil {
					return fmt.Errorf("%s: %w", d, err)
				}
			}
		}
		return nil
	}
	stmts := make([]*sql.Stmt, 0, len(qs))
	defer func() {
		for _, st := range stmts {
			st.Close()
		}
	}()
	for _, q := range qs {
		st, err := tx.PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		stmts = append(stmts, st)
	}
	for _, d := range periods {
		for _, st := range stmts {
			if _, err := st.ExecContext(ctx, args(d)...); err != nil {
				return fmt.Errorf("%s: %w", d, err)
			}
		}
	}
	return nil
}

// The advisory lock space (PostgreSQL's two-key form: space, id) of a
// team's measure summaries; the single-key locks are apart.
const (
	lockTeamSummaries = 7210003
)

// lockFoldPeriods is the single-key lock of the round that folds noted
// measure periods (FoldMeasurePeriods).
const lockFoldPeriods = 7210004

// lockUntilCommit takes a PostgreSQL advisory lock on (space, id) held
// until the transaction ends.
func lockUntilCommit(ctx context.Context, tx *sql.Tx, space int32, id int64) error {
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1, CAST($2 % 2147483647 AS INTEGER))`, space, id)
	return err
}

// A GroupPeriod is every team's values of one group of a disaggregated
// measure in one period: how many teams reported the group, and the sums
// of their values (or numerators and denominators).
type GroupPeriod struct {
	Period collab.Date
	Group  string
	Teams  int
	Y, N   float64
}

// MeasureGroupPeriods sums a disaggregated measure by period and group
// over every team (seed 003's disaggregated data at the collaborative's
// level). It reads the measure's values, so only grouped measures ask.
func (db *DB) MeasureGroupPeriods(ctx context.Context, collabID int64, m *improve.Measure) ([]GroupPeriod, error) {
	ok, y, n := `value IS NOT NULL`, `value`, `0`
	if m.Ratio {
		ok, y, n = `numerator IS NOT NULL AND denominator IS NOT NULL`, `numerator`, `denominator`
	}
	// #nosec G202 -- the column names are chosen above, never typed.
	rows, err := db.read.QueryContext(ctx, `SELECT period, grp, COUNT(DISTINCT team_id), SUM(`+y+`), SUM(`+n+`) FROM measure_values
		WHERE collaborative_id = $1 AND measure_id = $2 AND grp <> '' AND `+ok+` GROUP BY period, grp ORDER BY period, grp`, collabID, m.ID)
	if err != nil {
		return nil, fmt.Errorf("measure groups: %w", err)
	}
	defer rows.Close()
	var out []GroupPeriod
	for rows.Next() {
		var g GroupPeriod
		if err := rows.Scan(&g.Period, &g.Group, &g.Teams, &g.Y, &g.N); err != nil {
			return nil, fmt.Errorf("measure groups: %w", err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}
