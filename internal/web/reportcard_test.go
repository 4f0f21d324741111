package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestReportCardFloorAndAddress (issue 11 items 12 and 13), through the
// pages: the card's form refuses a smallest count under 5 with a message
// saying the limit and changes nothing; "new address" makes the old public
// link answer 404 and the new one work.
func TestReportCardFloorAndAddress(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		c := e.ids["c1"]
		path := fmt.Sprintf("/c/%d/report-card", c)
		f := url.Values{"cardTitle": {"Our card"}, "minCell": {"1"}, "reportDueDay": {"10"}, "cardPublic": {"1"}}
		before, err := e.db.LearningSettings(bg, c)
		must(t, err)
		w := e.form("convener", path, f)
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "from 5 to 1000") || !strings.Contains(w.Body.String(), `value="1"`) {
			t.Errorf("minCell 1: %d, want 422 saying the limit and keeping the input", w.Code)
		}
		if after, _ := e.db.LearningSettings(bg, c); after != before {
			t.Errorf("a refused save changed the settings: %+v", after)
		}
		f.Set("minCell", "5")
		if w := e.form("convener", path, f); w.Code != http.StatusSeeOther {
			t.Fatalf("publish: %d %s", w.Code, w.Body.String())
		}
		st, err := e.db.LearningSettings(bg, c)
		must(t, err)
		old := "/cards/" + st.CardToken
		if w := e.do("", "GET", old, nil, ""); w.Code != http.StatusOK {
			t.Fatalf("published card: %d", w.Code)
		}
		if w := e.do("convener", "GET", path, nil, ""); !strings.Contains(w.Body.String(), `id="card-address-form"`) {
			t.Error("no new-address button on the published card's page")
		}
		if w := e.form("coach", path+"/address", nil); w.Code != http.StatusForbidden {
			t.Errorf("a coach asked for a new address: %d", w.Code)
		}
		if w := e.form("convener", path+"/address", nil); w.Code != http.StatusSeeOther {
			t.Fatalf("new address: %d", w.Code)
		}
		if w := e.do("", "GET", old, nil, ""); w.Code != http.StatusNotFound {
			t.Errorf("the old address answers %d, want 404", w.Code)
		}
		st, err = e.db.LearningSettings(bg, c)
		must(t, err)
		if w := e.do("", "GET", "/cards/"+st.CardToken, nil, ""); w.Code != http.StatusOK || "/cards/"+st.CardToken == old {
			t.Errorf("the new address answers %d", w.Code)
		}
	})
}
