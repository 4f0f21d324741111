package web

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// upload posts a multipart form with one file as actor.
func (e *env) uploadFile(actor, path string, fields map[string]string, fileName string, content []byte) *responseRecorder {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if fileName != "" {
		fw, _ := mw.CreateFormFile("file", fileName)
		fw.Write(content)
	}
	mw.Close()
	return e.do(actor, "POST", path, &body, mw.FormDataContentType())
}

func TestResourceUpload(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c := e.ids["c1"]
	pdf := []byte("%PDF-1.7\n1 0 obj << >> endobj\n")
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	for _, tc := range []struct {
		name, file string
		content    []byte
		want       int
		errText    string
	}{
		{"pdf", "Safety plan.pdf", pdf, http.StatusSeeOther, ""},
		{"png", "chart.PNG", png, http.StatusSeeOther, ""},
		{"csv", "list.csv", []byte("a,b\n1,2\n"), http.StatusSeeOther, ""},
		{"html renamed to pdf", "evil.pdf", []byte("<html><script>alert(1)</script></html>"), http.StatusUnprocessableEntity, "does not match"},
		{"executable", "tool.exe", []byte("MZ\x90\x00"), http.StatusUnprocessableEntity, "not accepted"},
		{"svg", "logo.svg", []byte("<svg xmlns='http://www.w3.org/2000/svg'/>"), http.StatusUnprocessableEntity, "not accepted"},
		{"pdf named docx", "letter.docx", pdf, http.StatusUnprocessableEntity, "does not match"},
		{"too large", "big.txt", bytes.Repeat([]byte("a"), 10<<20+1), http.StatusUnprocessableEntity, "larger than 10 MiB"},
	} {
		w := e.uploadFile("director", fmt.Sprintf("/c/%d/resources", c), map[string]string{"title": tc.name, "kind": "tool"}, tc.file, tc.content)
		if w.Code != tc.want || (tc.errText != "" && !strings.Contains(w.Body.String(), tc.errText)) {
			t.Errorf("%s: status %d, want %d; body has %q: %v", tc.name, w.Code, tc.want, tc.errText, strings.Contains(w.Body.String(), tc.errText))
		}
		if tc.want == http.StatusUnprocessableEntity && !strings.Contains(w.Body.String(), `value="`+tc.name+`"`) {
			t.Errorf("%s: the form lost what was typed", tc.name)
		}
	}
	rs, err := e.db.Resources(bg, c, sqlstore.ResourceFilter{Query: "pdf"})
	if err != nil || len(rs) != 1 || rs[0].Title != "pdf" {
		t.Fatalf("uploaded: %v %v", rs, err)
	}
	r := rs[0]
	if r.FileKey == "" || strings.Contains(r.FileKey, "Safety") || r.FileSize != int64(len(pdf)) {
		t.Errorf("stored as %+v", r)
	}
	w := e.do("advocate", "GET", fmt.Sprintf("/c/%d/resources/%d/file", c, r.ID), nil, "")
	h := w.Result().Header
	if w.Code != 200 || !bytes.Equal(w.Body.Bytes(), pdf) || h.Get("Content-Type") != "application/pdf" ||
		h.Get("Content-Disposition") != `attachment; filename="Safety_plan.pdf"` || h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("download: %d %v", w.Code, h)
	}
	// Funders see aggregates only; another collaborative's people see nothing.
	if w := e.do("funder", "GET", fmt.Sprintf("/c/%d/resources/%d/file", c, r.ID), nil, ""); w.Code != http.StatusForbidden {
		t.Errorf("funder download: %d", w.Code)
	}
	if w := e.do("outsider", "GET", fmt.Sprintf("/c/%d/resources/%d/file", e.ids["c2"], r.ID), nil, ""); w.Code != http.StatusNotFound {
		t.Errorf("download through another collaborative: %d", w.Code)
	}
	// A link needs no file; neither is refused.
	if w := e.form("director", fmt.Sprintf("/c/%d/resources", c), url.Values{"title": {"Guide"}, "url": {"https://example.net/g"}, "domains": {"1"}}); w.Code != http.StatusSeeOther {
		t.Errorf("link: %d", w.Code)
	}
	if w := e.form("director", fmt.Sprintf("/c/%d/resources", c), url.Values{"title": {"Nothing"}}); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("neither file nor link: %d", w.Code)
	}
}

// TestExportsObeyAccessAndSuppression: every export answers like its page
// (same refusals), applies the same small-count suppression and writes an
// audit row.
func TestExportsObeyAccessAndSuppression(t *testing.T) {
	if testing.Short() {
		t.Skip("a walk over every page or export; it runs in full without -short (CI's race pass uses -short)")
	}
	e := newEnv(t, sqltest.SQLite(t))
	c := e.ids["c1"]
	var exportable []string
	for _, rt := range e.srv.learningRoutes() {
		if rt.Method == "GET" && !rt.API && strings.HasPrefix(rt.Pattern, "/c/{collab}/") && !strings.HasSuffix(rt.Pattern, "/file") {
			exportable = append(exportable, rt.Pattern)
		}
	}
	if len(exportable) < 10 {
		t.Fatalf("only %d exportable pages", len(exportable))
	}
	for _, pattern := range exportable {
		for _, tg := range targets {
			path, err := fill(e, pattern, tg)
			if err != nil {
				t.Fatal(err)
			}
			for _, actor := range actors {
				page := e.do(actor, "GET", path, nil, "")
				for _, format := range []string{"csv", "xlsx"} {
					exp := e.do(actor, "GET", path+"?format="+format, nil, "")
					if classify(exp, false) != classify(page, false) {
						t.Errorf("%s?format=%s as %s: export %d, page %d", path, format, actorName(actor), exp.Code, page.Code)
						continue
					}
					if page.Code != 200 {
						continue
					}
					if exp.Code != 200 || !strings.HasPrefix(exp.Header().Get("Content-Disposition"), "attachment;") {
						t.Errorf("%s?format=%s as %s: %d %v", path, format, actorName(actor), exp.Code, exp.Header())
						continue
					}
					text := exp.Body.String()
					if format == "xlsx" {
						text = xlsxText(t, exp.Body.Bytes())
					}
					if (actor == "funder" || actor == "evaluator") && strings.Contains(text, "@example.org") {
						t.Errorf("%s?format=%s as %s contains an email address", path, format, actor)
					}
					if strings.Contains(text, "Tiny Town") && !strings.Contains(text, "too few to show") {
						t.Errorf("%s?format=%s as %s: a small count is not suppressed:\n%s", path, format, actorName(actor), text)
					}
					if strings.Contains(strings.ToLower(text), "canary") && actor != "outsider" && actor != "admin" {
						t.Errorf("%s?format=%s as %s shows another collaborative's data", path, format, actorName(actor))
					}
				}
			}
		}
	}
	// The funder's indicator export shows the large count and hides the small one.
	w := e.do("funder", "GET", fmt.Sprintf("/c/%d/indicators?format=csv", c), nil, "")
	if !strings.Contains(w.Body.String(), "Boston,2025,1200,1500,80") || !regexp.MustCompile(`Tiny Town,2025,too few to show,,,`).MatchString(w.Body.String()) {
		t.Errorf("indicator export:\n%s", w.Body.String())
	}
	log, err := e.db.AuditLog(bg, sqlstore.AuditFilter{CollaborativeID: c, Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(log) == 0 || log[0].Action != "export" || !strings.HasSuffix(log[0].Target, "/indicators") {
		t.Errorf("last audit row: %+v", log[0])
	}
}

func xlsxText(t *testing.T, b []byte) string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("open xlsx: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	for _, r := range rows {
		sb.WriteString(strings.Join(r, ",") + "\n")
	}
	return sb.String()
}

func TestAgendaAnonymousNotShown(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c := e.ids["c1"]
	w := e.form("director", fmt.Sprintf("/c/%d/agenda", c), url.Values{"title": {"Talking about money with survivors"}, "anonymous": {"1"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("propose: %d", w.Code)
	}
	for _, actor := range []string{"convener", "coach", "advocate", "admin"} {
		for _, q := range []string{"", "?format=csv", "?format=xlsx"} {
			w := e.do(actor, "GET", fmt.Sprintf("/c/%d/agenda%s", c, q), nil, "")
			body := w.Body.String()
			if q == "?format=xlsx" {
				body = xlsxText(t, w.Body.Bytes())
			}
			if !strings.Contains(body, "Talking about money") || strings.Contains(body, "Rosa Delgado") {
				t.Errorf("%s%s: topic missing or proposer shown", actor, q)
			}
		}
		api := e.do(actor, "GET", fmt.Sprintf("/api/v1/collaboratives/%d/agenda", c), nil, "")
		if strings.Contains(api.Body.String(), "Rosa Delgado") {
			t.Errorf("API shows the anonymous proposer to %s", actor)
		}
	}
	// The proposer sees it is theirs and can withdraw it.
	w = e.do("director", "GET", fmt.Sprintf("/c/%d/agenda", c), nil, "")
	m := regexp.MustCompile(`/agenda/(\d+)/withdraw`).FindStringSubmatch(w.Body.String())
	if m == nil {
		t.Fatal("the proposer has no withdraw button")
	}
	if w := e.form("advocate", fmt.Sprintf("/c/%d/agenda/%s/withdraw", c, m[1]), nil); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("someone else withdrew it: %d", w.Code)
	}
	if w := e.form("director", fmt.Sprintf("/c/%d/agenda/%s/withdraw", c, m[1]), nil); w.Code != http.StatusSeeOther {
		t.Errorf("withdraw: %d", w.Code)
	}
}

func TestMonthlyReportFlow(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c, team := e.ids["c1"], e.ids["teamA"]
	month := e.db.Today().AddMonths(-2).String()[:7]
	base := fmt.Sprintf("/c/%d/teams/%d/reports", c, team)
	w := e.form("advocate", base, url.Values{"month": {month}, "narrative": {""}, "action": {"submit"}})
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "Choose a score") {
		t.Fatalf("incomplete submit: %d", w.Code)
	}
	w = e.form("advocate", base, url.Values{"month": {month}, "narrative": {"We tested a new intake conversation."}, "progress": {"3"}, "action": {"submit"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", w.Code, w.Body.String())
	}
	loc := w.Header().Get("Location")
	page := e.do("coach", "GET", loc, nil, "")
	if !strings.Contains(page.Body.String(), "<svg") {
		t.Errorf("the report has no measure chart")
	}
	// Two months back, it is past its due date.
	if !strings.Contains(page.Body.String(), "after the due date") {
		t.Errorf("a late report is not marked late")
	}
	if !strings.Contains(page.Body.String(), "We tested a new intake conversation.") || !strings.Contains(page.Body.String(), "review-form") {
		t.Errorf("coach's view of the report: %d", page.Code)
	}
	if w := e.form("coach", loc+"/comments", url.Values{"body": {"Lovely work"}}); w.Code != http.StatusSeeOther {
		t.Errorf("comment: %d", w.Code)
	}
	if w := e.form("coach", loc+"/review", nil); w.Code != http.StatusSeeOther {
		t.Errorf("review: %d", w.Code)
	}
	if w := e.form("advocate", loc+"/review", nil); w.Code != http.StatusForbidden {
		t.Errorf("a team member reviewed: %d", w.Code)
	}
	page = e.do("advocate", "GET", loc, nil, "")
	if !strings.Contains(page.Body.String(), "Lovely work") || !strings.Contains(page.Body.String(), "Reviewed") {
		t.Errorf("team's view after review lacks the comment or status")
	}
	// Another team's member cannot read it.
	if w := e.do("director", "GET", strings.Replace(loc, fmt.Sprintf("/teams/%d/", team), fmt.Sprintf("/teams/%d/", e.ids["teamB"]), 1), nil, ""); w.Code != http.StatusForbidden {
		t.Errorf("other team's URL: %d", w.Code)
	}
	// The convener sees overdue reports.
	w = e.do("convener", "GET", fmt.Sprintf("/c/%d/reports", c), nil, "")
	if w.Code != 200 || !strings.Contains(w.Body.String(), "Lovely") && !strings.Contains(w.Body.String(), "Harbor Safe Haven") {
		t.Errorf("reports page: %d", w.Code)
	}
}

func TestPublicReportCard(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c := e.ids["c1"]
	f := url.Values{"cardTitle": {"How our community is doing"}, "cardIntro": {"Written with the community."}, "minCell": {"11"}, "reportDueDay": {"10"},
		"kind-0": {"indicator"}, "ref-0": {"Households with stable housing"}, "label-0": {"Stable homes"}, "wording-0": {"Families with a stable home."},
		"kind-1": {"figure"}, "ref-1": {"teams"}, "label-1": {"Teams"}, "wording-1": {""}}
	if w := e.form("convener", fmt.Sprintf("/c/%d/report-card", c), f); w.Code != http.StatusSeeOther {
		t.Fatalf("save card: %d %s", w.Code, w.Body.String())
	}
	st, _ := e.db.LearningSettings(bg, c)
	if st.CardToken != "" {
		t.Fatal("an unpublished card has a public token")
	}
	f.Set("cardPublic", "1")
	if w := e.form("convener", fmt.Sprintf("/c/%d/report-card", c), f); w.Code != http.StatusSeeOther {
		t.Fatalf("publish card: %d", w.Code)
	}
	st, _ = e.db.LearningSettings(bg, c)
	w := e.do("", "GET", "/cards/"+st.CardToken, nil, "")
	body := w.Body.String()
	if w.Code != 200 || !strings.Contains(body, "Stable homes") || !strings.Contains(body, "too few to show") || strings.Contains(body, ">7<") || strings.Contains(body, "@example.org") {
		t.Errorf("public card: %d\n%s", w.Code, body)
	}
	f.Del("cardPublic")
	e.form("convener", fmt.Sprintf("/c/%d/report-card", c), f)
	if w := e.do("", "GET", "/cards/"+st.CardToken, nil, ""); w.Code != http.StatusNotFound {
		t.Errorf("unpublished card still public: %d", w.Code)
	}
}

func TestArchiveDownloadAndImport(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c := e.ids["c1"]
	w := e.form("convener", fmt.Sprintf("/c/%d/archive", c), nil)
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/zip" {
		t.Fatalf("archive: %d %v", w.Code, w.Header())
	}
	if w := e.form("coach", fmt.Sprintf("/c/%d/archive", c), nil); w.Code != http.StatusForbidden {
		t.Errorf("coach archive: %d", w.Code)
	}
	log, _ := e.db.AuditLog(bg, sqlstore.AuditFilter{CollaborativeID: c, Limit: 1})
	if len(log) != 1 || log[0].Action != "export" {
		t.Errorf("archive not audited: %+v", log)
	}
	imp := e.uploadFile("admin", "/collaboratives/import", nil, "wlc.zip", w.Body.Bytes())
	if imp.Code != http.StatusSeeOther {
		t.Fatalf("import: %d %s", imp.Code, imp.Body.String())
	}
	page := e.do("admin", "GET", imp.Header().Get("Location")+"/resources", nil, "")
	if !strings.Contains(page.Body.String(), "Wellbeing conversation guide") {
		t.Errorf("imported collaborative lacks its resources")
	}
	if bad := e.uploadFile("admin", "/collaboratives/import", nil, "x.zip", []byte("not a zip")); bad.Code != http.StatusUnprocessableEntity {
		t.Errorf("bad archive: %d", bad.Code)
	}
}

func TestShareImprovementWork(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c, team := e.ids["c1"], e.ids["teamA"]
	if w := e.form("advocate", fmt.Sprintf("/c/%d/teams/%d/pdsa/%d/share", c, team, e.ids["pdsaA"]), nil); w.Code != http.StatusSeeOther {
		t.Fatalf("share PDSA: %d", w.Code)
	}
	ms, err := e.db.Measures(bg, c, team)
	if err != nil || len(ms) == 0 {
		t.Fatalf("measures: %v", err)
	}
	if w := e.form("advocate", fmt.Sprintf("/c/%d/teams/%d/measures/%d/share", c, team, ms[0].ID), nil); w.Code != http.StatusSeeOther {
		t.Fatalf("share chart: %d", w.Code)
	}
	// Another team's member sees both on the feed, the chart drawn.
	feed := e.do("director", "GET", fmt.Sprintf("/c/%d/feed", c), nil, "").Body.String()
	if !strings.Contains(feed, "PDSA cycle") || !strings.Contains(feed, "Chart with a signal") || !strings.Contains(feed, "<svg") {
		t.Errorf("feed lacks the shared improvement work")
	}
	// A client cannot put markup on the feed through the API.
	w := e.do("advocate", "POST", fmt.Sprintf("/api/v1/collaboratives/%d/teams/%d/shares", c, team),
		strings.NewReader(`{"kind":"note","itemId":5,"summary":{"title":"x","chart":"<script>alert(1)</script>"}}`), "application/json")
	if w.Code != http.StatusBadRequest {
		t.Errorf("API share with chart markup: %d", w.Code)
	}
	// A coach reads the team's work but does not share for it.
	if w := e.form("coach", fmt.Sprintf("/c/%d/teams/%d/pdsa/%d/share", c, team, e.ids["pdsaA"]), nil); w.Code != http.StatusForbidden {
		t.Errorf("coach shared: %d", w.Code)
	}
}

func TestAgendaScheduledIntoMeeting(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c, topic := e.ids["c1"], e.ids["topic1"]
	path := fmt.Sprintf("/c/%d/agenda/%d/decide", c, topic)
	// Another collaborative's meeting is not a choice.
	if w := e.form("convener", path, url.Values{"status": {"scheduled"}, "meetingId": {fmt.Sprint(e.ids["meeting2"])}}); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("scheduled into another collaborative's meeting: %d", w.Code)
	}
	if w := e.form("convener", path, url.Values{"status": {"scheduled"}, "meetingId": {fmt.Sprint(e.ids["meeting1"])}}); w.Code != http.StatusSeeOther {
		t.Fatalf("schedule: %d %s", w.Code, w.Body.String())
	}
	m, err := e.db.FindMeeting(bg, c, e.ids["meeting1"])
	if err != nil {
		t.Fatal(err)
	}
	page := e.do("advocate", "GET", fmt.Sprintf("/c/%d/agenda", c), nil, "").Body.String()
	if !strings.Contains(page, fmt.Sprintf(`href="/c/%d/meetings/%d"`, c, m.ID)) || !strings.Contains(page, m.Title) {
		t.Errorf("the agenda does not show the meeting %q", m.Title)
	}
	csv := e.do("advocate", "GET", fmt.Sprintf("/c/%d/agenda?format=csv", c), nil, "").Body.String()
	if !strings.Contains(csv, m.Title) || !strings.Contains(csv, "Scheduled") {
		t.Errorf("agenda export:\n%s", csv)
	}
	// The meeting's page and its .ics name the topic scheduled into it.
	tp, err := e.db.FindTopic(bg, c, topic, 0)
	must(t, err)
	if page := e.do("advocate", "GET", fmt.Sprintf("/c/%d/meetings/%d", c, m.ID), nil, "").Body.String(); !strings.Contains(section(page, "meeting-topics"), tp.Title) {
		t.Errorf("the meeting page lacks the topic %q", tp.Title)
	}
	if ics := e.do("advocate", "GET", fmt.Sprintf("/c/%d/meetings/%d/ics", c, m.ID), nil, "").Body.String(); !strings.Contains(ics, tp.Title) {
		t.Errorf("the meeting's .ics lacks the topic %q:\n%s", tp.Title, ics)
	}
}

func TestSuccessMomentOnTheFeed(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c, team := e.ids["c1"], e.ids["teamA"]
	w := e.form("advocate", fmt.Sprintf("/c/%d/teams/%d/moments", c, team), url.Values{"title": {"A family came back to say thanks"},
		"story": {"They found housing through the network."}, "learning": {"Ask about neighbours early"}, "shared": {"1"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("moment: %d %s", w.Code, w.Body.String())
	}
	feed := e.do("director", "GET", fmt.Sprintf("/c/%d/feed?kind=moment", c), nil, "").Body.String()
	if !strings.Contains(feed, "A family came back to say thanks") || !strings.Contains(feed, "Ask about neighbours early") {
		t.Fatal("the shared moment is not on the feed")
	}
	// Unsharing it on its own page takes it off the feed.
	loc := w.Header().Get("Location")
	if w := e.form("advocate", loc, url.Values{"title": {"A family came back to say thanks"}, "story": {"They found housing through the network."}}); w.Code != http.StatusSeeOther {
		t.Fatalf("unshare: %d", w.Code)
	}
	feed = e.do("director", "GET", fmt.Sprintf("/c/%d/feed?kind=moment", c), nil, "").Body.String()
	if strings.Contains(feed, "A family came back to say thanks") {
		t.Error("an unshared moment stayed on the feed")
	}
}
