package learning

import (
	"time"

	"github.com/goeswell/goeswell/internal/collab"
)

// ReportStatus is where a monthly report is.
type ReportStatus string

// The report statuses.
const (
	ReportDraft     ReportStatus = "draft"
	ReportSubmitted ReportStatus = "submitted"
	ReportReviewed  ReportStatus = "reviewed"
)

// ProgressScale is the IHI Breakthrough Series self-assessment of progress,
// 1 to 5: 1 forming the team, 2 activity but no changes tested, 3 changes
// tested, 4 improvement in measures, 5 outstanding sustainable results.
var ProgressScale = []int{1, 2, 3, 4, 5}

// A Report is a team's monthly report.
type Report struct {
	ID, CollaborativeID, TeamID int64
	TeamName                    string
	Month                       collab.Date
	Narrative                   string
	Progress                    int
	Status                      ReportStatus
	// Content is the compiled report: live for a draft, frozen at
	// submission.
	Content     *Content
	SubmittedBy int64
	SubmittedAt time.Time
	ReviewedBy  int64
	ReviewedAt  time.Time
	UpdatedAt   time.Time
	Comments    []Comment
}

// Frozen reports whether the report was submitted.
func (r *Report) Frozen() bool { return r.Status != ReportDraft }

// Validate checks the team's part of a report.
func (r *Report) Validate(submitting bool) error {
	v := collab.NewValidation()
	trimLimit(v, "narrative", &r.Narrative, 20000, submitting)
	if r.Progress < 0 || r.Progress > 5 || (submitting && r.Progress == 0) {
		v.Add("progress", "report.error.progress")
	}
	if r.Month.IsZero() {
		v.Add("month", "error.required")
	}
	return v.Err()
}

// Content is a compiled report: sections of labelled rows. Sections come
// from the features that have data for the month (resources used, shares,
// agenda; measures, PDSA cycles, success moments, attendance and hours as
// those features join) — each adds a Section under its own key.
type Content struct {
	Team       string    `json:"team"`
	Month      string    `json:"month"`
	CompiledAt time.Time `json:"compiledAt"`
	Sections   []Section `json:"sections"`
}

// A Section is one part of a compiled report.
type Section struct {
	Key  string `json:"key"` // also the title's catalog key: report.section.<key>
	Rows []Row  `json:"rows"`
}

// A Row is one line of a section. ID identifies the item across
// compilations, so a later correction shows as a difference.
type Row struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	Value string `json:"value,omitempty"`
	Note  string `json:"note,omitempty"`
	// Chart is an inline SVG of a measure's chart, when there is one.
	Chart string `json:"chart,omitempty"`
}

// A Difference is a row whose data changed after the report was frozen.
type Difference struct {
	Section, ID   string
	Label         string
	Frozen, Later string // "" when the row was added or removed
}

// Diff compares a frozen report with a fresh compilation of the same month.
func Diff(frozen, now *Content) []Difference {
	if frozen == nil || now == nil {
		return nil
	}
	type key struct{ s, id string }
	old := map[key]Row{}
	var order []key
	for _, s := range frozen.Sections {
		for _, r := range s.Rows {
			k := key{s.Key, r.ID}
			old[k] = r
			order = append(order, k)
		}
	}
	var out []Difference
	seen := map[key]bool{}
	for _, s := range now.Sections {
		for _, r := range s.Rows {
			k := key{s.Key, r.ID}
			seen[k] = true
			o, ok := old[k]
			switch {
			case !ok:
				out = append(out, Difference{Section: s.Key, ID: r.ID, Label: r.Label, Later: rowText(r)})
			case rowText(o) != rowText(r):
				out = append(out, Difference{Section: s.Key, ID: r.ID, Label: r.Label, Frozen: rowText(o), Later: rowText(r)})
			}
		}
	}
	for _, k := range order {
		if !seen[k] {
			o := old[k]
			out = append(out, Difference{Section: k.s, ID: o.ID, Label: o.Label, Frozen: rowText(o)})
		}
	}
	return out
}

func rowText(r Row) string {
	s := r.Label
	if r.Value != "" {
		s += ": " + r.Value
	}
	if r.Note != "" {
		s += " — " + r.Note
	}
	return s
}

// A CardItem is one line of the community report card.
type CardItem struct {
	ID, CollaborativeID int64
	Position            int
	Kind                string // "indicator" or "figure"
	Ref                 string // the indicator's name, or the figure's key
	Label, Wording      string
}

// CardFigures are the collaborative figures a report card may show.
var CardFigures = []string{"teams", "active_teams", "reports_submitted", "shares", "resources_used", "topics_covered"}

// Validate checks a card item.
func (c *CardItem) Validate() error {
	v := collab.NewValidation()
	switch c.Kind {
	case "indicator":
	case "figure":
		ok := false
		for _, f := range CardFigures {
			ok = ok || f == c.Ref
		}
		if !ok {
			v.Add("ref", "error.invalid_choice")
		}
	default:
		v.Add("kind", "error.invalid_choice")
	}
	trimLimit(v, "ref", &c.Ref, 200, true)
	trimLimit(v, "label", &c.Label, 200, true)
	trimLimit(v, "wording", &c.Wording, 2000, false)
	return v.Err()
}
