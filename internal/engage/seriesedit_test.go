package engage

import (
	"fmt"
	"testing"
	"time"
)

// TestPlanSeriesEdit: a weekly Tuesday 10:00 New York series of six,
// the first two held, edited from its third or fourth meeting. "This and
// following" moves only the edited one onwards; "whole series" every
// meeting not yet held; held meetings are counted, never changed; the
// wall-clock time holds across the November fall-back.
func TestPlanSeriesEdit(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	// Tuesdays 13 Oct .. 17 Nov 2026: 1 Nov ends daylight time.
	var series []*Meeting
	for i := 0; i < 6; i++ {
		series = append(series, &Meeting{ID: int64(i + 1), SeriesID: 7, Details: Details{Title: "Peer call", TimeZone: "America/New_York", DurationMin: 60,
			Audience: AudienceAllTeams}, StartsAt: time.Date(2026, 10, 13+7*i, 10, 0, 0, 0, ny).UTC()})
	}
	series[4].Cancelled = true
	now := time.Date(2026, 10, 22, 12, 0, 0, 0, ny) // after the first two
	edit := func(i int, f func(m *Meeting)) *Meeting {
		m := *series[i]
		f(&m)
		return &m
	}
	// The third meeting (27 Oct) moves to Thursday 29 Oct at 14:00.
	thursday := edit(2, func(m *Meeting) { m.StartsAt = time.Date(2026, 10, 29, 14, 0, 0, 0, ny).UTC() })
	retitled := edit(3, func(m *Meeting) { m.Title = "Peer learning call" })
	tests := []struct {
		name   string
		old    *Meeting
		edited *Meeting
		scope  EditScope
		want   []string // "id local-start title cancelled"
		held   int
	}{
		{"this and following moves the third onwards", series[2], thursday, ScopeFollowing, []string{
			"3 Thu 2026-10-29 14:00 EDT Peer call false",
			"4 Thu 2026-11-05 14:00 EST Peer call false",
			"5 Thu 2026-11-12 14:00 EST Peer call true",
			"6 Thu 2026-11-19 14:00 EST Peer call false"}, 0},
		{"whole series leaves the held ones", series[2], thursday, ScopeSeries, []string{
			"3 Thu 2026-10-29 14:00 EDT Peer call false",
			"4 Thu 2026-11-05 14:00 EST Peer call false",
			"5 Thu 2026-11-12 14:00 EST Peer call true",
			"6 Thu 2026-11-19 14:00 EST Peer call false"}, 2},
		{"a new title alone keeps the times", series[3], retitled, ScopeFollowing, []string{
			"4 Tue 2026-11-03 10:00 EST Peer learning call false",
			"5 Tue 2026-11-10 10:00 EST Peer learning call true",
			"6 Tue 2026-11-17 10:00 EST Peer learning call false"}, 0},
		{"this meeting alone", series[3], retitled, ScopeThis, []string{
			"4 Tue 2026-11-03 10:00 EST Peer learning call false"}, 0},
		{"from a held meeting nothing held changes", series[0], edit(0, func(m *Meeting) { m.Title = "x" }), ScopeFollowing, []string{
			"3 Tue 2026-10-27 10:00 EDT x false", "4 Tue 2026-11-03 10:00 EST x false", "5 Tue 2026-11-10 10:00 EST x true", "6 Tue 2026-11-17 10:00 EST x false"}, 2},
		{"cancel this and following", series[3], edit(3, func(m *Meeting) { m.Cancelled = true }), ScopeFollowing, []string{
			"4 Tue 2026-11-03 10:00 EST Peer call true", "5 Tue 2026-11-10 10:00 EST Peer call true", "6 Tue 2026-11-17 10:00 EST Peer call true"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := PlanSeriesEdit(tt.old, tt.edited, series, tt.scope, now)
			var lines []string
			for _, m := range got.Changed {
				lines = append(lines, fmt.Sprintf("%d %s %s %v", m.ID, m.Local().Format("Mon 2006-01-02 15:04 MST"), m.Title, m.Cancelled))
			}
			if fmt.Sprint(lines) != fmt.Sprint(tt.want) {
				t.Errorf("changed:\n%q\nwant\n%q", lines, tt.want)
			}
			if got.Held != tt.held {
				t.Errorf("held = %d, want %d", got.Held, tt.held)
			}
		})
	}
	// The stored meetings are untouched: the plan works on copies.
	if series[2].Local().Format("Mon 15:04") != "Tue 10:00" {
		t.Error("the plan changed its input")
	}
}
