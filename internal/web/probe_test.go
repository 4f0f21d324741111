package web

import (
	"encoding/csv"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/improve"
	"github.com/goeswell/goeswell/internal/mail"
	"github.com/goeswell/goeswell/internal/mail/smtptest"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// TestRedirectsStayOnSite: promise "no open redirect" — every way back a
// person names ("next" on sign-in, the notifications' mark-read and the
// language switch) stays on this site. Browsers drop tabs and line
// breaks from a Location and read a backslash as a slash, so "/\t/evil"
// is "//evil", another site.
func TestRedirectsStayOnSite(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	bad := []string{"/\t/evil.example/", "/\n/evil.example/", "/\r/evil.example", "/%09/evil.example", "/\t\\evil.example", "\t//evil.example", "/\x00/evil.example", "//evil.example", "/\\evil.example", "https://evil.example/"}
	offSite := func(loc string) bool {
		clean := strings.Map(func(r rune) rune {
			if r == '\t' || r == '\n' || r == '\r' {
				return -1
			}
			if r == '\\' {
				return '/'
			}
			return r
		}, loc)
		clean = strings.TrimLeft(clean, " \x00")
		return strings.HasPrefix(clean, "//") || strings.Contains(clean, "://") || strings.ContainsAny(loc, "\x00")
	}
	for _, next := range bad {
		cases := []struct {
			name string
			do   func() *http.Response
		}{
			{"GET /login signed in", func() *http.Response {
				return e.do("director", "GET", "/login?next="+url.QueryEscape(next), nil, "").Result()
			}},
			{"POST /notifications/read", func() *http.Response {
				return e.form("director", "/notifications/read", url.Values{"next": {next}}).Result()
			}},
			{"POST /lang", func() *http.Response {
				return e.form("director", "/lang", url.Values{"lang": {"en"}, "next": {next}}).Result()
			}},
		}
		for _, c := range cases {
			res := c.do()
			if loc := res.Header.Get("Location"); offSite(loc) {
				t.Errorf("%s with next %q: redirected to %q, off this site", c.name, next, loc)
			}
		}
	}
}

// TestFeedbackCommentsWithheldInSmallRounds: promise "feedback answers
// are anonymous and figures about people are suppressed in small groups",
// in every byte that leaves. Anonymous written answers show only when at
// least the threshold's number of people (the demo's 11) answered
// anonymously: not when two people answered (their number is hidden, and
// the comments would count them), nor when eleven answered with their
// names and one without (everyone who can tell who answered would know
// whose words they are). The results page, its CSV and the funder report
// withhold them and say so; named answers still show.
func TestFeedbackCommentsWithheldInSmallRounds(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		c := e.ids["c1"]
		today := db.Today()
		type round struct {
			name         string
			named, anons int
			id           int64
		}
		rounds := []*round{{name: "two answered", anons: 2}, {name: "eleven named, one anonymous", named: 11, anons: 1}}
		for ri, r := range rounds {
			rd := &collab.FeedbackRound{CollaborativeID: c, Title: r.name, OpensOn: today.AddDays(-3), ClosesOn: today.AddDays(ri)}
			must(t, db.CreateFeedbackRound(bg, collab.Who{}, rd))
			r.id = rd.ID
			for i := range r.named + r.anons {
				u := &collab.User{Email: fmt.Sprintf("r%d-%d@example.org", ri, i), Name: fmt.Sprintf("Round%d Person %d", ri, i)}
				must(t, db.CreateUser(bg, collab.Who{}, u, "x"))
				a := &collab.FeedbackAnswer{Ratings: map[string]int{"meetings": 5}, Texts: map[string]string{"worked": fmt.Sprintf("canary-anonymous-%d-%d", ri, i)}}
				if i < r.named {
					a.Named, a.Texts = true, map[string]string{"worked": fmt.Sprintf("named-words-%d-%d", ri, i)}
				}
				must(t, db.AnswerFeedback(bg, collab.Who{UserID: u.ID}, c, rd.ID, u.ID, a))
			}
		}
		later := db.Now().Add(60 * time.Hour)
		db.Now = func() time.Time { return later }
		for _, name := range []string{"convener", "colead"} {
			u, _, err := db.FindUserByEmail(bg, name+"@example.org")
			must(t, err)
			e.sessions[name] = "later-" + name
			must(t, db.CreateSession(bg, e.sessions[name], u.ID))
		}
		for ri, r := range rounds {
			results := fmt.Sprintf("/c/%d/feedback-rounds/%d/results", c, r.id)
			for _, read := range []struct{ actor, path string }{
				{"convener", results},
				{"convener", results + ".csv"},
				{"colead", fmt.Sprintf("/c/%d/funder-report?to=%s", c, today.AddDays(ri))},
			} {
				w := e.do(read.actor, "GET", read.path, nil, "")
				body := w.Body.String()
				if w.Code != http.StatusOK {
					t.Fatalf("%s: %s %s: %d", r.name, read.actor, read.path, w.Code)
				}
				if strings.Contains(body, "canary-anonymous") {
					t.Errorf("%s: %s %s: an anonymous written answer is shown", r.name, read.actor, read.path)
				}
				if r.named > 0 && !strings.Contains(body, fmt.Sprintf("named-words-%d-0", ri)) {
					t.Errorf("%s: %s %s: a named written answer is withheld", r.name, read.actor, read.path)
				}
				if !strings.HasSuffix(read.path, ".csv") && !strings.Contains(body, `id="feedback-comments-withheld"`) {
					t.Errorf("%s: %s %s: no word that the written answers are withheld", r.name, read.actor, read.path)
				}
			}
		}
	})
}

// TestAggregateRatioCountsOfPeople: promise "partners see only what their
// role is granted; figures about people are suppressed in small groups".
// A shared proportion's numerator and denominator are counts of people
// (the groups of a disaggregated measure are thinned on the same ground):
// a month whose summed counts are under the collaborative's smallest
// count is left out of what funders, evaluators and co-leads read — the
// aggregate page, its SVG and CSV, and the funder report's drawn chart —
// however many teams reported it. The staff's view keeps it.
func TestAggregateRatioCountsOfPeople(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c := e.ids["c1"]
	startIn2019(t, e, c)
	m := &improve.Measure{CollaborativeID: c, Name: "Screened for food insecurity", Kind: improve.KindProcess, Ratio: true, Chart: "p", Better: improve.BetterUp}
	must(t, e.db.CreateMeasure(bg, collab.Who{}, m))
	teams, err := e.db.Teams(bg, c, sqlstore.TeamFilter{})
	must(t, err)
	for _, tm := range teams {
		var vals []*improve.Value
		for k := 0; k < 7; k++ {
			num, den := 30.0, 60.0
			if k == 6 { // 2025-07: one person of two, a team
				num, den = 1, 2
			}
			vals = append(vals, &improve.Value{MeasureID: m.ID, Period: collab.NewDate(2025, 1, 1).AddMonths(k), Numerator: &num, Denominator: &den})
		}
		_, err := e.db.SaveValues(bg, collab.Who{}, c, tm.ID, vals, "form")
		must(t, err)
	}
	agg := fmt.Sprintf("/c/%d/measures/%d/aggregate", c, m.ID)
	for _, tt := range []struct {
		actor, path string
		small       bool // the small month may show
	}{
		{"funder", agg, false},
		{"funder", agg + ".svg", false},
		{"funder", agg + ".csv", false},
		{"evaluator", agg, false},
		{"colead", agg, false},
		{"funder", fmt.Sprintf("/c/%d/funder-report", c), false},
		{"convener", agg, true},
		{"coach", fmt.Sprintf("/c/%d/measures/%d", c, m.ID), true},
	} {
		w := e.do(tt.actor, "GET", tt.path, nil, "")
		if w.Code != http.StatusOK {
			t.Fatalf("%s %s: %d", tt.actor, tt.path, w.Code)
		}
		body := w.Body.String()
		if !strings.Contains(body, "2025-06") {
			t.Errorf("%s %s: the months with enough people are missing", tt.actor, tt.path)
		}
		if got := strings.Contains(body, "2025-07"); got != tt.small {
			t.Errorf("%s %s: the month counting 4 people of 8 shown %v, want %v", tt.actor, tt.path, got, tt.small)
		}
	}
}

// TestGroupItemFollowUpKeepsTyping: promise "bad input gets a clear error
// and loses nothing". Following an action up with a note too long, or
// without an owner, shows the item's form again with what was typed and
// the error beside the field it is about.
func TestGroupItemFollowUpKeepsTyping(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c, g, it := e.ids["c1"], e.ids["group1"], e.ids["gitem1"]
	path := fmt.Sprintf("/c/%d/groups/%d/items/%d", c, g, it)
	long := "canary-typed-follow-up " + strings.Repeat("x", 4000)
	for _, tt := range []struct {
		name    string
		form    url.Values
		errorID string // the error's id, beside its field
		kept    []string
	}{
		{"follow-up too long", url.Values{"status": {"done"}, "owner": {"Marta"}, "due": {"2026-04-01"}, "followUp": {long}},
			fmt.Sprintf("i-%d-follow-error", it), []string{long, `value="Marta"`, `value="2026-04-01"`, `value="done" selected`}},
		{"no owner", url.Values{"status": {"open"}, "owner": {""}, "due": {"2026-04-01"}, "followUp": {"canary-kept-note"}},
			fmt.Sprintf("i-%d-owner-error", it), []string{"canary-kept-note", `value="2026-04-01"`}},
		{"a date that is not one", url.Values{"status": {"open"}, "owner": {"Marta"}, "due": {"next week"}, "followUp": {"canary-kept-note"}},
			fmt.Sprintf("i-%d-due-error", it), []string{"canary-kept-note", `value="next week"`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := e.form("convener", path, tt.form)
			body := w.Body.String()
			if w.Code != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", w.Code)
			}
			if !strings.Contains(body, `id="`+tt.errorID+`"`) {
				t.Errorf("no error beside its field (%s)", tt.errorID)
			}
			for _, k := range tt.kept {
				if !strings.Contains(body, html.EscapeString(k)) && !strings.Contains(body, k) {
					t.Errorf("what was typed is lost: %.60q", k)
				}
			}
		})
	}
}

// TestForgotDoesTheSameWorkForEveryAddress: promise "password reset
// answers the same whether or not the address exists" — in its timing
// too. Before its answer the request does the same work for an address
// with an account as for one without (the throttle's count, nothing
// else): the account is looked up, the link made and the email sent only
// after the answer.
func TestForgotDoesTheSameWorkForEveryAddress(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		smtp := smtptest.Start(t)
		e.srv.mailer = mail.New(mail.Config{Addr: smtp.Addr, From: "goeswell@example.org"})
		var later []func()
		e.srv.afterAnswer = func(f func()) { later = append(later, f) }
		resets := func() int { return e.count(t, `SELECT COUNT(*) FROM password_resets`) }
		before := resets()
		for _, tt := range []struct{ name, email string }{
			{"an address with an account", "director.harbor@example.org"},
			{"an address without one", "nobody.here@example.org"},
		} {
			n := len(later)
			w := e.form("", "/login/forgot", url.Values{"email": {tt.email}})
			if w.Code != http.StatusOK {
				t.Fatalf("%s: %d", tt.name, w.Code)
			}
			if got := resets(); got != before {
				t.Errorf("%s: a reset link was made before the answer (%d rows, had %d)", tt.name, got, before)
			}
			if len(later)-n != 1 {
				t.Errorf("%s: %d pieces of work left for after the answer, want 1", tt.name, len(later)-n)
			}
		}
		for _, f := range later {
			f()
		}
		if got := resets(); got != before+1 {
			t.Errorf("after the answers: %d reset links made, want 1", got-before)
		}
		if msgs := smtp.Wait(1, 10*time.Second); len(msgs) != 1 || msgs[0].To[0] != "director.harbor@example.org" {
			t.Errorf("emails: %+v", msgs)
		}
	})
}

// TestAggregateHidesAnotherTeamsData: promise "teams see their own data;
// sharing with the cohort is explicit". The aggregate over every team
// that a team's people may open (page, SVG, CSV, and its groups) leaves
// out the months fewer than three teams reported, as it does for
// partners: a month only team B reported is team B's data, and one that
// teams A and B reported is team B's to team A, by subtraction. The
// staff, who see every team anyway, read every month.
func TestAggregateHidesAnotherTeamsData(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c := e.ids["c1"]
	startIn2019(t, e, c)
	m := &improve.Measure{CollaborativeID: c, Name: "Referrals followed up", Kind: improve.KindProcess, Ratio: true, Chart: "p", Better: improve.BetterUp,
		GroupKey: "age group", GroupValues: []string{"under 25", "25 and over"}}
	must(t, e.db.CreateMeasure(bg, collab.Who{}, m))
	// 2019-01: team B alone, with counts of people well above the
	// smallest count; 2019-02: teams A and B.
	for _, v := range []struct {
		team  int64
		month int
	}{{e.ids["teamB"], 1}, {e.ids["teamA"], 2}, {e.ids["teamB"], 2}} {
		n, d := 40.0, 80.0
		_, err := e.db.SaveValues(bg, collab.Who{}, c, v.team, []*improve.Value{
			{MeasureID: m.ID, Period: collab.NewDate(2019, time.Month(v.month), 1), Group: "under 25", Numerator: &n, Denominator: &d},
			{MeasureID: m.ID, Period: collab.NewDate(2019, time.Month(v.month), 1), Group: "25 and over", Numerator: &n, Denominator: &d},
		}, "form")
		must(t, err)
	}
	agg := fmt.Sprintf("/c/%d/measures/%d/aggregate", c, m.ID)
	for _, tt := range []struct {
		actor string
		sees  bool
	}{{"director", false}, {"advocate", false}, {"funder", false}, {"coach", true}, {"convener", true}} {
		for _, path := range []string{agg, agg + ".svg", agg + ".csv"} {
			w := e.do(tt.actor, "GET", path, nil, "")
			if w.Code != http.StatusOK {
				t.Fatalf("%s %s: %d", tt.actor, path, w.Code)
			}
			body := w.Body.String()
			for _, month := range []string{"2019-01", "2019-02"} {
				if got := strings.Contains(body, month); got != tt.sees {
					t.Errorf("%s %s: month %s of fewer than three teams shown %v, want %v", tt.actor, path, month, got, tt.sees)
				}
			}
		}
	}
}

// TestChangePackageImprovedNamesNoTeam: promise "teams see their own
// data; sharing with the cohort is explicit". The change package page
// names the teams testing each change to the cohort; beside those names,
// "4 of 4 teams show improvement" (or 1 of 1, or none of two) is each
// named team's own measure result, which it never shared. A team's people
// see the count only where it tells no named team's result (at least
// three teams, some but not all improving), in the page and its CSV; the
// staff see every count, and partners read counts without names in the
// funder report. The demo's change 1.6.1 is tested by four teams, all
// improving.
func TestChangePackageImprovedNamesNoTeam(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c := e.ids["c1"]
	f, err := e.db.FindFramework(bg, c, e.imp.FrameworkID)
	must(t, err)
	must(t, e.db.LinkMeasure(bg, collab.Who{}, c, e.imp.MeasureID, f.Nodes[0].ID, true))
	pkg := fmt.Sprintf("/c/%d/frameworks/%d/package", c, f.ID)
	improvedRE := regexp.MustCompile(`(\d+) of (\d+) teams? shows? improvement`)
	tellsATeam := func(improved, teams int) bool { return teams < MinAggregateTeams || improved == 0 || improved == teams }
	for _, tt := range []struct {
		actor string
		staff bool
	}{{"director", false}, {"advocate", false}, {"coach", true}, {"convener", true}} {
		page := e.do(tt.actor, "GET", pkg, nil, "").Body.String()
		counts := improvedRE.FindAllStringSubmatch(page, -1)
		if tt.staff {
			if len(counts) == 0 {
				t.Errorf("%s: the staff do not see the counts of teams improving", tt.actor)
			}
			continue
		}
		for _, m := range counts {
			i, _ := strconv.Atoi(m[1])
			n, _ := strconv.Atoi(m[2])
			if tellsATeam(i, n) {
				t.Errorf("%s: %q beside the teams' names tells each one's result", tt.actor, m[0])
			}
		}
		if !strings.Contains(page, `class="improved-withheld"`) {
			t.Errorf("%s: no word why the count is not shown", tt.actor)
		}
		rows, err := csv.NewReader(strings.NewReader(e.do(tt.actor, "GET", pkg+"?format=csv", nil, "").Body.String())).ReadAll()
		if err != nil || len(rows) < 2 {
			t.Fatalf("%s: the CSV: %v", tt.actor, err)
		}
		tested := 0
		for _, row := range rows[1:] {
			teams, _ := strconv.Atoi(row[2])
			if teams == 0 {
				continue
			}
			tested++
			if i, err := strconv.Atoi(row[len(row)-1]); err == nil && tellsATeam(i, teams) {
				t.Errorf("%s: the CSV's count of teams improving tells each named team's result: %v", tt.actor, row)
			}
		}
		if tested == 0 {
			t.Fatalf("%s: no change tested in the fixture", tt.actor)
		}
	}
	// The funder report: a team's people read it too, and know the names
	// from the change package page; a funder does not.
	report := fmt.Sprintf("/c/%d/funder-report", c)
	for _, tt := range []struct {
		actor string
		shown bool
	}{{"director", false}, {"funder", true}, {"convener", true}} {
		for _, path := range []string{report, report + "?format=csv"} {
			body := e.do(tt.actor, "GET", path, nil, "").Body.String()
			if got := strings.Contains(body, "4 of 4 teams show improvement"); got != tt.shown {
				t.Errorf("%s %s: 4 of 4 teams improving shown %v, want %v", tt.actor, path, got, tt.shown)
			}
		}
	}
}
