package web

import (
	"testing"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

// assetFixtures adds issue 6's objects for the access matrix and the leak
// test: for collaborative 1 (teams A and B) and collaborative 2 (team C).
// Team B's items are not shared and carry names the leak test forbids to
// team A ("Keisha Brown" is team B's member); every survey answer's free
// text carries "canary".
func assetFixtures(t testing.TB, db *sqlstore.DB, c1, teamA, teamB, c2, teamC int64) map[string]int64 {
	t.Helper()
	who := collab.Who{}
	ids := map[string]int64{}
	qs := []collab.Question{{Key: "q1", Kind: collab.QScale, Text: "How connected?"}, {Key: "q2", Kind: collab.QText, Text: "What helps?"}}
	for name, c := range map[string]int64{"survey1": c1, "survey2": c2} {
		sv := &collab.Survey{CollaborativeID: c, Title: "Pulse " + name, Kind: collab.SurveyCustom, Questions: qs}
		must(t, db.CreateSurvey(bg, who, sv))
		ids[name] = sv.ID
	}
	// Three answers from team A through a shared link: fewer than the
	// threshold, so never shown.
	must(t, db.CreateSurveyLinks(bg, who, c1, ids["survey1"], teamA, false, []string{"fixture-token-a"}))
	for range 3 {
		must(t, db.SubmitSurveyResponse(bg, "fixture-token-a", map[string]string{"q1": "4", "q2": "canary free text"}))
	}
	for name, a := range map[string]struct {
		c, t int64
		name string
	}{"assetA": {c1, teamA, "Harbor library"}, "assetB": {c1, teamB, "Keisha Brown's kitchen table"}, "assetC": {c2, teamC, "Canary park"}} {
		as := &collab.Asset{Name: a.name, Kind: collab.AssetPlace, Lat: 42.3, Lng: -71.1, HasLocation: true, Domains: []collab.Domain{collab.DomainSocial}}
		must(t, db.CreateAsset(bg, who, a.c, a.t, as))
		ids[name] = as.ID
	}
	for name, m := range map[string]struct {
		c, t   int64
		title  string
		shared bool
	}{"momentA": {c1, teamA, "Harbor shared moment", true}, "momentB": {c1, teamB, "Keisha Brown's private moment", false}, "momentC": {c2, teamC, "Canary moment", true}} {
		sm := &collab.SuccessMoment{Title: m.title, Story: m.title + " story", Shared: m.shared}
		must(t, db.SaveMoment(bg, who, m.c, m.t, sm))
		ids[name] = sm.ID
	}
	// Team B's unshared items in the other tools, and team C's in another
	// collaborative: their words must not reach team A or collaborative 1.
	for _, x := range []struct {
		c, t int64
		word string
	}{{c1, teamB, "Keisha Brown"}, {c2, teamC, "canary"}} {
		must(t, db.CreateBarrier(bg, who, x.c, x.t, &collab.Barrier{Category: "transport", Description: x.word + " bus pass"}))
		must(t, db.CreateTradeoff(bg, who, x.c, x.t, &collab.Tradeoff{Subject: "person", GivesUp: collab.DomainSocial, Gains: collab.DomainSafety, Description: x.word + " moved away"}))
		must(t, db.SaveHabit(bg, who, x.c, x.t, &collab.Habit{Habit: x.word + " urgency", Antidote: "pause"}))
		must(t, db.SaveInquiry(bg, who, x.c, x.t, &collab.PDInquiry{Question: x.word + " question"}))
		n := &collab.NetNode{Name: x.word + " node", Kind: "person"}
		must(t, db.CreateNode(bg, who, x.c, x.t, n))
	}
	return ids
}
