package engage

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/goeswell/goeswell/internal/collab"
)

// Basis is what a stipend rate is paid for (seed 002: fair compensation
// for community members' time and contributions).
type Basis string

// The bases: per meeting attended, or per month with any attendance.
const (
	PerMeeting Basis = "meeting"
	PerMonth   Basis = "month"
)

// Bases lists the bases.
var Bases = []Basis{PerMeeting, PerMonth}

// A Rate is the stipend a convener set for one person, with an account
// (UserID) or without one (PersonID).
type Rate struct {
	UserID      int64
	PersonID    int64
	Name        string
	Email       string
	Basis       Basis
	AmountCents int64
}

// Validate checks a rate.
func (r *Rate) Validate() error {
	v := collab.NewValidation()
	if !oneOf(r.Basis, Bases) {
		v.Add("basis", "error.invalid_choice")
	}
	if r.AmountCents <= 0 || r.AmountCents > 100_000_00 {
		v.Add("amount", "error.out_of_range")
	}
	if (r.UserID == 0) == (r.PersonID == 0) {
		v.Add("user", "engagement.error.payee")
	}
	return v.Err()
}

// PayKind is a stipend or a reimbursement.
type PayKind string

// The kinds of what is owed.
const (
	Stipend       PayKind = "stipend"
	Reimbursement PayKind = "reimbursement"
)

// A Payable is one sum owed to a person: a stipend accrued for a meeting
// or a month, or a reimbursement. Source makes accrual idempotent
// ("meeting:12", "month:2026-03").
type Payable struct {
	ID       int64
	UserID   int64
	PersonID int64 // a person without an account, instead of UserID
	Name     string
	Email    string
	// PaymentMethod and Contact are a person without an account's, for
	// the finance office; empty for people with one.
	PaymentMethod collab.PaymentMethod
	Contact       string
	Kind          PayKind
	Source        string
	Description   string
	AmountCents   int64
	PaidOn        collab.Date
}

// Validate checks a reimbursement typed by a convener.
func (p *Payable) Validate() error {
	v := collab.NewValidation()
	p.Description = strings.TrimSpace(p.Description)
	if (p.UserID == 0) == (p.PersonID == 0) {
		v.Add("user", "engagement.error.payee")
	}
	if p.AmountCents <= 0 || p.AmountCents > 100_000_00 {
		v.Add("amount", "error.out_of_range")
	}
	if p.Description == "" {
		v.Add("description", "error.required")
	} else {
		v.Length("description", p.Description, 500)
	}
	return v.Err()
}

// ParseCents reads an amount such as "75", "75.5" or "1,250.00" into
// cents, refusing more than two decimals.
func ParseCents(s string) (int64, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 {
		return 0, fmt.Errorf("amount %q", s)
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w < 0 {
		return 0, fmt.Errorf("amount %q", s)
	}
	var f int64
	if frac != "" {
		for len(frac) < 2 {
			frac += "0"
		}
		if f, err = strconv.ParseInt(frac, 10, 64); err != nil || f < 0 {
			return 0, fmt.Errorf("amount %q", s)
		}
	}
	return w*100 + f, nil
}

// FormatCents writes cents as "1250.00".
func FormatCents(c int64) string { return fmt.Sprintf("%d.%02d", c/100, c%100) }

// Owed is what one person is owed in total, unpaid.
type Owed struct {
	UserID, PersonID    int64
	Name, Email         string
	PaymentMethod       collab.PaymentMethod
	Contact             string
	Stipends, Reimburse int64 // cents, unpaid
	Items               int
}

// Total is the unpaid sum.
func (o Owed) Total() int64 { return o.Stipends + o.Reimburse }

// OwedByPerson sums unpaid payables per person, by name.
func OwedByPerson(ps []Payable) []Owed {
	type payee struct{ user, person int64 }
	by := map[payee]*Owed{}
	for _, p := range ps {
		if !p.PaidOn.IsZero() {
			continue
		}
		k := payee{p.UserID, p.PersonID}
		o := by[k]
		if o == nil {
			o = &Owed{UserID: p.UserID, PersonID: p.PersonID, Name: p.Name, Email: p.Email, PaymentMethod: p.PaymentMethod, Contact: p.Contact}
			by[k] = o
		}
		if p.Kind == Stipend {
			o.Stipends += p.AmountCents
		} else {
			o.Reimburse += p.AmountCents
		}
		o.Items++
	}
	out := make([]Owed, 0, len(by))
	for _, o := range by {
		out = append(out, *o)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		if out[i].UserID != out[j].UserID {
			return out[i].UserID < out[j].UserID
		}
		return out[i].PersonID < out[j].PersonID
	})
	return out
}

// PersonAttendance is a person without an account's record for a meeting:
// present in person or virtually, apologies or absent. They are counted
// among those who came; agreed alternatives are a team's, not theirs.
// TeamID is the team the person is attached to (0 for none or a group):
// a person attached to a team represents it at the team's meetings.
type PersonAttendance struct {
	MeetingID, PersonID int64
	TeamID              int64
	Name                string
	Status              Status
}
