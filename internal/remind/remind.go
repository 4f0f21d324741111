// Package remind sends goeswell's reminder emails: before each meeting, to
// the people it is for, and before the monthly deadline for activity
// hours, to every team member. A person can turn reminders off on their
// account page.
//
// Several replicas may run the loop on one PostgreSQL database: each
// reminder is claimed with a row in reminders_sent whose primary key makes
// a second claim fail, so every reminder is sent once.
package remind

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/engage"
	"github.com/goeswell/goeswell/internal/i18n"
	"github.com/goeswell/goeswell/internal/mail"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

// Config configures a Reminder.
type Config struct {
	DB      *sqlstore.DB
	Mailer  *mail.Sender
	Logger  *slog.Logger
	BaseURL string
	// Every is how often the loop looks for reminders due (default 5 min).
	Every time.Duration
}

// Reminder finds and sends reminders due.
type Reminder struct {
	cfg Config
	cat *i18n.Catalog
	// rounds counts the loop's finished rounds, so a test can wait for
	// rounds to pass instead of sleeping.
	rounds atomic.Int64
}

// New returns a Reminder.
func New(cfg Config) *Reminder {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Every <= 0 {
		cfg.Every = 5 * time.Minute
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	return &Reminder{cfg: cfg, cat: i18n.MustLoad()}
}

// Start runs the reminder loop in a goroutine until ctx ends, and reports
// whether it started: it does nothing when SMTP is not configured.
func (r *Reminder) Start(ctx context.Context) bool {
	if !r.cfg.Mailer.Enabled() {
		r.cfg.Logger.Info("reminders off: SMTP is not configured")
		return false
	}
	go func() {
		t := time.NewTicker(r.cfg.Every)
		defer t.Stop()
		for {
			if n, err := r.RunOnce(ctx); err != nil {
				if ctx.Err() != nil {
					return
				}
				r.cfg.Logger.Error("reminders", "err", err)
			} else if n > 0 {
				r.cfg.Logger.Info("reminders sent", "count", n)
			}
			r.rounds.Add(1)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return true
}

// RunOnce sends every reminder due now and returns how many it sent.
func (r *Reminder) RunOnce(ctx context.Context) (int, error) {
	a, err := r.meetings(ctx)
	if err != nil {
		return a, err
	}
	b, err := r.deadlines(ctx)
	if err != nil {
		return a + b, err
	}
	c, err := r.notifications(ctx)
	return a + b + c, err
}

// notifications emails the in-app notifications of the people who asked
// for them by email (notify.email on the notifications page); one read in
// the app first is not sent.
func (r *Reminder) notifications(ctx context.Context) (int, error) {
	db := r.cfg.DB
	ns, err := db.PendingNotificationEmails(ctx, 200)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, n := range ns {
		ok, err := db.ClaimNotificationEmail(ctx, n.ID, false)
		if err != nil {
			return sent, err
		}
		if !ok {
			continue
		}
		pr := r.cat.Printer(n.Lang)
		who := n.ActorName
		if who == "" {
			who = pr.Sprintf("notify.someone")
		}
		text := pr.Sprintf("notify.kind."+string(n.Kind), who, n.Subject)
		m := mail.Message{To: n.Email, Subject: pr.Sprintf("mail.notify_subject", text),
			Body: pr.Sprintf("mail.notify_body", text, r.cfg.BaseURL+n.Link, r.cfg.BaseURL)}
		if err := r.cfg.Mailer.Send(ctx, m); err != nil {
			r.cfg.Logger.Warn("notification email not sent", "notification", n.ID, "err", err)
			if _, err := db.ClaimNotificationEmail(ctx, n.ID, true); err != nil {
				return sent, err
			}
			continue
		}
		sent++
	}
	return sent, nil
}

// maxLead bounds how far ahead reminders may be set (Settings.ReminderHours
// is at most 14 days).
const maxLead = 14 * 24 * time.Hour

func (r *Reminder) meetings(ctx context.Context) (int, error) {
	db := r.cfg.DB
	now := db.Now()
	ms, err := db.UpcomingMeetings(ctx, now, now.Add(maxLead))
	if err != nil {
		return 0, err
	}
	settings := map[int64]engage.Settings{}
	sent := 0
	for _, m := range ms {
		st, ok := settings[m.CollaborativeID]
		if !ok {
			if st, err = db.EngagementSettings(ctx, m.CollaborativeID); err != nil {
				return sent, err
			}
			settings[m.CollaborativeID] = st
		}
		if m.StartsAt.After(now.Add(time.Duration(st.ReminderHours) * time.Hour)) {
			continue
		}
		inv, err := db.Invitees(ctx, m)
		if err != nil {
			return sent, err
		}
		// The start time is part of the key: a moved meeting is announced
		// again at its new time.
		ref := fmt.Sprintf("meeting:%d:%d", m.ID, m.StartsAt.Unix())
		for _, p := range inv {
			if !p.Reminders {
				continue
			}
			msg := r.meetingMessage(m, p)
			ok, err := r.send(ctx, "meeting", ref, p.UserID, msg)
			if err != nil {
				return sent, err
			}
			if ok {
				sent++
			}
		}
	}
	return sent, nil
}

// send claims a reminder and sends it; a failed send releases the claim
// so the next round tries again.
func (r *Reminder) send(ctx context.Context, kind, ref string, userID int64, m mail.Message) (bool, error) {
	db := r.cfg.DB
	ok, err := db.ClaimReminder(ctx, kind, ref, userID)
	if err != nil || !ok {
		return false, err
	}
	if err := r.cfg.Mailer.Send(ctx, m); err != nil {
		r.cfg.Logger.Warn("reminder not sent", "kind", kind, "ref", ref, "user", userID, "err", err)
		if rerr := db.ReleaseReminder(ctx, kind, ref, userID); rerr != nil {
			return false, rerr
		}
		return false, nil
	}
	return true, nil
}

// meetingMessage is the reminder a person gets before a meeting.
func (r *Reminder) meetingMessage(m *engage.Meeting, p sqlstore.Invitee) mail.Message {
	pr := r.cat.Printer(p.Lang)
	// In the person's zone if they chose one, else the meeting's own,
	// with names in their language (i18n.Dates, as on the pages).
	loc := m.Loc()
	if z, err := time.LoadLocation(p.TimeZone); err == nil && p.TimeZone != "" {
		loc = z
	}
	when := r.cat.Dates(p.Lang, loc).LongDayTime(m.StartsAt)
	where := m.Location
	if where == "" {
		where = m.VideoURL
	}
	var b strings.Builder
	b.WriteString(pr.Sprintf("engagement.mail.meeting_body", p.Name, m.Title, when, m.DurationMin))
	if where != "" {
		b.WriteString("\n\n" + pr.Sprintf("engagement.mail.where", where))
	}
	if m.VideoURL != "" && m.VideoURL != where {
		b.WriteString("\n" + pr.Sprintf("engagement.mail.video", m.VideoURL))
	}
	if m.Agenda != "" {
		b.WriteString("\n\n" + pr.Sprintf("engagement.mail.agenda") + "\n" + m.Agenda)
	}
	link := fmt.Sprintf("%s/c/%d/meetings/%d", r.cfg.BaseURL, m.CollaborativeID, m.ID)
	b.WriteString("\n\n" + pr.Sprintf("engagement.mail.details", link, link+"/ics"))
	b.WriteString("\n\n" + pr.Sprintf("engagement.mail.turn_off", r.cfg.BaseURL+"/account"))
	return mail.Message{To: p.Email, Subject: pr.Sprintf("engagement.mail.meeting_subject", m.Title, when), Body: b.String()}
}

// deadlines reminds team members that last month's activity hours are
// due, from DeadlineNoticeDays before the deadline day until it.
func (r *Reminder) deadlines(ctx context.Context) (int, error) {
	db := r.cfg.DB
	now := db.Now()
	today := collab.DateOf(now)
	cs, err := db.ActiveCollaboratives(ctx)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, c := range cs {
		st, err := db.EngagementSettings(ctx, c.ID)
		if err != nil {
			return sent, err
		}
		deadline := collab.NewDate(now.Year(), now.Month(), st.DeadlineDay)
		if today.After(deadline) || today.Before(deadline.AddDays(-st.DeadlineNoticeDays)) {
			continue
		}
		month := collab.NewDate(now.Year(), now.Month(), 1).AddMonths(-1)
		if month.Before(collab.NewDate(c.StartDate.Time().Year(), c.StartDate.Time().Month(), 1)) || month.After(c.EndDate) {
			continue
		}
		acts, err := db.Activities(ctx, c.ID, 0)
		if err != nil {
			return sent, err
		}
		hours := map[int64]float64{}
		for _, a := range acts {
			if a.Month == month {
				hours[a.TeamID] += a.Hours
			}
		}
		teams, err := db.Teams(ctx, c.ID, sqlstore.TeamFilter{WithMembers: true})
		if err != nil {
			return sent, err
		}
		ref := fmt.Sprintf("deadline:%d:%s", c.ID, month.String()[:7])
		for _, t := range teams {
			if !t.Active {
				continue
			}
			for _, mem := range t.Members {
				u, err := db.FindUserByID(ctx, mem.UserID)
				if err != nil {
					return sent, err
				}
				if !u.Reminders {
					continue
				}
				pr := r.cat.Printer(u.Lang)
				monthName := month.Time().Format("January 2006")
				link := fmt.Sprintf("%s/c/%d/teams/%d/participation", r.cfg.BaseURL, c.ID, t.ID)
				msg := mail.Message{To: u.Email, Subject: pr.Sprintf("engagement.mail.deadline_subject", monthName, deadline.Time().Format("2 January")),
					Body: pr.Sprintf("engagement.mail.deadline_body", u.Name, monthName, deadline.Time().Format("2 January"), t.Name, hours[t.ID],
						c.Policy.HoursMin, c.Policy.HoursMax, link) + "\n\n" + pr.Sprintf("engagement.mail.turn_off", r.cfg.BaseURL+"/account")}
				ok, err := r.send(ctx, "deadline", ref, u.ID, msg)
				if err != nil {
					return sent, err
				}
				if ok {
					sent++
				}
			}
		}
	}
	return sent, nil
}
