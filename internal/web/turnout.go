package web

import (
	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/engage"
	"github.com/goeswell/goeswell/internal/suppress"
)

// turnoutRow is one line of a "people at meetings" figure — a meeting on
// the participation dashboard, a month in the funder report — as shown:
// everyone who attended and how many of them had no account, each hidden
// when the disclosure rule hides it.
type turnoutRow struct {
	Meeting               *engage.Meeting // on the dashboard
	Month                 collab.Date     // in the funder report
	Total, WithoutAccount int
	TotalHidden           bool
	WithoutAccountHidden  bool
}

// shownTurnouts applies the one disclosure rule (doc/design.md) to a
// figure of people at meetings: unlike the meetings teams covered, these
// count people, so the whole figure — lines × {with an account, without}
// with its margins — goes through suppress.Suppress at the collaborative's
// threshold, as check-in answers do. Each line shows its total (the row
// total) and its people without an account (a cell).
func shownTurnouts(rows []turnoutRow, accounts []int, k int) []turnoutRow {
	if len(rows) == 0 {
		return rows
	}
	n := make([][]int, len(rows))
	for i := range rows {
		n[i] = []int{accounts[i], rows[i].WithoutAccount}
	}
	m := suppress.Suppress(suppress.NewTable(n), k, nil)
	for i := range rows {
		rows[i].TotalHidden = m.RowTotal[i]
		rows[i].WithoutAccountHidden = m.Cell[i][1]
	}
	return rows
}

// meetingTurnouts are the dashboard's lines, one a held meeting.
func meetingTurnouts(ts []engage.Turnout, k int) []turnoutRow {
	rows := make([]turnoutRow, len(ts))
	acc := make([]int, len(ts))
	for i, t := range ts {
		rows[i] = turnoutRow{Meeting: t.Meeting, Total: t.Total(), WithoutAccount: t.WithoutAccount}
		acc[i] = t.Accounts
	}
	return shownTurnouts(rows, acc, k)
}

// monthTurnouts are the funder report's lines, one a month.
func monthTurnouts(ms []engage.TurnoutMonth, k int) []turnoutRow {
	rows := make([]turnoutRow, len(ms))
	acc := make([]int, len(ms))
	for i, m := range ms {
		rows[i] = turnoutRow{Month: m.Month, Total: m.Total(), WithoutAccount: m.WithoutAccount}
		acc[i] = m.Accounts
	}
	return shownTurnouts(rows, acc, k)
}

// turnoutRows are the funder report's people-at-meetings lines as its CSV
// and XLSX carry them: the same figures, hidden alike.
func turnoutRows(p basePage, rows []turnoutRow) [][]string {
	var out [][]string
	sec := p.T("engagement.turnout.heading")
	for _, r := range rows {
		label := r.Month.String()[:7]
		out = append(out,
			[]string{sec, label + " · " + p.T("engagement.turnout.attended"), p.Shown(r.Total, r.TotalHidden)},
			[]string{sec, label + " · " + p.T("engagement.turnout.without_account"), p.Shown(r.WithoutAccount, r.WithoutAccountHidden)})
	}
	return out
}
