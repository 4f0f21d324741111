package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/learning"
	"github.com/goeswell/goeswell/internal/notify"
)

// A ReportSection compiles one section of a team's monthly report from the
// team's data in [from, to). ReportSections holds them in report order;
// a feature with monthly data (measures and charts, PDSA cycles, success
// moments, attendance and activity hours) adds its compiler here, in its
// own file's init, and its section appears in every report compiled after.
type ReportSection func(ctx context.Context, db *DB, collabID, teamID int64, from, to collab.Date) (learning.Section, error)

// ReportSections are the compilers of a monthly report, in order.
var ReportSections = []ReportSection{resourceSection, shareSection}

func resourceSection(ctx context.Context, db *DB, collabID, teamID int64, from, to collab.Date) (learning.Section, error) {
	sec := learning.Section{Key: "resources", Rows: []learning.Row{}}
	rows, err := db.read.QueryContext(ctx, `SELECT r.id, r.title, x.note FROM resource_uses x JOIN resources r ON r.id = x.resource_id
		WHERE x.team_id = $1 AND r.collaborative_id = $2 AND x.marked_at >= $3 AND x.marked_at < $4 ORDER BY r.title, r.id`,
		teamID, collabID, ts(from.Time()), ts(to.Time()))
	if err != nil {
		return sec, fmt.Errorf("compile resources: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var r learning.Row
		if err := rows.Scan(&id, &r.Label, &r.Note); err != nil {
			return sec, err
		}
		r.ID = fmt.Sprint("resource:", id)
		sec.Rows = append(sec.Rows, r)
	}
	return sec, rows.Err()
}

func shareSection(ctx context.Context, db *DB, collabID, teamID int64, from, to collab.Date) (learning.Section, error) {
	sec := learning.Section{Key: "shares", Rows: []learning.Row{}}
	ss, err := db.Shares(ctx, collabID, ShareFilter{TeamID: teamID, From: from, To: to, Limit: 1000})
	if err != nil {
		return sec, err
	}
	for i := len(ss) - 1; i >= 0; i-- {
		s := ss[i]
		sec.Rows = append(sec.Rows, learning.Row{ID: fmt.Sprint("share:", s.ID), Label: s.Summary.Title, Value: string(s.Kind), Note: s.Summary.Learned})
	}
	return sec, nil
}

// CompileReport compiles a team's report for the month holding month.
func (db *DB) CompileReport(ctx context.Context, collabID, teamID int64, month collab.Date) (*learning.Content, error) {
	t, err := db.FindTeam(ctx, collabID, teamID)
	if err != nil {
		return nil, err
	}
	from := learning.MonthOf(month)
	to := from.AddMonths(1)
	c := &learning.Content{Team: t.Name, Month: from.String()[:7], CompiledAt: db.Now(), Sections: []learning.Section{}}
	for _, f := range ReportSections {
		sec, err := f(ctx, db, collabID, teamID, from, to)
		if err != nil {
			return nil, err
		}
		c.Sections = append(c.Sections, sec)
	}
	return c, nil
}

const reportCols = `r.id, r.collaborative_id, r.team_id, t.name, r.month, r.narrative, r.progress, r.status, r.content,
	COALESCE(r.submitted_by, 0), r.submitted_at, COALESCE(r.reviewed_by, 0), r.reviewed_at, r.updated_at`

func scanReport(row interface{ Scan(...any) error }) (*learning.Report, error) {
	var r learning.Report
	var content string
	var sub, rev, upd Time
	if err := row.Scan(&r.ID, &r.CollaborativeID, &r.TeamID, &r.TeamName, &r.Month, &r.Narrative, &r.Progress, &r.Status, &content,
		&r.SubmittedBy, &sub, &r.ReviewedBy, &rev, &upd); err != nil {
		return nil, err
	}
	r.SubmittedAt, r.ReviewedAt, r.UpdatedAt = sub.Time, rev.Time, upd.Time
	if content != "" {
		r.Content = &learning.Content{}
		if err := json.Unmarshal([]byte(content), r.Content); err != nil {
			return nil, fmt.Errorf("report %d content: %w", r.ID, err)
		}
	}
	return &r, nil
}

// FindReport returns a team's report; one of another team or collaborative
// is ErrNotFound.
func (db *DB) FindReport(ctx context.Context, collabID, teamID, id int64) (*learning.Report, error) {
	r, err := scanReport(db.read.QueryRowContext(ctx, `SELECT `+reportCols+` FROM reports r JOIN teams t ON t.id = r.team_id
		WHERE r.id = $1 AND r.team_id = $2 AND r.collaborative_id = $3`, id, teamID, collabID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("find report %d: %w", id, collab.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("find report %d: %w", id, err)
	}
	r.Comments, err = db.comments(ctx, `SELECT c.id, c.report_id, COALESCE(c.user_id, 0), COALESCE(u.name, ''), c.body, c.created_at
		FROM report_comments c LEFT JOIN users u ON u.id = c.user_id WHERE c.report_id = $1 ORDER BY c.id`, id)
	return r, err
}

// ReportFilter selects reports.
type ReportFilter struct {
	TeamID   int64
	From, To collab.Date // months, inclusive From, exclusive To
	Status   learning.ReportStatus
}

// Reports lists a collaborative's reports, newest month first.
func (db *DB) Reports(ctx context.Context, collabID int64, f ReportFilter) ([]*learning.Report, error) {
	q := `SELECT ` + reportCols + ` FROM reports r JOIN teams t ON t.id = r.team_id WHERE r.collaborative_id = $1`
	args := []any{collabID}
	add := func(cond string, v any) {
		args = append(args, v)
		q += fmt.Sprintf(" AND "+cond, len(args))
	}
	if f.TeamID != 0 {
		add(`r.team_id = $%d`, f.TeamID)
	}
	if !f.From.IsZero() {
		add(`r.month >= $%d`, f.From)
	}
	if !f.To.IsZero() {
		add(`r.month < $%d`, f.To)
	}
	if f.Status != "" {
		add(`r.status = $%d`, f.Status)
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY r.month DESC, t.name`, args...)
	if err != nil {
		return nil, fmt.Errorf("list reports: %w", err)
	}
	defer rows.Close()
	var out []*learning.Report
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, fmt.Errorf("list reports: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// SaveReport creates or updates a team's draft for a month; submit freezes
// it with content, the compiled report, as its snapshot. A submitted
// report cannot change (ErrConflict).
func (db *DB) SaveReport(ctx context.Context, who collab.Who, r *learning.Report, submit bool, content *learning.Content) error {
	r.Month = learning.MonthOf(r.Month)
	if err := r.Validate(submit); err != nil {
		return err
	}
	now := db.Now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		// The month's first save creates the row; an upsert, so two first
		// saves at once (two replicas, a double click) both succeed.
		// DO NOTHING leaves an existing report to the checks below.
		if _, err := tx.ExecContext(ctx, `INSERT INTO reports (collaborative_id, team_id, month, narrative, progress, status, updated_at)
			VALUES ($1, $2, $3, $4, $5, 'draft', $6) ON CONFLICT (team_id, month) DO NOTHING`,
			r.CollaborativeID, r.TeamID, r.Month, r.Narrative, r.Progress, ts(now)); err != nil {
			return fmt.Errorf("save report: %w", err)
		}
		var id int64
		var status learning.ReportStatus
		err := tx.QueryRowContext(ctx, `SELECT r.id, r.status FROM reports r WHERE r.team_id = $1 AND r.month = $2 AND r.collaborative_id = $3`,
			r.TeamID, r.Month, r.CollaborativeID).Scan(&id, &status)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("save report: team %d: %w", r.TeamID, collab.ErrNotFound)
		case err != nil:
			return fmt.Errorf("save report: %w", err)
		case status != learning.ReportDraft:
			return fmt.Errorf("report %d was submitted: %w", id, collab.ErrConflict)
		default:
			if _, err := tx.ExecContext(ctx, `UPDATE reports SET narrative = $1, progress = $2, updated_at = $3 WHERE id = $4`, r.Narrative, r.Progress, ts(now), id); err != nil {
				return fmt.Errorf("save report: %w", err)
			}
		}
		r.ID, r.Status, r.UpdatedAt = id, learning.ReportDraft, now
		action := "report.save"
		if submit {
			b, err := json.Marshal(content)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE reports SET status = 'submitted', content = $1, submitted_by = $2, submitted_at = $3 WHERE id = $4`,
				string(b), nullID(who.UserID), ts(now), id); err != nil {
				return fmt.Errorf("submit report: %w", err)
			}
			r.Status, r.Content, r.SubmittedBy, r.SubmittedAt = learning.ReportSubmitted, content, who.UserID, now
			action = "report.submit"
		}
		return db.audit(ctx, tx, who, r.CollaborativeID, action, fmt.Sprintf("report:%d team:%d", id, r.TeamID), r.Month.String())
	})
}

// ReviewReport marks a submitted report reviewed by its coach.
func (db *DB) ReviewReport(ctx context.Context, who collab.Who, collabID, teamID, id int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		before := db.snapshot(ctx, tx, "reports", id)
		res, err := tx.ExecContext(ctx, `UPDATE reports SET status = 'reviewed', reviewed_by = $1, reviewed_at = $2
			WHERE id = $3 AND team_id = $4 AND collaborative_id = $5 AND status = 'submitted'`, nullID(who.UserID), ts(db.Now()), id, teamID, collabID)
		if err != nil {
			return fmt.Errorf("review report %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			// Not found in this team is 404, as everywhere: a conflict
			// would tell that the id exists under another team.
			var status string
			err := tx.QueryRowContext(ctx, `SELECT status FROM reports WHERE id = $1 AND team_id = $2 AND collaborative_id = $3`, id, teamID, collabID).Scan(&status)
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("review report %d: %w", id, collab.ErrNotFound)
			}
			return fmt.Errorf("review report %d: not submitted: %w", id, collab.ErrConflict)
		}
		if err := db.notifyReport(ctx, tx, who, notify.ReportReviewed, collabID, teamID, id); err != nil {
			return err
		}
		return db.audit(ctx, tx, who, collabID, "report.review", fmt.Sprintf("report:%d team:%d", id, teamID), db.diffSince(ctx, tx, "reports", id, before))
	})
}

// CommentOnReport adds a comment (usually the coach's) to a team's report.
func (db *DB) CommentOnReport(ctx context.Context, who collab.Who, collabID, teamID, id int64, body string) error {
	if err := learning.ValidateComment(&body); err != nil {
		return err
	}
	if _, err := db.FindReport(ctx, collabID, teamID, id); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var cid int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO report_comments (report_id, user_id, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			id, nullID(who.UserID), body, ts(db.Now())).Scan(&cid); err != nil {
			return fmt.Errorf("comment on report: %w", err)
		}
		if err := db.notifyReport(ctx, tx, who, notify.ReportComment, collabID, teamID, id); err != nil {
			return err
		}
		return db.audit(ctx, tx, who, collabID, "report.comment", fmt.Sprintf("report:%d team:%d comment:%d", id, teamID, cid), db.created(ctx, tx, "report_comments", cid))
	})
}

// notifyReport tells a team's people about a comment on or a review of
// one of its reports, with the report's month as the subject.
func (db *DB) notifyReport(ctx context.Context, tx *sql.Tx, who collab.Who, kind notify.Kind, collabID, teamID, id int64) error {
	var month collab.Date
	if err := tx.QueryRowContext(ctx, `SELECT month FROM reports WHERE id = $1`, id).Scan(&month); err != nil {
		return fmt.Errorf("notify report %d: %w", id, err)
	}
	return db.notifyTeam(ctx, tx, notify.Event{CollaborativeID: collabID, TeamID: teamID, ActorID: who.UserID, Kind: kind,
		Subject: month.String()[:7], Link: fmt.Sprintf("/c/%d/teams/%d/reports/%d", collabID, teamID, id)})
}

// An Overdue is a month whose report a team has not submitted by its due
// date.
type Overdue struct {
	TeamID   int64
	TeamName string
	Month    collab.Date
	Due      collab.Date
}

// OverdueReports lists, for each active team, the months from the
// collaborative's start whose report is past due and not submitted.
func (db *DB) OverdueReports(ctx context.Context, c *collab.Collaborative, dueDay int, today collab.Date) ([]Overdue, error) {
	teams, err := db.Teams(ctx, c.ID, TeamFilter{})
	if err != nil {
		return nil, err
	}
	type teamMonth struct {
		team  int64
		month collab.Date
	}
	// Only which months are in: a submitted report's text is not needed
	// to know it was submitted (learning.Report.Frozen: not a draft).
	rows, err := db.read.QueryContext(ctx, `SELECT team_id, month FROM reports WHERE collaborative_id = $1 AND status <> $2`, c.ID, learning.ReportDraft)
	if err != nil {
		return nil, fmt.Errorf("overdue reports: %w", err)
	}
	defer rows.Close()
	done := map[teamMonth]bool{}
	for rows.Next() {
		var tm teamMonth
		if err := rows.Scan(&tm.team, &tm.month); err != nil {
			return nil, fmt.Errorf("overdue reports: %w", err)
		}
		done[tm] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("overdue reports: %w", err)
	}
	var out []Overdue
	for m := learning.MonthOf(c.StartDate); !m.After(c.EndDate) && learning.DueDate(m, dueDay).Before(today); m = m.AddMonths(1) {
		for _, t := range teams {
			if !t.Active || done[teamMonth{t.ID, m}] || learning.MonthOf(collab.DateOf(t.CreatedAt)).After(m) {
				continue
			}
			out = append(out, Overdue{TeamID: t.ID, TeamName: t.Name, Month: m, Due: learning.DueDate(m, dueDay)})
		}
	}
	return out, nil
}

// Today is the store clock's date.
func (db *DB) Today() collab.Date { return collab.DateOf(db.Now()) }
