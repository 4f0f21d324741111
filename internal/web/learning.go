package web

import (
	"bytes"
	"fmt"
	"net/http"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/csvout"
	"github.com/goeswell/goeswell/internal/learning"
)

// learningRoutes are issue 7's: the resource library, the learning agenda,
// population indicators, the shared-learning feed, monthly reports, the
// dashboard, the funder report and the community report card.
func (s *Server) learningRoutes() []Route {
	upload := func(rt Route) Route { return withBody(rt, learning.MaxFileSize+1<<20) }
	return []Route{
		// Resource library.
		get("/c/{collab}/resources", collab.PermCollabCohort, s.resourcesPage),
		upload(post("/c/{collab}/resources", collab.PermCollabCohort, s.resourceCreate)),
		get("/c/{collab}/resources/{resource}", collab.PermCollabCohort, s.resourcePage),
		audited(get("/c/{collab}/resources/{resource}/file", collab.PermCollabCohort, s.resourceFile)),
		post("/c/{collab}/resources/{resource}/delete", collab.PermCollabManage, s.resourceDelete),
		post("/c/{collab}/teams/{team}/resources/{resource}/use", collab.PermTeamWrite, s.resourceUse),

		// Learning agenda.
		get("/c/{collab}/agenda", collab.PermCohortRead, s.agendaPage),
		post("/c/{collab}/agenda", collab.PermCollabCohort, s.agendaPropose),
		post("/c/{collab}/agenda/{topic}/vote", collab.PermCollabCohort, s.agendaVote),
		post("/c/{collab}/agenda/{topic}/withdraw", collab.PermCollabCohort, s.agendaWithdraw),
		post("/c/{collab}/agenda/{topic}/decide", collab.PermAgendaSchedule, s.agendaDecide),

		// Population indicators.
		get("/c/{collab}/indicators", collab.PermCollabAggregate, s.indicatorsPage),
		importing(upload(post("/c/{collab}/indicators", collab.PermCollabManage, s.indicatorsImport))),

		// Shared learning.
		get("/c/{collab}/feed", collab.PermCollabCohort, s.feedPage),
		post("/c/{collab}/feed/{share}/comments", collab.PermCollabCohort, s.feedComment),
		get("/c/{collab}/teams/{team}/sharing", collab.PermTeamRead, s.sharingPage),
		post("/c/{collab}/teams/{team}/shares", collab.PermTeamWrite, s.shareCreate),
		post("/c/{collab}/teams/{team}/shares/{share}/withdraw", collab.PermTeamWrite, s.shareWithdraw),
		post("/c/{collab}/teams/{team}/pdsa/{pdsa}/share", collab.PermTeamWrite, s.pdsaShare),
		post("/c/{collab}/teams/{team}/measures/{measure}/share", collab.PermTeamWrite, s.measureShare),
		post("/c/{collab}/teams/{team}/sharing/defaults", collab.PermTeamManage, s.shareDefaults),

		// Monthly reports.
		get("/c/{collab}/teams/{team}/reports", collab.PermTeamRead, s.teamReportsPage),
		post("/c/{collab}/teams/{team}/reports", collab.PermTeamWrite, s.reportSave),
		get("/c/{collab}/teams/{team}/reports/{report}", collab.PermTeamRead, s.reportPage),
		post("/c/{collab}/teams/{team}/reports/{report}/comments", collab.PermTeamRead, s.reportComment),
		post("/c/{collab}/teams/{team}/reports/{report}/review", collab.PermReportsReview, s.reportReview),
		get("/c/{collab}/reports", collab.PermReportsReview, s.reportsPage),

		// Aggregates: dashboard, funder report, report card.
		get("/c/{collab}/dashboard", collab.PermCollabAggregate, s.dashboardPage),
		get("/c/{collab}/funder-report", collab.PermCollabAggregate, s.funderReportPage),
		get("/c/{collab}/report-card", collab.PermCollabAggregate, s.reportCardPage),
		post("/c/{collab}/report-card", collab.PermCollabManage, s.reportCardSave),
		post("/c/{collab}/report-card/address", collab.PermCollabManage, s.reportCardNewAddress),
		get("/cards/{token}", collab.PermPublic, s.publicCardPage),

		// The whole collaborative as one archive, and its import elsewhere.
		// A POST although it changes nothing but the audit log: the
		// download of a whole collaborative is an audited act, and GETs
		// must not write.
		withBody(post("/c/{collab}/archive", collab.PermCollabManage, s.archiveExport), 1<<10),
		get("/collaboratives/import", collab.PermSiteAdmin, s.archiveImportForm),
		withBody(post("/collaboratives/import", collab.PermSiteAdmin, s.archiveImport), maxArchive),

		// JSON API.
		apiGet("/collaboratives/{collab}/resources", collab.PermCollabCohort, s.apiResources),
		apiGet("/collaboratives/{collab}/agenda", collab.PermCohortRead, s.apiAgenda),
		apiGet("/collaboratives/{collab}/feed", collab.PermCollabCohort, s.apiFeed),
		apiDo("POST", "/collaboratives/{collab}/teams/{team}/shares", collab.PermTeamWrite, s.apiShare),
		apiGet("/collaboratives/{collab}/indicators", collab.PermCollabAggregate, s.apiIndicators),
	}
}

// withBody raises a route's request body limit.
func withBody(rt Route, n int64) Route { rt.MaxBody = n; return rt }

// allowed reports whether the request's actor holds perm here.
func allowed(rc *reqCtx, perm collab.Perm) bool {
	var t int64
	if rc.Team != nil {
		t = rc.Team.ID
	}
	return collab.Authorize(rc.Actor, perm, rc.Collab.ID, t) == collab.Allow
}

// A table is a list as exported: translated headings and rows of text. Each
// page that offers an export builds its table from the same data it shows,
// so an export never shows more than the page (suppression included).
type table struct {
	Name string // file name without extension
	Head []string
	Rows [][]string
}

// exportFormat returns "csv" or "xlsx" when the request asks for an
// export (?format=), else "".
func exportFormat(r *http.Request) (string, error) {
	switch f := r.URL.Query().Get("format"); f {
	case "":
		return "", nil
	case "csv", "xlsx":
		return f, nil
	default:
		return "", fmt.Errorf("%w: format %q: want csv or xlsx", errBadRequest, f)
	}
}

// export writes t as CSV or XLSX as an attachment, and an audit row saying
// who exported what.
func (s *Server) export(w http.ResponseWriter, r *http.Request, rc *reqCtx, format string, t table) error {
	var buf bytes.Buffer
	var ctype string
	switch format {
	case "csv":
		ctype = "text/csv; charset=utf-8"
		cw := csvout.NewWriter(&buf)
		cw.Write(t.Head)
		for _, row := range t.Rows {
			cw.Write(row)
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
	case "xlsx":
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		if err := writeXLSX(&buf, t); err != nil {
			return err
		}
	}
	var cid int64
	if rc.Collab != nil {
		cid = rc.Collab.ID
	}
	if err := s.db.Audit(r.Context(), rc.who(), cid, "export", r.URL.Path, fmt.Sprintf("%s %d rows", format, len(t.Rows))); err != nil {
		return err
	}
	name := learning.SafeFileName(t.Name + "-" + time.Now().UTC().Format("2006-01-02") + "." + format)
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err := w.Write(buf.Bytes())
	return err
}

// writeXLSX writes t as one sheet; cells are set as strings, so nothing
// typed is ever read as a formula.
func writeXLSX(buf *bytes.Buffer, t table) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Sheet1"
	row := func(n int, vals []string) error {
		for i, v := range vals {
			cell, err := excelize.CoordinatesToCellName(i+1, n)
			if err != nil {
				return err
			}
			if err := f.SetCellStr(sheet, cell, v); err != nil {
				return err
			}
		}
		return nil
	}
	if err := row(1, t.Head); err != nil {
		return err
	}
	for i, r := range t.Rows {
		if err := row(i+2, r); err != nil {
			return err
		}
	}
	_, err := f.WriteTo(buf)
	return err
}

// Counted words a catalog message by a count (an int or a learning.Count),
// for a number the template shows apart: {{$.Counted "learning.figure.teams"
// .Count}} reads "team" for 1 and "teams" for 2. A count too small to show
// takes the "other" form, as a heading does.
func (p basePage) Counted(key string, n any) string {
	if c, ok := n.(learning.Count); ok {
		if c.Suppressed {
			return p.T(key)
		}
		n = c.N
	}
	return p.T(key, n)
}

// Count shows a suppressed count as "too few to show".
func (p basePage) Count(c learning.Count) string {
	if c.Suppressed {
		return p.T("learning.too_few")
	}
	return fmt.Sprint(c.N)
}
