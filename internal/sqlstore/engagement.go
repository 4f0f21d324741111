package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/engage"
	"github.com/goeswell/goeswell/internal/notify"
)

// EngagementSettings returns a collaborative's engagement rules, the
// defaults if the convener has not changed them.
func (db *DB) EngagementSettings(ctx context.Context, collabID int64) (engage.Settings, error) {
	s := engage.DefaultSettings()
	err := db.read.QueryRowContext(ctx, `SELECT misses_at_risk, misses_off_track, window_months, short_months_off_track, reminder_hours, deadline_day, deadline_notice_days
		FROM engagement_settings WHERE collaborative_id = $1`, collabID).Scan(&s.MissesAtRisk, &s.MissesOffTrack, &s.WindowMonths, &s.ShortMonthsOffTrack,
		&s.ReminderHours, &s.DeadlineDay, &s.DeadlineNoticeDays)
	if errors.Is(err, sql.ErrNoRows) {
		return engage.DefaultSettings(), nil
	}
	if err != nil {
		return s, fmt.Errorf("engagement settings: %w", err)
	}
	return s, nil
}

// SaveEngagementSettings stores a collaborative's engagement rules.
func (db *DB) SaveEngagementSettings(ctx context.Context, who collab.Who, collabID int64, s engage.Settings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		before := db.snapshotBy(ctx, tx, "engagement_settings", "collaborative_id", collabID)
		_, err := tx.ExecContext(ctx, `INSERT INTO engagement_settings (collaborative_id, misses_at_risk, misses_off_track, window_months, short_months_off_track, reminder_hours, deadline_day, deadline_notice_days)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (collaborative_id) DO UPDATE SET misses_at_risk = excluded.misses_at_risk,
			misses_off_track = excluded.misses_off_track, window_months = excluded.window_months, short_months_off_track = excluded.short_months_off_track,
			reminder_hours = excluded.reminder_hours, deadline_day = excluded.deadline_day, deadline_notice_days = excluded.deadline_notice_days`,
			collabID, s.MissesAtRisk, s.MissesOffTrack, s.WindowMonths, s.ShortMonthsOffTrack, s.ReminderHours, s.DeadlineDay, s.DeadlineNoticeDays)
		if err != nil {
			return fmt.Errorf("save engagement settings: %w", err)
		}
		return db.audit(ctx, tx, who, collabID, "engagement.settings", fmt.Sprint("collaborative:", collabID), db.settingsDiff(ctx, tx, "engagement_settings", collabID, before))
	})
}

// checkTeams verifies that every team id belongs to the collaborative.
// checkGroup verifies that a meeting's group is the collaborative's.
func checkGroup(ctx context.Context, tx *sql.Tx, collabID, groupID int64) error {
	if groupID != 0 && !inCollab(ctx, tx, "collab_groups", groupID, collabID) {
		return &collab.ValidationError{Fields: map[string]string{"group": "community.error.group"}}
	}
	return nil
}

func (db *DB) checkTeams(ctx context.Context, tx *sql.Tx, collabID int64, ids []int64) error {
	for _, id := range ids {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM teams WHERE id = $1 AND collaborative_id = $2`, id, collabID).Scan(&n); err != nil {
			return fmt.Errorf("check team: %w", err)
		}
		if n == 0 {
			return &collab.ValidationError{Fields: map[string]string{"teams": "error.invalid_choice"}}
		}
	}
	return nil
}

const insertMeetingSQL = `INSERT INTO meetings (collaborative_id, series_id, kind, title, starts_at, time_zone, duration_min, location, video_url, agenda, materials, audience, cancelled, moved, created_at, group_id)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`

// meetingWriter inserts meetings with statements prepared once per
// transaction: a series of a hundred meetings parses its SQL once.
type meetingWriter struct {
	ins, team *sql.Stmt
}

func (db *DB) newMeetingWriter(ctx context.Context, tx *sql.Tx) (*meetingWriter, error) {
	ins, err := tx.PrepareContext(ctx, insertMeetingSQL)
	if err != nil {
		return nil, fmt.Errorf("prepare meeting insert: %w", err)
	}
	team, err := tx.PrepareContext(ctx, `INSERT INTO meeting_teams (meeting_id, team_id) VALUES ($1, $2)`)
	if err != nil {
		ins.Close()
		return nil, fmt.Errorf("prepare meeting insert: %w", err)
	}
	return &meetingWriter{ins: ins, team: team}, nil
}

func (w *meetingWriter) Close() { w.ins.Close(); w.team.Close() }

func (w *meetingWriter) insert(ctx context.Context, m *engage.Meeting, now time.Time) error {
	err := w.ins.QueryRowContext(ctx, m.CollaborativeID, nullID(m.SeriesID), m.Kind, m.Title, ts(m.StartsAt), m.TimeZone, m.DurationMin, m.Location, m.VideoURL,
		m.Agenda, m.Materials, m.Audience, m.Cancelled, m.Moved, ts(now), nullID(m.GroupID)).Scan(&m.ID)
	if err != nil {
		return fmt.Errorf("create meeting: %w", err)
	}
	for _, t := range m.TeamIDs {
		if _, err := w.team.ExecContext(ctx, m.ID, t); err != nil {
			return fmt.Errorf("meeting teams: %w", err)
		}
	}
	return nil
}

func (db *DB) insertMeeting(ctx context.Context, tx *sql.Tx, m *engage.Meeting) error {
	w, err := db.newMeetingWriter(ctx, tx)
	if err != nil {
		return err
	}
	defer w.Close()
	return w.insert(ctx, m, db.Now())
}

func (db *DB) setMeetingTeams(ctx context.Context, tx *sql.Tx, m *engage.Meeting) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM meeting_teams WHERE meeting_id = $1`, m.ID); err != nil {
		return fmt.Errorf("meeting teams: %w", err)
	}
	for _, t := range m.TeamIDs {
		// DO NOTHING: an edit racing this one may have inserted the pair
		// after our DELETE; the set is the same either way.
		if _, err := tx.ExecContext(ctx, `INSERT INTO meeting_teams (meeting_id, team_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, m.ID, t); err != nil {
			return fmt.Errorf("meeting teams: %w", err)
		}
	}
	return nil
}

// CreateSeries stores a series and generates its meetings over the
// collaborative's dates; it returns how many meetings it made.
func (db *DB) CreateSeries(ctx context.Context, who collab.Who, c *collab.Collaborative, s *engage.Series) (int, error) {
	s.CollaborativeID = c.ID
	if err := s.Validate(); err != nil {
		return 0, err
	}
	teams, err := db.Teams(ctx, c.ID, TeamFilter{})
	if err != nil {
		return 0, err
	}
	var active []int64
	for _, t := range teams {
		if t.Active {
			active = append(active, t.ID)
		}
	}
	var n int
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.checkTeams(ctx, tx, c.ID, s.TeamIDs); err != nil {
			return err
		}
		if err := checkGroup(ctx, tx, c.ID, s.GroupID); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO meeting_series (collaborative_id, kind, title, rule, first_at, time_zone, duration_min, audience, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			c.ID, s.Kind, s.Title, s.Rule, ts(s.First), s.TimeZone, s.DurationMin, s.Audience, ts(db.Now())).Scan(&s.ID)
		if err != nil {
			return fmt.Errorf("create series: %w", err)
		}
		ms, err := s.Meetings(c.StartDate, c.EndDate, active)
		if err != nil {
			return &collab.ValidationError{Fields: map[string]string{"rule": "engagement.error.rule"}}
		}
		if len(ms) == 0 {
			return &collab.ValidationError{Fields: map[string]string{"start": "engagement.error.no_meetings"}}
		}
		w, err := db.newMeetingWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer w.Close()
		now := db.Now()
		for _, m := range ms {
			if err := w.insert(ctx, m, now); err != nil {
				return err
			}
		}
		n = len(ms)
		if err := db.notifyMeeting(ctx, tx, who, c.ID, s.Audience, s.TeamIDs, active, s.Title, fmt.Sprintf("/c/%d/calendar", c.ID)); err != nil {
			return err
		}
		return db.audit(ctx, tx, who, c.ID, "series.create", fmt.Sprint("series:", s.ID), fmt.Sprintf("%s (%d meetings)", s.Title, n))
	})
	return n, err
}

// notifyMeeting tells the people of each team a new meeting or series is
// for: every active team for an all-teams meeting or a series with one per team, the named teams
// otherwise, nobody for a partners' meeting. One notification per team
// for a whole series, not one per date.
func (db *DB) notifyMeeting(ctx context.Context, tx *sql.Tx, who collab.Who, collabID int64, aud engage.Audience, named, active []int64, title, link string) error {
	var teams []int64
	switch aud {
	case engage.AudienceAllTeams, engage.AudienceEachTeam:
		teams = active
	case engage.AudienceSomeTeams, engage.AudienceOneTeam:
		teams = named
	}
	for _, t := range teams {
		if err := db.notifyTeam(ctx, tx, notify.Event{CollaborativeID: collabID, TeamID: t, ActorID: who.UserID,
			Kind: notify.MeetingScheduled, Subject: title, Link: link}); err != nil {
			return err
		}
	}
	return nil
}

// CreateMeeting stores a single meeting.
func (db *DB) CreateMeeting(ctx context.Context, who collab.Who, m *engage.Meeting) error {
	if err := m.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.checkTeams(ctx, tx, m.CollaborativeID, m.TeamIDs); err != nil {
			return err
		}
		if err := checkGroup(ctx, tx, m.CollaborativeID, m.GroupID); err != nil {
			return err
		}
		if err := db.insertMeeting(ctx, tx, m); err != nil {
			return err
		}
		var active []int64
		if m.Audience == engage.AudienceAllTeams {
			rows, err := tx.QueryContext(ctx, `SELECT id FROM teams WHERE collaborative_id = $1 AND active ORDER BY id`, m.CollaborativeID)
			if err != nil {
				return fmt.Errorf("create meeting: %w", err)
			}
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return fmt.Errorf("create meeting: %w", err)
				}
				active = append(active, id)
			}
			rows.Close()
		}
		if err := db.notifyMeeting(ctx, tx, who, m.CollaborativeID, m.Audience, m.TeamIDs, active, m.Title, fmt.Sprintf("/c/%d/meetings/%d", m.CollaborativeID, m.ID)); err != nil {
			return err
		}
		return db.audit(ctx, tx, who, m.CollaborativeID, "meeting.create", fmt.Sprint("meeting:", m.ID), db.created(ctx, tx, "meetings", m.ID))
	})
}

// UpdateMeeting edits a meeting: moving a generated meeting marks it moved.
func (db *DB) UpdateMeeting(ctx context.Context, who collab.Who, m *engage.Meeting) error {
	old, err := db.FindMeeting(ctx, m.CollaborativeID, m.ID)
	if err != nil {
		return err
	}
	if err := m.Validate(); err != nil {
		return err
	}
	m.SeriesID = old.SeriesID
	m.Moved = old.Moved || (old.SeriesID != 0 && !old.StartsAt.Equal(m.StartsAt))
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.checkTeams(ctx, tx, m.CollaborativeID, m.TeamIDs); err != nil {
			return err
		}
		if err := checkGroup(ctx, tx, m.CollaborativeID, m.GroupID); err != nil {
			return err
		}
		before := db.snapshot(ctx, tx, "meetings", m.ID)
		_, err := tx.ExecContext(ctx, `UPDATE meetings SET kind = $1, title = $2, starts_at = $3, time_zone = $4, duration_min = $5, location = $6, video_url = $7,
			agenda = $8, materials = $9, audience = $10, cancelled = $11, moved = $12, group_id = $15 WHERE id = $13 AND collaborative_id = $14`,
			m.Kind, m.Title, ts(m.StartsAt), m.TimeZone, m.DurationMin, m.Location, m.VideoURL, m.Agenda, m.Materials, m.Audience, m.Cancelled, m.Moved, m.ID, m.CollaborativeID, nullID(m.GroupID))
		if err != nil {
			return fmt.Errorf("update meeting %d: %w", m.ID, err)
		}
		if err := db.setMeetingTeams(ctx, tx, m); err != nil {
			return err
		}
		action := "meeting.update"
		if m.Cancelled && !old.Cancelled {
			action = "meeting.cancel"
		}
		// The teams are told when their meeting moves or is cancelled,
		// the changes that matter to who comes.
		if !old.StartsAt.Equal(m.StartsAt) || m.Cancelled != old.Cancelled {
			if err := db.notifyChanged(ctx, tx, who, m.CollaborativeID, []*engage.Meeting{old, m}, m.Title, fmt.Sprintf("/c/%d/meetings/%d", m.CollaborativeID, m.ID)); err != nil {
				return err
			}
		}
		return db.audit(ctx, tx, who, m.CollaborativeID, action, fmt.Sprint("meeting:", m.ID), db.diffSince(ctx, tx, "meetings", m.ID, before))
	})
}

// UpdateSeriesMeetings applies an edit of one meeting of a series to "this
// and following" or the whole series (engage.PlanSeriesEdit says which
// meetings and how; meetings already held are never changed). Each changed
// meeting is audited with its diff, the edit as a whole once more with its
// scope, and each team invited to a changed meeting is told once. It
// returns the plan's outcome.
func (db *DB) UpdateSeriesMeetings(ctx context.Context, who collab.Who, edited *engage.Meeting, scope engage.EditScope) (engage.SeriesEdit, error) {
	var plan engage.SeriesEdit
	if scope != engage.ScopeFollowing && scope != engage.ScopeSeries {
		return plan, &collab.ValidationError{Fields: map[string]string{"scope": "error.invalid_choice"}}
	}
	old, err := db.FindMeeting(ctx, edited.CollaborativeID, edited.ID)
	if err != nil {
		return plan, err
	}
	if old.SeriesID == 0 {
		return plan, &collab.ValidationError{Fields: map[string]string{"scope": "calendar.error.not_series"}}
	}
	if err := edited.Validate(); err != nil {
		return plan, err
	}
	edited.SeriesID = old.SeriesID
	series, err := db.Meetings(ctx, old.CollaborativeID, MeetingFilter{SeriesID: old.SeriesID, Cancelled: true})
	if err != nil {
		return plan, err
	}
	plan = engage.PlanSeriesEdit(old, edited, series, scope, db.Now())
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.checkTeams(ctx, tx, edited.CollaborativeID, edited.TeamIDs); err != nil {
			return err
		}
		var touched []*engage.Meeting
		for _, m := range plan.Changed {
			before := db.snapshot(ctx, tx, "meetings", m.ID)
			_, err := tx.ExecContext(ctx, `UPDATE meetings SET kind = $1, title = $2, starts_at = $3, time_zone = $4, duration_min = $5, location = $6, video_url = $7,
				agenda = $8, materials = $9, audience = $10, cancelled = $11, moved = $12 WHERE id = $13 AND collaborative_id = $14`,
				m.Kind, m.Title, ts(m.StartsAt), m.TimeZone, m.DurationMin, m.Location, m.VideoURL, m.Agenda, m.Materials, m.Audience, m.Cancelled, m.Moved, m.ID, m.CollaborativeID)
			if err != nil {
				return fmt.Errorf("update meeting %d: %w", m.ID, err)
			}
			if err := db.setMeetingTeams(ctx, tx, m); err != nil {
				return err
			}
			if err := db.audit(ctx, tx, who, m.CollaborativeID, "meeting.update", fmt.Sprint("meeting:", m.ID), db.diffSince(ctx, tx, "meetings", m.ID, before)); err != nil {
				return err
			}
			touched = append(touched, m)
		}
		for _, m := range series {
			for _, c := range plan.Changed {
				if c.ID == m.ID {
					touched = append(touched, m) // who was invited before the edit is told too
				}
			}
		}
		if len(plan.Changed) > 0 {
			if err := db.notifyChanged(ctx, tx, who, old.CollaborativeID, touched, edited.Title, fmt.Sprintf("/c/%d/meetings/%d", old.CollaborativeID, old.ID)); err != nil {
				return err
			}
		}
		return db.audit(ctx, tx, who, old.CollaborativeID, "series.update", fmt.Sprint("series:", old.SeriesID),
			fmt.Sprintf("%s from meeting %d: %d meetings changed, %d already held left as they were", scope, old.ID, len(plan.Changed), plan.Held))
	})
	return plan, err
}

// notifyChanged tells each team invited to any of ms, once, that its
// meetings changed: every active team for an all-teams meeting, the named
// teams otherwise, nobody for a partners' meeting.
func (db *DB) notifyChanged(ctx context.Context, tx *sql.Tx, who collab.Who, collabID int64, ms []*engage.Meeting, title, link string) error {
	seen := map[int64]bool{}
	var teams []int64
	add := func(id int64) {
		if !seen[id] {
			seen[id] = true
			teams = append(teams, id)
		}
	}
	allTeams := false
	for _, m := range ms {
		switch m.Audience {
		case engage.AudienceAllTeams:
			allTeams = true
		case engage.AudienceSomeTeams, engage.AudienceOneTeam:
			for _, id := range m.TeamIDs {
				add(id)
			}
		}
	}
	if allTeams {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM teams WHERE collaborative_id = $1 AND active ORDER BY id`, collabID)
		if err != nil {
			return fmt.Errorf("notify meeting change: %w", err)
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return fmt.Errorf("notify meeting change: %w", err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		for _, id := range ids {
			add(id)
		}
	}
	for _, t := range teams {
		if err := db.notifyTeam(ctx, tx, notify.Event{CollaborativeID: collabID, TeamID: t, ActorID: who.UserID,
			Kind: notify.MeetingChanged, Subject: title, Link: link}); err != nil {
			return err
		}
	}
	return nil
}

const meetingCols = `m.id, m.collaborative_id, COALESCE(m.series_id, 0), m.kind, m.title, m.starts_at, m.time_zone, m.duration_min, m.location, m.video_url,
	m.agenda, m.materials, m.audience, m.cancelled, m.moved, COALESCE(m.group_id, 0)`

func scanMeeting(row interface{ Scan(...any) error }) (*engage.Meeting, error) {
	var m engage.Meeting
	var at Time
	err := row.Scan(&m.ID, &m.CollaborativeID, &m.SeriesID, &m.Kind, &m.Title, &at, &m.TimeZone, &m.DurationMin, &m.Location, &m.VideoURL,
		&m.Agenda, &m.Materials, &m.Audience, &m.Cancelled, &m.Moved, &m.GroupID)
	m.StartsAt = at.Time
	return &m, err
}

// FindMeeting returns a meeting of a collaborative; one of another
// collaborative is ErrNotFound.
func (db *DB) FindMeeting(ctx context.Context, collabID, id int64) (*engage.Meeting, error) {
	m, err := scanMeeting(db.read.QueryRowContext(ctx, `SELECT `+meetingCols+` FROM meetings m WHERE m.id = $1 AND m.collaborative_id = $2`, id, collabID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("find meeting %d: %w", id, collab.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("find meeting %d: %w", id, err)
	}
	err = db.loadMeetingTeams(ctx, []*engage.Meeting{m})
	return m, err
}

func (db *DB) loadMeetingTeams(ctx context.Context, ms []*engage.Meeting) error {
	if len(ms) == 0 {
		return nil
	}
	by := map[int64]*engage.Meeting{}
	for _, m := range ms {
		by[m.ID] = m
	}
	q, arg := `SELECT mt.meeting_id, mt.team_id FROM meeting_teams mt JOIN meetings m ON m.id = mt.meeting_id
		WHERE m.collaborative_id = $1 ORDER BY mt.meeting_id, mt.team_id`, ms[0].CollaborativeID
	if len(ms) == 1 {
		q, arg = `SELECT meeting_id, team_id FROM meeting_teams WHERE meeting_id = $1 ORDER BY team_id`, ms[0].ID
	}
	rows, err := db.read.QueryContext(ctx, q, arg)
	if err != nil {
		return fmt.Errorf("meeting teams: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var mid, tid int64
		if err := rows.Scan(&mid, &tid); err != nil {
			return fmt.Errorf("meeting teams: %w", err)
		}
		if m := by[mid]; m != nil {
			m.TeamIDs = append(m.TeamIDs, tid)
		}
	}
	return rows.Err()
}

// MeetingFilter selects meetings.
type MeetingFilter struct {
	// TeamID keeps the meetings whose audience includes the team.
	TeamID int64
	// From and To bound the start (zero: unbounded).
	From, To time.Time
	// Cancelled includes cancelled meetings.
	Cancelled bool
	// SeriesID keeps one series' meetings.
	SeriesID int64
	// GroupID keeps one group's meetings (a steering committee's).
	GroupID int64
}

// Meetings lists a collaborative's meetings by start.
func (db *DB) Meetings(ctx context.Context, collabID int64, f MeetingFilter) ([]*engage.Meeting, error) {
	q := `SELECT ` + meetingCols + ` FROM meetings m WHERE m.collaborative_id = $1`
	args := []any{collabID}
	if f.TeamID != 0 {
		args = append(args, f.TeamID)
		q += fmt.Sprintf(` AND (m.audience = 'all_teams' OR EXISTS (SELECT 1 FROM meeting_teams mt WHERE mt.meeting_id = m.id AND mt.team_id = $%d))`, len(args))
	}
	if f.SeriesID != 0 {
		args = append(args, f.SeriesID)
		q += fmt.Sprintf(` AND m.series_id = $%d`, len(args))
	}
	if f.GroupID != 0 {
		args = append(args, f.GroupID)
		q += fmt.Sprintf(` AND m.group_id = $%d`, len(args))
	}
	if !f.From.IsZero() {
		args = append(args, ts(f.From))
		q += fmt.Sprintf(` AND m.starts_at >= $%d`, len(args))
	}
	if !f.To.IsZero() {
		args = append(args, ts(f.To))
		q += fmt.Sprintf(` AND m.starts_at < $%d`, len(args))
	}
	if !f.Cancelled {
		q += ` AND NOT m.cancelled`
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY m.starts_at, m.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list meetings: %w", err)
	}
	defer rows.Close()
	var out []*engage.Meeting
	for rows.Next() {
		m, err := scanMeeting(rows)
		if err != nil {
			return nil, fmt.Errorf("list meetings: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list meetings: %w", err)
	}
	return out, db.loadMeetingTeams(ctx, out)
}

// MeetingsFor lists the meetings a person is invited to across every
// collaborative: all meetings of those they convene or coach, and their
// teams' meetings elsewhere. Cancelled meetings are included, so calendar
// feeds can remove them.
func (db *DB) MeetingsFor(ctx context.Context, userID int64) ([]*engage.Meeting, error) {
	a, err := db.LoadActor(ctx, userID)
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	var out []*engage.Meeting
	add := func(ms []*engage.Meeting) {
		for _, m := range ms {
			if !seen[m.ID] {
				seen[m.ID] = true
				out = append(out, m)
			}
		}
	}
	for cid, roles := range a.Roles {
		if len(roles) == 0 {
			continue
		}
		ms, err := db.Meetings(ctx, cid, MeetingFilter{Cancelled: true})
		if err != nil {
			return nil, err
		}
		add(ms)
	}
	for tid, m := range a.Teams {
		ms, err := db.Meetings(ctx, m.CollaborativeID, MeetingFilter{TeamID: tid, Cancelled: true})
		if err != nil {
			return nil, err
		}
		add(ms)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].StartsAt.Before(out[j].StartsAt) })
	return out, nil
}

// Invitee is a person a meeting is for, with their team (0 for staff).
type Invitee struct {
	UserID   int64
	TeamID   int64
	TeamName string
	Name     string
	Email    string
	Lang     string
	// TimeZone is the zone the person reads times in ("" for the
	// meeting's own).
	TimeZone  string
	Reminders bool
}

// Invitees lists the people a meeting is for: the members of its teams,
// then the people whose collaborative roles' grants make them expected
// (engage.Expected: by default its conveners and coaches at every meeting,
// and funders and evaluators at partners' meetings).
func (db *DB) Invitees(ctx context.Context, m *engage.Meeting) ([]Invitee, error) {
	var out []Invitee
	if m.Audience != engage.AudiencePartners {
		rows, err := db.read.QueryContext(ctx, `SELECT u.id, t.id, t.name, u.name, u.email, u.lang, u.time_zone, u.reminders FROM team_members tm
			JOIN teams t ON t.id = tm.team_id JOIN users u ON u.id = tm.user_id
			WHERE t.collaborative_id = $1 AND t.active AND ($2 = 'all_teams' OR t.id IN (SELECT team_id FROM meeting_teams WHERE meeting_id = $3))
			ORDER BY t.name, u.name`, m.CollaborativeID, string(m.Audience), m.ID)
		if err != nil {
			return nil, fmt.Errorf("invitees: %w", err)
		}
		for rows.Next() {
			var i Invitee
			if err := rows.Scan(&i.UserID, &i.TeamID, &i.TeamName, &i.Name, &i.Email, &i.Lang, &i.TimeZone, &i.Reminders); err != nil {
				rows.Close()
				return nil, fmt.Errorf("invitees: %w", err)
			}
			out = append(out, i)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("invitees: %w", err)
		}
	}
	rs, err := db.RoleSettings(ctx, m.CollaborativeID)
	if err != nil {
		return nil, fmt.Errorf("invitees: %w", err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT u.id, r.role, u.name, u.email, u.lang, u.time_zone, u.reminders FROM collab_roles r JOIN users u ON u.id = r.user_id
		WHERE r.collaborative_id = $1 ORDER BY u.name, u.id`, m.CollaborativeID)
	if err != nil {
		return nil, fmt.Errorf("invitees: %w", err)
	}
	defer rows.Close()
	seen := map[int64]bool{}
	for _, i := range out {
		seen[i.UserID] = true
	}
	// A person may hold several roles: they are expected if the union of
	// their roles' grants expects them, listed once, in name order.
	var staff []Invitee
	roles := map[int64][]collab.CollabRole{}
	for rows.Next() {
		var i Invitee
		var r collab.CollabRole
		if err := rows.Scan(&i.UserID, &r, &i.Name, &i.Email, &i.Lang, &i.TimeZone, &i.Reminders); err != nil {
			return nil, fmt.Errorf("invitees: %w", err)
		}
		if _, ok := roles[i.UserID]; !ok {
			staff = append(staff, i)
		}
		roles[i.UserID] = append(roles[i.UserID], r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("invitees: %w", err)
	}
	for _, i := range staff {
		if !seen[i.UserID] && engage.Expected(rs.Overrides.Resolve(roles[i.UserID]), m.Audience) {
			out = append(out, i)
		}
	}
	return out, nil
}

// SetAttendance records attendance for a meeting in one transaction: every
// record is checked first (the person must be among the meeting's
// invitees), and a record with an empty status is removed. onlyTeam, if
// not 0, limits the records to that team's people (a team lead records
// their own team).
func (db *DB) SetAttendance(ctx context.Context, who collab.Who, collabID, meetingID, onlyTeam int64, recs []engage.Attendance) error {
	return db.SetAttendanceMany(ctx, who, collabID, onlyTeam, map[int64][]engage.Attendance{meetingID: recs})
}

// SetAttendanceMany records attendance for several meetings in one
// transaction, all or nothing, with SetAttendance's checks.
func (db *DB) SetAttendanceMany(ctx context.Context, who collab.Who, collabID, onlyTeam int64, byMeeting map[int64][]engage.Attendance) error {
	v := collab.NewValidation()
	for meetingID, recs := range byMeeting {
		m, err := db.FindMeeting(ctx, collabID, meetingID)
		if err != nil {
			return err
		}
		inv, err := db.Invitees(ctx, m)
		if err != nil {
			return err
		}
		team := map[int64]int64{}
		for _, i := range inv {
			if onlyTeam == 0 || i.TeamID == onlyTeam {
				team[i.UserID] = i.TeamID
			}
		}
		for i := range recs {
			r := &recs[i]
			tid, ok := team[r.UserID]
			if !ok {
				v.Add(fmt.Sprint("status-", r.UserID), "engagement.error.not_invited")
				continue
			}
			r.TeamID, r.MeetingID = tid, meetingID
			if r.Status == "" {
				continue
			}
			if err := r.Validate(); err != nil {
				for f, msg := range collab.FieldErrors(err) {
					v.Add(fmt.Sprintf("%s-%d", f, r.UserID), msg)
				}
			}
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		for meetingID, recs := range byMeeting {
			// Each person's status before and after: who, at which meeting
			// (the row's target), from what to what.
			statuses := map[string][2]any{}
			for _, r := range recs {
				var was, wasAgreed any
				var s, with, alt string
				var on collab.Date
				switch err := tx.QueryRowContext(ctx, `SELECT status, agreed_on, agreed_with, alternative FROM attendance WHERE meeting_id = $1 AND user_id = $2`, meetingID, r.UserID).
					Scan(&s, &on, &with, &alt); {
				case err == nil:
					was = s
					wasAgreed = agreementText(on, with, alt)
				case !errors.Is(err, sql.ErrNoRows):
					return fmt.Errorf("record attendance: %w", err)
				}
				var now, nowAgreed any
				if r.Status != "" {
					now = string(r.Status)
					nowAgreed = agreementText(r.AgreedOn, r.AgreedWith, r.Alternative)
				}
				statuses[fmt.Sprint("user:", r.UserID)] = [2]any{was, now}
				// The agreement is part of what changed: who agreed an
				// alternative, when, and what it is.
				if wasAgreed != nowAgreed && (wasAgreed != nil && wasAgreed != "" || nowAgreed != nil && nowAgreed != "") {
					statuses[fmt.Sprint("user:", r.UserID, " agreement")] = [2]any{wasAgreed, nowAgreed}
				}
			}
			for _, r := range recs {
				if r.Status == "" {
					if _, err := tx.ExecContext(ctx, `DELETE FROM attendance WHERE meeting_id = $1 AND user_id = $2`, meetingID, r.UserID); err != nil {
						return fmt.Errorf("clear attendance: %w", err)
					}
					continue
				}
				_, err := tx.ExecContext(ctx, `INSERT INTO attendance (meeting_id, user_id, team_id, status, agreed_on, recorded_by, recorded_at, agreed_with, alternative) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
					ON CONFLICT (meeting_id, user_id) DO UPDATE SET team_id = excluded.team_id, status = excluded.status, agreed_on = excluded.agreed_on,
					recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at, agreed_with = excluded.agreed_with, alternative = excluded.alternative`,
					meetingID, r.UserID, nullID(r.TeamID), r.Status, r.AgreedOn, nullID(who.UserID), ts(db.Now()), r.AgreedWith, r.Alternative)
				if err != nil {
					return fmt.Errorf("record attendance: %w", err)
				}
			}
			if err := db.audit(ctx, tx, who, collabID, "attendance.record", fmt.Sprint("meeting:", meetingID), detail(statuses)); err != nil {
				return err
			}
		}
		return nil
	})
}

// agreementText is an agreed alternative as the audit row shows it.
func agreementText(on collab.Date, with, alt string) string {
	if on.IsZero() && with == "" && alt == "" {
		return ""
	}
	return strings.TrimSpace(on.String() + " " + with + ": " + alt)
}

// Attendance lists attendance records of a collaborative: of one meeting,
// or of all (meetingID 0).
func (db *DB) Attendance(ctx context.Context, collabID, meetingID int64) ([]engage.Attendance, error) {
	q := `SELECT a.meeting_id, a.user_id, COALESCE(a.team_id, 0), u.name, a.status, a.agreed_on, a.agreed_with, a.alternative FROM attendance a
		JOIN meetings m ON m.id = a.meeting_id JOIN users u ON u.id = a.user_id WHERE m.collaborative_id = $1`
	args := []any{collabID}
	if meetingID != 0 {
		q += ` AND a.meeting_id = $2`
		args = append(args, meetingID)
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY a.meeting_id, u.name`, args...)
	if err != nil {
		return nil, fmt.Errorf("list attendance: %w", err)
	}
	defer rows.Close()
	var out []engage.Attendance
	for rows.Next() {
		var a engage.Attendance
		if err := rows.Scan(&a.MeetingID, &a.UserID, &a.TeamID, &a.Name, &a.Status, &a.AgreedOn, &a.AgreedWith, &a.Alternative); err != nil {
			return nil, fmt.Errorf("list attendance: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AddActivity logs activity hours for a team member.
func (db *DB) AddActivity(ctx context.Context, who collab.Who, a *engage.Activity) error {
	return db.AddActivities(ctx, who, []*engage.Activity{a})
}

// AddActivities logs several activities in one transaction, all or none.
func (db *DB) AddActivities(ctx context.Context, who collab.Who, as []*engage.Activity) error {
	for _, a := range as {
		if err := a.Validate(); err != nil {
			return err
		}
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		for _, a := range as {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM team_members tm JOIN teams t ON t.id = tm.team_id
				WHERE tm.team_id = $1 AND tm.user_id = $2 AND t.collaborative_id = $3`, a.TeamID, a.UserID, a.CollaborativeID).Scan(&n); err != nil {
				return fmt.Errorf("add activity: %w", err)
			}
			if n == 0 {
				return &collab.ValidationError{Fields: map[string]string{"user": "engagement.error.not_member"}}
			}
			err := tx.QueryRowContext(ctx, `INSERT INTO activities (collaborative_id, team_id, user_id, month, kind, hours, note, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, a.CollaborativeID, a.TeamID, a.UserID, a.Month, a.Kind, a.Hours, a.Note, ts(db.Now())).Scan(&a.ID)
			if err != nil {
				return fmt.Errorf("add activity: %w", err)
			}
			if err := db.audit(ctx, tx, who, a.CollaborativeID, "activity.add", fmt.Sprintf("team:%d activity:%d", a.TeamID, a.ID), db.created(ctx, tx, "activities", a.ID)); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeleteActivity removes a logged activity of a team; with onlyUser not
// 0, only if that person logged it.
func (db *DB) DeleteActivity(ctx context.Context, who collab.Who, collabID, teamID, id, onlyUser int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		before := db.snapshot(ctx, tx, "activities", id)
		res, err := tx.ExecContext(ctx, `DELETE FROM activities WHERE id = $1 AND team_id = $2 AND collaborative_id = $3 AND ($4 = 0 OR user_id = $4)`,
			id, teamID, collabID, onlyUser)
		if err != nil {
			return fmt.Errorf("delete activity: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("delete activity %d: %w", id, collab.ErrNotFound)
		}
		return db.audit(ctx, tx, who, collabID, "activity.delete", fmt.Sprintf("team:%d activity:%d", teamID, id), removed(before))
	})
}

// Activities lists a collaborative's logged activities, of one team or
// all (teamID 0), newest month first.
func (db *DB) Activities(ctx context.Context, collabID, teamID int64) ([]engage.Activity, error) {
	q := `SELECT a.id, a.collaborative_id, a.team_id, a.user_id, u.name, a.month, a.kind, a.hours, a.note FROM activities a JOIN users u ON u.id = a.user_id
		WHERE a.collaborative_id = $1`
	args := []any{collabID}
	if teamID != 0 {
		q += ` AND a.team_id = $2`
		args = append(args, teamID)
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY a.month DESC, a.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("list activities: %w", err)
	}
	defer rows.Close()
	var out []engage.Activity
	for rows.Next() {
		var a engage.Activity
		if err := rows.Scan(&a.ID, &a.CollaborativeID, &a.TeamID, &a.UserID, &a.UserName, &a.Month, &a.Kind, &a.Hours, &a.Note); err != nil {
			return nil, fmt.Errorf("list activities: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// meetingRecords are a collaborative's meetings (cancelled ones left
// out) with everyone's attendance at them: what both a team's standing
// and the people at meetings are counted from.
func (db *DB) meetingRecords(ctx context.Context, collabID int64) ([]*engage.Meeting, []engage.Attendance, []engage.PersonAttendance, error) {
	ms, err := db.Meetings(ctx, collabID, MeetingFilter{})
	if err != nil {
		return nil, nil, nil, err
	}
	att, err := db.Attendance(ctx, collabID, 0)
	if err != nil {
		return nil, nil, nil, err
	}
	people, err := db.PersonAttendance(ctx, collabID, 0)
	if err != nil {
		return nil, nil, nil, err
	}
	return ms, att, people, nil
}

// Compliance computes every team's standing as of now.
func (db *DB) Compliance(ctx context.Context, c *collab.Collaborative) ([]engage.TeamCompliance, error) {
	tcs, _, err := db.Participation(ctx, c)
	return tcs, err
}

// Participation computes every team's standing as of now and who
// attended each held meeting (engage.Turnouts), from one reading of the
// meetings and their attendance: the participation page and the funder
// report show both.
func (db *DB) Participation(ctx context.Context, c *collab.Collaborative) ([]engage.TeamCompliance, []engage.Turnout, error) {
	st, err := db.EngagementSettings(ctx, c.ID)
	if err != nil {
		return nil, nil, err
	}
	teams, err := db.Teams(ctx, c.ID, TeamFilter{WithMembers: true})
	if err != nil {
		return nil, nil, err
	}
	ms, att, people, err := db.meetingRecords(ctx, c.ID)
	if err != nil {
		return nil, nil, err
	}
	acts, err := db.Activities(ctx, c.ID, 0)
	if err != nil {
		return nil, nil, err
	}
	now := db.Now()
	tcs := engage.Compute(engage.Input{Policy: c.Policy, Settings: st, Start: c.StartDate, End: c.EndDate, AsOf: now,
		Teams: teams, Meetings: ms, Attendance: att, People: people, Activities: acts})
	return tcs, engage.Turnouts(ms, att, people, now), nil
}

// Turnouts counts who attended each of a collaborative's held meetings,
// with accounts and without (engage.Turnouts), in the meetings' order.
func (db *DB) Turnouts(ctx context.Context, collabID int64) ([]engage.Turnout, error) {
	ms, att, people, err := db.meetingRecords(ctx, collabID)
	if err != nil {
		return nil, err
	}
	return engage.Turnouts(ms, att, people, db.Now()), nil
}

// SetCalendarFeed gives a person a new private calendar feed token,
// replacing (and so revoking) any earlier one. Only its hash is stored.
func (db *DB) SetCalendarFeed(ctx context.Context, who collab.Who, userID int64, token string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		// One upsert, not DELETE-then-INSERT: two first feeds at once
		// would both find nothing to delete and collide on user_id.
		if _, err := tx.ExecContext(ctx, `INSERT INTO calendar_feeds (token_hash, user_id, created_at) VALUES ($1, $2, $3)
			ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at`, HashToken(token), userID, ts(db.Now())); err != nil {
			return fmt.Errorf("calendar feed: %w", err)
		}
		return db.audit(ctx, tx, who, 0, "calendar_feed.create", fmt.Sprint("user:", userID), detail(map[string]any{"calendar_feed": []string{"replaced or none", "new link"}}))
	})
}

// DeleteCalendarFeed revokes a person's calendar feed.
func (db *DB) DeleteCalendarFeed(ctx context.Context, who collab.Who, userID int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM calendar_feeds WHERE user_id = $1`, userID); err != nil {
			return fmt.Errorf("revoke calendar feed: %w", err)
		}
		return db.audit(ctx, tx, who, 0, "calendar_feed.revoke", fmt.Sprint("user:", userID), detail(map[string]any{"calendar_feed": []any{"link", nil}}))
	})
}

// HasCalendarFeed reports whether a person has a calendar feed.
func (db *DB) HasCalendarFeed(ctx context.Context, userID int64) (bool, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM calendar_feeds WHERE user_id = $1`, userID).Scan(&n)
	return n > 0, err
}

// CalendarFeedUser returns whose feed a token opens; ErrNotFound if none.
func (db *DB) CalendarFeedUser(ctx context.Context, token string) (int64, error) {
	var uid int64
	err := db.read.QueryRowContext(ctx, `SELECT user_id FROM calendar_feeds WHERE token_hash = $1`, HashToken(token)).Scan(&uid)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("calendar feed: %w", collab.ErrNotFound)
	}
	return uid, err
}

// ClaimReminder records that a reminder is being sent. It returns false if
// it was already claimed, by this replica or another: the primary key
// lets only one insert through, so each reminder goes once. ON CONFLICT DO
// NOTHING rather than a unique-key error, so a lost claim is an ordinary
// answer and not an error in PostgreSQL's log.
func (db *DB) ClaimReminder(ctx context.Context, kind, ref string, userID int64) (bool, error) {
	res, err := db.write.ExecContext(ctx, `INSERT INTO reminders_sent (kind, ref, user_id, sent_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, kind, ref, userID, ts(db.Now()))
	if err != nil {
		return false, fmt.Errorf("claim reminder: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claim reminder: %w", err)
	}
	return n == 1, nil
}

// ReleaseReminder forgets a claim whose email could not be sent, so the
// next round tries again.
func (db *DB) ReleaseReminder(ctx context.Context, kind, ref string, userID int64) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM reminders_sent WHERE kind = $1 AND ref = $2 AND user_id = $3`, kind, ref, userID)
	return err
}

// UpcomingMeetings lists meetings of every collaborative starting in
// [from, to), not cancelled, for reminders.
func (db *DB) UpcomingMeetings(ctx context.Context, from, to time.Time) ([]*engage.Meeting, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT collaborative_id FROM meetings WHERE starts_at >= $1 AND starts_at < $2 AND NOT cancelled`, ts(from), ts(to))
	if err != nil {
		return nil, fmt.Errorf("upcoming meetings: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	var out []*engage.Meeting
	for _, id := range ids {
		ms, err := db.Meetings(ctx, id, MeetingFilter{From: from, To: to})
		if err != nil {
			return nil, err
		}
		out = append(out, ms...)
	}
	return out, nil
}

// ActiveCollaboratives lists collaboratives whose status is active.
func (db *DB) ActiveCollaboratives(ctx context.Context) ([]*collab.Collaborative, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id FROM collaboratives WHERE status = 'active' ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("active collaboratives: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	var out []*collab.Collaborative
	for _, id := range ids {
		c, err := db.FindCollaborative(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// SaveFeedback stores an attendee's answer to "Was this helpful?"; only
// someone recorded as attending may answer.
func (db *DB) SaveFeedback(ctx context.Context, who collab.Who, collabID int64, f *engage.Feedback) error {
	if err := f.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM attendance a JOIN meetings m ON m.id = a.meeting_id
			WHERE a.meeting_id = $1 AND a.user_id = $2 AND m.collaborative_id = $3 AND a.status IN ('in_person','virtual')`, f.MeetingID, f.UserID, collabID).Scan(&n); err != nil {
			return fmt.Errorf("save feedback: %w", err)
		}
		if n == 0 {
			return &collab.ValidationError{Fields: map[string]string{"helpful": "engagement.error.not_attendee"}}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO feedback (meeting_id, user_id, helpful, comment, created_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (meeting_id, user_id) DO UPDATE SET helpful = excluded.helpful, comment = excluded.comment, created_at = excluded.created_at`,
			f.MeetingID, f.UserID, f.Helpful, f.Comment, ts(db.Now()))
		if err != nil {
			return fmt.Errorf("save feedback: %w", err)
		}
		return db.audit(ctx, tx, who, collabID, "feedback.save", fmt.Sprintf("meeting:%d user:%d", f.MeetingID, f.UserID),
			detail(map[string]any{"helpful": f.Helpful, "comment": short(f.Comment)}))
	})
}

// Feedback lists a collaborative's feedback, of one meeting or all
// (meetingID 0), by meeting.
func (db *DB) Feedback(ctx context.Context, collabID, meetingID int64) ([]engage.Feedback, error) {
	q := `SELECT f.meeting_id, f.user_id, u.name, f.helpful, f.comment, f.created_at FROM feedback f JOIN meetings m ON m.id = f.meeting_id
		JOIN users u ON u.id = f.user_id WHERE m.collaborative_id = $1`
	args := []any{collabID}
	if meetingID != 0 {
		q += ` AND f.meeting_id = $2`
		args = append(args, meetingID)
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY m.starts_at, f.created_at`, args...)
	if err != nil {
		return nil, fmt.Errorf("list feedback: %w", err)
	}
	defer rows.Close()
	var out []engage.Feedback
	for rows.Next() {
		var f engage.Feedback
		var at Time
		if err := rows.Scan(&f.MeetingID, &f.UserID, &f.Name, &f.Helpful, &f.Comment, &at); err != nil {
			return nil, fmt.Errorf("list feedback: %w", err)
		}
		f.At = at.Time
		out = append(out, f)
	}
	return out, rows.Err()
}

// SetRate sets a person's stipend rate in a collaborative: a person with
// an account on one of its teams, or a person without one recorded in it.
func (db *DB) SetRate(ctx context.Context, who collab.Who, collabID int64, r engage.Rate) error {
	if err := r.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.checkPayee(ctx, tx, collabID, r.UserID, r.PersonID); err != nil {
			return err
		}
		var err error
		if r.PersonID != 0 {
			_, err = tx.ExecContext(ctx, `INSERT INTO compensation_rates (collaborative_id, person_id, basis, amount_cents) VALUES ($1, $2, $3, $4)
				ON CONFLICT (collaborative_id, person_id) DO UPDATE SET basis = excluded.basis, amount_cents = excluded.amount_cents`, collabID, r.PersonID, r.Basis, r.AmountCents)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO compensation_rates (collaborative_id, user_id, basis, amount_cents) VALUES ($1, $2, $3, $4)
				ON CONFLICT (collaborative_id, user_id) DO UPDATE SET basis = excluded.basis, amount_cents = excluded.amount_cents`, collabID, r.UserID, r.Basis, r.AmountCents)
		}
		if err != nil {
			return fmt.Errorf("set rate: %w", err)
		}
		return db.audit(ctx, tx, who, collabID, "compensation.rate", payeeRef(r.UserID, r.PersonID), fmt.Sprintf("%s %d", r.Basis, r.AmountCents))
	})
}

// payeeRef names a payee in the audit log.
func payeeRef(userID, personID int64) string {
	if personID != 0 {
		return fmt.Sprint("person:", personID)
	}
	return fmt.Sprint("user:", userID)
}

// checkPayee verifies that whoever is paid is the collaborative's: a
// person with an account on one of its teams, or a person without an
// account recorded in it who has not since taken one.
func (db *DB) checkPayee(ctx context.Context, tx *sql.Tx, collabID, userID, personID int64) error {
	if personID == 0 {
		return db.checkPerson(ctx, tx, collabID, userID)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM community_people WHERE id = $1 AND collaborative_id = $2 AND user_id IS NULL`,
		personID, collabID).Scan(&n); err != nil {
		return fmt.Errorf("check person: %w", err)
	}
	if n == 0 {
		return &collab.ValidationError{Fields: map[string]string{"user": "engagement.error.not_member"}}
	}
	return nil
}

// checkPerson verifies that a person is on a team of the collaborative.
func (db *DB) checkPerson(ctx context.Context, tx *sql.Tx, collabID, userID int64) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM team_members tm JOIN teams t ON t.id = tm.team_id WHERE tm.user_id = $1 AND t.collaborative_id = $2`,
		userID, collabID).Scan(&n); err != nil {
		return fmt.Errorf("check person: %w", err)
	}
	if n == 0 {
		return &collab.ValidationError{Fields: map[string]string{"user": "engagement.error.not_member"}}
	}
	return nil
}

// Rates lists a collaborative's stipend rates.
func (db *DB) Rates(ctx context.Context, collabID int64) ([]engage.Rate, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT COALESCE(r.user_id, 0), COALESCE(r.person_id, 0), COALESCE(u.name, p.name), COALESCE(u.email, ''), r.basis, r.amount_cents
		FROM compensation_rates r LEFT JOIN users u ON u.id = r.user_id LEFT JOIN community_people p ON p.id = r.person_id
		WHERE r.collaborative_id = $1 ORDER BY COALESCE(u.name, p.name), r.user_id, r.person_id`, collabID)
	if err != nil {
		return nil, fmt.Errorf("list rates: %w", err)
	}
	defer rows.Close()
	var out []engage.Rate
	for rows.Next() {
		var r engage.Rate
		if err := rows.Scan(&r.UserID, &r.PersonID, &r.Name, &r.Email, &r.Basis, &r.AmountCents); err != nil {
			return nil, fmt.Errorf("list rates: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// AccrueStipends adds what is owed under each rate for the meetings held
// so far: one stipend per meeting attended, or per month with any
// attendance. It is idempotent (each source once per person) and returns
// how many stipends it added.
func (db *DB) AccrueStipends(ctx context.Context, who collab.Who, collabID int64) (int, error) {
	rates, err := db.Rates(ctx, collabID)
	if err != nil {
		return 0, err
	}
	att, err := db.Attendance(ctx, collabID, 0)
	if err != nil {
		return 0, err
	}
	ms, err := db.Meetings(ctx, collabID, MeetingFilter{To: db.Now()})
	if err != nil {
		return 0, err
	}
	held := map[int64]*engage.Meeting{}
	for _, m := range ms {
		held[m.ID] = m
	}
	// People without an account attend as themselves; their records join
	// the others', told apart by PersonID.
	patt, err := db.PersonAttendance(ctx, collabID, 0)
	if err != nil {
		return 0, err
	}
	type present struct {
		meetingID, userID, personID int64
		status                      engage.Status
	}
	var all []present
	for _, a := range att {
		all = append(all, present{a.MeetingID, a.UserID, 0, a.Status})
	}
	for _, a := range patt {
		all = append(all, present{a.MeetingID, 0, a.PersonID, a.Status})
	}
	added := 0
	var stipends []map[string]any // what was added, for the audit row
	err = db.tx(ctx, func(tx *sql.Tx) error {
		for _, r := range rates {
			for _, a := range all {
				m := held[a.meetingID]
				if a.userID != r.UserID || a.personID != r.PersonID || m == nil || !a.status.Attended() {
					continue
				}
				src, desc := fmt.Sprint("meeting:", m.ID), fmt.Sprintf("%s %s", m.Day(), m.Title)
				if r.Basis == engage.PerMonth {
					src = "month:" + m.Day().String()[:7]
					desc = m.Day().String()[:7]
				}
				q := `INSERT INTO compensation (collaborative_id, user_id, kind, source, description, amount_cents, created_at)
					VALUES ($1, $2, 'stipend', $3, $4, $5, $6) ON CONFLICT (collaborative_id, user_id, source) DO NOTHING`
				payee := r.UserID
				if r.PersonID != 0 {
					q = `INSERT INTO compensation (collaborative_id, person_id, kind, source, description, amount_cents, created_at)
					VALUES ($1, $2, 'stipend', $3, $4, $5, $6) ON CONFLICT (collaborative_id, person_id, source) DO NOTHING`
					payee = r.PersonID
				}
				res, err := tx.ExecContext(ctx, q, collabID, payee, src, desc, r.AmountCents, ts(db.Now()))
				if err != nil {
					return fmt.Errorf("accrue stipend: %w", err)
				}
				n, _ := res.RowsAffected()
				added += int(n)
				if n > 0 {
					stipends = append(stipends, map[string]any{"payee": payeeRef(r.UserID, r.PersonID), "source": src, "amount_cents": r.AmountCents})
				}
			}
		}
		return db.audit(ctx, tx, who, collabID, "compensation.accrue", fmt.Sprint("collaborative:", collabID), detail(map[string]any{"stipends_added": stipends}))
	})
	return added, err
}

// AddReimbursement records a reimbursement owed to a person.
func (db *DB) AddReimbursement(ctx context.Context, who collab.Who, collabID int64, p *engage.Payable) error {
	p.Kind = engage.Reimbursement
	if err := p.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.checkPayee(ctx, tx, collabID, p.UserID, p.PersonID); err != nil {
			return err
		}
		p.Source = fmt.Sprint("reimbursement:", db.Now().UnixNano())
		err := tx.QueryRowContext(ctx, `INSERT INTO compensation (collaborative_id, user_id, person_id, kind, source, description, amount_cents, created_at)
			VALUES ($1, $2, $3, 'reimbursement', $4, $5, $6, $7) RETURNING id`, collabID, nullID(p.UserID), nullID(p.PersonID), p.Source, p.Description, p.AmountCents, ts(db.Now())).Scan(&p.ID)
		if err != nil {
			return fmt.Errorf("add reimbursement: %w", err)
		}
		return db.audit(ctx, tx, who, collabID, "compensation.reimbursement", fmt.Sprint("payable:", p.ID), db.created(ctx, tx, "compensation", p.ID))
	})
}

// MarkPaid marks what is owed as paid on a day.
func (db *DB) MarkPaid(ctx context.Context, who collab.Who, collabID int64, ids []int64, on collab.Date) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		paid := map[string][2]any{}
		for _, id := range ids {
			paid[fmt.Sprint("payable:", id, " paid_on")] = [2]any{nil, on.String()}
			res, err := tx.ExecContext(ctx, `UPDATE compensation SET paid_on = $1 WHERE id = $2 AND collaborative_id = $3 AND paid_on IS NULL`, on, id, collabID)
			if err != nil {
				return fmt.Errorf("mark paid: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return fmt.Errorf("mark paid %d: %w", id, collab.ErrNotFound)
			}
		}
		return db.audit(ctx, tx, who, collabID, "compensation.paid", fmt.Sprint("collaborative:", collabID), detail(paid))
	})
}

// Payables lists what is or was owed in a collaborative.
func (db *DB) Payables(ctx context.Context, collabID int64) ([]engage.Payable, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT c.id, COALESCE(c.user_id, 0), COALESCE(c.person_id, 0), COALESCE(u.name, p.name), COALESCE(u.email, ''),
		COALESCE(p.payment_method, ''), COALESCE(p.contact, ''), c.kind, c.source, c.description, c.amount_cents, c.paid_on
		FROM compensation c LEFT JOIN users u ON u.id = c.user_id LEFT JOIN community_people p ON p.id = c.person_id
		WHERE c.collaborative_id = $1 ORDER BY COALESCE(u.name, p.name), c.kind DESC, c.description, c.id`, collabID)
	if err != nil {
		return nil, fmt.Errorf("list payables: %w", err)
	}
	defer rows.Close()
	var out []engage.Payable
	for rows.Next() {
		var p engage.Payable
		if err := rows.Scan(&p.ID, &p.UserID, &p.PersonID, &p.Name, &p.Email, &p.PaymentMethod, &p.Contact, &p.Kind, &p.Source, &p.Description, &p.AmountCents, &p.PaidOn); err != nil {
			return nil, fmt.Errorf("list payables: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
