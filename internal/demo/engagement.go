package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/engage"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

// notes says what each kind of activity was, so a note never contradicts
// its kind (a "site visit" that was a coaching session).
var notes = map[engage.ActivityKind][]string{
	engage.ActSiteVisit: {"Site visit: shadowed a peer team's check-in conversations.", "Hosted Pioneer's advocates for a morning of intake."},
	engage.ActTools:     {"Revised our intake form around the Five Domains of Wellbeing.", "Tried the opening-questions card with two new advocates."},
	engage.ActCoaching:  {"Coaching session on minimizing tradeoffs in shelter rules.", "Coaching call prep: pulled last month's data together."},
	engage.ActOther:     {"Mapped community assets with program participants.", "Team meeting on what we learned from our last PDSA cycle."},
}

// SeedEngagement gives the demo collaborative seed 000's calendar —
// quarterly in-person and virtual meetings, monthly coaching calls per
// team, all-teams meetings every other month — with three months of
// attendance, activity hours, feedback and a stipend rate, so the
// participation dashboard shows every state.
func SeedEngagement(ctx context.Context, db *sqlstore.DB, res *Result) error {
	c, err := db.FindCollaborative(ctx, res.CollaborativeID)
	if err != nil {
		return err
	}
	who := collab.Who{RemoteAddr: "demo"}
	const tz = "America/New_York"
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return fmt.Errorf("demo calendar: %w", err)
	}
	day := func(months, days, hour, min int) time.Time {
		d := c.StartDate.AddMonths(months).AddDays(days).Time()
		return time.Date(d.Year(), d.Month(), d.Day(), hour, min, 0, 0, loc)
	}
	series := []*engage.Series{
		{Details: engage.Details{Kind: engage.KindInPerson, Title: "Quarterly in-person meeting", TimeZone: tz, DurationMin: 360,
			Location: "Worcester Community Center, 15 Main Street", Audience: engage.AudienceAllTeams,
			Agenda: "Welcome and check-in; the Five Domains of Wellbeing in practice; what went well since we last met; planning the next quarter."},
			Rule: engage.CadenceRule("quarterly") + ";BYDAY=2TH", First: day(0, 0, 9, 30)},
		{Details: engage.Details{Kind: engage.KindVirtual, Title: "Quarterly virtual meeting", TimeZone: tz, DurationMin: 120,
			VideoURL: "https://video.example.org/wellbeing-collaborative", Audience: engage.AudienceAllTeams},
			Rule: engage.CadenceRule("quarterly") + ";BYDAY=3WE", First: day(1, 0, 13, 0)},
		{Details: engage.Details{Kind: engage.KindCoaching, Title: "Coaching call", TimeZone: tz, DurationMin: 60,
			VideoURL: "https://video.example.org/coaching", Audience: engage.AudienceEachTeam},
			Rule: engage.CadenceRule("monthly") + ";BYDAY=3TU", First: day(0, 0, 10, 0)},
		{Details: engage.Details{Kind: engage.KindAllTeams, Title: "All-teams meeting", TimeZone: tz, DurationMin: 90,
			VideoURL: "https://video.example.org/all-teams", Audience: engage.AudienceAllTeams},
			Rule: engage.CadenceRule("bimonthly") + ";BYDAY=-1WE", First: day(0, 0, 15, 0)},
	}
	for _, s := range series {
		if _, err := db.CreateSeries(ctx, who, c, s); err != nil {
			return fmt.Errorf("demo series %s: %w", s.Title, err)
		}
	}
	now := db.Now()
	ms, err := db.Meetings(ctx, c.ID, sqlstore.MeetingFilter{To: now})
	if err != nil {
		return err
	}
	teams := make([]*collab.Team, 0, len(res.TeamIDs))
	for _, id := range res.TeamIDs {
		t, err := db.FindTeam(ctx, c.ID, id)
		if err != nil {
			return err
		}
		teams = append(teams, t)
	}
	// Harbor attends everything; Pioneer sends apologies to the virtual
	// meetings, agreed a week in advance; Cape misses its coaching calls
	// of the last three months without a word (off track); Berkshire, a
	// small organization, sends one person and logged too few hours last
	// month (at risk).
	recent := collab.NewDate(now.Year(), now.Month(), 1).AddMonths(-3)
	var firstAll *engage.Meeting
	byMeeting := map[int64][]engage.Attendance{}
	for _, m := range ms {
		var recs []engage.Attendance
		for i, t := range teams {
			if !m.ForTeam(t.ID) || len(t.Members) < 2 {
				continue
			}
			dir, adv := t.Members[0].UserID, t.Members[1].UserID
			switch {
			case i == 1 && m.Kind == engage.KindVirtual:
				recs = append(recs, engage.Attendance{UserID: dir, Status: engage.Apologies, AgreedOn: m.Day().AddDays(-7),
					AgreedWith: "FFI and DPH", Alternative: "Watches the recording and sends a written reflection"})
			case i == 2 && m.Kind == engage.KindCoaching && !m.Day().Before(recent):
			case i == 3:
				recs = append(recs, engage.Attendance{UserID: adv, Status: engage.Virtually})
			case m.Kind != engage.KindInPerson:
				// Nobody attends a video call "in person".
				recs = append(recs, engage.Attendance{UserID: dir, Status: engage.Virtually}, engage.Attendance{UserID: adv, Status: engage.Virtually})
			default:
				recs = append(recs, engage.Attendance{UserID: dir, Status: engage.InPerson}, engage.Attendance{UserID: adv, Status: engage.Virtually})
			}
		}
		if len(recs) == 0 {
			continue
		}
		byMeeting[m.ID] = recs
		if firstAll == nil && m.Audience == engage.AudienceAllTeams {
			firstAll = m
		}
	}
	if err := db.SetAttendanceMany(ctx, who, c.ID, 0, byMeeting); err != nil {
		return fmt.Errorf("demo attendance: %w", err)
	}
	var acts []*engage.Activity
	thisMonth := collab.NewDate(now.Year(), now.Month(), 1)
	for i, t := range teams {
		if len(t.Members) == 0 {
			continue
		}
		for k, month := 0, c.StartDate; month.Before(thisMonth); k, month = k+1, month.AddMonths(1) {
			h := []float64{5, 4.5, 6, 4}[i]
			if i == 3 && month == thisMonth.AddMonths(-1) {
				h = 2.5
			}
			kind := engage.ActivityKinds[k%len(engage.ActivityKinds)]
			a := &engage.Activity{CollaborativeID: c.ID, TeamID: t.ID, UserID: t.Members[k%len(t.Members)].UserID, Month: month,
				Kind: kind, Hours: h, Note: notes[kind][(k/len(engage.ActivityKinds))%len(notes[kind])]}
			acts = append(acts, a)
		}
	}
	if err := db.AddActivities(ctx, who, acts); err != nil {
		return fmt.Errorf("demo activity: %w", err)
	}
	if firstAll != nil && len(teams) > 0 && len(teams[0].Members) > 1 {
		for j, comment := range []string{"The peer exchange on shelter rules was the most useful hour of my month.", ""} {
			f := &engage.Feedback{MeetingID: firstAll.ID, UserID: teams[0].Members[j].UserID, Helpful: j == 0, Comment: comment}
			if err := db.SaveFeedback(ctx, who, c.ID, f); err != nil {
				return fmt.Errorf("demo feedback: %w", err)
			}
		}
	}
	if len(teams) > 3 && len(teams[3].Members) > 1 {
		if err := db.SetRate(ctx, who, c.ID, engage.Rate{UserID: teams[3].Members[1].UserID, Basis: engage.PerMeeting, AmountCents: 5000}); err != nil {
			return err
		}
		if _, err := db.AccrueStipends(ctx, who, c.ID); err != nil {
			return err
		}
	}
	return nil
}
