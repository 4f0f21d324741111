package web

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/learning"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// TestDisclosureRule is issue 14 item 6 as a property, on both stores: in
// a cohort of five organizations, every page and export of aggregates —
// the dashboard, the funder report, the report card and What goes well,
// as pages, CSV, XLSX and API — shows every count of teams and of their
// activities as it is (nothing blanked that is not about people), while a
// team's three check-in answers, fewer than the threshold, are shown to
// nobody. It fails on the old rule, which blanked the activity counts
// under 11 that a cohort this size always has.
func TestDisclosureRule(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		c := e.ids["c1"]
		// A fifth organization, and a little activity: one topic more.
		fifth := &collab.Team{CollaborativeID: c, Name: "Fifth Family Center", Kind: collab.KindOrganization, JoinedOn: collab.DateOf(e.db.Now()),
			Org: collab.Organization{Name: "Fifth Family Center", Size: collab.SizeSmall}}
		must(t, e.db.CreateTeam(bg, collab.Who{}, fifth))
		dir, _, err := e.db.FindUserByEmail(bg, "director.harbor@example.org")
		must(t, err)
		must(t, e.db.ProposeTopic(bg, collab.Who{UserID: dir.ID}, &learning.Topic{CollaborativeID: c, Title: "Property topic"}))
		// Three answers from one team: under any threshold.
		sv := &collab.Survey{CollaborativeID: c, Title: "Small pulse", Kind: collab.SurveyCustom, Questions: []collab.Question{{Key: "q1", Kind: collab.QScale, Text: "How connected?"}}}
		must(t, e.db.CreateSurvey(bg, collab.Who{}, sv))
		must(t, e.db.CreateSurveyLinks(bg, collab.Who{}, c, sv.ID, e.ids["teamA"], false, []string{"rule-token"}))
		for range 3 {
			must(t, e.db.SubmitSurveyResponse(bg, "rule-token", map[string]string{"q1": "2"}))
		}

		col, err := e.db.FindCollaborative(bg, c)
		must(t, err)
		today := e.db.Today()
		all, err := e.db.LearningAggregates(bg, c, learning.MonthOf(col.StartDate), today.AddDays(1))
		must(t, err)
		// The store's counts, in the order the pages list them.
		counts := []int64{all.Teams, all.ActiveTeams, all.ReportsSubmitted, all.ReportsReviewed, all.TeamsReporting, all.Shares, all.TeamsSharing,
			all.Comments, all.ResourcesAdded, all.ResourcesUsed, all.TopicsProposed, all.TopicsScheduled, all.TopicsCovered, all.Votes}
		small := 0
		var wantVals []string
		for _, n := range counts {
			if n > 0 && n < 11 {
				small++
			}
			wantVals = append(wantVals, fmt.Sprint(n))
		}
		if all.Teams != 5 || small == 0 {
			t.Fatalf("%d teams, %d activity counts between 1 and 10: the test would prove nothing", all.Teams, small)
		}

		for _, actor := range []string{"convener", "coach", "funder", "evaluator", "director"} {
			// The exports' activity section: every figure, as counted.
			for _, path := range []string{fmt.Sprintf("/c/%d/dashboard", c), fmt.Sprintf("/c/%d/funder-report", c)} {
				for _, format := range []string{"csv", "xlsx"} {
					w := e.do(actor, "GET", path+"?format="+format, nil, "")
					if w.Code != http.StatusOK {
						t.Errorf("%s %s?format=%s: %d", actor, path, format, w.Code)
						continue
					}
					var got []string
					if format == "csv" {
						recs, err := csv.NewReader(strings.NewReader(w.Body.String())).ReadAll()
						must(t, err)
						for _, r := range recs {
							if r[0] == "Activity" {
								got = append(got, r[2])
							}
						}
					} else {
						for _, line := range strings.Split(xlsxText(t, w.Body.Bytes()), "\n") {
							if strings.HasPrefix(line, "Activity,") {
								got = append(got, line[strings.LastIndexByte(line, ',')+1:])
							}
						}
					}
					if strings.Join(got, " ") != strings.Join(wantVals, " ") {
						t.Errorf("%s %s?format=%s: activity %v, want %v", actor, path, format, got, wantVals)
					}
				}
				// The page: nothing in the activity figures is blanked.
				w := e.do(actor, "GET", path, nil, "")
				body := w.Body.String()
				if i := strings.Index(body, `id="activity"`); i >= 0 {
					sec := body[i:]
					sec = sec[:strings.Index(sec, "</section>")]
					if strings.Contains(sec, "too few to show") {
						t.Errorf("%s %s: an activity figure is blanked", actor, path)
					}
				}
				if w.Code == http.StatusOK && path == fmt.Sprintf("/c/%d/funder-report", c) && !strings.Contains(body, `id="participation"`) {
					t.Errorf("%s: the funder report has no participation", actor)
				}
			}
			// What goes well: counts of teams' items, shown as they are.
			w := e.do(actor, "GET", fmt.Sprintf("/api/v1/collaboratives/%d/what-goes-well", c), nil, "")
			if w.Code != http.StatusOK || strings.Contains(w.Body.String(), "too few") {
				t.Errorf("%s what goes well: %d %s", actor, w.Code, w.Body.String())
			}
			// The three answers are in no published number.
			w = e.do(actor, "GET", fmt.Sprintf("/api/v1/collaboratives/%d/surveys/%d/results", c, sv.ID), nil, "")
			var res apiSurveyResults
			must(t, json.Unmarshal(w.Body.Bytes(), &res))
			if res.All.N != 0 {
				t.Errorf("%s: the survey shows %d respondents of 3", actor, res.All.N)
			}
			for _, tr := range res.Teams {
				if tr.All.N != 0 {
					t.Errorf("%s: team %s shows %d respondents of 3", actor, tr.Name, tr.All.N)
				}
			}
			w = e.do(actor, "GET", fmt.Sprintf("/c/%d/surveys/%d/results.csv", c, sv.ID), nil, "")
			for _, line := range strings.Split(w.Body.String(), "\n") {
				if strings.HasPrefix(line, "respondents,") && strings.HasSuffix(strings.TrimSpace(line), ",3") {
					t.Errorf("%s: the survey CSV shows the three answers: %s", actor, line)
				}
			}
		}
	})
}

// TestTeamNamesByRole is issue 14's choice: the convener decides which
// partner roles see team names beside activity figures. The funder does
// not until ticked, then sees them on the funder report and in its CSV;
// the evaluator, not ticked, still does not; the settings page says the
// rule in plain words.
func TestTeamNamesByRole(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		c := e.ids["c1"]
		report := fmt.Sprintf("/c/%d/funder-report", c)
		team := "Harbor Safe Haven"
		sees := func(actor string) (page, csv bool) {
			return strings.Contains(e.do(actor, "GET", report, nil, "").Body.String(), team),
				strings.Contains(e.do(actor, "GET", report+"?format=csv", nil, "").Body.String(), team)
		}
		if p, x := sees("funder"); p || x {
			t.Fatalf("the funder sees team names before the convener chose it: page %v, csv %v", p, x)
		}
		if p, x := sees("convener"); !p || !x {
			t.Errorf("the convener does not see team names: page %v, csv %v", p, x)
		}
		w := e.do("convener", "GET", fmt.Sprintf("/c/%d/settings", c), nil, "")
		if !strings.Contains(w.Body.String(), `id="disclosure-rule"`) || !strings.Contains(w.Body.String(), "reports submitted, meetings held") {
			t.Error("the settings page does not state the disclosure rule")
		}
		col, err := e.db.FindCollaborative(bg, c)
		must(t, err)
		f := url.Values{"name": {col.Name}, "aim": {col.Aim}, "startDate": {col.StartDate.String()}, "endDate": {col.EndDate.String()}, "status": {string(col.Status)},
			"requiredRoles": {"director", "direct_service"}, "communityRoles": {"lead"}, "allowSingle": {"1"}, "minReps": {"1"}, "hoursMin": {"4"}, "hoursMax": {"6"},
			"criteria": {"Be kind"}, "teamNamesTo": {"funder", "nobody"}}
		// An unknown role is refused beside the field, and what was typed stays.
		if w := e.form("convener", fmt.Sprintf("/c/%d/settings", c), f); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `value="funder" checked`) {
			t.Fatalf("unknown role: %d", w.Code)
		}
		f["teamNamesTo"] = []string{"funder"}
		if w := e.form("convener", fmt.Sprintf("/c/%d/settings", c), f); w.Code != http.StatusSeeOther {
			t.Fatalf("save: %d %s", w.Code, w.Body.String())
		}
		if p, x := sees("funder"); !p || !x {
			t.Errorf("the funder, chosen, does not see team names: page %v, csv %v", p, x)
		}
		if p, x := sees("evaluator"); p || x {
			t.Errorf("the evaluator, not chosen, sees team names: page %v, csv %v", p, x)
		}
	})
}

// TestApplyAgreesToCommitments is issue 14 item 5 on the application form:
// the applicant sees the commitments from the collaborative's settings,
// is refused without ticking that they agree (the box named, everything
// typed kept), and the agreement is recorded with the application.
func TestApplyAgreesToCommitments(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c := e.ids["c1"]
	path := fmt.Sprintf("/c/%d/apply", c)
	w := e.do("", "GET", path, nil, "")
	body := w.Body.String()
	for _, want := range []string{`id="commitments"`, "2 staff members", "18 months", "Quarterly in-person full-day meetings", "at least 1 representative at every meeting", "about 4–6 hours a month", `name="agreeCommitments"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the application form does not show %q", want)
		}
	}
	f := url.Values{"orgName": {"Lynn Family Services"}, "size": {"small"}, "kind": {"organization"}, "contactName": {"Ida Lynn"}, "contactEmail": {"ida@example.org"}, "focus": {"Typed focus"}}
	w = e.form("", path, f)
	body = w.Body.String()
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "Tick the box to agree to the commitments") || !strings.Contains(body, `value="Ida Lynn"`) || !strings.Contains(body, "Typed focus") {
		t.Fatalf("without agreeing: %d, want 422 naming the box and keeping what was typed", w.Code)
	}
	f.Set("agreeCommitments", "1")
	if w := e.form("", path, f); w.Code != http.StatusOK {
		t.Fatalf("apply: %d %s", w.Code, w.Body.String())
	}
	apps, err := e.db.Applications(bg, c)
	must(t, err)
	for _, a := range apps {
		if a.ContactEmail == "ida@example.org" {
			if !a.CommitmentsAgreed || a.CommitmentsAgreedAt.IsZero() {
				t.Errorf("the agreement is not recorded: %+v", a)
			}
			return
		}
	}
	t.Error("the application was not stored")
}

// TestJoinedOnAndAgreement: the convener sets the day a team joined (a
// bad date is refused beside the field), and an alternative agreed in
// advance needs who agreed and what it is, each named beside its field.
func TestJoinedOnAndAgreement(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c, a := e.ids["c1"], e.ids["teamA"]
	team := fmt.Sprintf("/c/%d/teams/%d", c, a)
	f := url.Values{"name": {"Harbor Safe Haven"}, "focus": {"f"}, "active": {"1"}, "joinedOn": {"not a date"}}
	if w := e.form("convener", team, f); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `value="not a date"`) {
		t.Errorf("bad joined date: %d", w.Code)
	}
	f.Set("joinedOn", "2026-02-01")
	if w := e.form("convener", team, f); w.Code != http.StatusSeeOther {
		t.Fatalf("joined date: %d %s", w.Code, w.Body.String())
	}
	tm, err := e.db.FindTeam(bg, c, a)
	must(t, err)
	if tm.JoinedOn.String() != "2026-02-01" {
		t.Errorf("joined on %s", tm.JoinedOn)
	}
	// The director may edit the team but not the day it joined.
	f.Set("joinedOn", "2026-06-01")
	if w := e.form("director", team, f); w.Code != http.StatusSeeOther {
		t.Fatalf("director edit: %d", w.Code)
	}
	if tm, _ := e.db.FindTeam(bg, c, a); tm.JoinedOn.String() != "2026-02-01" {
		t.Errorf("the director changed the joined date to %s", tm.JoinedOn)
	}

	m := e.ids["meeting1"]
	dir, _, err := e.db.FindUserByEmail(bg, "director.harbor@example.org")
	must(t, err)
	u := fmt.Sprint(dir.ID)
	att := url.Values{"user": {u}, "status-" + u: {"apologies"}, "agreedOn-" + u: {"2000-01-01"}, "agreedWith-" + u: {""}, "alternative-" + u: {"Watch the recording"}}
	w := e.form("convener", fmt.Sprintf("/c/%d/meetings/%d/attendance", c, m), att)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "Say who agreed the alternative") || !strings.Contains(w.Body.String(), `value="Watch the recording"`) {
		t.Fatalf("agreement without who: %d", w.Code)
	}
	att.Set("agreedWith-"+u, "FFI and DPH")
	if w := e.form("convener", fmt.Sprintf("/c/%d/meetings/%d/attendance", c, m), att); w.Code != http.StatusSeeOther {
		t.Fatalf("agreement: %d %s", w.Code, w.Body.String())
	}
	recs, err := e.db.Attendance(bg, c, m)
	must(t, err)
	found := false
	for _, r := range recs {
		found = found || (r.UserID == dir.ID && r.AgreedWith == "FFI and DPH" && r.Alternative == "Watch the recording")
	}
	if !found {
		t.Errorf("the agreement is not recorded: %+v", recs)
	}
	log, err := e.db.AuditLog(bg, sqlstore.AuditFilter{CollaborativeID: c, Limit: 1})
	must(t, err)
	if len(log) == 0 || !strings.Contains(fmt.Sprint(log[0].Detail), "FFI and DPH") {
		t.Errorf("the audit row does not say who agreed: %+v", log)
	}
}

// TestStateCoLead is seed 000's Department of Public Health, which
// co-leads with FFI: as a "funder" it was refused participation, the
// calendar, the agenda and feedback. As a state co-lead it reads them as
// the convener does, sees team names on the funder report, and writes
// nothing of the convener's.
func TestStateCoLead(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c, m := e.ids["c1"], e.ids["meeting1"]
	for _, path := range []string{"/participation", "/calendar", "/agenda", "/feedback", fmt.Sprintf("/meetings/%d", m)} {
		for _, actor := range []string{"colead", "funder"} {
			w := e.do(actor, "GET", fmt.Sprintf("/c/%d%s", c, path), nil, "")
			if want := map[string]int{"colead": http.StatusOK, "funder": http.StatusForbidden}[actor]; w.Code != want {
				t.Errorf("%s %s: %d, want %d", actor, path, w.Code, want)
			}
		}
	}
	if body := e.do("colead", "GET", fmt.Sprintf("/c/%d/participation", c), nil, "").Body.String(); !strings.Contains(body, "Harbor Safe Haven") {
		t.Error("the co-lead's participation page has no teams")
	}
	if body := e.do("colead", "GET", fmt.Sprintf("/c/%d/funder-report", c), nil, "").Body.String(); !strings.Contains(body, `id="funder-teams"`) {
		t.Error("the co-lead does not see team by team on the funder report")
	}
	for _, path := range []string{"/settings", "/participation/settings", fmt.Sprintf("/meetings/%d/attendance", m), "/agenda"} {
		if w := e.form("colead", fmt.Sprintf("/c/%d%s", c, path), url.Values{}); w.Code != http.StatusForbidden {
			t.Errorf("co-lead POST %s: %d, want 403", path, w.Code)
		}
	}
}
