package engage

import (
	"fmt"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
)

// ICS renders meetings as an iCalendar (RFC 5545) document: one VEVENT per
// meeting, times in UTC, cancelled meetings kept with STATUS:CANCELLED so
// calendar clients remove them. baseURL links each event to its page.
func ICS(name string, meetings []*Meeting, baseURL string, stamp time.Time) string {
	cal := ics.NewCalendar()
	cal.SetMethod(ics.MethodPublish)
	cal.SetProductId("-//goeswell//engagement//EN")
	cal.SetXWRCalName(name)
	for _, m := range meetings {
		ev := cal.AddEvent(fmt.Sprintf("meeting-%d@goeswell", m.ID))
		ev.SetDtStampTime(stamp.UTC())
		ev.SetStartAt(m.StartsAt.UTC())
		ev.SetEndAt(m.EndsAt().UTC())
		ev.SetSummary(m.Title)
		loc := m.Location
		if loc == "" {
			loc = m.VideoURL
		}
		if loc != "" {
			ev.SetLocation(loc)
		}
		var desc []string
		if m.Agenda != "" {
			desc = append(desc, m.Agenda)
		}
		if len(m.Topics) > 0 {
			desc = append(desc, "• "+strings.Join(m.Topics, "\n• "))
		}
		if m.VideoURL != "" {
			desc = append(desc, m.VideoURL)
		}
		if m.Materials != "" {
			desc = append(desc, m.Materials)
		}
		if len(desc) > 0 {
			ev.SetDescription(strings.Join(desc, "\n\n"))
		}
		if baseURL != "" {
			ev.SetURL(fmt.Sprintf("%s/c/%d/meetings/%d", baseURL, m.CollaborativeID, m.ID))
		}
		// SEQUENCE tells a client that imported an earlier copy that this
		// one supersedes it: a move and a cancellation each bump it.
		seq := 0
		if m.Moved {
			seq++
		}
		if m.Cancelled {
			seq++
			ev.SetStatus(ics.ObjectStatusCancelled)
		} else {
			ev.SetStatus(ics.ObjectStatusConfirmed)
		}
		ev.SetSequence(seq)
	}
	return cal.Serialize()
}
