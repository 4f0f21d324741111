package web

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/learning"
)

// learningFixtures adds issue 7's objects to the access-test environment:
// a resource, an agenda topic, a shared item and a submitted report in
// collaborative 1 (teams A and B) and, named "canary", in collaborative 2.
func learningFixtures(t testing.TB, e *env, c1, c2, teamA, teamB, teamC int64) {
	t.Helper()
	db := e.db
	who := collab.Who{}
	// Both resources are stored files, so the download route has a file.
	must(t, os.MkdirAll(e.srv.filesDir, 0o750))
	file := func(key string) string {
		must(t, os.WriteFile(filepath.Join(e.srv.filesDir, key), []byte("%PDF-1.4\n% fixture\n"), 0o640))
		return key
	}
	r1 := &learning.Resource{CollaborativeID: c1, Kind: learning.KindToolkit, Title: "Wellbeing conversation guide", Domains: []string{"2"},
		FileName: "guide.pdf", FileKey: file("fixture-guide"), FileType: "application/pdf", FileSize: 19}
	must(t, db.CreateResource(bg, who, r1, nil))
	r2 := &learning.Resource{CollaborativeID: c2, Kind: learning.KindTool, Title: "Canary tool",
		FileName: "canary.pdf", FileKey: file("fixture-canary"), FileType: "application/pdf", FileSize: 19}
	must(t, db.CreateResource(bg, who, r2, nil))
	must(t, db.MarkResourceUsed(bg, who, c1, teamA, r1.ID, "Used at intake"))

	conv, _, err := db.FindUserByEmail(bg, "convener@example.org")
	must(t, err)
	tp1 := &learning.Topic{CollaborativeID: c1, Title: "Measuring social connectedness"}
	must(t, db.ProposeTopic(bg, collab.Who{UserID: conv.ID}, tp1))
	conv2, _, err := db.FindUserByEmail(bg, "convener2@example.org")
	must(t, err)
	tp2 := &learning.Topic{CollaborativeID: c2, Title: "Canary topic"}
	must(t, db.ProposeTopic(bg, collab.Who{UserID: conv2.ID}, tp2))

	share := func(c, team int64, title string) int64 {
		s := &learning.Share{CollaborativeID: c, TeamID: team, Kind: learning.ShareNote, ItemID: 1, Summary: learning.Summary{Title: title, Learned: "lesson"}}
		must(t, db.Share(bg, who, s))
		return s.ID
	}
	report := func(c, team int64, narrative string) int64 {
		month := learning.MonthOf(db.Today()).AddMonths(-1)
		content, err := db.CompileReport(bg, c, team, month)
		must(t, err)
		r := &learning.Report{CollaborativeID: c, TeamID: team, Month: month, Narrative: narrative, Progress: 2}
		must(t, db.SaveReport(bg, who, r, true, content))
		return r.ID
	}
	e.ids["resource1"], e.ids["resource2"] = r1.ID, r2.ID
	e.ids["topic1"], e.ids["topic2"] = tp1.ID, tp2.ID
	e.ids["shareA"], e.ids["shareB"], e.ids["shareC"] = share(c1, teamA, "Harbor lesson"), share(c1, teamB, "Pioneer lesson"), share(c2, teamC, "Canary lesson")
	e.ids["reportA"], e.ids["reportB"], e.ids["reportC"] = report(c1, teamA, "Harbor private narrative"), report(c1, teamB, "Pioneer private narrative"), report(c2, teamC, "Canary narrative")

	// Population data with one small count, to check suppression.
	rows, err := learning.ParseIndicators(strings.NewReader("indicator,geography,period,count,denominator,value,unit\n" +
		"Households with stable housing,Boston,2025,1200,1500,80,%\n" +
		"Households with stable housing,Tiny Town,2025,7,9,77.7777,%\n"))
	must(t, err)
	must(t, db.ImportIndicators(bg, who, &learning.IndicatorImport{CollaborativeID: c1, Source: "State census", AsOf: collab.NewDate(2025, 12, 31)}, rows))
}
