package collab

import (
	"slices"
	"strings"
	"time"
)

// PaymentMethod is how a person without an account prefers to be paid
// (seed 002: fair compensation that fits the person, not the office).
type PaymentMethod string

// The payment methods a finance office can act on.
const (
	PayCheck         PaymentMethod = "check"
	PayDirectDeposit PaymentMethod = "direct_deposit"
	PayGiftCard      PaymentMethod = "gift_card"
	PayMobile        PaymentMethod = "mobile_payment"
	PayCash          PaymentMethod = "cash"
	PayOther         PaymentMethod = "other"
)

// PaymentMethods lists the payment methods, for forms.
var PaymentMethods = []PaymentMethod{PayCheck, PayDirectDeposit, PayGiftCard, PayMobile, PayCash, PayOther}

// A CommunityPerson is a person of a collaborative without an account: a
// community member (seed 002's teen mentors, doulas, neighbours) or a
// lived-experience partner (seed 001), recorded by a convener so they can
// be paid stipends, attend meetings and be counted without signing in.
// UserID is set once they accept an invitation to an account; their
// attendance and what they are owed then belong to that account.
type CommunityPerson struct {
	ID, CollaborativeID int64
	Name                string
	// Contact is how the convener reaches them: a phone, an email or an
	// address, as they prefer.
	Contact       string
	PaymentMethod PaymentMethod
	// TeamID and GroupID attach the person to a team or a group; 0 for
	// neither.
	TeamID, GroupID int64
	TeamName        string
	GroupName       string
	UserID          int64
	CreatedAt       time.Time
}

// HasAccount reports whether the person has taken an account.
func (p *CommunityPerson) HasAccount() bool { return p.UserID != 0 }

// Validate checks a person's fields; the field names are the form's.
func (p *CommunityPerson) Validate() error {
	v := NewValidation()
	p.Name, p.Contact = strings.TrimSpace(p.Name), strings.TrimSpace(p.Contact)
	if p.Name == "" {
		v.Add("personName", "community.error.name")
	} else {
		v.Length("personName", p.Name, 200)
	}
	v.Length("contact", p.Contact, 500)
	if !slices.Contains(PaymentMethods, p.PaymentMethod) {
		v.Add("paymentMethod", "community.error.payment_method")
	}
	return v.Err()
}
