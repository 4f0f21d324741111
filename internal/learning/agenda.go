package learning

import (
	"time"

	"github.com/goeswell/goeswell/internal/collab"
)

// TopicStatus is what became of an agenda topic.
type TopicStatus string

// The topic statuses.
const (
	TopicProposed  TopicStatus = "proposed"
	TopicScheduled TopicStatus = "scheduled"
	TopicCovered   TopicStatus = "covered"
	TopicDeclined  TopicStatus = "declined"
	TopicWithdrawn TopicStatus = "withdrawn"
)

// TopicStatuses lists the statuses a convener may set.
var TopicStatuses = []TopicStatus{TopicProposed, TopicScheduled, TopicCovered, TopicDeclined}

// A Topic is a proposal for the co-created learning agenda.
//
// ProposedBy is always stored, even for an anonymous topic, so that its
// proposer can find and withdraw it; an anonymous topic's proposer is
// never shown — the store returns ProposerName only when the topic is not
// anonymous, and Mine says whether the viewer proposed it.
type Topic struct {
	ID, CollaborativeID int64
	Title, Detail       string
	ProposedBy          int64
	ProposerName        string
	Anonymous           bool
	Status              TopicStatus
	// Session says when it is (to be) covered: free text and a date until
	// meetings exist, then MeetingID.
	SessionText string
	SessionDate collab.Date
	MeetingID   int64
	// MeetingTitle and MeetingAt describe the meeting, when scheduled
	// into one.
	MeetingTitle string
	MeetingAt    time.Time
	Outcome      string
	Votes        int
	// Voted and Mine are from the viewer's point of view.
	Voted, Mine bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Validate checks a new topic.
func (t *Topic) Validate() error {
	v := collab.NewValidation()
	trimLimit(v, "title", &t.Title, 200, true)
	trimLimit(v, "detail", &t.Detail, 4000, false)
	return v.Err()
}

// TopicDecision is the convener's decision on a topic.
type TopicDecision struct {
	Status      TopicStatus
	SessionText string
	SessionDate collab.Date
	MeetingID   int64
	Outcome     string
}

// Validate checks a decision.
func (d *TopicDecision) Validate() error {
	v := collab.NewValidation()
	ok := false
	for _, s := range TopicStatuses {
		ok = ok || s == d.Status
	}
	if !ok {
		v.Add("status", "error.invalid_choice")
	}
	trimLimit(v, "sessionText", &d.SessionText, 200, false)
	trimLimit(v, "outcome", &d.Outcome, 4000, false)
	if d.Status == TopicScheduled && d.SessionText == "" && d.SessionDate.IsZero() && d.MeetingID == 0 {
		v.Add("sessionText", "agenda.error.when")
	}
	return v.Err()
}
