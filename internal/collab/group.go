package collab

import (
	"strings"
	"time"
)

// GroupKind says what a group of the collaborative is for.
type GroupKind string

// The kinds of group (seed 001): the steering committee that guides the
// collaboration, and workgroups that carry one piece of its work.
const (
	GroupSteering  GroupKind = "steering"
	GroupWorkgroup GroupKind = "workgroup"
)

// GroupKinds lists the kinds, for forms.
var GroupKinds = []GroupKind{GroupSteering, GroupWorkgroup}

// A Group is a steering committee or a workgroup: people from several
// teams and partners, beside the teams.
type Group struct {
	ID, CollaborativeID int64
	Kind                GroupKind
	Name, Purpose       string
	CreatedAt           time.Time
	Members             []GroupMember
	Items               []*GroupItem
}

// A GroupMember is a person in a group, with an account or not (a
// community member or a lived-experience partner need none to be
// counted and followed up with).
type GroupMember struct {
	ID, GroupID int64
	Name        string
	// Affiliation is the team, partner organization or sector the
	// person brings (seed 001's multi-sector membership).
	Affiliation string
	UserID      int64
}

// GroupItemKind says whether an item records a decision or asks for an
// action.
type GroupItemKind string

// The kinds of group item.
const (
	ItemDecision GroupItemKind = "decision"
	ItemAction   GroupItemKind = "action"
)

// ItemStatus is an action item's state.
type ItemStatus string

// The statuses: an action is open until it is done or dropped.
const (
	ItemOpen    ItemStatus = "open"
	ItemDone    ItemStatus = "done"
	ItemDropped ItemStatus = "dropped"
)

// ItemStatuses lists the statuses, for forms.
var ItemStatuses = []ItemStatus{ItemOpen, ItemDone, ItemDropped}

// A GroupItem is a decision the group took or an action it asked of
// someone, with an owner and a due date, followed up at a later meeting.
type GroupItem struct {
	ID, GroupID int64
	Kind        GroupItemKind
	Title       string
	Owner       string
	Due         Date
	Status      ItemStatus
	// FollowUp is what was said of it when it was last followed up.
	FollowUp string
	// MeetingID is the group's meeting it was recorded at (0 if recorded
	// outside one); the group's later meetings follow it up.
	MeetingID int64
	CreatedOn Date
	UpdatedAt time.Time
}

// Overdue reports whether an open action is past its due date on today.
func (it *GroupItem) Overdue(today Date) bool {
	return it.Kind == ItemAction && it.Status == ItemOpen && !it.Due.IsZero() && it.Due.Before(today)
}

// Validate checks a group's fields.
func (g *Group) Validate() error {
	v := NewValidation()
	g.Name, g.Purpose = strings.TrimSpace(g.Name), strings.TrimSpace(g.Purpose)
	if g.Name == "" {
		v.Add("name", "error.required")
	} else {
		v.Length("name", g.Name, 200)
	}
	v.Length("purpose", g.Purpose, 2000)
	if g.Kind != GroupSteering && g.Kind != GroupWorkgroup {
		v.Add("kind", "error.invalid_choice")
	}
	return v.Err()
}

// Validate checks a member's fields.
func (m *GroupMember) Validate() error {
	v := NewValidation()
	m.Name, m.Affiliation = strings.TrimSpace(m.Name), strings.TrimSpace(m.Affiliation)
	if m.Name == "" {
		v.Add("member_name", "error.required")
	} else {
		v.Length("member_name", m.Name, 200)
	}
	v.Length("affiliation", m.Affiliation, 200)
	return v.Err()
}

// Validate checks an item's fields.
func (it *GroupItem) Validate() error {
	v := NewValidation()
	it.Title, it.Owner, it.FollowUp = strings.TrimSpace(it.Title), strings.TrimSpace(it.Owner), strings.TrimSpace(it.FollowUp)
	if it.Title == "" {
		v.Add("title", "error.required")
	} else {
		v.Length("title", it.Title, 1000)
	}
	v.Length("owner", it.Owner, 200)
	v.Length("follow_up", it.FollowUp, 4000)
	switch it.Kind {
	case ItemDecision:
		it.Owner, it.Due, it.Status = "", Date{}, ItemDone
	case ItemAction:
		if it.Owner == "" {
			v.Add("owner", "group.error_owner")
		}
	default:
		v.Add("kind", "error.invalid_choice")
	}
	switch it.Status {
	case ItemOpen, ItemDone, ItemDropped:
	default:
		v.Add("status", "error.invalid_choice")
	}
	return v.Err()
}
