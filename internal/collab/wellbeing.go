package collab

import (
	"strings"
)

// Domain is one of the Five Domains of Wellbeing (Full Frame Initiative):
// the things every person needs and trades off between. The asset-based
// tools tag what they record with the domains it supports or touches.
type Domain string

// The Five Domains of Wellbeing.
const (
	DomainSocial    Domain = "social_connectedness"
	DomainSafety    Domain = "safety"
	DomainStability Domain = "stability"
	DomainMastery   Domain = "mastery"
	DomainAccess    Domain = "access"
)

// Domains lists the Five Domains in display order.
var Domains = []Domain{DomainSocial, DomainSafety, DomainStability, DomainMastery, DomainAccess}

// Valid reports whether d is one of the Five Domains.
func (d Domain) Valid() bool {
	for _, v := range Domains {
		if d == v {
			return true
		}
	}
	return false
}

// ParseDomains reads domains from a list of names (form checkboxes) or one
// separated string ("safety;stability" or "safety, stability"), dropping
// duplicates; it reports the first unknown name.
func ParseDomains(in ...string) ([]Domain, string) {
	var out []Domain
	seen := map[Domain]bool{}
	for _, s := range in {
		for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' || r == '|' }) {
			d := Domain(strings.TrimSpace(f))
			if d == "" {
				continue
			}
			if !d.Valid() {
				return nil, string(d)
			}
			if !seen[d] {
				seen[d] = true
				out = append(out, d)
			}
		}
	}
	return out, ""
}

// JoinDomains writes domains as the store keeps them: "safety;stability".
func JoinDomains(ds []Domain) string {
	s := make([]string, len(ds))
	for i, d := range ds {
		s[i] = string(d)
	}
	return strings.Join(s, ";")
}

// HasDomain reports whether ds holds d.
func HasDomain(ds []Domain, d Domain) bool {
	for _, x := range ds {
		if x == d {
			return true
		}
	}
	return false
}

func checkText(v *Validation, field, s string, required bool, max int) {
	switch {
	case required && strings.TrimSpace(s) == "":
		v.Add(field, "error.required")
	default:
		v.Length(field, s, max)
	}
}
