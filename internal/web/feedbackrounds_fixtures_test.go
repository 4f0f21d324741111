package web

import (
	"testing"

	"github.com/goeswell/goeswell/internal/collab"
)

// feedbackFixtures give each collaborative a feedback round open today
// (round1 in collaborative 1, round2 in collaborative 2), for the routes
// that name one.
func feedbackFixtures(t testing.TB, e *env, c1, c2 int64) {
	t.Helper()
	today := e.db.Today()
	for i, c := range []int64{c1, c2} {
		n := string(rune('1' + i))
		r := &collab.FeedbackRound{CollaborativeID: c, Title: "Quarterly feedback " + n, OpensOn: today.AddDays(-7), ClosesOn: today.AddDays(14)}
		must(t, e.db.CreateFeedbackRound(bg, collab.Who{}, r))
		e.ids["round"+n] = r.ID
	}
}
