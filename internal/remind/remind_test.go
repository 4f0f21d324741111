package remind

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/engage"
	"github.com/goeswell/goeswell/internal/learning"
	"github.com/goeswell/goeswell/internal/mail"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// received is one message an smtpServer accepted.
type received struct {
	From string
	To   []string
	Data string
}

// smtpServer is a real SMTP server on 127.0.0.1, speaking just enough of
// RFC 5321 for net/smtp: the test exercises the sender over a socket.
type smtpServer struct {
	ln   net.Listener
	mu   sync.Mutex
	msgs []received
}

func startSMTP(t *testing.T) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *smtpServer) serve(c net.Conn) {
	defer c.Close()
	tp := textproto.NewConn(c)
	tp.PrintfLine("220 localhost test SMTP")
	var cur received
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			tp.PrintfLine("250-localhost\r\n250 8BITMIME")
		case "HELO", "NOOP", "RSET":
			cur = received{}
			tp.PrintfLine("250 OK")
		case "MAIL":
			cur.From = strings.Trim(strings.TrimPrefix(arg, "FROM:"), "<>")
			tp.PrintfLine("250 OK")
		case "RCPT":
			cur.To = append(cur.To, strings.Trim(strings.TrimPrefix(arg, "TO:"), "<>"))
			tp.PrintfLine("250 OK")
		case "DATA":
			tp.PrintfLine("354 go ahead")
			b, err := io.ReadAll(tp.DotReader())
			if err != nil {
				return
			}
			cur.Data = string(b)
			s.mu.Lock()
			s.msgs = append(s.msgs, cur)
			s.mu.Unlock()
			cur = received{}
			tp.PrintfLine("250 queued")
		case "QUIT":
			tp.PrintfLine("221 bye")
			return
		default:
			tp.PrintfLine("502 not implemented")
		}
	}
}

func (s *smtpServer) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

func TestReminders(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		now := time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		who := collab.Who{}
		user := func(email, name string) *collab.User {
			u := &collab.User{Email: email, Name: name}
			if err := db.CreateUser(ctx, who, u, "x"); err != nil {
				t.Fatal(err)
			}
			return u
		}
		conv := user("convener@example.org", "Casey Morgan")
		c := &collab.Collaborative{Name: "Wellbeing Learning Collaborative", StartDate: collab.NewDate(2026, 1, 1), EndDate: collab.NewDate(2027, 6, 30),
			Status: collab.StatusActive, Policy: collab.DefaultPolicy()}
		if err := db.CreateCollaborative(ctx, who, c, nil, conv.ID); err != nil {
			t.Fatal(err)
		}
		team := &collab.Team{CollaborativeID: c.ID, Name: "Harbor Safe Haven", Kind: collab.KindCommunity}
		if err := db.CreateTeam(ctx, who, team); err != nil {
			t.Fatal(err)
		}
		rosa, tom := user("rosa@example.org", "Rosa Delgado"), user("tom@example.org", "Tom Nguyen")
		for _, u := range []*collab.User{rosa, tom} {
			if err := db.AddMember(ctx, who, c.ID, team.ID, u.ID, collab.RoleDirector); err != nil {
				t.Fatal(err)
			}
		}
		off := false
		if err := db.UpdateUser(ctx, who, tom.ID, sqlstore.UserUpdate{Reminders: &off}); err != nil {
			t.Fatal(err)
		}
		loc, _ := time.LoadLocation("America/New_York")
		soon := &engage.Meeting{CollaborativeID: c.ID, StartsAt: time.Date(2026, 3, 11, 9, 30, 0, 0, loc), Details: engage.Details{Kind: engage.KindInPerson,
			Title: "Quarterly in-person meeting", TimeZone: "America/New_York", DurationMin: 360, Location: "Worcester Community Center",
			Agenda: "What went well since we last met.", Audience: engage.AudienceAllTeams}}
		later := &engage.Meeting{CollaborativeID: c.ID, StartsAt: now.Add(72 * time.Hour), Details: engage.Details{Kind: engage.KindVirtual,
			Title: "Later meeting", TimeZone: "UTC", DurationMin: 60, Audience: engage.AudienceAllTeams}}
		for _, m := range []*engage.Meeting{soon, later} {
			if err := db.CreateMeeting(ctx, who, m); err != nil {
				t.Fatal(err)
			}
		}

		srv := startSMTP(t)
		sender := mail.New(mail.Config{Addr: srv.ln.Addr().String(), From: "goeswell@example.org"})
		quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
		// Two replicas run at once: each reminder still goes once.
		r1 := New(Config{DB: db, Mailer: sender, Logger: quiet, BaseURL: "https://goeswell.example.org"})
		r2 := New(Config{DB: db, Mailer: sender, Logger: quiet, BaseURL: "https://goeswell.example.org"})
		var wg sync.WaitGroup
		counts := make([]int, 2)
		for i, r := range []*Reminder{r1, r2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := r.RunOnce(ctx)
				if err != nil {
					t.Error(err)
				}
				counts[i] = n
			}()
		}
		wg.Wait()
		if n, _ := r1.RunOnce(ctx); n != 0 {
			t.Errorf("a second round sent %d", n)
		}
		msgs := srv.messages()
		// Rosa and the convener; Tom turned reminders off; the later
		// meeting is beyond the 24 hours.
		if counts[0]+counts[1] != 2 || len(msgs) != 2 {
			t.Fatalf("sent %v, received %d: %+v", counts, len(msgs), msgs)
		}
		var toRosa *received
		for i := range msgs {
			if msgs[i].To[0] == "rosa@example.org" {
				toRosa = &msgs[i]
			}
			if msgs[i].To[0] == "tom@example.org" {
				t.Error("Tom turned reminders off")
			}
		}
		if toRosa == nil {
			t.Fatalf("no email to Rosa: %+v", msgs)
		}
		for _, want := range []string{
			"From: goeswell@example.org",
			"Subject: Reminder: Quarterly in-person meeting, Wednesday 11 March 2026, 09:30 EDT",
			"Hello Rosa Delgado,",
			"Where: Worcester Community Center",
			"What went well since we last met.",
			"https://goeswell.example.org/c/1/meetings/1/ics",
			"https://goeswell.example.org/account",
		} {
			if !strings.Contains(toRosa.Data, strings.ReplaceAll(want, "/c/1/meetings/1", fmt.Sprintf("/c/%d/meetings/%d", c.ID, soon.ID))) {
				t.Errorf("email lacks %q:\n%s", want, toRosa.Data)
			}
		}

		// Moving the meeting announces it again at its new time.
		soon.StartsAt = soon.StartsAt.Add(-time.Hour)
		if err := db.UpdateMeeting(ctx, who, soon); err != nil {
			t.Fatal(err)
		}
		if n, err := r1.RunOnce(ctx); err != nil || n != 2 {
			t.Errorf("after moving: %d, %v", n, err)
		}

		// On April 3rd, two days before the 5th, March's hours are due.
		now = time.Date(2026, 4, 3, 8, 0, 0, 0, time.UTC)
		if err := db.AddActivity(ctx, who, &engage.Activity{CollaborativeID: c.ID, TeamID: team.ID, UserID: rosa.ID, Month: collab.NewDate(2026, 3, 1), Kind: engage.ActTools, Hours: 2.5}); err != nil {
			t.Fatal(err)
		}
		before := len(srv.messages())
		if n, err := r2.RunOnce(ctx); err != nil || n != 1 {
			t.Fatalf("deadline: %d, %v", n, err)
		}
		if n, _ := r1.RunOnce(ctx); n != 0 {
			t.Errorf("deadline twice: %d", n)
		}
		d := srv.messages()[before]
		if d.To[0] != "rosa@example.org" || !strings.Contains(d.Data, "Subject: Activity hours for March 2026 are due by 5 April") ||
			!strings.Contains(d.Data, "Harbor Safe Haven has logged 2.5 hours so far") {
			t.Errorf("deadline email:\n%s", d.Data)
		}
	})
}

// TestStartLoop: the background loop sends a due reminder by itself and
// stops with its context.
func TestStartLoop(t *testing.T) {
	db := sqltest.SQLite(t)
	ctx := context.Background()
	who := collab.Who{}
	conv := &collab.User{Email: "convener@example.org", Name: "Casey Morgan"}
	if err := db.CreateUser(ctx, who, conv, "x"); err != nil {
		t.Fatal(err)
	}
	now := db.Now()
	c := &collab.Collaborative{Name: "WLC", StartDate: collab.DateOf(now).AddMonths(-1), EndDate: collab.DateOf(now).AddMonths(12), Status: collab.StatusActive, Policy: collab.DefaultPolicy()}
	if err := db.CreateCollaborative(ctx, who, c, nil, conv.ID); err != nil {
		t.Fatal(err)
	}
	m := &engage.Meeting{CollaborativeID: c.ID, StartsAt: now.Add(time.Hour), Details: engage.Details{Kind: engage.KindVirtual, Title: "Soon", TimeZone: "UTC", DurationMin: 60, Audience: engage.AudienceAllTeams}}
	if err := db.CreateMeeting(ctx, who, m); err != nil {
		t.Fatal(err)
	}
	srv := startSMTP(t)
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	r := New(Config{DB: db, Mailer: mail.New(mail.Config{Addr: srv.ln.Addr().String(), From: "goeswell@example.org"}), Every: 20 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if !r.Start(lctx) {
		t.Fatal("the loop did not start with SMTP configured")
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(srv.messages()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the loop sent nothing")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Three more whole rounds, counted, not slept through: still one
	// email (the reminder is recorded as sent, not sent again).
	after := r.rounds.Load() + 3
	for r.rounds.Load() < after {
		if time.Now().After(deadline) {
			t.Fatalf("the loop stopped after %d rounds", r.rounds.Load())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if n := len(srv.messages()); n != 1 {
		t.Errorf("%d emails after %d rounds, want 1", n, r.rounds.Load())
	}
	// And it stops with its context.
	cancel()
	stopped := r.rounds.Load()
	time.Sleep(60 * time.Millisecond) // three periods: a running loop would count them
	if got := r.rounds.Load(); got > stopped+1 {
		t.Errorf("the loop ran %d rounds after its context ended", got-stopped)
	}
}

// TestStartWithoutSMTP: with no SMTP the loop does not start, and says
// why in the log.
func TestStartWithoutSMTP(t *testing.T) {
	var log strings.Builder
	r := New(Config{DB: sqltest.SQLite(t), Mailer: mail.New(mail.Config{}), Every: time.Millisecond, Logger: slog.New(slog.NewTextHandler(&log, nil))})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if r.Start(ctx) {
		t.Fatal("the loop started without SMTP")
	}
	if !strings.Contains(log.String(), "reminders off: SMTP is not configured") {
		t.Errorf("log: %q", log.String())
	}
	// With a round a millisecond, a loop started by mistake would have
	// counted some by now.
	time.Sleep(20 * time.Millisecond)
	if n := r.rounds.Load(); n != 0 {
		t.Errorf("%d rounds ran without SMTP", n)
	}
}

// TestNotificationEmails: a coach's comment on a report is emailed once to
// the team's people who opted in (not to one who did not), even with two
// replicas running the loop.
func TestNotificationEmails(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		// Mid-month: no activity-hours deadline is near.
		now := time.Date(2026, 3, 18, 14, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		who := collab.Who{}
		user := func(email, name string) *collab.User {
			u := &collab.User{Email: email, Name: name}
			if err := db.CreateUser(ctx, who, u, "x"); err != nil {
				t.Fatal(err)
			}
			return u
		}
		conv, coach := user("convener@example.org", "Casey Morgan"), user("coach@example.org", "Jordan Lee")
		c := &collab.Collaborative{Name: "Wellbeing Learning Collaborative", StartDate: collab.NewDate(2026, 1, 1), EndDate: collab.NewDate(2027, 6, 30),
			Status: collab.StatusActive, Policy: collab.DefaultPolicy()}
		if err := db.CreateCollaborative(ctx, who, c, nil, conv.ID); err != nil {
			t.Fatal(err)
		}
		team := &collab.Team{CollaborativeID: c.ID, Name: "Harbor Safe Haven", Kind: collab.KindCommunity}
		if err := db.CreateTeam(ctx, who, team); err != nil {
			t.Fatal(err)
		}
		rosa, tom := user("rosa@example.org", "Rosa Delgado"), user("tom@example.org", "Tom Nguyen")
		for _, u := range []*collab.User{rosa, tom} {
			if err := db.AddMember(ctx, who, c.ID, team.ID, u.ID, collab.RoleDirector); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.SetNotificationEmail(ctx, collab.Who{UserID: rosa.ID}, rosa.ID, true); err != nil {
			t.Fatal(err)
		}
		rep := &learning.Report{CollaborativeID: c.ID, TeamID: team.ID, Month: collab.NewDate(2026, 2, 1), Narrative: "February", Progress: 2}
		if err := db.SaveReport(ctx, collab.Who{UserID: rosa.ID}, rep, true, &learning.Content{}); err != nil {
			t.Fatal(err)
		}
		if err := db.CommentOnReport(ctx, collab.Who{UserID: coach.ID}, c.ID, team.ID, rep.ID, "Good start."); err != nil {
			t.Fatal(err)
		}
		srv := startSMTP(t)
		sender := mail.New(mail.Config{Addr: srv.ln.Addr().String(), From: "goeswell@example.org"})
		quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
		var wg sync.WaitGroup
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := New(Config{DB: db, Mailer: sender, Logger: quiet, BaseURL: "https://goeswell.example.org"})
				if _, err := r.RunOnce(ctx); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		msgs := srv.messages()
		if len(msgs) != 1 || msgs[0].To[0] != "rosa@example.org" {
			t.Fatalf("want one email to Rosa, got %+v", msgs)
		}
		for _, want := range []string{"Jordan Lee commented on your report for 2026-02",
			fmt.Sprintf("https://goeswell.example.org/c/%d/teams/%d/reports/%d", c.ID, team.ID, rep.ID)} {
			if !strings.Contains(msgs[0].Data, want) {
				t.Errorf("email lacks %q:\n%s", want, msgs[0].Data)
			}
		}
	})
}
