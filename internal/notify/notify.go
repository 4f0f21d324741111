// Package notify holds in-app notifications: what a team's people are told
// when someone outside the team acts on its work (a coach comments on or
// reviews its monthly report, a convener schedules a meeting it is invited
// to). Storage is in sqlstore/notifications.go; a notification is written
// in the same transaction as its event.
package notify

import "time"

// Kind is what happened.
type Kind string

// The kinds of notification. The catalog key of each is notify.kind.<kind>.
const (
	ReportComment    Kind = "report_comment"
	ReportReviewed   Kind = "report_reviewed"
	MeetingScheduled Kind = "meeting_scheduled"
	// MeetingChanged: a convener moved, changed or cancelled meetings the
	// team is invited to (one notification for several of a series).
	MeetingChanged Kind = "meeting_changed"
	// ShareComment: a comment on what the team shared in the feed (a PDSA
	// cycle, a note), by someone else.
	ShareComment Kind = "share_comment"
)

// Kinds lists every kind, for the catalog test and forms.
var Kinds = []Kind{ReportComment, ReportReviewed, MeetingScheduled, MeetingChanged, ShareComment}

// A Notification is one message to one person.
type Notification struct {
	ID, CollaborativeID int64
	// TeamID is the team the event concerns; only its people are told.
	TeamID  int64
	UserID  int64
	ActorID int64
	// ActorName is who acted, for the list ("" when unknown).
	ActorName string
	Kind      Kind
	// Subject names the object: a report's month, a meeting's title.
	Subject string
	// Link is a path inside the site where the person acts on it.
	Link      string
	CreatedAt time.Time
	ReadAt    time.Time
}

// Read reports whether the person has marked it read.
func (n *Notification) Read() bool { return !n.ReadAt.IsZero() }

// An Event is what a store method passes to say whom to tell: the team's
// people, except the one who acted.
type Event struct {
	CollaborativeID, TeamID, ActorID int64
	Kind                             Kind
	Subject, Link                    string
}
