package web

import (
	"testing"

	"github.com/goeswell/goeswell/internal/collab"
)

// groupFixtures gives each collaborative a workgroup with a member
// without an account and an open action (group1, gmember1, gitem1 in
// collaborative 1; group2, gmember2, gitem2 in collaborative 2), and a
// person without an account, for the routes that name them.
func groupFixtures(t testing.TB, e *env, c1, c2 int64) {
	t.Helper()
	who := collab.Who{}
	for i, c := range []int64{c1, c2} {
		n := string(rune('1' + i))
		g := &collab.Group{CollaborativeID: c, Kind: collab.GroupWorkgroup, Name: "Housing workgroup " + n, Purpose: "Fewer families without a home"}
		must(t, e.db.CreateGroup(bg, who, g))
		m := &collab.GroupMember{GroupID: g.ID, Name: "Rosa, community member " + n, Affiliation: "Neighbourhood association"}
		must(t, e.db.AddGroupMember(bg, who, c, m))
		it := &collab.GroupItem{GroupID: g.ID, Kind: collab.ItemAction, Title: "Ask the housing authority for data " + n, Owner: "Rosa", Due: collab.NewDate(2026, 3, 1)}
		must(t, e.db.SaveGroupItem(bg, who, c, it))
		e.ids["group"+n], e.ids["gmember"+n], e.ids["gitem"+n] = g.ID, m.ID, it.ID
		// A lived-experience partner without an account (cperson1,
		// cperson2), for the routes that name a person.
		pe := &collab.CommunityPerson{CollaborativeID: c, Name: "Dee, lived-experience partner " + n, Contact: "555-0100", PaymentMethod: collab.PayGiftCard, GroupID: g.ID,
			TeamID: e.ids[[]string{"teamA", "teamC"}[i]]}
		must(t, e.db.SaveCommunityPerson(bg, who, pe))
		e.ids["cperson"+n] = pe.ID
	}
}
