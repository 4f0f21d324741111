package learning

import (
	"time"

	"github.com/goeswell/goeswell/internal/collab"
)

// ShareKind names the kind of item shared. The feed is generic: any feature
// shares its items by calling the store's Share with its kind and the
// item's id and a Summary snapshot. Kinds known today are listed in
// ShareKinds; a feature adding one adds it there and a "learning.share_kind.<kind>"
// message.
type ShareKind string

// The share kinds.
const (
	ShareNote     ShareKind = "note"     // a lesson written for the cohort
	ShareResource ShareKind = "resource" // a library resource the team used, with its note
	SharePDSA     ShareKind = "pdsa"     // a PDSA cycle and what was learned (issue 4)
	ShareChart    ShareKind = "chart"    // a measure's chart with a signal (issue 4)
	ShareMoment   ShareKind = "moment"   // a success moment (issue 6)
)

// ShareKinds lists every kind.
var ShareKinds = []ShareKind{ShareNote, ShareResource, SharePDSA, ShareChart, ShareMoment}

// Valid reports whether k is a known kind.
func (k ShareKind) Valid() bool {
	for _, s := range ShareKinds {
		if s == k {
			return true
		}
	}
	return false
}

// Summary is the snapshot of an item taken when it is shared: what the
// cohort sees, whatever later happens to the item.
type Summary struct {
	Title string `json:"title"`
	Body  string `json:"body,omitempty"`
	// Learned is what the team learned (PDSA "study", a resource note).
	Learned string `json:"learned,omitempty"`
	// Signal names a chart's signal, such as "shift".
	Signal string            `json:"signal,omitempty"`
	Fields map[string]string `json:"fields,omitempty"`
	// Chart is a chart's SVG as the server drew it at share time. Only
	// the server sets it (it is shown as markup): never from input.
	Chart string `json:"chart,omitempty"`
}

// A Share is one item on the cohort feed.
type Share struct {
	ID, CollaborativeID, TeamID int64
	TeamName                    string
	Kind                        ShareKind
	ItemID                      int64
	Summary                     Summary
	SharedBy                    int64
	SharedAt                    time.Time
	WithdrawnAt                 time.Time
	Comments                    []Comment
}

// Withdrawn reports whether the team took the item back.
func (s *Share) Withdrawn() bool { return !s.WithdrawnAt.IsZero() }

// Validate checks a share.
func (s *Share) Validate() error {
	v := collab.NewValidation()
	if !s.Kind.Valid() {
		v.Add("kind", "error.invalid_choice")
	}
	trimLimit(v, "title", &s.Summary.Title, 200, true)
	trimLimit(v, "body", &s.Summary.Body, 8000, false)
	trimLimit(v, "learned", &s.Summary.Learned, 4000, false)
	return v.Err()
}

// A Comment is a remark on a share or a report.
type Comment struct {
	ID, ParentID int64
	UserID       int64
	UserName     string
	Body         string
	CreatedAt    time.Time
}

// ValidateComment checks a comment's text.
func ValidateComment(body *string) error {
	v := collab.NewValidation()
	trimLimit(v, "body", body, 4000, true)
	return v.Err()
}
