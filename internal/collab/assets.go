package collab

import (
	"math"
	"strings"
	"time"
)

// The asset-based tools of seed 002 ("Learning from What Goes Well"): a
// team's community asset map, its success moments, positive-deviance
// inquiries, dominant culture habits and their antidotes, its map of
// community leaders and natural supports, and its logs of barriers,
// workarounds and tradeoffs. Each is the team's own working space; an
// item is seen by the rest of the cohort only when the team marks it
// shared, and funders and evaluators see counts only.

// AssetKind is what a community asset is.
type AssetKind string

// The kinds of community asset.
const (
	AssetPerson       AssetKind = "person"
	AssetPlace        AssetKind = "place"
	AssetService      AssetKind = "service"
	AssetOrganization AssetKind = "organization"
	AssetRelationship AssetKind = "relationship"
	AssetEvent        AssetKind = "event"
)

// AssetKinds lists the kinds in display order.
var AssetKinds = []AssetKind{AssetPerson, AssetPlace, AssetService, AssetOrganization, AssetRelationship, AssetEvent}

// Valid reports whether k is a known kind.
func (k AssetKind) Valid() bool {
	for _, v := range AssetKinds {
		if k == v {
			return true
		}
	}
	return false
}

// An Asset is one strength of a community on a team's asset map: a
// person, place, service, organization, relationship or event, formal or
// informal (seed 003, 1.3.2: make informal community assets visible).
type Asset struct {
	ID              int64
	CollaborativeID int64
	TeamID          int64
	TeamName        string
	Name            string
	Kind            AssetKind
	Informal        bool
	Address         string
	// Lat and Lng are WGS 84 degrees; HasLocation says whether they are set.
	Lat, Lng    float64
	HasLocation bool
	Domains     []Domain
	Notes       string
	Shared      bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Validate checks an asset before it is stored.
func (a *Asset) Validate() error {
	v := NewValidation()
	a.Name = strings.TrimSpace(a.Name)
	checkText(v, "name", a.Name, true, 200)
	if !a.Kind.Valid() {
		v.Add("kind", "error.invalid_choice")
	}
	checkText(v, "address", a.Address, false, 500)
	checkText(v, "notes", a.Notes, false, 4000)
	if a.HasLocation {
		if math.IsNaN(a.Lat) || a.Lat < -90 || a.Lat > 90 {
			v.Add("lat", "error.latitude")
		}
		if math.IsNaN(a.Lng) || a.Lng < -180 || a.Lng > 180 {
			v.Add("lng", "error.longitude")
		}
	}
	for _, d := range a.Domains {
		if !d.Valid() {
			v.Add("domains", "error.invalid_choice")
		}
	}
	return v.Err()
}

// An AssetSnapshot is a team's asset map frozen at a phase of the
// project, so the map's evolution can be compared side by side.
type AssetSnapshot struct {
	ID        int64
	TeamID    int64
	Label     string
	Assets    []*Asset
	CreatedAt time.Time
}

// A SuccessMoment is a story of a moment that went well (the Success
// Moment Workshop: appreciative inquiry and significant moment
// reflection).
type SuccessMoment struct {
	ID              int64
	CollaborativeID int64
	TeamID          int64
	TeamName        string
	Title           string
	Story           string
	MadePossible    string // what made it possible
	WhoInvolved     string
	Learning        string // what it teaches, to make more such moments
	Domains         []Domain
	Shared          bool
	CreatedAt       time.Time
}

// MomentSteps are the workshop's reflection questions, one per step, in
// order: each names the field it fills.
var MomentSteps = []string{"title", "story", "madePossible", "whoInvolved", "domains", "learning"}

// Validate checks a success moment.
func (m *SuccessMoment) Validate() error {
	v := NewValidation()
	m.Title = strings.TrimSpace(m.Title)
	checkText(v, "title", m.Title, true, 200)
	checkText(v, "story", m.Story, true, 8000)
	checkText(v, "madePossible", m.MadePossible, false, 4000)
	checkText(v, "whoInvolved", m.WhoInvolved, false, 2000)
	checkText(v, "learning", m.Learning, false, 4000)
	for _, d := range m.Domains {
		if !d.Valid() {
			v.Add("domains", "error.invalid_choice")
		}
	}
	return v.Err()
}

// A Barrier is one barrier people meet in a system and the workaround they
// use (seed 003, 2.4.1 and 2.4.2), grouped by category so a convener can
// take the most common to policy.
type Barrier struct {
	ID              int64
	CollaborativeID int64
	TeamID          int64
	TeamName        string
	System          string
	Category        string
	Description     string
	Workaround      string
	Domain          Domain // the domain of wellbeing it costs; may be empty
	Shared          bool
	CreatedAt       time.Time
}

// NormalizeCategory makes categories typed differently group together.
func NormalizeCategory(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// Validate checks a barrier.
func (b *Barrier) Validate() error {
	v := NewValidation()
	checkText(v, "system", b.System, false, 200)
	b.Category = NormalizeCategory(b.Category)
	checkText(v, "category", b.Category, true, 100)
	checkText(v, "description", b.Description, true, 4000)
	checkText(v, "workaround", b.Workaround, false, 4000)
	if b.Domain != "" && !b.Domain.Valid() {
		v.Add("domain", "error.invalid_choice")
	}
	return v.Err()
}

// A Tradeoff records what a person or a policy gives up in one domain of
// wellbeing to gain in another (seed 003, 1.4.1).
type Tradeoff struct {
	ID              int64
	CollaborativeID int64
	TeamID          int64
	TeamName        string
	Subject         string // "person" or "policy"
	GivesUp         Domain
	Gains           Domain
	Description     string
	Shared          bool
	CreatedAt       time.Time
}

// Validate checks a tradeoff.
func (t *Tradeoff) Validate() error {
	v := NewValidation()
	if t.Subject != "person" && t.Subject != "policy" {
		v.Add("subject", "error.invalid_choice")
	}
	if !t.GivesUp.Valid() {
		v.Add("givesUp", "error.invalid_choice")
	}
	if !t.Gains.Valid() {
		v.Add("gains", "error.invalid_choice")
	}
	if t.GivesUp != "" && t.GivesUp == t.Gains {
		v.Add("gains", "error.same_domain")
	}
	checkText(v, "description", t.Description, true, 4000)
	return v.Err()
}

// A Habit is a dominant culture habit a team names, with the antidote
// practice it commits to, and its check-ins over time.
type Habit struct {
	ID              int64
	CollaborativeID int64
	TeamID          int64
	Habit           string
	Antidote        string
	Shared          bool
	CreatedAt       time.Time
	Checkins        []HabitCheckin
}

// Validate checks a habit.
func (h *Habit) Validate() error {
	v := NewValidation()
	h.Habit = strings.TrimSpace(h.Habit)
	checkText(v, "habit", h.Habit, true, 500)
	checkText(v, "antidote", h.Antidote, true, 2000)
	return v.Err()
}

// A HabitCheckin is how the antidote practice went at one check-in:
// 1 (the old habit won) to 5 (the antidote is how we work now).
type HabitCheckin struct {
	ID     int64
	On     Date
	Rating int
	Note   string
}

// Validate checks a check-in.
func (c *HabitCheckin) Validate() error {
	v := NewValidation()
	if c.On.IsZero() {
		v.Add("on", "error.required")
	}
	if c.Rating < 1 || c.Rating > 5 {
		v.Add("rating", "error.invalid_choice")
	}
	checkText(v, "note", c.Note, false, 2000)
	return v.Err()
}

// A NetNode is a person or group on a team's map of community leaders and
// natural supports.
type NetNode struct {
	ID     int64
	TeamID int64
	Name   string
	Kind   string // "person" or "group"
	Notes  string
}

// Validate checks a node.
func (n *NetNode) Validate() error {
	v := NewValidation()
	n.Name = strings.TrimSpace(n.Name)
	checkText(v, "name", n.Name, true, 200)
	if n.Kind != "person" && n.Kind != "group" {
		v.Add("kind", "error.invalid_choice")
	}
	checkText(v, "notes", n.Notes, false, 2000)
	return v.Err()
}

// EdgePlans are what a team means to do with a relationship.
var EdgePlans = []string{"existing", "invest", "cultivate"}

// A NetEdge is a relationship between two nodes: its strength (1 weak to 3
// strong), its kind in the team's words, and the plan — keep it, invest
// in it, or cultivate it as a new connection.
type NetEdge struct {
	ID       int64
	TeamID   int64
	From, To int64
	Strength int
	Kind     string
	Plan     string
}

// Validate checks an edge.
func (e *NetEdge) Validate() error {
	v := NewValidation()
	if e.From == 0 {
		v.Add("from", "error.required")
	}
	if e.To == 0 {
		v.Add("to", "error.required")
	}
	if e.From != 0 && e.From == e.To {
		v.Add("to", "error.same_node")
	}
	if e.Strength < 1 || e.Strength > 3 {
		v.Add("strength", "error.invalid_choice")
	}
	checkText(v, "kind", e.Kind, false, 100)
	ok := false
	for _, p := range EdgePlans {
		ok = ok || p == e.Plan
	}
	if !ok {
		v.Add("plan", "error.invalid_choice")
	}
	return v.Err()
}

// A PDInquiry is a positive-deviance inquiry: the question, the positive
// outliers found, the uncommon practices they use and the actions the
// group takes.
type PDInquiry struct {
	ID              int64
	CollaborativeID int64
	TeamID          int64
	TeamName        string
	Question        string
	Outliers        string
	Practices       string
	Actions         string
	Shared          bool
	CreatedAt       time.Time
}

// Validate checks an inquiry.
func (q *PDInquiry) Validate() error {
	v := NewValidation()
	q.Question = strings.TrimSpace(q.Question)
	checkText(v, "question", q.Question, true, 1000)
	checkText(v, "outliers", q.Outliers, false, 4000)
	checkText(v, "practices", q.Practices, false, 4000)
	checkText(v, "actions", q.Actions, false, 4000)
	return v.Err()
}
