package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/goeswell/goeswell/internal/collab"
)

// The team working spaces of the asset-based tools besides the asset map:
// success moments, barriers, tradeoffs, habits, the relationship map and
// positive-deviance inquiries. Every call is scoped by collaborative and
// team; the cohort's view lists only items a team shared.

// ---- Success moments.

const momentCols = `m.id, m.collaborative_id, m.team_id, t.name, m.title, m.story, m.made_possible, m.who_involved, m.learning, m.domains, m.shared, m.created_at`

func scanMoment(row interface{ Scan(...any) error }) (*collab.SuccessMoment, error) {
	var m collab.SuccessMoment
	var d string
	var at Time
	if err := row.Scan(&m.ID, &m.CollaborativeID, &m.TeamID, &m.TeamName, &m.Title, &m.Story, &m.MadePossible, &m.WhoInvolved, &m.Learning, &d, &m.Shared, &at); err != nil {
		return nil, err
	}
	m.Domains, _ = collab.ParseDomains(d)
	m.CreatedAt = at.Time
	return &m, nil
}

// SaveMoment creates (ID 0) or updates a team's success moment.
func (db *DB) SaveMoment(ctx context.Context, who collab.Who, collabID, teamID int64, m *collab.SuccessMoment) error {
	m.CollaborativeID, m.TeamID = collabID, teamID
	if err := m.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if m.ID == 0 {
			m.CreatedAt = db.Now()
			if err := tx.QueryRowContext(ctx, `INSERT INTO success_moments (collaborative_id, team_id, title, story, made_possible, who_involved, learning, domains, shared, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, collabID, teamID, m.Title, m.Story, m.MadePossible, m.WhoInvolved, m.Learning,
				collab.JoinDomains(m.Domains), m.Shared, ts(m.CreatedAt)).Scan(&m.ID); err != nil {
				return fmt.Errorf("create success moment: %w", err)
			}
			return db.audit(ctx, tx, who, collabID, "moment.create", fmt.Sprint("moment:", m.ID), db.created(ctx, tx, "success_moments", m.ID))
		}
		before := db.snapshot(ctx, tx, "success_moments", m.ID)
		if err := exec1(ctx, tx, "success moment", m.ID, `UPDATE success_moments SET title = $1, story = $2, made_possible = $3, who_involved = $4, learning = $5, domains = $6, shared = $7
			WHERE id = $8 AND team_id = $9 AND collaborative_id = $10`, m.Title, m.Story, m.MadePossible, m.WhoInvolved, m.Learning, collab.JoinDomains(m.Domains), m.Shared, m.ID, teamID, collabID); err != nil {
			return err
		}
		return db.audit(ctx, tx, who, collabID, "moment.update", fmt.Sprint("moment:", m.ID), db.diffSince(ctx, tx, "success_moments", m.ID, before))
	})
}

// FindMoment returns a team's success moment.
func (db *DB) FindMoment(ctx context.Context, collabID, teamID, id int64) (*collab.SuccessMoment, error) {
	m, err := scanMoment(db.read.QueryRowContext(ctx, `SELECT `+momentCols+` FROM success_moments m JOIN teams t ON t.id = m.team_id WHERE m.id = $1 AND m.team_id = $2 AND m.collaborative_id = $3`, id, teamID, collabID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("success moment", id)
	}
	return m, err
}

// Moments lists success moments selected by f, newest first.
func (db *DB) Moments(ctx context.Context, collabID int64, f ItemFilter) ([]*collab.SuccessMoment, error) {
	args := []any{collabID}
	// #nosec G202 -- ItemFilter.where adds only fixed column names and $n placeholders; every value is bound.
	rows, err := db.read.QueryContext(ctx, `SELECT `+momentCols+` FROM success_moments m JOIN teams t ON t.id = m.team_id WHERE m.collaborative_id = $1`+
		f.where(&args, "m", "title", "story", "made_possible", "who_involved", "learning")+` ORDER BY m.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("list success moments: %w", err)
	}
	defer rows.Close()
	var out []*collab.SuccessMoment
	for rows.Next() {
		m, err := scanMoment(rows)
		if err != nil {
			return nil, fmt.Errorf("list success moments: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// DeleteItem removes one of a team's items of a kind: "moment",
// "barrier", "tradeoff", "habit", "node", "edge" or "inquiry".
func (db *DB) DeleteItem(ctx context.Context, who collab.Who, collabID, teamID int64, kind string, id int64) error {
	table, ok := map[string]string{"moment": "success_moments", "barrier": "barriers", "tradeoff": "tradeoffs", "habit": "habits", "node": "net_nodes", "edge": "net_edges", "inquiry": "pd_inquiries"}[kind]
	if !ok {
		return fmt.Errorf("delete %s: %w", kind, collab.ErrNotFound)
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		before := db.snapshot(ctx, tx, table, id)
		if err := exec1(ctx, tx, kind, id, `DELETE FROM `+table+` WHERE id = $1 AND team_id = $2 AND team_id IN (SELECT id FROM teams WHERE collaborative_id = $3)`, id, teamID, collabID); err != nil {
			return err
		}
		return db.audit(ctx, tx, who, collabID, kind+".delete", fmt.Sprint(kind, ":", id), removed(before))
	})
}

// ---- Barriers and tradeoffs.

// CreateBarrier logs a barrier and its workaround.
func (db *DB) CreateBarrier(ctx context.Context, who collab.Who, collabID, teamID int64, b *collab.Barrier) error {
	b.CollaborativeID, b.TeamID = collabID, teamID
	if err := b.Validate(); err != nil {
		return err
	}
	b.CreatedAt = db.Now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO barriers (collaborative_id, team_id, system_name, category, description, workaround, domain, shared, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, collabID, teamID, b.System, b.Category, b.Description, b.Workaround, b.Domain, b.Shared, ts(b.CreatedAt)).Scan(&b.ID); err != nil {
			return fmt.Errorf("create barrier: %w", err)
		}
		return db.audit(ctx, tx, who, collabID, "barrier.create", fmt.Sprint("barrier:", b.ID), db.created(ctx, tx, "barriers", b.ID))
	})
}

// Barriers lists barriers selected by f, newest first.
func (db *DB) Barriers(ctx context.Context, collabID int64, f ItemFilter) ([]*collab.Barrier, error) {
	args := []any{collabID}
	f.Domain = ""
	// #nosec G202 -- ItemFilter.where adds only fixed column names and $n placeholders; every value is bound.
	rows, err := db.read.QueryContext(ctx, `SELECT b.id, b.collaborative_id, b.team_id, t.name, b.system_name, b.category, b.description, b.workaround, b.domain, b.shared, b.created_at
		FROM barriers b JOIN teams t ON t.id = b.team_id WHERE b.collaborative_id = $1`+f.where(&args, "b", "category", "description", "workaround", "system_name")+` ORDER BY b.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("list barriers: %w", err)
	}
	defer rows.Close()
	var out []*collab.Barrier
	for rows.Next() {
		var b collab.Barrier
		var at Time
		if err := rows.Scan(&b.ID, &b.CollaborativeID, &b.TeamID, &b.TeamName, &b.System, &b.Category, &b.Description, &b.Workaround, &b.Domain, &b.Shared, &at); err != nil {
			return nil, fmt.Errorf("list barriers: %w", err)
		}
		b.CreatedAt = at.Time
		out = append(out, &b)
	}
	return out, rows.Err()
}

// CategoryCount is how often a barrier category was logged, and by how
// many teams: counts only, so a convener can take the most common to
// policy without reading any team's log.
type CategoryCount struct {
	Category string
	Count    int
	Teams    int
}

// BarrierSummary counts every team's barriers by category, the most common
// first.
func (db *DB) BarrierSummary(ctx context.Context, collabID int64) ([]CategoryCount, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT category, COUNT(*), COUNT(DISTINCT team_id) FROM barriers WHERE collaborative_id = $1 GROUP BY category ORDER BY COUNT(*) DESC, category`, collabID)
	if err != nil {
		return nil, fmt.Errorf("summarize barriers: %w", err)
	}
	defer rows.Close()
	var out []CategoryCount
	for rows.Next() {
		var c CategoryCount
		if err := rows.Scan(&c.Category, &c.Count, &c.Teams); err != nil {
			return nil, fmt.Errorf("summarize barriers: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CreateTradeoff logs a tradeoff.
func (db *DB) CreateTradeoff(ctx context.Context, who collab.Who, collabID, teamID int64, t *collab.Tradeoff) error {
	t.CollaborativeID, t.TeamID = collabID, teamID
	if err := t.Validate(); err != nil {
		return err
	}
	t.CreatedAt = db.Now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO tradeoffs (collaborative_id, team_id, subject, gives_up, gains, description, shared, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, collabID, teamID, t.Subject, t.GivesUp, t.Gains, t.Description, t.Shared, ts(t.CreatedAt)).Scan(&t.ID); err != nil {
			return fmt.Errorf("create tradeoff: %w", err)
		}
		return db.audit(ctx, tx, who, collabID, "tradeoff.create", fmt.Sprint("tradeoff:", t.ID), db.created(ctx, tx, "tradeoffs", t.ID))
	})
}

// Tradeoffs lists tradeoffs selected by f, newest first.
func (db *DB) Tradeoffs(ctx context.Context, collabID int64, f ItemFilter) ([]*collab.Tradeoff, error) {
	args := []any{collabID}
	f.Domain = ""
	// #nosec G202 -- ItemFilter.where adds only fixed column names and $n placeholders; every value is bound.
	rows, err := db.read.QueryContext(ctx, `SELECT x.id, x.collaborative_id, x.team_id, t.name, x.subject, x.gives_up, x.gains, x.description, x.shared, x.created_at
		FROM tradeoffs x JOIN teams t ON t.id = x.team_id WHERE x.collaborative_id = $1`+f.where(&args, "x", "description")+` ORDER BY x.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("list tradeoffs: %w", err)
	}
	defer rows.Close()
	var out []*collab.Tradeoff
	for rows.Next() {
		var x collab.Tradeoff
		var at Time
		if err := rows.Scan(&x.ID, &x.CollaborativeID, &x.TeamID, &x.TeamName, &x.Subject, &x.GivesUp, &x.Gains, &x.Description, &x.Shared, &at); err != nil {
			return nil, fmt.Errorf("list tradeoffs: %w", err)
		}
		x.CreatedAt = at.Time
		out = append(out, &x)
	}
	return out, rows.Err()
}

// PairCount counts tradeoffs that give up one domain to gain another.
type PairCount struct {
	GivesUp, Gains collab.Domain
	Count          int
}

// TradeoffSummary counts tradeoffs by domain pair (of one team if teamID
// is not 0), the most common first.
func (db *DB) TradeoffSummary(ctx context.Context, collabID, teamID int64) ([]PairCount, error) {
	q := `SELECT gives_up, gains, COUNT(*) FROM tradeoffs WHERE collaborative_id = $1`
	args := []any{collabID}
	if teamID != 0 {
		q += ` AND team_id = $2`
		args = append(args, teamID)
	}
	rows, err := db.read.QueryContext(ctx, q+` GROUP BY gives_up, gains ORDER BY COUNT(*) DESC, gives_up, gains`, args...)
	if err != nil {
		return nil, fmt.Errorf("summarize tradeoffs: %w", err)
	}
	defer rows.Close()
	var out []PairCount
	for rows.Next() {
		var p PairCount
		if err := rows.Scan(&p.GivesUp, &p.Gains, &p.Count); err != nil {
			return nil, fmt.Errorf("summarize tradeoffs: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// ---- Habits and antidotes.

// SaveHabit creates (ID 0) or updates a team's habit and antidote.
func (db *DB) SaveHabit(ctx context.Context, who collab.Who, collabID, teamID int64, h *collab.Habit) error {
	h.CollaborativeID, h.TeamID = collabID, teamID
	if err := h.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if h.ID == 0 {
			h.CreatedAt = db.Now()
			if err := tx.QueryRowContext(ctx, `INSERT INTO habits (collaborative_id, team_id, habit, antidote, shared, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
				collabID, teamID, h.Habit, h.Antidote, h.Shared, ts(h.CreatedAt)).Scan(&h.ID); err != nil {
				return fmt.Errorf("create habit: %w", err)
			}
			return db.audit(ctx, tx, who, collabID, "habit.create", fmt.Sprint("habit:", h.ID), db.created(ctx, tx, "habits", h.ID))
		}
		before := db.snapshot(ctx, tx, "habits", h.ID)
		if err := exec1(ctx, tx, "habit", h.ID, `UPDATE habits SET habit = $1, antidote = $2, shared = $3 WHERE id = $4 AND team_id = $5 AND collaborative_id = $6`,
			h.Habit, h.Antidote, h.Shared, h.ID, teamID, collabID); err != nil {
			return err
		}
		return db.audit(ctx, tx, who, collabID, "habit.update", fmt.Sprint("habit:", h.ID), db.diffSince(ctx, tx, "habits", h.ID, before))
	})
}

// AddHabitCheckin records a check-in on a team's habit.
func (db *DB) AddHabitCheckin(ctx context.Context, who collab.Who, collabID, teamID, habitID int64, c *collab.HabitCheckin) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM habits WHERE id = $1 AND team_id = $2 AND collaborative_id = $3`, habitID, teamID, collabID).Scan(&n); err != nil || n == 0 {
			return notFound("habit", habitID)
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO habit_checkins (habit_id, on_date, rating, note) VALUES ($1, $2, $3, $4) RETURNING id`, habitID, c.On, c.Rating, c.Note).Scan(&c.ID); err != nil {
			return fmt.Errorf("add check-in: %w", err)
		}
		return db.audit(ctx, tx, who, collabID, "habit.checkin", fmt.Sprint("habit:", habitID), fmt.Sprint(c.Rating))
	})
}

// Habits lists habits selected by f with their check-ins, oldest first.
func (db *DB) Habits(ctx context.Context, collabID int64, f ItemFilter) ([]*collab.Habit, error) {
	args := []any{collabID}
	f.Domain = ""
	// #nosec G202 -- ItemFilter.where adds only fixed column names and $n placeholders; every value is bound.
	rows, err := db.read.QueryContext(ctx, `SELECT h.id, h.team_id, h.habit, h.antidote, h.shared, h.created_at FROM habits h WHERE h.collaborative_id = $1`+f.where(&args, "h", "habit", "antidote")+` ORDER BY h.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list habits: %w", err)
	}
	var out []*collab.Habit
	byID := map[int64]*collab.Habit{}
	for rows.Next() {
		h := &collab.Habit{CollaborativeID: collabID}
		var at Time
		if err := rows.Scan(&h.ID, &h.TeamID, &h.Habit, &h.Antidote, &h.Shared, &at); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list habits: %w", err)
		}
		h.CreatedAt = at.Time
		out = append(out, h)
		byID[h.ID] = h
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	crows, err := db.read.QueryContext(ctx, `SELECT c.id, c.habit_id, c.on_date, c.rating, c.note FROM habit_checkins c JOIN habits h ON h.id = c.habit_id WHERE h.collaborative_id = $1 ORDER BY c.on_date, c.id`, collabID)
	if err != nil {
		return nil, fmt.Errorf("list check-ins: %w", err)
	}
	defer crows.Close()
	for crows.Next() {
		var c collab.HabitCheckin
		var hid int64
		if err := crows.Scan(&c.ID, &hid, &c.On, &c.Rating, &c.Note); err != nil {
			return nil, fmt.Errorf("list check-ins: %w", err)
		}
		if h := byID[hid]; h != nil {
			h.Checkins = append(h.Checkins, c)
		}
	}
	return out, crows.Err()
}

// ---- Community leaders and natural supports.

// CreateNode adds a person or group to a team's relationship map.
func (db *DB) CreateNode(ctx context.Context, who collab.Who, collabID, teamID int64, n *collab.NetNode) error {
	n.TeamID = teamID
	if err := n.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO net_nodes (team_id, name, kind, notes) VALUES ($1, $2, $3, $4) RETURNING id`, teamID, n.Name, n.Kind, n.Notes).Scan(&n.ID); err != nil {
			return fmt.Errorf("create node: %w", err)
		}
		return db.audit(ctx, tx, who, collabID, "node.create", fmt.Sprint("node:", n.ID), db.created(ctx, tx, "net_nodes", n.ID))
	})
}

// CreateEdge adds a relationship between two of the team's nodes.
func (db *DB) CreateEdge(ctx context.Context, who collab.Who, collabID, teamID int64, e *collab.NetEdge) error {
	e.TeamID = teamID
	if err := e.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM net_nodes WHERE id IN ($1, $2) AND team_id = $3`, e.From, e.To, teamID).Scan(&n); err != nil {
			return fmt.Errorf("create edge: %w", err)
		}
		if n != 2 {
			return &collab.ValidationError{Fields: map[string]string{"to": "error.invalid_choice"}}
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO net_edges (team_id, from_node, to_node, strength, kind, plan) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			teamID, e.From, e.To, e.Strength, e.Kind, e.Plan).Scan(&e.ID); err != nil {
			return fmt.Errorf("create edge: %w", err)
		}
		return db.audit(ctx, tx, who, collabID, "edge.create", fmt.Sprint("edge:", e.ID), db.created(ctx, tx, "net_edges", e.ID))
	})
}

// Network returns a team's relationship map.
func (db *DB) Network(ctx context.Context, collabID, teamID int64) ([]collab.NetNode, []collab.NetEdge, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT n.id, n.team_id, n.name, n.kind, n.notes FROM net_nodes n JOIN teams t ON t.id = n.team_id WHERE n.team_id = $1 AND t.collaborative_id = $2 ORDER BY n.id`, teamID, collabID)
	if err != nil {
		return nil, nil, fmt.Errorf("list nodes: %w", err)
	}
	var nodes []collab.NetNode
	for rows.Next() {
		var n collab.NetNode
		if err := rows.Scan(&n.ID, &n.TeamID, &n.Name, &n.Kind, &n.Notes); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("list nodes: %w", err)
		}
		nodes = append(nodes, n)
	}
	rows.Close()
	erows, err := db.read.QueryContext(ctx, `SELECT e.id, e.team_id, e.from_node, e.to_node, e.strength, e.kind, e.plan FROM net_edges e JOIN teams t ON t.id = e.team_id WHERE e.team_id = $1 AND t.collaborative_id = $2 ORDER BY e.id`, teamID, collabID)
	if err != nil {
		return nil, nil, fmt.Errorf("list edges: %w", err)
	}
	defer erows.Close()
	var edges []collab.NetEdge
	for erows.Next() {
		var e collab.NetEdge
		if err := erows.Scan(&e.ID, &e.TeamID, &e.From, &e.To, &e.Strength, &e.Kind, &e.Plan); err != nil {
			return nil, nil, fmt.Errorf("list edges: %w", err)
		}
		edges = append(edges, e)
	}
	return nodes, edges, erows.Err()
}

// ---- Positive-deviance inquiries.

// SaveInquiry creates (ID 0) or updates a team's inquiry.
func (db *DB) SaveInquiry(ctx context.Context, who collab.Who, collabID, teamID int64, q *collab.PDInquiry) error {
	q.CollaborativeID, q.TeamID = collabID, teamID
	if err := q.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if q.ID == 0 {
			q.CreatedAt = db.Now()
			if err := tx.QueryRowContext(ctx, `INSERT INTO pd_inquiries (collaborative_id, team_id, question, outliers, practices, actions, shared, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, collabID, teamID, q.Question, q.Outliers, q.Practices, q.Actions, q.Shared, ts(q.CreatedAt)).Scan(&q.ID); err != nil {
				return fmt.Errorf("create inquiry: %w", err)
			}
			return db.audit(ctx, tx, who, collabID, "inquiry.create", fmt.Sprint("inquiry:", q.ID), db.created(ctx, tx, "pd_inquiries", q.ID))
		}
		before := db.snapshot(ctx, tx, "pd_inquiries", q.ID)
		if err := exec1(ctx, tx, "inquiry", q.ID, `UPDATE pd_inquiries SET question = $1, outliers = $2, practices = $3, actions = $4, shared = $5 WHERE id = $6 AND team_id = $7 AND collaborative_id = $8`,
			q.Question, q.Outliers, q.Practices, q.Actions, q.Shared, q.ID, teamID, collabID); err != nil {
			return err
		}
		return db.audit(ctx, tx, who, collabID, "inquiry.update", fmt.Sprint("inquiry:", q.ID), db.diffSince(ctx, tx, "pd_inquiries", q.ID, before))
	})
}

// Inquiries lists inquiries selected by f, newest first.
func (db *DB) Inquiries(ctx context.Context, collabID int64, f ItemFilter) ([]*collab.PDInquiry, error) {
	args := []any{collabID}
	f.Domain = ""
	// #nosec G202 -- ItemFilter.where adds only fixed column names and $n placeholders; every value is bound.
	rows, err := db.read.QueryContext(ctx, `SELECT q.id, q.collaborative_id, q.team_id, t.name, q.question, q.outliers, q.practices, q.actions, q.shared, q.created_at
		FROM pd_inquiries q JOIN teams t ON t.id = q.team_id WHERE q.collaborative_id = $1`+f.where(&args, "q", "question", "practices")+` ORDER BY q.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("list inquiries: %w", err)
	}
	defer rows.Close()
	var out []*collab.PDInquiry
	for rows.Next() {
		var q collab.PDInquiry
		var at Time
		if err := rows.Scan(&q.ID, &q.CollaborativeID, &q.TeamID, &q.TeamName, &q.Question, &q.Outliers, &q.Practices, &q.Actions, &q.Shared, &at); err != nil {
			return nil, fmt.Errorf("list inquiries: %w", err)
		}
		q.CreatedAt = at.Time
		out = append(out, &q)
	}
	return out, rows.Err()
}

// ---- Counts for everyone in the collaborative.

// ToolCounts are the asset-based tools' counts across a collaborative:
// how many items, how many shared, how many teams use each tool. They are
// what funders and evaluators see.
type ToolCounts struct {
	Tool          string
	Items, Shared int
	Teams         int
}

// WGWCounts counts every tool's items in a collaborative.
func (db *DB) WGWCounts(ctx context.Context, collabID int64) ([]ToolCounts, error) {
	var out []ToolCounts
	for _, t := range []struct{ tool, table string }{
		{"assets", "assets"}, {"moments", "success_moments"}, {"barriers", "barriers"}, {"tradeoffs", "tradeoffs"}, {"habits", "habits"}, {"inquiries", "pd_inquiries"},
	} {
		c := ToolCounts{Tool: t.tool}
		if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN shared THEN 1 ELSE 0 END), 0), COUNT(DISTINCT team_id) FROM `+t.table+` WHERE collaborative_id = $1`, collabID).
			Scan(&c.Items, &c.Shared, &c.Teams); err != nil {
			return nil, fmt.Errorf("count %s: %w", t.tool, err)
		}
		out = append(out, c)
	}
	return out, nil
}
